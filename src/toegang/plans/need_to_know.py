"""Need-to-know inside the one plan ("dat, niet wat").

The regisseur, the municipality's own staff, team leads and managers see the whole plan. A
professional of a partner organisation sees the plan's outline and, in full, the goals in which their
own organisation carries out an action; of every other goal only *that* an organisation is involved,
not the life domain, the result or the actions. The household itself sees the whole plan (portal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from toegang.accounts.models import Organisation, User
from toegang.cases.models import RegisseurAssignment
from toegang.network.models import Referral
from toegang.plans.models import Action, Goal, Plan

WHOLE_PLAN_ROLES = {User.Role.TEAM_LEAD, User.Role.MANAGER}


def _by_role_or_employer(viewer: User) -> bool:
    if viewer.is_superuser or viewer.role in WHOLE_PLAN_ROLES:
        return True
    organisation = viewer.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.MUNICIPALITY


def sees_whole_plan(*, viewer: User, regisseur_id: int | None) -> bool:
    """For callers that already know the trajectory's current regisseur."""
    return _by_role_or_employer(viewer) or viewer.pk == regisseur_id


def whole_plan_condition(viewer: User, trajectory_id: str) -> Q | None:
    """``sees_whole_plan_of`` as a condition on a query whose trajectory id is in ``trajectory_id``:
    ``None`` when the viewer's role or employer decides (every trajectory they may see), else the
    trajectories of which the viewer is the current regisseur."""
    if _by_role_or_employer(viewer):
        return None
    return Q(
        Exists(
            RegisseurAssignment.objects.filter(
                trajectory_id=OuterRef(trajectory_id), end_date__isnull=True, professional_id=viewer.pk
            )
        )
    )


def sees_whole_plan_of(*, viewer: User, trajectory_id: int) -> bool:
    """The same rule when only the trajectory is known: asks who the regisseur is only when the viewer's
    role or employer does not decide already."""
    if _by_role_or_employer(viewer):
        return True
    return RegisseurAssignment.objects.filter(
        trajectory_id=trajectory_id, end_date__isnull=True, professional_id=viewer.pk
    ).exists()


@dataclass
class GoalView:
    goal: Goal
    full: bool
    organisations: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)  # the closed loop: outcomes the viewer may see


def _organisation_names(actions: list[Action]) -> list[str]:
    return sorted(
        {
            a.professional.organisation.name
            for a in actions
            if a.professional is not None and a.professional.organisation is not None
        }
    )


def goal_views(*, plan: Plan, viewer: User, whole: bool) -> list[GoalView]:
    """The plan's goals as this viewer may see them; needs goals with actions, professionals and their
    organisations, and referrals prefetched (plans.selectors.plan_with_content)."""
    views = []
    for goal in plan.goals.all():
        actions = list(goal.actions.all())
        own = viewer.organisation_id is not None and any(
            a.professional is not None and a.professional.organisation_id == viewer.organisation_id for a in actions
        )
        if whole or own:
            referrals = [  # a partner sees what became of its own organisation's referrals, not of others'
                r for r in goal.referrals.all() if whole or r.organisation_id == viewer.organisation_id
            ]
            views.append(
                GoalView(
                    goal=goal,
                    full=True,
                    organisations=_organisation_names(actions),
                    actions=actions,
                    referrals=referrals,
                )
            )
        else:
            views.append(GoalView(goal=goal, full=False, organisations=_organisation_names(actions)))
    return views


def may_change_action(*, viewer: User, action: Action, whole: bool) -> bool:
    """A partner changes only the actions of their own organisation."""
    if whole:
        return True
    professional = action.professional
    return professional is not None and professional.organisation_id == viewer.organisation_id
