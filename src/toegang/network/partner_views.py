"""Screens of the network: the functional administrator's contact persons and agreements, the network of
a wijk/kern for the municipality's staff, and the network part of steering (partners' compliance with
their agreements, escalations, referral outcomes). None of these pages shows data about residents, so
they write no audit row on reading."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from toegang.accounts.models import Area, User
from toegang.common import periods
from toegang.common.dates import today
from toegang.common.forms import UtrechtForm
from toegang.common.views import current_user, submitted
from toegang.network import partners
from toegang.network.models import ContactPerson, PartnerAgreement, Referral
from toegang.network.partner_forms import AgreementForm, ContactPersonForm, EndAgreementForm

NETWORK_ROLES = (User.Role.PROFESSIONAL, User.Role.TEAM_LEAD, User.Role.MANAGER, User.Role.FUNCTIONAL_ADMIN)
STEERING_ROLES = (User.Role.TEAM_LEAD, User.Role.MANAGER, User.Role.FUNCTIONAL_ADMIN)


def _require(request: HttpRequest, roles: tuple[str, ...], reason: str) -> tuple[User, int]:
    user = current_user(request)
    if not user.is_active or user.role not in roles or user.municipality_id is None:
        raise PermissionDenied(reason)
    return user, user.municipality_id


# --- the functional administrator's page -------------------------------------------------------------------


def network_admin(request: HttpRequest) -> HttpResponse:
    """Organisations with their contact persons and agreements; add and remove contact persons, add and end
    agreements. An invalid change shows the page again with the message at the field (400)."""
    user, municipality_id = _require(
        request,
        (User.Role.FUNCTIONAL_ADMIN,),
        _("Contactpersonen en afspraken met partners beheert de functioneel beheerder."),
    )
    rows = partners.network_admin(municipality_id=municipality_id)
    organisations = [row.organisation for row in rows]
    areas = list(Area.objects.filter(municipality_id=municipality_id).order_by("name"))
    choices: dict[str, Any] = {"organisations": organisations}
    contact_form = ContactPersonForm(prefix="cp", areas=areas, **choices)
    agreement_form = AgreementForm(prefix="ag", **choices)
    bound_end: tuple[int, EndAgreementForm] | None = None
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        done = ""
        if action == "contactpersoon-toevoegen":
            contact_form = ContactPersonForm(request.POST, prefix="cp", areas=areas, **choices)
            ok = submitted(request, contact_form, lambda d: partners.add_contact_person(actor=user, **d))
            done = _("De contactpersoon is toegevoegd.")
        elif action == "afspraak-toevoegen":
            agreement_form = AgreementForm(request.POST, prefix="ag", **choices)
            ok = submitted(request, agreement_form, lambda d: partners.add_agreement(actor=user, **d))
            done = _("De afspraak is vastgelegd.")
        elif action == "afspraak-beeindigen":
            agreement = _own(PartnerAgreement, request, municipality_id)
            end_form = EndAgreementForm(request.POST, prefix=f"a{agreement.pk}")
            bound_end = (agreement.pk, end_form)
            ok = submitted(request, end_form, lambda d: partners.end_agreement(actor=user, agreement=agreement, **d))
            done = _("De einddatum van de afspraak is vastgelegd.")
        elif action == "contactpersoon-verwijderen":
            contact = _own(ContactPerson, request, municipality_id)
            remove_form = UtrechtForm(request.POST)
            ok = submitted(
                request, remove_form, lambda d: partners.remove_contact_person(actor=user, contact_person=contact)
            )
            error = remove_form.domain_error.message if remove_form.domain_error else ""
            done = _("De contactpersoon is verwijderd.")
        else:
            raise Http404
        if ok:
            messages.success(request, done)
            return redirect("network-admin")
    on = today()
    page = [
        (
            row,
            [
                (
                    agreement,
                    agreement.valid_until is None
                    or agreement.valid_until >= on
                    or (bound_end is not None and bound_end[0] == agreement.pk),
                    bound_end[1]
                    if bound_end and bound_end[0] == agreement.pk
                    else EndAgreementForm(prefix=f"a{agreement.pk}"),
                )
                for agreement in row.agreements
            ],
        )
        for row in rows
    ]
    return render(
        request,
        "network/partners/admin.html",
        {"rows": page, "contact_form": contact_form, "agreement_form": agreement_form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


def _own(model: type[ContactPerson] | type[PartnerAgreement], request: HttpRequest, municipality_id: int) -> Any:
    """The contact person or agreement posted (field ``id``) of the user's municipality; else 404."""
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError:
        raise Http404 from None
    found = model.objects.filter(pk=pk, municipality_id=municipality_id).first()
    if found is None:
        raise Http404
    return found


# --- the network of an area --------------------------------------------------------------------------------


def area_network(request: HttpRequest, area_id: int | None = None) -> HttpResponse:
    """Pick a wijk or kern of the municipality; its teams, contact persons per organisation, services on
    the social map and the agreements with the organisations there."""
    user, municipality_id = _require(
        request, NETWORK_ROLES, _("Het netwerk per wijk is er voor de medewerkers van de gemeente.")
    )
    areas = list(Area.objects.filter(municipality_id=municipality_id).order_by("name").values_list("pk", "name"))
    if area_id is None and user.team is not None and any(pk == user.team.area_id for pk, _name in areas):
        area_id = user.team.area_id  # the own team's wijk first
    network = None
    if area_id is not None:
        if area_id not in {pk for pk, _name in areas}:
            raise Http404
        try:
            network = partners.area_network(municipality_id=municipality_id, area_id=area_id)
        except Area.DoesNotExist:
            raise Http404 from None
    return render(request, "network/partners/area.html", {"areas": areas, "network": network, "chosen": area_id})


# --- steering ---------------------------------------------------------------------------------------------


def steering(request: HttpRequest) -> HttpResponse:
    """Per month or quarter (the current quarter when none is chosen), with the period before it: how the
    partners kept their agreements, the escalations and the outcomes of referrals."""
    _user, municipality_id = _require(
        request, STEERING_ROLES, _("De sturing op het netwerk is er voor teamleiders, managers en beheerders.")
    )
    on = today()
    choices = periods.recent_periods(on)
    code = request.GET.get("periode", "")
    error = ""
    try:
        period = periods.Period.parse(code) if code else choices[0]
    except ValueError:
        period, error = choices[0], _("Periode: kies een maand of kwartaal uit de lijst.")
    previous = period.previous()
    figures = [
        (
            p,
            partners.compliance(municipality_id=municipality_id, period=p, as_of=on),
            partners.escalation_figures(municipality_id=municipality_id, period=p),
            partners.referral_outcomes(municipality_id=municipality_id, period=p),
        )
        for p in (period, previous)
    ]
    (_p, current, escalations, outcomes), (_q, before, earlier, _o) = figures
    shares = {
        c.organisation_id: (
            c.answer.share if c.answer else None,
            c.start.share if c.start else None,
        )
        for c in before
    }
    return render(
        request,
        "network/partners/steering.html",
        {
            "period": period,
            "previous": previous,
            "choices": [(p.code, p.label) for p in choices]
            + ([] if period in choices else [(period.code, period.label)]),
            "error": error,
            "compliance": [(c, shares.get(c.organisation_id, (None, None))) for c in current if c.answer or c.start],
            "capacity": [c for c in current if c.capacity],
            "escalations": escalations,
            "earlier": earlier,
            "outcomes": outcomes,
            "final_labels": [Referral.Status(s).label for s in partners.FINAL],
            "helped_labels": [label for _v, label in Referral.Helped.choices],
        },
        status=400 if error else 200,
    )
