"""Screens of the statutory procedures: start one from the household, follow its clocks, record steps,
suspend, resume or extend a term; the due-soon and overdue list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.models import Trajectory
from toegang.cases.selectors import trajectories_visible_to, trajectory_for_page
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.views import require_case_reader, require_case_worker, submitted
from toegang.people.models import Person
from toegang.people.selectors import member_ids
from toegang.plans import need_to_know
from toegang.procedures import selectors, services
from toegang.procedures.forms import ExtendForm, ResumeForm, StartForm, StepForm, SuspendForm
from toegang.procedures.models import Procedure

FORMS = {"stap": StepForm, "opschorten": SuspendForm, "hervatten": ResumeForm, "verlengen": ExtendForm}


def _require_whole(user: User, trajectory_id: int) -> None:
    """The statutory procedure is the municipality's own work: the regisseur and the municipality's
    staff follow it; a partner professional sees only that it exists (on the household page)."""
    if not need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory_id):
        raise PermissionDenied(_("De wettelijke procedure volgen de regisseur en de medewerkers van de gemeente."))


def _procedure_or_404(user: User, procedure_id: int) -> Procedure:
    procedure = (
        Procedure.objects.filter(pk=procedure_id, trajectory__in=trajectories_visible_to(user).values("pk"))
        .select_related("person", "trajectory__household", "created_by")
        .prefetch_related("pauses")
        .first()
    )
    if procedure is None:
        log_denied(user=user, object_type="procedure", object_id=procedure_id)
        raise Http404
    _require_whole(user, procedure.trajectory_id)
    return procedure


def procedure_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    try:
        trajectory = trajectory_for_page(user=user, trajectory_id=trajectory_id)
    except Trajectory.DoesNotExist:
        log_denied(user=user, object_type="trajectory", object_id=trajectory_id)
        raise Http404 from None
    _require_whole(user, trajectory.pk)
    members = Person.objects.filter(pk__in=member_ids(household_id=trajectory.household_id)).order_by("voornamen")
    form = StartForm(request.POST or None, members=members, initial={"reported_on": today(), "law": "wmo"})
    created: list[Procedure] = []
    if submitted(
        request, form, lambda d: created.append(services.start_procedure(actor=user, trajectory=trajectory, **d))
    ):
        messages.success(request, _("De procedure is gestart; de termijnen lopen."))
        return redirect("procedure", procedure_id=created[0].pk)
    context = {"household": trajectory.household, "title": _("Wettelijke procedure starten"), "form": form}
    return render(request, "cases/form.html", context, status=400 if form.errors else 200)


def _forms(procedure: Procedure, running: list[selectors.Clock], data: Any = None, posted: str = "") -> dict[str, Any]:
    clocks = [(c.code, c.label) for c in running if not c.resident and c.done_on is None]
    day = {"day": today(), "start": today(), "end": today(), "notified_on": today(), "length": 2, "unit": "weken"}
    built: dict[str, Any] = {}
    for key, form_class in FORMS.items():
        kwargs: dict[str, Any] = {"steps": list(services.STEPS[procedure.law])} if key == "stap" else {"clocks": clocks}
        built[key] = form_class(data if key == posted else None, initial=day, prefix=key, **kwargs)
    return built


def procedure_page(request: HttpRequest, procedure_id: int) -> HttpResponse:
    user = require_case_reader(request)
    procedure = _procedure_or_404(user, procedure_id)
    municipality = procedure.trajectory.household.municipality_id
    rules = selectors.rules_for([municipality])
    clocks = selectors.clocks_of(procedure, municipality_id=municipality, rules=rules, on=today())
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    forms = _forms(procedure, clocks, request.POST, posted)
    if posted:
        require_case_worker(request)
        calls = {
            "stap": lambda d: services.record_step(actor=user, procedure=procedure, **d),
            "opschorten": lambda d: services.suspend(actor=user, procedure=procedure, **d),
            "hervatten": lambda d: services.resume(actor=user, procedure=procedure, **d),
            "verlengen": lambda d: services.extend(actor=user, procedure=procedure, **d),
        }
        if posted not in calls:
            raise Http404
        if submitted(request, forms[posted], calls[posted]):
            messages.success(request, _("Vastgelegd; de termijnen zijn opnieuw berekend."))
            return redirect("procedure", procedure_id=procedure.pk)
    audit.record(actor=user, action=audit.Action.READ, obj=procedure, subjects=[procedure.person_id])
    context = {
        "procedure": procedure,
        "household": procedure.trajectory.household,
        "clocks": clocks,
        "forms": forms,
        "posted": posted,
        "today": today(),
        "open": procedure.status in selectors.OPEN,
        "can_edit": user.role in ("professional", "teamleider") or user.is_superuser,
    }
    return render(request, "procedures/procedure.html", context, status=400 if posted else 200)


@require_POST
def procedure_withdraw(request: HttpRequest, procedure_id: int) -> HttpResponse:
    user = require_case_worker(request)
    procedure = _procedure_or_404(user, procedure_id)
    try:
        services.withdraw(actor=user, procedure=procedure)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De procedure is ingetrokken."))
    return redirect("procedure", procedure_id=procedure.pk)


def deadlines(request: HttpRequest) -> HttpResponse:
    """Terms that ran out or run out within five working days: mine, or my team's."""
    user = require_case_worker(request)
    team = request.GET.get("wie") == "team" and user.team_id is not None
    rows = selectors.due_list(user=user, team=team, on=today())
    persons = sorted({r.procedure.person_id for r in rows})
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="termijnen",
        subjects=persons,
        detail=f"{len(rows)} termijnen ({'team' if team else 'eigen'})",
    )
    return render(request, "procedures/deadlines.html", {"rows": rows, "team": team, "today": today()})
