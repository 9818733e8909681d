"""Reads of the governance workbench: who sees which decision project (one predicate), the participant behind a
personal link, and the progress of the participants (a fixed number of queries, however many take part)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from toegang.accounts.models import User
from toegang.governance.models import (
    Alternative,
    Criterion,
    DecisionProject,
    PairwiseJudgement,
    Participant,
    ScoreJudgement,
    StakeholderGroup,
    WeightJudgement,
)

# Who may open decision projects of their municipality (read: progress, results, report) and who may start one
# (and so be its facilitator). No new role: the functional administrator and the manager run the process, the
# municipal client (opdrachtgever sociaal domein) follows it.
VIEW_ROLES = frozenset({User.Role.FUNCTIONAL_ADMIN, User.Role.MANAGER, User.Role.CLIENT})
MANAGE_ROLES = frozenset({User.Role.FUNCTIONAL_ADMIN, User.Role.MANAGER})


def may_view_projects(user: User) -> bool:
    return user.is_active and user.municipality_id is not None and user.role in VIEW_ROLES


def may_start_projects(user: User) -> bool:
    return user.is_active and user.municipality_id is not None and user.role in MANAGE_ROLES


def projects_visible_to(user: User) -> QuerySet[DecisionProject]:
    """The decision projects of the user's own municipality, for the roles that may see them; none otherwise."""
    if not may_view_projects(user) or user.municipality_id is None:
        return DecisionProject.objects.none()
    return DecisionProject.objects.filter(municipality_id=user.municipality_id)


def project_for_page(*, user: User, project_id: int) -> DecisionProject:
    """One project through the access predicate (DecisionProject.DoesNotExist when not visible)."""
    return projects_visible_to(user).select_related("facilitator", "chosen_alternative").get(pk=project_id)


def may_manage(user: User, project: DecisionProject) -> bool:
    """The project's facilitator, or a functional administrator of its municipality (to take over)."""
    if not user.is_active or user.municipality_id != project.municipality_id:
        return False
    return user.pk == project.facilitator_id or user.role == User.Role.FUNCTIONAL_ADMIN


def facilitator_candidates(municipality_id: int) -> QuerySet[User]:
    return User.objects.filter(municipality_id=municipality_id, is_active=True, role__in=MANAGE_ROLES).order_by(
        "first_name", "last_name", "username"
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participant_for_token(token: str) -> Participant:
    """The participant behind a personal link (Participant.DoesNotExist for any other token)."""
    if not 20 <= len(token) <= 100:
        raise Participant.DoesNotExist
    return Participant.objects.select_related("group__project").get(token_hash=token_hash(token))


def admissible(project: DecisionProject, alternatives: list[Alternative]) -> list[Alternative]:
    """With "de gemeente stuurt op het wat, niet op het hoe" on, forms in which the municipality also steers on
    the how are not admissible (DOMAIN.md §4.7)."""
    if not project.steers_on_what:
        return list(alternatives)
    return [a for a in alternatives if not a.steers_how]


def scored_criteria(project: DecisionProject, criteria: list[Criterion]) -> list[Criterion]:
    """The criteria participants score; the cost criterion takes its value from the business case when the
    project says so."""
    if not project.cost_from_business_case:
        return list(criteria)
    return [c for c in criteria if not c.is_cost]


@dataclass
class Structure:
    """A project's criteria, alternatives and groups, read once per page."""

    criteria: list[Criterion]
    alternatives: list[Alternative]
    groups: list[StakeholderGroup]
    admissible: list[Alternative] = field(default_factory=list)
    scored: list[Criterion] = field(default_factory=list)

    @property
    def pairs_needed(self) -> int:
        n = len(self.criteria)
        return n * (n - 1) // 2


def structure(project: DecisionProject) -> Structure:
    criteria = list(project.criteria.all())
    alternatives = list(project.alternatives.all())
    result = Structure(criteria, alternatives, list(project.groups.all()))
    result.admissible = admissible(project, alternatives)
    result.scored = scored_criteria(project, criteria)
    return result


def _count(model: type[PairwiseJudgement | WeightJudgement | ScoreJudgement], **filters: object) -> Coalesce:
    counted = (
        model.objects.filter(participant=OuterRef("pk"), **filters)
        .order_by()
        .values("participant")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass
class Progress:
    participant: Participant
    weights_given: int
    weights_needed: int
    scores_given: int
    scores_needed: int

    @property
    def weights_complete(self) -> bool:
        return self.weights_needed > 0 and self.weights_given >= self.weights_needed

    @property
    def status(self) -> str:
        if self.weights_given == 0 and self.scores_given == 0:
            return "niet begonnen"
        if self.weights_complete and self.scores_given >= self.scores_needed:
            return "compleet"
        return "gedeeltelijk"


def progress(project: DecisionProject, shape: Structure) -> list[Progress]:
    """Every participant of the project with how many judgements they gave of how many: one query."""
    pairwise = project.weighting == DecisionProject.Weighting.PAIRWISE
    weights_needed = shape.pairs_needed if pairwise else len(shape.criteria)
    scores_needed = len(shape.admissible) * len(shape.scored)
    weight_count = (
        _count(PairwiseJudgement) if pairwise else _count(WeightJudgement, criterion__in=[c.pk for c in shape.criteria])
    )
    participants = (
        Participant.objects.filter(group__project=project)
        .annotate(
            n_weights=weight_count,
            n_scores=_count(
                ScoreJudgement,
                alternative__in=[a.pk for a in shape.admissible],
                criterion__in=[c.pk for c in shape.scored],
            ),
        )
        .order_by("group__position", "group_id", "name", "id")
    )
    return [
        Progress(p, int(getattr(p, "n_weights", 0)), weights_needed, int(getattr(p, "n_scores", 0)), scores_needed)
        for p in participants
    ]


def pairwise_values(project: DecisionProject) -> dict[int, dict[tuple[int, int], int]]:
    """All pairwise judgements of the project's participants: {participant id: {(first, second): value}}."""
    found: dict[int, dict[tuple[int, int], int]] = {}
    rows = PairwiseJudgement.objects.filter(participant__group__project=project).values_list(
        "participant_id", "first_id", "second_id", "value"
    )
    for participant_id, first, second, value in rows:
        found.setdefault(participant_id, {})[(first, second)] = value
    return found


def weight_values(project: DecisionProject) -> dict[int, dict[int, int]]:
    """{participant id: {criterion id: points, swing points or rank}}."""
    found: dict[int, dict[int, int]] = {}
    rows = WeightJudgement.objects.filter(participant__group__project=project).values_list(
        "participant_id", "criterion_id", "value"
    )
    for participant_id, criterion_id, value in rows:
        found.setdefault(participant_id, {})[criterion_id] = value
    return found


def score_values(project: DecisionProject) -> dict[int, dict[tuple[int, int], int]]:
    """{participant id: {(alternative id, criterion id): score}}."""
    found: dict[int, dict[tuple[int, int], int]] = {}
    rows = ScoreJudgement.objects.filter(participant__group__project=project).values_list(
        "participant_id", "alternative_id", "criterion_id", "value"
    )
    for participant_id, alternative_id, criterion_id, value in rows:
        found.setdefault(participant_id, {})[(alternative_id, criterion_id)] = value
    return found
