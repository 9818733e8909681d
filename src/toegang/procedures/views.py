"""Screens of the statutory procedures: start one from the household, follow its clocks, record steps,
suspend, resume or extend a term; the due-soon and overdue list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.selectors import CASE_ROLES, trajectories_visible_to
from toegang.common.dates import today
from toegang.common.forms import UtrechtForm
from toegang.common.views import (
    NamedChange,
    apply_change,
    require_case_reader,
    require_case_worker,
    run_named_change,
    submitted,
    trajectory_or_404,
)
from toegang.istandaarden.models import Request
from toegang.istandaarden.selectors import is_backoffice
from toegang.people.models import Membership, Person
from toegang.plans import need_to_know
from toegang.privacy.context import refuse_steering_under_emergency
from toegang.procedures import decisions, guide, letters, selectors, services
from toegang.procedures.forms import (
    DecisionForm,
    DiscardForm,
    ExtendForm,
    ObjectionDecisionForm,
    ObjectionForm,
    ProvisionForm,
    ResumeForm,
    SendForm,
    StartForm,
    StepForm,
    SuspendForm,
    WithdrawForm,
)
from toegang.procedures.models import Decision, Objection, Procedure

FORMS = {"stap": StepForm, "opschorten": SuspendForm, "hervatten": ResumeForm, "verlengen": ExtendForm}


def _require_whole(user: User, trajectory_id: int, *, steer: bool) -> None:
    """The statutory procedure is the municipality's own work: the regisseur and the municipality's
    staff follow it; a partner professional sees only that it exists (on the household page). Under
    break-the-glass it can be read, not moved on (``steer``: the request changes it)."""
    if steer:
        refuse_steering_under_emergency(user, trajectory_id)
    if not need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory_id):
        raise PermissionDenied(_("De wettelijke procedure volgen de regisseur en de medewerkers van de gemeente."))


def _procedure_or_404(user: User, procedure_id: int, *, steer: bool = True) -> Procedure:
    procedure = (
        Procedure.objects.filter(pk=procedure_id, trajectory__in=trajectories_visible_to(user).values("pk"))
        .select_related("person", "trajectory__household", "created_by")
        .prefetch_related("pauses")
        .first()
    )
    if procedure is None:
        log_denied(user=user, object_type="procedure", object_id=procedure_id)
        raise Http404
    _require_whole(user, procedure.trajectory_id, steer=steer)
    return procedure


def procedure_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_whole(user, trajectory.pk, steer=True)
    members = _members_for_a_melding(trajectory.household_id)
    form = StartForm(request.POST or None, members=members, initial={"reported_on": today(), "law": "wmo"})
    created: list[Procedure] = []
    if submitted(
        request, form, lambda d: created.append(services.start_procedure(actor=user, trajectory=trajectory, **d))
    ):
        messages.success(request, _("De procedure is gestart; de termijnen lopen."))
        return redirect("procedure", procedure_id=created[0].pk)
    context = {"household": trajectory.household, "title": _("Wettelijke procedure starten"), "form": form}
    return render(request, "cases/form.html", context, status=400 if form.errors else 200)


def _members_for_a_melding(household_id: int) -> QuerySet[Person]:
    """Who a melding can be about: the household's members, those living there now first; a former member stays
    choosable for a melding from their time in the household, marked with the day they left (``left_on``)."""
    here = Q(memberships__household_id=household_id)
    now = Membership.objects.filter(household_id=household_id, person=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today())
    )
    return (
        Person.objects.filter(here)
        .annotate(current=Exists(now), left_on=Max("memberships__end_date", filter=here))
        .order_by("-current", "voornamen", "pk")
    )


def _clock_choices(running: list[selectors.Clock]) -> dict[str, list[tuple[str, str]]]:
    """Per form the municipality's running terms it applies to: suspend one that runs, resume one that is
    suspended, extend one not extended before (Awb 4:14 allows it once)."""
    own = [c for c in running if not c.resident and c.done_on is None]
    return {
        "opschorten": [(c.code, c.label) for c in own if not c.paused],
        "hervatten": [(c.code, c.label) for c in own if c.paused],
        "verlengen": [(c.code, c.label) for c in own if not c.extended],
    }


def _forms(
    procedure: Procedure, running: list[selectors.Clock], first_step: str, data: Any = None, posted: str = ""
) -> dict[str, Any]:
    day = {"day": today(), "start": today(), "end": today(), "notified_on": today(), "length": 2, "unit": "weken"}
    choices = _clock_choices(running)
    built: dict[str, Any] = {}
    for key, form_class in FORMS.items():
        kwargs: dict[str, Any] = (
            {"steps": guide.step_choices(procedure, services.STEPS[procedure.law])}
            if key == "stap"
            else {"clocks": choices[key]}
        )
        initial = {**day, "step": first_step} if key == "stap" else day
        built[key] = form_class(data if key == posted else None, initial=initial, prefix=key, **kwargs)
    return built


def procedure_page(request: HttpRequest, procedure_id: int) -> HttpResponse:
    user = require_case_reader(request)
    procedure = _procedure_or_404(user, procedure_id, steer=request.method == "POST")
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and posted not in FORMS:
        raise Http404
    if posted:
        require_case_worker(request)
    return _page(request, user, procedure, posted=posted)


def _page(
    request: HttpRequest,
    user: User,
    procedure: Procedure,
    *,
    posted: str = "",
    refused: tuple[str, UtrechtForm] | None = None,
) -> HttpResponse:
    """The procedure page; with ``posted`` one of its own forms (a step, suspension, resumption or extension)
    is applied, or shown refused. ``refused``: a change posted to its own URL (a beschikking, a provision) that
    was refused, shown with its input kept (the context name of the form, the bound form)."""
    municipality = procedure.trajectory.household.municipality_id
    rules = selectors.rules_for([municipality])
    clocks = selectors.clocks_of(procedure, municipality_id=municipality, rules=rules, on=today())
    # the step a "Vastleggen" link of Wat nu chose (?stap=…); otherwise the form starts at "Kies een stap…": a
    # statutory step (it closes a term) is never recorded by one click on a form left as it was
    first_step = request.GET.get("stap", "")
    forms = _forms(procedure, clocks, first_step, request.POST, posted)
    if posted:
        calls = {
            "stap": lambda d: services.record_step(actor=user, procedure=procedure, **d),
            "opschorten": lambda d: services.suspend(actor=user, procedure=procedure, **d),
            "hervatten": lambda d: services.resume(actor=user, procedure=procedure, **d),
            "verlengen": lambda d: services.extend(actor=user, procedure=procedure, **d),
        }
        if submitted(request, forms[posted], calls[posted]):
            messages.success(request, _("Vastgelegd; de termijnen zijn opnieuw berekend."))
            return redirect("procedure", procedure_id=procedure.pk)
    its_decisions = list(  # read for the page shown only: a step that was recorded redirects
        procedure.decisions.prefetch_related(
            "provisions__category", "provisions__provider", "objections"
        ).select_related("created_by", "approved_by")
    )
    advice = guide.next_steps(procedure, clocks, its_decisions, on=today())
    audit.record(actor=user, action=audit.Action.READ, obj=procedure, subjects=[procedure.person_id])
    decision_rows = [
        {
            "decision": d,
            "total_cents": decisions.total_cents(d),
            "objections": [(o, decisions.objection_deadline(o)) for o in d.objections.all()],
        }
        for d in its_decisions
    ]
    context = {
        "decision_rows": decision_rows,
        "decision_in_preparation": any(d.status != Decision.Status.SENT for d in its_decisions),
        "advice": advice,
        "decision_form": DecisionForm(initial={"outcome": "toegekend"}),
        "provision_form": ProvisionForm(law=procedure.law, initial={"start_date": today(), "delivery": "zin"}),
        "send_form": SendForm(initial={"on": today()}),
        "discard_form": DiscardForm(),
        "withdraw_form": WithdrawForm(initial={"on": today()}),
        "objection_form": ObjectionForm(initial={"received_on": today()}),
        "objection_decision_form": ObjectionDecisionForm(initial={"decided_on": today()}),
        "procedure": procedure,
        "household": procedure.trajectory.household,
        "clocks": clocks,
        "forms": forms,
        "posted": posted,
        "refused_form": forms.get(posted),  # a refused step, suspension or extension: listed at the top
        "today": today(),
        "open": procedure.status in selectors.OPEN,
        "can_edit": user.role in CASE_ROLES or user.is_superuser,
        # a provider's open request for this client: the decision made here may answer it (its 301)
        "provider_requests": list(
            Request.objects.filter(
                person_id=procedure.person_id,
                law=procedure.law,
                status__in=(Request.Status.OPEN, Request.Status.INVESTIGATING),
            ).select_related("provider")
        ),
        "is_backoffice": is_backoffice(user),
    }
    if refused is not None:
        context[refused[0]] = context["refused_form"] = refused[1]
        context["refused_name"] = refused[0]
    return render(request, "procedures/procedure.html", context, status=400 if posted or refused else 200)


@require_POST
def procedure_withdraw(request: HttpRequest, procedure_id: int) -> HttpResponse:
    user = require_case_worker(request)
    procedure = _procedure_or_404(user, procedure_id)

    return _apply_on_page(
        request, user, procedure, "withdraw_form", WithdrawForm(request.POST),
        lambda d: services.withdraw(actor=user, procedure=procedure, on=d["on"]),
        _("De procedure is ingetrokken; de termijnen zijn gestopt."),
    )  # fmt: skip


def deadlines(request: HttpRequest) -> HttpResponse:
    """Terms that ran out or run out within five working days: mine, or my team's."""
    user = require_case_worker(request)
    lead = user.role == User.Role.TEAM_LEAD  # has no caseload of their own: the team's terms come first
    team = request.GET.get("wie", "team" if lead else "eigen") == "team" and user.team_id is not None
    rows = selectors.due_list(user=user, team=team, on=today())
    awaiting = selectors.awaiting_approval(user)
    persons = sorted({r.procedure.person_id for r in rows} | {d.procedure.person_id for d in awaiting})
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="termijnen",
        subjects=persons,
        detail=f"{len(rows)} termijnen ({'team' if team else 'eigen'})"
        + (f", {len(awaiting)} ter akkoord" if lead else ""),
    )
    context = {"rows": rows, "team": team, "today": today(), "awaiting": awaiting, "lead": lead}
    return render(request, "procedures/deadlines.html", context)


# ---- decisions (beschikkingen) and objections: each change posts to its own small view and comes back
# ---- to the procedure page with a message that names the field when the input was refused.


def _decision_or_404(user: User, decision_id: int, *, steer: bool = True) -> Decision:
    decision = (
        Decision.objects.filter(pk=decision_id, procedure__trajectory__in=trajectories_visible_to(user).values("pk"))
        .select_related("procedure__person", "procedure__trajectory__household__municipality")
        .first()
    )
    if decision is None:
        log_denied(user=user, object_type="decision", object_id=decision_id)
        raise Http404
    _require_whole(user, decision.procedure.trajectory_id, steer=steer)
    return decision


def _apply_on_page(
    request: HttpRequest,
    user: User,
    procedure: Procedure | int,
    name: str,
    form: UtrechtForm,
    call: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A change with more to type than a date (a beschikking and its reasoning, a provision, a withdrawal): done,
    the page says ``done``; refused, the procedure page comes back with the form open, its input kept and the
    message at the top. ``procedure``: the one loaded already, or its id (then loaded only for the refusal)."""
    procedure_id = procedure if isinstance(procedure, int) else procedure.pk
    if submitted(request, form, call):
        messages.success(request, done)
        return redirect("procedure", procedure_id=procedure_id)
    page_of = procedure if isinstance(procedure, Procedure) else _procedure_or_404(user, procedure_id)
    return _page(request, user, page_of, refused=(name, form))


@require_POST
def decision_new(request: HttpRequest, procedure_id: int) -> HttpResponse:
    user = require_case_worker(request)
    procedure = _procedure_or_404(user, procedure_id)

    return _apply_on_page(
        request, user, procedure, "decision_form", DecisionForm(request.POST),
        lambda d: decisions.draft_decision(actor=user, procedure=procedure, **d),
        _("De beschikking staat als concept klaar."),
    )  # fmt: skip


@require_POST
def provision_add(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = require_case_worker(request)
    decision = _decision_or_404(user, decision_id)
    form = ProvisionForm(request.POST, law=decision.procedure.law)

    return _apply_on_page(
        request, user, decision.procedure_id, "provision_form", form,
        lambda _d: decisions.add_provision(actor=user, decision=decision, **form.service_arguments()),
        _("De voorziening is toegevoegd."),
    )  # fmt: skip


@require_POST
def decision_action(request: HttpRequest, decision_id: int, action: str) -> HttpResponse:
    """Afronden (submit), akkoord (approve), bekendmaken (send, with its date) or laten vervallen (discard one
    not made known)."""
    user = require_case_worker(request)
    decision = _decision_or_404(user, decision_id)
    calls: dict[str, NamedChange] = {
        "afronden": (
            UtrechtForm(request.POST),
            lambda d: decisions.submit(actor=user, decision=decision),
            _("De beschikking is afgerond."),
        ),
        "akkoord": (
            UtrechtForm(request.POST),
            lambda d: decisions.approve(actor=user, decision=decision),
            _("Akkoord gegeven."),
        ),
        "bekendmaken": (
            SendForm(request.POST),
            lambda d: decisions.send(actor=user, decision=decision, **d),
            _("De beschikking is bekendgemaakt; de beslistermijn is gehaald."),
        ),
        "laten-vervallen": (
            DiscardForm(request.POST),
            lambda d: decisions.discard(actor=user, decision=decision, **d),
            _("De beschikking is vervallen; er kan een nieuwe worden opgesteld."),
        ),
    }
    run_named_change(request, calls, action)
    return redirect("procedure", procedure_id=decision.procedure_id)


def decision_letter(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = require_case_reader(request)
    decision = _decision_or_404(user, decision_id, steer=False)
    audit.record(
        actor=user, action=audit.Action.EXPORT, obj=decision, subjects=[decision.procedure.person_id], detail="brief"
    )
    response = HttpResponse(letters.decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beschikking-{decision.pk}.pdf"'
    return response


@require_POST
def objection_new(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = require_case_worker(request)
    decision = _decision_or_404(user, decision_id)
    apply_change(
        request,
        ObjectionForm(request.POST),
        lambda d: decisions.register_objection(actor=user, decision=decision, **d),
        _("Het bezwaar is geregistreerd; de beslistermijn loopt."),
    )
    return redirect("procedure", procedure_id=decision.procedure_id)


@require_POST
def objection_action(request: HttpRequest, objection_id: int, action: str) -> HttpResponse:
    user = require_case_worker(request)
    objection = Objection.objects.filter(pk=objection_id).select_related("decision").first()
    if objection is None:
        raise Http404
    decision = _decision_or_404(user, objection.decision_id)
    calls: dict[str, NamedChange] = {
        "verdagen": (
            SendForm(request.POST),
            lambda d: decisions.extend_objection(actor=user, objection=objection, notified_on=d["on"]),
            _("De beslistermijn op bezwaar is met zes weken verdaagd."),
        ),
        "beslissen": (
            ObjectionDecisionForm(request.POST),
            lambda d: decisions.decide_objection(actor=user, objection=objection, **d),
            _("De beslissing op bezwaar is vastgelegd."),
        ),
    }
    run_named_change(request, calls, action)
    return redirect("procedure", procedure_id=decision.procedure_id)
