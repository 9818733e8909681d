"""Break-the-glass screens: ask for emergency access, the privacy officer's reviews, messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.audit.views import require_privacy_officer
from toegang.common.views import current_user, require_case_worker, submitted
from toegang.privacy import context, services
from toegang.privacy.forms import EmergencyForm, ReviewForm
from toegang.privacy.models import EmergencyAccess, Message


def emergency_start(request: HttpRequest) -> HttpResponse:
    user = require_case_worker(request)
    form = EmergencyForm(request.POST or None)
    started: list[EmergencyAccess] = []
    ok = submitted(request, form, lambda d: started.append(services.start_emergency_access(actor=user, **d)))
    if isinstance(form.domain_error, services.AlreadyVisible):
        messages.info(request, form.domain_error.message)
        return redirect("household", household_id=form.domain_error.household_id)
    if ok:
        access = started[0]
        context.remember(request, access_id=access.pk, expires_at=access.expires_at)
        messages.warning(
            request,
            _(
                "Noodtoegang tot %(time)s. De privacyfunctionaris en de regisseur zijn op de hoogte gebracht; "
                "de toegang wordt achteraf beoordeeld."
            )
            % {"time": timezone.localtime(access.expires_at).strftime("%H:%M")},
        )
        return redirect("household", household_id=access.household_id)
    return render(request, "privacy/emergency.html", {"form": form}, status=400 if form.errors else 200)


def emergency_reviews(request: HttpRequest) -> HttpResponse:
    require_privacy_officer(request)
    open_reviews = list(
        EmergencyAccess.objects.filter(reviewed_at__isnull=True)
        .select_related("user__organisation", "household")
        .order_by("started_at")[:200]
    )
    done = list(
        EmergencyAccess.objects.filter(reviewed_at__isnull=False)
        .select_related("user", "household", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )
    rows = [(access, ReviewForm(auto_id=f"id_review{access.pk}_%s")) for access in open_reviews]
    return render(request, "privacy/reviews.html", {"rows": rows, "done": done, "now": timezone.now()})


@require_POST
def emergency_review(request: HttpRequest, access_id: int) -> HttpResponse:
    user = require_privacy_officer(request)
    access = EmergencyAccess.objects.filter(pk=access_id).select_related("household").first()
    if access is None:
        raise Http404
    form = ReviewForm(request.POST, auto_id=f"id_review{access.pk}_%s")
    if submitted(request, form, lambda d: services.review_emergency_access(actor=user, access=access, **d)):
        messages.success(request, _("De noodtoegang is beoordeeld."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("emergency-reviews")


def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = list(Message.objects.filter(recipient=user).order_by("-created_at")[:100])
    Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "privacy/inbox.html", {"rows": rows})
