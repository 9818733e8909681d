"""Screens of referrals: refer from the household (to a service found on the social map or to a partner
organisation), one referral with its history and the steps the viewer may take, and the list of
referrals for the receiving organisation (the partner role) and for the regisseur."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.selectors import CASE_ROLES
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.numbers import whole_number
from toegang.common.views import current_user, first_rows, require_case_worker, submitted, trajectory_or_404
from toegang.network import partners, referrals
from toegang.network.forms import (
    AnswerReferralForm,
    CompleteReferralForm,
    ReferralForm,
    SendReferralForm,
    StartReferralForm,
    WithdrawReferralForm,
)
from toegang.network.models import CommunityService, Referral, ReferralEvent
from toegang.people.selectors import current_members
from toegang.plans import selectors as plan_selectors

S = Referral.Status


def referral_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    service = None
    service_id = request.GET.get("dienst", "")
    if (number := whole_number(service_id)) is not None:
        service = (
            CommunityService.objects.filter(pk=number, municipality_id=trajectory.household.municipality_id)
            .select_related("organisation")
            .first()
        )
    persons = [m.person for m in current_members(household=trajectory.household, on=today())]
    goals = plan_selectors.open_goals(trajectory=trajectory)
    municipality_id = trajectory.household.municipality_id
    partners_here = partners.organisations_for(municipality_id).exclude(kind=Organisation.Kind.MUNICIPALITY)
    organisations = [] if service else list(partners_here)
    form = ReferralForm(
        request.POST or None,
        persons=persons,
        organisations=organisations,
        goals=goals,
        initial={"categories": ["contact"]},
    )
    created: list[Referral] = []
    if submitted(
        request,
        form,
        lambda d: created.append(referrals.propose(actor=user, trajectory=trajectory, service=service, **d)),
    ):
        messages.success(request, _("Verwijzing voorbereid. Kies de grondslag en verstuur hem."))
        return redirect("referral", referral_id=created[0].pk)
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=trajectory,
        subjects=[p.pk for p in persons],
        detail="verwijzing voorbereiden",
    )
    return render(
        request,
        "network/referral_new.html",
        {"trajectory": trajectory, "household": trajectory.household, "form": form, "service": service},
        status=400 if request.method == "POST" else 200,
    )


def _referral_or_404(user: User, referral_id: int) -> Referral:
    referral = (
        referrals.visible_to(user)
        .filter(pk=referral_id)
        .select_related(
            "trajectory__household",
            "trajectory__team",
            "organisation",
            "service",
            "person",
            "goal__domain",
            "consent",
            "created_by",
        )
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.select_related("by")))
        .first()
    )
    if referral is None:
        log_denied(user=user, object_type="referral", object_id=referral_id)
        raise Http404
    return referral


def _forms(user: User, referral: Referral, posted: tuple[str, Any]) -> dict[str, Any]:
    """The steps the viewer may take now, as forms; ``posted`` binds the submitted one."""
    steer = referrals.may_steer(user, referral.trajectory)
    receive = referrals.receives(user, referral)
    possible: dict[str, tuple[type, dict[str, Any]]] = {}
    if steer and referral.status == S.PROPOSED:
        possible["versturen"] = (SendReferralForm, {})
    if steer and referral.status in (S.PROPOSED, S.SENT, S.ACCEPTED):
        possible["intrekken"] = (WithdrawReferralForm, {})
    if receive and referral.status == S.SENT:
        possible["beantwoorden"] = (AnswerReferralForm, {})
    if receive and referral.status == S.ACCEPTED:
        possible["start"] = (StartReferralForm, {"initial": {"on": today()}})
    if receive and referral.status == S.STARTED:
        possible["afronden"] = (CompleteReferralForm, {"initial": {"on": today()}})
    forms = {}
    for name, (cls, kwargs) in possible.items():
        data = posted[1] if posted[0] == name else None
        forms[name] = cls(data, prefix=name, **({} if data is not None else kwargs))
    return forms


def _choice(post: Any, options: dict[str, bool], rule: str) -> bool:
    """Which of the form's buttons was pressed; a post without one changes nothing."""
    value = post.get("keuze", "")
    if value not in options:
        raise DomainError(f"Keuze: {rule}.")
    return options[value]


def _call(action: str, user: User, referral: Referral, data: dict[str, Any], post: Any) -> object:
    if action == "versturen":
        return referrals.send(actor=user, referral=referral, basis=data["basis"])
    if action == "intrekken":
        return referrals.withdraw(actor=user, referral=referral, reason=data["reason"])
    if action == "beantwoorden":
        choice = _choice(post, {"accepteren": True, "afwijzen": False}, "kies Accepteren of Afwijzen")
        return referrals.answer(actor=user, referral=referral, accept=choice, remark=data["remark"])
    if action == "start":
        choice = _choice(post, {"gestart": True, "niet_verschenen": False}, "kies gekomen of niet verschenen")
        return referrals.report_start(
            actor=user, referral=referral, started=choice, on=data["on"], remark=data["remark"]
        )
    return referrals.complete(
        actor=user, referral=referral, helped=data["helped"], feedback=data["feedback"], on=data["on"]
    )


def referral_page(request: HttpRequest, referral_id: int, action: str = "") -> HttpResponse:
    user = current_user(request)
    referral = _referral_or_404(user, referral_id)
    posting = request.method == "POST"
    forms = _forms(user, referral, (action, request.POST) if posting else ("", None))
    status = 200
    if posting:
        if action not in forms:
            raise PermissionDenied(_("Deze stap kunt u bij deze verwijzing nu niet zetten."))
        if submitted(request, forms[action], lambda d: _call(action, user, referral, d, request.POST)):
            now = Referral.objects.get(pk=referral.pk)  # what the step made of it, named in the message
            messages.success(
                request,
                _("Vastgelegd: de verwijzing naar %(to)s is nu ‘%(status)s’.")
                % {"to": referral.organisation, "status": now.get_status_display().lower()},
            )
            return redirect("referral", referral_id=referral.pk)
        status = 400
    steer = referrals.may_steer(user, referral.trajectory)
    on = today()
    receiving = referral.organisation_id == user.organisation_id
    content = not receiving or referrals.shows_content(referral=referral, on=on)
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=referral,
        subjects=[referral.person_id] if content else [],
        legal_basis=f"toestemming {referral.consent_id}" if referral.consent_id else referral.legal_basis,
        detail="" if content else "grondslag vervallen: alleen de status",
    )
    return render(
        request,
        "network/referral.html",
        {
            "r": referral,
            "steer": steer,
            "content": content,
            "forms": forms,
            "shares_contact": "contact" in referral.categories,
            "today": on,
        },
        status=status,
    )


def referral_list(request: HttpRequest) -> HttpResponse:
    """For the receiving organisation's people: what came in (open first, the most urgent first). For
    the regisseur: the open referrals of their cases."""
    user = current_user(request)
    receiving = user.role in referrals.RECEIVING_ROLES and user.organisation_id is not None
    own = user.role in CASE_ROLES
    if not user.is_active or not (receiving or own):
        raise PermissionDenied(_("Verwijzingen zijn er voor de regie en de ontvangende organisaties."))
    rows, more = first_rows(referrals.incoming(user=user), 200) if receiving else ([], False)
    on = today()
    incoming = [(r, referrals.shows_content(referral=r, on=on)) for r in rows]
    sent = (  # the open referrals of the cases the user is regisseur of now
        list(
            referrals.visible_to(user)
            .filter(
                closed_on__isnull=True,
                trajectory__regisseur_assignments__professional=user,
                trajectory__regisseur_assignments__end_date__isnull=True,
            )
            .select_related("organisation", "service", "trajectory__household")
            .order_by("feedback_due_on", "-pk")[:200]
        )
        if own
        else []
    )
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="verwijzingen",
        subjects=sorted({r.person_id for r, shown in incoming if shown} | {r.person_id for r in sent}),
        detail=f"{len(incoming)} inkomend, {len(sent)} verstuurd",
    )
    return render(
        request,
        "network/referrals.html",
        {"incoming": incoming, "more": more, "sent": sent, "receiving": receiving, "today": on},
    )
