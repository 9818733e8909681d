"""Who holds a level of the escalation ladder, and the escalations a user sees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from toegang.accounts.models import User
from toegang.cases.models import Trajectory
from toegang.network.models import Escalation, EscalationLevel


def holds(user: User, level: EscalationLevel, trajectory: Trajectory) -> bool:
    """Whether ``user`` decides at ``level`` for this trajectory."""
    if not user.is_active:
        return False
    if level.holder == EscalationLevel.Holder.TEAM_LEAD:
        return user.role == User.Role.TEAM_LEAD and user.team_id is not None and user.team_id == trajectory.team_id
    if level.holder == EscalationLevel.Holder.MANAGER:
        return user.role == User.Role.MANAGER and user.municipality_id == level.municipality_id
    return level.holders.filter(pk=user.pk).exists()


def _held(user: User) -> Q:
    """The open escalations whose current level ``user`` holds, as one condition."""
    condition = Q(level__holder=EscalationLevel.Holder.NAMED, level__holders=user)
    if user.role == User.Role.TEAM_LEAD and user.team_id is not None:
        condition |= Q(level__holder=EscalationLevel.Holder.TEAM_LEAD, trajectory__team_id=user.team_id)
    if user.role == User.Role.MANAGER and user.municipality_id is not None:
        condition |= Q(level__holder=EscalationLevel.Holder.MANAGER, level__municipality_id=user.municipality_id)
    return condition


def waiting_for(user: User) -> QuerySet[Escalation]:
    """Open escalations at a level the user holds, the oldest at its level first."""
    return (
        Escalation.objects.filter(_held(user), status=Escalation.Status.OPEN)
        .select_related("level", "trajectory__team", "raised_by")
        .order_by("arrived_on", "pk")
        .distinct()
    )


def raised_by(user: User) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(raised_by=user)
        .select_related("level", "trajectory__household")
        .order_by("-raised_on", "-pk")
    )
