"""Screens of the escalation ladder: escalate from the household, the escalations waiting for me (with
their age and deadline) and those I raised, and one escalation with its way up the ladder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from toegang.accounts.models import Organisation, Team, User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.models import RegisseurAssignment, Trajectory
from toegang.cases.selectors import CASE_ROLES, team_colleagues, trajectories_visible_to
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.numbers import whole_number
from toegang.common.views import (
    NamedChange,
    apply_change,
    current_user,
    first_rows,
    require_case_worker,
    run_named_change,
    submitted,
    trajectory_or_404,
)
from toegang.network import referrals, selectors, services, socialmap
from toegang.network.forms import (
    AcceptTransferForm,
    DecideForm,
    EscalateForm,
    ForwardForm,
    LadderLevelForm,
    PartnerSignalForm,
    RefuseTransferForm,
    ServiceSearchForm,
    TransferForm,
)
from toegang.network.models import CommunityService, Escalation, EscalationLevel, EscalationStep, Transfer
from toegang.network.socialmap_views import require_social_map_user
from toegang.people import services as people_services
from toegang.people.models import Membership
from toegang.people.selectors import member_ids
from toegang.plans import need_to_know
from toegang.signals import services as signal_services
from toegang.signals.models import Signal


def member_ids_of(household_ids: set[int]) -> set[int]:
    return set(Membership.objects.filter(household_id__in=household_ids).values_list("person_id", flat=True))


LADDER_ROLES = (*CASE_ROLES, User.Role.MANAGER)


def require_ladder_user(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_active or (user.role not in LADDER_ROLES and not user.escalation_levels.exists()):
        raise PermissionDenied(_("Escalaties zijn er voor regisseurs en wie op de escalatieladder staat."))
    return user


def escalate(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    if not RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True, professional=user).exists():
        raise PermissionDenied(_("Alleen de regisseur van het traject escaleert."))
    form = EscalateForm(request.POST or None)
    created: list[Escalation] = []
    if submitted(request, form, lambda d: created.append(services.escalate(actor=user, trajectory=trajectory, **d))):
        return redirect("escalation", escalation_id=created[0].pk)
    first = services.ladder(trajectory.household.municipality_id)[0]
    return render(
        request,
        "network/escalate.html",
        {"trajectory": trajectory, "household": trajectory.household, "form": form, "first": first},
        status=400 if request.method == "POST" else 200,
    )


def escalations(request: HttpRequest) -> HttpResponse:
    """Waiting for me (at a level I hold), with their age at that level, and the ones I raised."""
    user = require_ladder_user(request)
    waiting = list(selectors.waiting_for(user)[:200])
    mine = list(selectors.raised_by(user)[:100])
    on = today()
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="escalaties",
        detail=f"{len(waiting)} wachtend, {len(mine)} zelf geëscaleerd",
    )
    return render(
        request,
        "network/escalations.html",
        {
            "waiting": [(e, (on - e.arrived_on).days) for e in waiting],
            "mine": mine,
            "today": on,
        },
    )


def _escalation_or_404(user: User, escalation_id: int) -> tuple[Escalation, bool, bool]:
    """The escalation, whether the user holds its current level, and whether they may see the dossier.
    Visible to who raised it, to the holders of the levels it passed and to those who see the case."""
    escalation = (
        Escalation.objects.filter(pk=escalation_id)
        .select_related("level", "trajectory__household", "trajectory__team", "raised_by", "decided_by")
        .prefetch_related(Prefetch("steps", queryset=EscalationStep.objects.select_related("level", "by")))
        .first()
    )
    if escalation is None:
        raise Http404
    trajectory = escalation.trajectory
    holder = escalation.status == Escalation.Status.OPEN and selectors.holds(user, escalation.level, trajectory)
    # the dossier's own people: those who may see the whole plan of a case they can open (not a partner
    # who sees only that it exists)
    sees_case = trajectories_visible_to(user).filter(pk=trajectory.pk).exists() and need_to_know.sees_whole_plan_of(
        viewer=user, trajectory_id=trajectory.pk
    )
    passed = any(selectors.holds(user, step.level, trajectory) for step in escalation.steps.all())
    if not (escalation.raised_by_id == user.pk or holder or passed or sees_case):
        log_denied(user=user, object_type="escalation", object_id=escalation_id)
        raise Http404
    return escalation, holder, sees_case


def escalation_page(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user = require_ladder_user(request)
    escalation, holder, sees_case = _escalation_or_404(user, escalation_id)
    upper = [lvl for lvl in services.ladder(escalation.level.municipality_id) if lvl.rank > escalation.level.rank]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=escalation,
        subjects=sorted(member_ids(household_id=escalation.trajectory.household_id)),
    )
    return render(
        request,
        "network/escalation.html",
        {
            "e": escalation,
            "holder": holder,
            "sees_case": sees_case,
            "next_level": upper[0] if upper else None,
            "decide_form": DecideForm(),
            "forward_form": ForwardForm(),
            "can_withdraw": escalation.status == Escalation.Status.OPEN and escalation.raised_by_id == user.pk,
            "age": (today() - escalation.arrived_on).days,
            "today": today(),
        },
    )


@require_POST
def escalation_action(request: HttpRequest, escalation_id: int, action: str) -> HttpResponse:
    user = require_ladder_user(request)
    escalation, _holder, _sees = _escalation_or_404(user, escalation_id)
    calls: dict[str, NamedChange] = {
        "besluiten": (
            DecideForm(request.POST),
            lambda d: services.decide(actor=user, escalation=escalation, **d),
            _("Het besluit is vastgelegd en staat als notitie in het dossier."),
        ),
        "doorzetten": (
            ForwardForm(request.POST),
            lambda d: services.forward(actor=user, escalation=escalation, **d),
            _("De vraag ligt nu bij het volgende niveau."),
        ),
        "intrekken": (
            UtrechtForm(request.POST),
            lambda d: services.withdraw(actor=user, escalation=escalation),
            _("De escalatie is ingetrokken."),
        ),
    }
    run_named_change(request, calls, action)
    return redirect("escalation", escalation_id=escalation.pk)


# --- transfers between teams -----------------------------------------------------------------------------


def transfer_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    teams = (
        Team.objects.filter(area__municipality_id=trajectory.household.municipality_id)
        .exclude(pk=trajectory.team_id)
        .select_related("area")
        .order_by("name")
    )
    pending = (
        Transfer.objects.filter(trajectory=trajectory, status=Transfer.Status.REQUESTED)
        .select_related("to_team", "requested_by")
        .first()
    )
    form = TransferForm(request.POST or None, teams=teams)
    if pending is None and submitted(
        request, form, lambda d: services.request_transfer(actor=user, trajectory=trajectory, **d)
    ):
        messages.success(request, _("Het verzoek om overdracht ligt bij de teamleider van het andere team."))
        return redirect("household", household_id=trajectory.household_id)
    return render(
        request,
        "network/transfer_new.html",
        {"trajectory": trajectory, "household": trajectory.household, "form": form, "pending": pending, "user": user},
        status=400 if request.method == "POST" else 200,
    )


def transfers(request: HttpRequest) -> HttpResponse:
    """For a team lead: requests to take over a trajectory (accept with a regisseur, or refuse), and what
    the team asked of others."""
    user = require_case_worker(request)
    if user.role != User.Role.TEAM_LEAD or user.team_id is None:
        raise PermissionDenied(_("Overdrachten tussen teams beheert de teamleider."))
    related = ("trajectory__household", "from_team", "to_team", "requested_by", "decided_by", "new_regisseur")
    incoming = list(
        Transfer.objects.filter(to_team_id=user.team_id).select_related(*related).order_by("-requested_on", "-pk")[:100]
    )
    outgoing = list(
        Transfer.objects.filter(from_team_id=user.team_id)
        .select_related(*related)
        .order_by("-requested_on", "-pk")[:100]
    )
    members = list(team_colleagues(user=user).order_by("first_name", "last_name"))
    households = {t.trajectory.household_id for t in incoming + outgoing}
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="overdrachten",
        subjects=sorted(member_ids_of(households)),
        detail=f"{len(incoming)} inkomend, {len(outgoing)} uitgaand",
    )
    return render(
        request,
        "network/transfers.html",
        {
            # each request its own form prefix, so that labels and fields stay paired on the page
            "incoming": [
                (t, AcceptTransferForm(members=members, prefix=f"t{t.pk}"), RefuseTransferForm(prefix=f"t{t.pk}"))
                for t in incoming
            ],
            "outgoing": outgoing,
        },
    )


@require_POST
def transfer_action(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    user = require_case_worker(request)
    transfer = (
        Transfer.objects.filter(pk=transfer_id).filter(Q(to_team_id=user.team_id or 0) | Q(requested_by=user)).first()
    )
    if transfer is None:
        log_denied(user=user, object_type="transfer", object_id=transfer_id)
        raise Http404
    members = list(User.objects.filter(team_id=transfer.to_team_id, is_active=True, role__in=CASE_ROLES))
    calls: dict[str, NamedChange] = {
        "accepteren": (
            AcceptTransferForm(request.POST, members=members, prefix=f"t{transfer.pk}"),
            lambda d: services.accept_transfer(actor=user, transfer=transfer, **d),
            _("Het traject is overgenomen; de nieuwe regisseur ziet het in de caseload."),
        ),
        "weigeren": (
            RefuseTransferForm(request.POST, prefix=f"t{transfer.pk}"),
            lambda d: services.refuse_transfer(actor=user, transfer=transfer, **d),
            _("Het verzoek is geweigerd; de aanvrager ziet de reden."),
        ),
        "intrekken": (
            UtrechtForm(request.POST),
            lambda d: services.withdraw_transfer(actor=user, transfer=transfer),
            _("Het verzoek om overdracht is ingetrokken."),
        ),
    }
    run_named_change(request, calls, action)
    if action == "intrekken":
        return redirect("household", household_id=transfer.trajectory.household_id)
    return redirect("transfers")


# --- the social map --------------------------------------------------------------------------------------


@require_safe
def social_map(request: HttpRequest) -> HttpResponse:
    """Search the services of the voorliggend veld of the user's municipality: by words, life domain,
    wijk/kern and target group. No client data, so no audit row."""
    user, municipality_id = require_social_map_user(request)
    form = ServiceSearchForm(request.GET, municipality_id=municipality_id)  # no filters: every service
    rows: list[dict[str, object]] = []
    more = False
    if form.is_valid():
        data = form.cleaned_data
        found = socialmap.search(
            municipality_id,
            text=data["q"] or "",
            domain_id=data["domain"].pk if data["domain"] else None,
            area_id=data["area"].pk if data["area"] else None,
            target_group_id=data["group"].pk if data["group"] else None,
        ).prefetch_related("areas", "domains", "target_groups")
        services, more = first_rows(found, 25)
        rows = [_card(service) for service in services]  # plain values: the template only prints them
    refer_for = None  # referring from a trajectory: each service that answers in Toegang gets a button
    traject = request.GET.get("traject", "")
    if (number := whole_number(traject)) is not None:
        refer_for = trajectories_visible_to(user).filter(pk=number, status=Trajectory.Status.OPEN).first()
        if refer_for is not None and not referrals.may_steer(user, refer_for):
            refer_for = None

    def chosen(name: str) -> int | None:
        value = form.cleaned_data.get(name) if form.is_bound and form.is_valid() else None
        return value.pk if value is not None else None

    selects = [  # rendered by hand: Django's select widget renders each option through a template
        (name, form.fields[name].label, [(o.pk, str(o)) for o in form.fields[name].queryset], chosen(name))  # type: ignore[attr-defined]
        for name in ("domain", "area", "group")
    ]
    return render(
        request,
        "network/social_map.html",
        {"form": form, "rows": rows, "more": more, "selects": selects, "refer_for": refer_for},
    )


def _card(service: CommunityService) -> dict[str, object]:
    return {
        "pk": service.pk,
        "name": service.name,
        "organisation": service.organization_name,
        "closed_loop": service.organisation_id is not None,
        "description": service.description[:300],
        "free": service.free,
        "fees": service.fees,
        "hours": service.opening_hours,
        "domains": ", ".join(d.name for d in service.domains.all()),
        "groups": ", ".join(g.name for g in service.target_groups.all()),
        "eligibility": service.eligibility,
        "areas": ", ".join(a.name for a in service.areas.all()),
        "phone": service.phone,
        "email": service.email,
        "url": service.url,
    }


# --- signals from partner organisations ------------------------------------------------------------------

# the source a partner's signal is registered under, by the kind of organisation that sends it
SOURCE_BY_KIND: dict[str, str] = {
    Organisation.Kind.WELFARE: Signal.Source.WELFARE,
    Organisation.Kind.YOUTH_HEALTH: Signal.Source.JGZ,
}


def require_reporter(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_active or user.role != User.Role.REPORTER or user.organisation is None:
        raise PermissionDenied(_("Melden via dit formulier is voor accounts van partnerorganisaties."))
    return user


def partner_signal_new(request: HttpRequest) -> HttpResponse:
    """A partner organisation's account reports a worry about a resident; the signal goes to the team the
    account sends to. The reporter sees a reference and what happens next — never the case."""
    user = require_reporter(request)
    form = PartnerSignalForm(request.POST or None)
    created: list[Signal] = []

    def register(data: dict[str, Any]) -> None:
        if user.team is None:
            raise DomainError(
                _("Uw account heeft geen team om meldingen naar te sturen; vraag de functioneel beheerder.")
            )
        with transaction.atomic():
            person = people_services.register_person(
                actor=user,
                bsn=data["bsn"] or None,
                voornamen=data["voornamen"],
                voorvoegsel=data["voorvoegsel"],
                geslachtsnaam=data["geslachtsnaam"],
                geboortedatum=data["geboortedatum"],
                postcode=data["postcode"],
                huisnummer=data["huisnummer"],
            )
            assert user.organisation is not None  # noqa: S101 - require_reporter
            created.append(
                signal_services.register_signal(
                    actor=user,
                    team=user.team,
                    source=SOURCE_BY_KIND.get(user.organisation.kind, Signal.Source.OTHER),
                    channel=Signal.Channel.PARTNER,
                    received_on=today(),
                    description=data["description"],
                    persons=[person],
                    urgency=data["urgency"],
                    reporter=f"{user.get_full_name() or user.username}, {user.organisation.name} ({data['contact']})",
                )
            )

    if submitted(request, form, register):
        return redirect("partner-signal-done", signal_id=created[0].pk)
    return render(request, "network/partner_signal.html", {"form": form}, status=400 if form.errors else 200)


def partner_signal_done(request: HttpRequest, signal_id: int) -> HttpResponse:
    user = require_reporter(request)
    signal = Signal.objects.filter(pk=signal_id, registered_by=user).only("pk", "received_on", "urgency").first()
    if signal is None:
        raise Http404
    return render(request, "network/partner_signal_done.html", {"signal": signal})


def partner_signals(request: HttpRequest) -> HttpResponse:
    """My signals with only whether and when the Toegang picked them up."""
    user = require_reporter(request)
    rows = list(
        Signal.objects.filter(registered_by=user)
        .only("pk", "received_on", "status", "triaged_on")
        .order_by("-received_on", "-pk")[:200]
    )
    return render(request, "network/partner_signals.html", {"rows": rows})


# --- the ladder's configuration ---------------------------------------------------------------------------


def ladder_settings(request: HttpRequest) -> HttpResponse:
    """For the functional administrator: the municipality's escalation ladder, its names and who decides on
    the levels with named holders."""
    user = current_user(request)
    if not user.is_active or user.role != User.Role.FUNCTIONAL_ADMIN or user.municipality_id is None:
        raise PermissionDenied(_("De escalatieladder stelt de functioneel beheerder in."))
    levels = services.ladder(user.municipality_id)
    users = list(
        User.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by("first_name", "last_name")
    )
    holders: dict[int, list[int]] = {level.pk: [] for level in levels}
    for level_id, user_id in EscalationLevel.holders.through.objects.filter(escalationlevel_id__in=holders).values_list(
        "escalationlevel_id", "user_id"
    ):
        holders[level_id].append(user_id)
    if request.method == "POST":
        level = next((lvl for lvl in levels if str(lvl.pk) == request.POST.get("level")), None)
        if level is None:
            raise Http404
        form = LadderLevelForm(request.POST, users=users, prefix=f"l{level.pk}")
        apply_change(
            request,
            form,
            lambda d: services.configure_level(actor=user, level=level, **d),
            _("Het niveau is bijgewerkt."),
        )
        return redirect("ladder-settings")
    rows = [
        (
            level,
            LadderLevelForm(
                users=users, prefix=f"l{level.pk}", initial={"title": level.title, "holders": holders[level.pk]}
            ),
        )
        for level in levels
    ]
    return render(request, "network/ladder_settings.html", {"rows": rows})
