"""Reads of plans, explorations and reviews, for pages that already passed the access predicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from toegang.accounts.models import User
from toegang.cases.models import RegisseurAssignment, Trajectory
from toegang.cases.selectors import trajectories_visible_to
from toegang.network.models import Referral
from toegang.plans import need_to_know
from toegang.plans.models import (
    Action,
    DomainFinding,
    Exploration,
    Goal,
    GoalReview,
    LifeDomain,
    Plan,
    Review,
    SelfRelianceLevel,
    SelfRelianceScore,
)


def life_domains() -> list[LifeDomain]:
    return list(LifeDomain.objects.order_by("position"))


def self_reliance_levels() -> list[SelfRelianceLevel]:
    return list(SelfRelianceLevel.objects.order_by("level"))


def _with_content(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related("trajectory", "household").prefetch_related(
        Prefetch(
            "goals",
            queryset=Goal.objects.select_related("domain").prefetch_related(
                Prefetch(
                    "actions",
                    queryset=Action.objects.select_related("member", "professional__organisation").order_by(
                        "due_on", "pk"
                    ),
                ),
                Prefetch(  # the closed loop: what the referrals for this goal brought
                    "referrals",
                    queryset=Referral.objects.select_related("organisation", "service").order_by("proposed_on", "pk"),
                ),
            ),
        )
    )


def plan_with_content(*, plan_id: int) -> Plan:
    return _with_content(Plan.objects.all()).get(pk=plan_id)


# which plan of a trajectory is "the" plan: the draft, else the agreed plan, else the closed one
_CURRENT_RANK = Case(
    When(status=Plan.Status.DRAFT, then=Value(0)),
    When(status=Plan.Status.AGREED, then=Value(1)),
    default=Value(2),
)


def current_plan(*, trajectory: Trajectory) -> Plan | None:
    """The draft if there is one (that is what is being worked on), else the agreed plan, else the last
    closed one; the latest version of its kind. One query for the choice and the plan itself."""
    plans = Plan.objects.filter(
        trajectory=trajectory, status__in=[Plan.Status.DRAFT, Plan.Status.AGREED, Plan.Status.CLOSED]
    )
    return _with_content(plans.alias(rank=_CURRENT_RANK).order_by("rank", "-version")).first()


def open_goals(*, trajectory: Trajectory) -> list[Goal]:
    """The open goals of the plan being worked on (the draft, else the agreed plan): what a referral or
    a conference decision can serve."""
    plan = (
        Plan.objects.filter(trajectory=trajectory, status__in=[Plan.Status.DRAFT, Plan.Status.AGREED])
        .order_by("-version")
        .first()
    )
    return list(Goal.objects.filter(plan=plan, status=Goal.Status.OPEN).select_related("domain")) if plan else []


def plan_versions(*, trajectory: Trajectory) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(trajectory=trajectory)
        .order_by("-version")
        .only("id", "version", "status", "agreed_on", "agreed_how", "trajectory_id")
    )


def explorations(*, trajectory: Trajectory) -> QuerySet[Exploration]:
    """With ``findings_shown`` and ``scores_shown`` as lists: a template that walks a related manager
    builds a queryset for each call, about 40 on a household page."""
    return (
        Exploration.objects.filter(trajectory=trajectory)
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=DomainFinding.objects.select_related("domain").order_by("domain__position"),
                to_attr="findings_shown",
            ),
            Prefetch(
                "scores", queryset=SelfRelianceScore.objects.select_related("domain", "level"), to_attr="scores_shown"
            ),
        )
        .order_by("-held_on", "-pk")
    )


def reviews(*, trajectory: Trajectory) -> QuerySet[Review]:
    """With ``goal_reviews_shown`` and ``scores_shown`` as lists (as ``explorations``)."""
    return (
        Review.objects.filter(plan__trajectory=trajectory)
        .select_related("plan")
        .prefetch_related(
            Prefetch("goal_reviews", queryset=GoalReview.objects.select_related("goal"), to_attr="goal_reviews_shown"),
            Prefetch(
                "scores", queryset=SelfRelianceScore.objects.select_related("domain", "level"), to_attr="scores_shown"
            ),
        )
        .order_by("-held_on", "-pk")
    )


def _my_trajectory_ids(user: User) -> QuerySet[RegisseurAssignment, Any]:
    return RegisseurAssignment.objects.filter(professional_id=user.pk, end_date__isnull=True).values("trajectory_id")


def overdue_actions(*, user: User, on: dt.date, mine: bool = False) -> QuerySet[Action]:
    """Open actions past their date in active plans the user may see; ``mine``: actions the user
    carries out or in trajectories where the user is regisseur."""
    qs = (
        Action.objects.filter(
            goal__plan__trajectory__in=trajectories_visible_to(user).filter(status=Trajectory.Status.OPEN).values("pk"),
            goal__plan__status__in=[Plan.Status.AGREED, Plan.Status.DRAFT],
            status=Action.Status.OPEN,
            due_on__lt=on,
        )
        .select_related("goal__plan__household", "member", "professional")
        .order_by("due_on", "pk")
    )
    if mine:
        qs = qs.filter(Q(professional_id=user.pk) | Q(goal__plan__trajectory_id__in=_my_trajectory_ids(user)))
    elif not need_to_know.sees_whole_plan(viewer=user, regisseur_id=None):  # "dat, niet wat" (need_to_know)
        qs = qs.filter(
            Q(professional__organisation_id=user.organisation_id)
            | Q(goal__plan__trajectory_id__in=_my_trajectory_ids(user))
        )
    return qs


def overdue_reviews(*, user: User, on: dt.date, mine: bool = False) -> QuerySet[Plan]:
    qs = (
        Plan.objects.filter(
            trajectory__in=trajectories_visible_to(user).filter(status=Trajectory.Status.OPEN).values("pk"),
            status=Plan.Status.AGREED,
            next_review_on__lt=on,
        )
        .select_related("household", "trajectory__team")
        .order_by("next_review_on", "pk")
    )
    if mine:
        qs = qs.filter(trajectory_id__in=_my_trajectory_ids(user))
    return qs
