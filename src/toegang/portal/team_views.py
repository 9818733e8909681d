"""The team's side of representation: recording who legally represents a member of a household (and so
may act for them in the portal), and ending it. On the person page of the household (cases/views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.cases.views import member_or_404
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.views import require_case_worker, submitted
from toegang.portal import selectors, services
from toegang.portal.forms import RepresentationForm
from toegang.portal.models import Representation


@require_POST
def representation_add(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    user = require_case_worker(request)
    household, membership = member_or_404(user, household_id, person_id)
    form = RepresentationForm(request.POST)
    if submitted(request, form, lambda d: services.record_representation(actor=user, person=membership.person, **d)):
        messages.success(request, _("De vertegenwoordiging is vastgelegd."))
        return redirect("household-person", household_id=household.pk, person_id=membership.person_id)
    context = {
        "household": household,
        "person": membership.person,
        "representations": selectors.representations_of(membership.person),
        "representation_form": form,
    }
    return render(request, "portal/representation_form.html", context, status=400)


@require_POST
def representation_end(request: HttpRequest, household_id: int, person_id: int, representation_id: int) -> HttpResponse:
    user = require_case_worker(request)
    household, membership = member_or_404(user, household_id, person_id)
    representation = Representation.objects.filter(pk=representation_id, person_id=membership.person_id).first()
    if representation is None:
        raise Http404
    try:
        services.end_representation(actor=user, representation=representation, on=today())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("De vertegenwoordiging is beëindigd; het portaal laat haar vanaf nu niet meer toe.")
        )
    return redirect("household-person", household_id=household.pk, person_id=membership.person_id)
