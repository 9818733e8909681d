"""Exploration, plan editing (goals, actions, agreement) and progress reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.models import Trajectory
from toegang.cases.selectors import CASE_ROLES, consent_scope, trajectories_visible_to
from toegang.common.dates import today
from toegang.common.errors import ConflictError, DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.views import HtmxHttpRequest, require_case_reader, require_case_worker, submitted, trajectory_or_404
from toegang.people.models import Person
from toegang.people.selectors import member_ids, not_ended
from toegang.plans import need_to_know, selectors, services
from toegang.plans.forms import (
    ActionForm,
    ActionStatusForm,
    AgreeForm,
    ExplorationForm,
    GoalForm,
    PlanForm,
    ReviewForm,
)
from toegang.plans.models import Action, Goal, LifeDomain, Plan
from toegang.privacy.context import current_emergency, refuse_steering_under_emergency
from toegang.privacy.models import Consent


def _visible_plan(user: User, plan_id: int) -> Plan:
    try:
        plan = Plan.objects.filter(trajectory__in=trajectories_visible_to(user).values("pk")).get(pk=plan_id)
    except Plan.DoesNotExist:
        log_denied(user=user, object_type="plan", object_id=plan_id)
        raise Http404 from None
    return selectors.plan_with_content(plan_id=plan.pk)


def _require_whole_plan(user: User, trajectory: Trajectory) -> None:
    """The exploration and the review forms show the whole plan: not for a partner's need-to-know view,
    and not under break-the-glass (they steer the case)."""
    refuse_steering_under_emergency(user, trajectory.pk)
    if not need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory.pk):
        raise PermissionDenied(_("De verkenning en de voortgangsbespreking zijn voor de regisseur en de gemeente."))


def exploration_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_whole_plan(user, trajectory)
    domains, levels = selectors.life_domains(), selectors.self_reliance_levels()
    form = ExplorationForm(request.POST or None, initial={"held_on": today()}, domains=domains, levels=levels)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_level = {str(lv.level): lv for lv in levels}
        findings = [
            services.FindingInput(
                domain=dom,
                situation=d[f"d{dom.pk}_situation"],
                strengths=d[f"d{dom.pk}_strengths"],
                concerns=d[f"d{dom.pk}_concerns"],
                own_capacity=d[f"d{dom.pk}_own"],
                level=by_level.get(d[f"d{dom.pk}_level"]),
            )
            for dom in domains
        ]
        try:
            services.record_exploration(
                actor=user,
                trajectory=trajectory,
                held_on=d["held_on"],
                participants=d["participants"],
                summary=d["summary"],
                findings=findings,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("De verkenning is vastgelegd."))
            return redirect("household", household_id=trajectory.household_id)
    if request.method == "GET":
        audit.record(
            actor=user,
            action=audit.Action.READ,
            obj=trajectory,
            detail="verkenningsformulier",
            subjects=member_ids(household_id=trajectory.household_id),
        )
    return render(
        request, "plans/exploration.html", {"form": form, "trajectory": trajectory}, status=400 if form.errors else 200
    )


def _action_choices(plan: Plan) -> tuple[Any, Any]:
    """Who can carry out an action: members of the household and professionals involved (lazy querysets)."""
    members = (
        Person.objects.filter(not_ended(today(), "memberships__"), memberships__household_id=plan.household_id)
        .distinct()
        .order_by("voornamen")
    )
    professionals = (
        User.objects.filter(Q(involvements__trajectory_id=plan.trajectory_id, involvements__end_date__isnull=True))
        .select_related("organisation")
        .distinct()
    )
    return members, professionals


def _action_form(plan: Plan, goal_id: int, data: Any = None, **kwargs: Any) -> ActionForm:
    members, professionals = _action_choices(plan)
    return ActionForm(data, members=members, professionals=professionals, auto_id=f"id_goal{goal_id}_%s", **kwargs)


def _plan_context(user: User, plan: Plan, **forms: Any) -> dict[str, Any]:
    revision = {"expected_revision": plan.revision}
    day = today()
    bound_goal, bound_form = forms.get("action_goal_id"), forms.get("action_form")
    whole = need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=plan.trajectory_id)
    running = current_emergency.get()  # reached only through break-the-glass: read, not shaped
    emergency_only = bool(running.households) and running.opened(
        plan.household_id, plan.trajectory.team_id, user.team_id
    )
    editable = plan.status == Plan.Status.DRAFT and user.role in CASE_ROLES and whole and not emergency_only
    goal_rows: list[tuple[need_to_know.GoalView, ActionForm | None]] = []  # per goal its action form, own ids
    choices: dict[str, list[Any]] | None = None
    views = need_to_know.goal_views(plan=plan, viewer=user, whole=whole)
    scope = None if whole else consent_scope(viewer=user, trajectory=plan.trajectory)
    if scope is not None and not scope.shares(Consent.Category.PLAN):  # consent without the plan: own goals only
        views = [gv for gv in views if gv.full]
    for gv in views:
        g = gv.goal
        if not editable:
            goal_rows.append((gv, None))
            continue
        form = (
            bound_form
            if bound_goal == g.pk and bound_form is not None
            else _action_form(plan, g.pk, initial={**revision, "due_on": day})
        )
        if choices is None:  # the member and professional lists are read once for all goals
            choices = {name: list(getattr(form.fields[name], "choices", [])) for name in ("member", "professional")}
        for name, options in choices.items():
            form.fields[name].choices = options  # type: ignore[union-attr]
        goal_rows.append((gv, form))
    return {
        "whole_plan": whole,
        "plan": plan,
        "goal_rows": goal_rows,
        "trajectory": plan.trajectory,
        "household": plan.household,
        "editable": editable,
        "plan_form": forms.get("plan_form")
        or PlanForm(
            initial={
                **revision,
                "what_goes_well": plan.what_goes_well,
                "household_wishes": plan.household_wishes,
                "review_interval_weeks": plan.review_interval_weeks,
            }
        ),
        "goal_form": forms.get("goal_form") or GoalForm(initial=revision),
        "action_goal_id": bound_goal,
        "status_message": forms.get("status_message", ""),
        "agree_form": forms.get("agree_form") or AgreeForm(initial={**revision, "agreed_on": day}),
        "versions": list(selectors.plan_versions(trajectory=plan.trajectory)),
    }


def plan_page(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_reader(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    plan = selectors.current_plan(trajectory=trajectory)
    if plan is None:
        return render(request, "plans/no_plan.html", {"trajectory": trajectory, "can_edit": user.role in CASE_ROLES})
    audit.record(actor=user, action=audit.Action.READ, obj=plan, subjects=member_ids(household_id=plan.household_id))
    return render(request, "plans/plan.html", _plan_context(user, plan))


@require_POST
def plan_start(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    try:
        plan = services.start_plan(actor=user, trajectory=trajectory)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Plan versie %(v)s is aangemaakt als concept.") % {"v": plan.version})
    return redirect("plan", trajectory_id=trajectory.pk)


def _plan_form_failed(
    request: HttpRequest, user: User, plan: Plan, form: UtrechtForm, form_key: str, **extra: Any
) -> HttpResponse:
    """A change from the plan page did not go through. On a conflict the user is sent to the saved
    version with the message; otherwise the page comes back with the message on the field."""
    if isinstance(form.domain_error, ConflictError) or (form.domain_error and plan.status != Plan.Status.DRAFT):
        # the plan changed under the user (or is no longer a draft, so the form is not on the page)
        messages.error(request, form.domain_error.message)
        return redirect("plan", trajectory_id=plan.trajectory_id)
    return render(request, "plans/plan.html", _plan_context(user, plan, **{form_key: form}, **extra), status=400)


def _saved(request: HttpRequest, plan: Plan, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("plan", trajectory_id=plan.trajectory_id)


@require_POST
def plan_update(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = require_case_worker(request)
    plan = _visible_plan(user, plan_id)
    form = PlanForm(request.POST)
    if submitted(request, form, lambda d: services.update_plan(actor=user, plan=plan, **d)):
        return _saved(request, plan, _("Het plan is opgeslagen."))
    return _plan_form_failed(request, user, plan, form, "plan_form")


@require_POST
def goal_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = require_case_worker(request)
    plan = _visible_plan(user, plan_id)
    form = GoalForm(request.POST)
    if submitted(request, form, lambda d: services.add_goal(actor=user, plan=plan, **d)):
        return _saved(request, plan, _("Het doel is toegevoegd."))
    return _plan_form_failed(request, user, plan, form, "goal_form")


@require_POST
def action_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = require_case_worker(request)
    try:
        goal = Goal.objects.filter(plan__trajectory__in=trajectories_visible_to(user).values("pk")).get(pk=goal_id)
    except Goal.DoesNotExist:
        log_denied(user=user, object_type="goal", object_id=goal_id)
        raise Http404 from None
    plan = selectors.plan_with_content(plan_id=goal.plan_id)
    goal.plan = plan
    form = _action_form(plan, goal.pk, request.POST)
    if submitted(request, form, lambda d: services.add_action(actor=user, goal=goal, **d)):
        return _saved(request, plan, _("De actie is toegevoegd."))
    return _plan_form_failed(request, user, plan, form, "action_form", action_goal_id=goal.pk)


@require_POST
def action_status(request: HtmxHttpRequest, action_id: int) -> HttpResponse:
    user = require_case_worker(request)
    try:
        action = (
            Action.objects.select_related("goal__plan")
            .filter(goal__plan__trajectory__in=trajectories_visible_to(user).values("pk"))
            .get(pk=action_id)
        )
    except Action.DoesNotExist:
        log_denied(user=user, object_type="action", object_id=action_id)
        raise Http404 from None
    form = ActionStatusForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Status: kies open, gedaan of vervallen.")
    else:
        try:
            services.set_action_status(
                actor=user,
                action=action,
                expected_revision=form.cleaned_data["expected_revision"],
                status=form.cleaned_data["status"],
                on=today(),
            )
        except DomainError as exc:
            error = exc.message
    done = _("Actie '%(a)s': %(s)s.") % {"a": action.description, "s": action.get_status_display()}
    plan = action.goal.plan
    if request.htmx and error is None:  # swap the goals section in place, with fresh revisions
        context = _plan_context(user, selectors.plan_with_content(plan_id=plan.pk), status_message=done)
        return render(request, "plans/_goals.html", context)
    if error is not None:
        messages.error(request, error)
    else:
        messages.success(request, done)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": reverse("plan", args=[plan.trajectory_id])})
    if request.POST.get("next") == "household":
        return redirect("household", household_id=plan.household_id)
    return redirect("plan", trajectory_id=plan.trajectory_id)


@require_POST
def plan_agree(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = require_case_worker(request)
    plan = _visible_plan(user, plan_id)
    form = AgreeForm(request.POST)
    if submitted(request, form, lambda d: services.agree_plan(actor=user, plan=plan, **d)):
        messages.success(request, _("Plan versie %(v)s is afgesproken met het huishouden.") % {"v": plan.version})
        return redirect("household", household_id=plan.household_id)
    return _plan_form_failed(request, user, plan, form, "agree_form")


def review_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_whole_plan(user, trajectory)
    plan = Plan.objects.filter(trajectory=trajectory, status=Plan.Status.AGREED).first()
    if plan is None:
        messages.error(
            request, _("Plan: een voortgangsbespreking gaat over een afgesproken plan; spreek eerst het plan af.")
        )
        return redirect("household", household_id=trajectory.household_id)
    plan = selectors.plan_with_content(plan_id=plan.pk)
    goals = [g for g in plan.goals.all() if g.status == Goal.Status.OPEN]
    domains: list[LifeDomain] = list(
        LifeDomain.objects.filter(pk__in={g.domain_id for g in plan.goals.all()}).order_by("position")
    )
    levels = selectors.self_reliance_levels()
    form = ReviewForm(
        request.POST or None,
        initial={"expected_revision": plan.revision, "held_on": today()},
        goals=goals,
        domains=domains,
        levels=levels,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_level = {str(lv.level): lv for lv in levels}
        try:
            services.record_review(
                actor=user,
                plan=plan,
                expected_revision=d["expected_revision"],
                held_on=d["held_on"],
                outcomes={g.pk: (d[f"goal_{g.pk}"], d[f"goal_{g.pk}_note"]) for g in goals},
                scores={dom: by_level[d[f"score_{dom.pk}"]] for dom in domains if d[f"score_{dom.pk}"]},
                summary=d["summary"],
                next_review_on=d["next_review_on"],
            )
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect("review-new", trajectory_id=trajectory.pk)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("De voortgangsbespreking is vastgelegd."))
            return redirect("household", household_id=trajectory.household_id)
    if request.method == "GET":
        audit.record(
            actor=user,
            action=audit.Action.READ,
            obj=plan,
            detail="voortgangsformulier",
            subjects=member_ids(household_id=plan.household_id),
        )
    return render(
        request,
        "plans/review.html",
        {"form": form, "trajectory": trajectory, "plan": plan},
        status=400 if form.errors else 200,
    )
