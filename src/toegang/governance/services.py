"""Writes of the governance workbench. Every change goes through one function here: keyword-only, in one
transaction with its audit row, refusing bad input with a DomainError whose Dutch message names the field and the
rule (nothing is written then). Participants are not users: their writes are logged under their name."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.governance import catalogue, selectors
from toegang.governance.models import (
    HORIZON,
    Alternative,
    BusinessCase,
    ConnectedParty,
    CostLine,
    Criterion,
    DecisionProject,
    EscalationStep,
    LegalForm,
    PairwiseJudgement,
    Parameter,
    Participant,
    Principle,
    RoleAssignment,
    ScoreJudgement,
    ServiceAgreement,
    StaffLine,
    StakeholderGroup,
    WeightJudgement,
)

Action = audit.Action
W = DecisionProject.Weighting
MAX_CRITERIA = 15
MAX_ALTERNATIVES = 12


def _require_manager(actor: User, project: DecisionProject) -> None:
    if not selectors.may_manage(actor, project):
        raise DomainError(
            "Alleen de procesbegeleider van dit project (of een functioneel beheerder van de gemeente) mag dit "
            "wijzigen."
        )


def _text(value: str | None, label: str, field: str, *, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"{label}: dit veld is verplicht.", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}: maximaal {max_length} tekens (nu {len(text)}).", field=field)
    return text


def _choice(value: str | None, choices: Sequence[str], label: str, field: str) -> str:
    if value is None or value not in choices:
        raise DomainError(f"{label}: kies een van de mogelijkheden.", field=field)
    return value


def _taken(queryset: Any, name: str, pk: int | None = None) -> bool:
    """Whether another row of the list already has this name, ignoring case (also beyond ASCII, which SQLite's
    case-insensitive matching does not fold)."""
    wanted = name.casefold()
    return any(other.casefold() == wanted for other in queryset.exclude(pk=pk or 0).values_list("name", flat=True))


def _next_position(model: type[Model], **filters: Any) -> int:
    highest = model._default_manager.filter(**filters).aggregate(m=Max("position"))["m"]
    return 1 if highest is None else int(highest) + 1


# ---- Projects ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_project(*, actor: User, name: str, template: str, facilitator: User | None = None) -> DecisionProject:
    """A decision project of the actor's municipality, filled from a template (criteria, alternatives, weighting
    method, aggregation, steering switch) and the business-case facts with their sources."""
    if not selectors.may_start_projects(actor):
        raise DomainError("Een besluitvormingsproject starten de functioneel beheerder en de manager van de gemeente.")
    assert actor.municipality_id is not None  # noqa: S101 - may_start_projects checked it
    name = _text(name, "Naam", "name", max_length=150)
    code = _choice(template, DecisionProject.Template.values, "Sjabloon", "template")
    facilitator = facilitator or actor
    if not selectors.facilitator_candidates(actor.municipality_id).filter(pk=facilitator.pk).exists():
        raise DomainError(
            "Procesbegeleider: kies een manager of functioneel beheerder van de eigen gemeente.", field="facilitator"
        )
    chosen = catalogue.TEMPLATES[code]
    project = DecisionProject.objects.create(
        municipality_id=actor.municipality_id,
        name=name,
        template=code,
        weighting=chosen.weighting,
        aggregation=chosen.aggregation,
        steers_on_what=chosen.steers_on_what,
        facilitator=facilitator,
        created_by=actor,
    )
    Criterion.objects.bulk_create(
        Criterion(
            project=project,
            name=c.name,
            description=c.description,
            direction=c.direction,
            is_cost=c.is_cost,
            position=i,
        )
        for i, c in enumerate(chosen.criteria, start=1)
    )
    Alternative.objects.bulk_create(
        Alternative(
            project=project,
            name=a.name,
            description=a.description,
            legal_form=a.legal_form,
            steers_how=a.steers_how,
            position=i,
        )
        for i, a in enumerate(chosen.alternatives, start=1)
    )
    Parameter.objects.bulk_create(
        Parameter(project=project, code=p.code, label=p.label, value=p.value, unit=p.unit, source=p.source)
        for p in catalogue.PARAMETERS
    )
    audit.record(actor=actor, action=Action.CREATE, obj=project, detail=f"sjabloon {code}: {name}")
    return project


@transaction.atomic
def update_settings(
    *,
    actor: User,
    project: DecisionProject,
    name: str,
    weighting: str,
    method: str,
    extra_methods: Sequence[str],
    aggregation: str,
    prioritisation: str,
    random_index: str,
    synthesis: str,
    normalisation: str,
    steers_on_what: bool,
    cost_from_business_case: bool,
    mc_samples: int | None,
    mc_seed: int | None,
    facilitator: User | None,
) -> DecisionProject:
    _require_manager(actor, project)
    project.name = _text(name, "Naam", "name", max_length=150)
    new_weighting = _choice(weighting, W.values, "Wegingsmethode", "weighting")
    if new_weighting != project.weighting and _has_weights(project):
        raise DomainError(
            "Wegingsmethode: er zijn al wegingen gegeven met de huidige methode; wijzigen kan alleen zolang niemand "
            "heeft gewogen.",
            field="weighting",
        )
    project.weighting = new_weighting
    project.method = _choice(method, DecisionProject.Method.values, "Hoofdmethode", "method")
    for extra in extra_methods:
        _choice(extra, DecisionProject.Method.values, "Tweede meningen", "extra_methods")
    project.extra_methods = [m for m in DecisionProject.Method.values if m in extra_methods and m != project.method]
    project.aggregation = _choice(aggregation, DecisionProject.Aggregation.values, "Groepsaggregatie", "aggregation")
    project.prioritisation = _choice(
        prioritisation, DecisionProject.Prioritisation.values, "Prioritering", "prioritisation"
    )
    project.random_index = _choice(
        random_index, DecisionProject.RandomIndex.values, "Random-indextabel", "random_index"
    )
    project.synthesis = _choice(synthesis, DecisionProject.Synthesis.values, "AHP-synthese", "synthesis")
    project.normalisation = _choice(
        normalisation, DecisionProject.Normalisation.values, "Normalisatie TOPSIS", "normalisation"
    )
    project.steers_on_what = bool(steers_on_what)
    if cost_from_business_case and not project.criteria.filter(is_cost=True).exists():
        raise DomainError(
            "Kostencriterium uit de business case: wijs eerst een criterium aan als kostencriterium.",
            field="cost_from_business_case",
        )
    project.cost_from_business_case = bool(cost_from_business_case)
    if mc_samples is None or not 100 <= mc_samples <= 20000:
        raise DomainError("Monte-Carlo-trekkingen: kies een aantal van 100 tot en met 20.000.", field="mc_samples")
    if mc_seed is None or mc_seed < 0:
        raise DomainError("Monte-Carlo-startwaarde: vul een geheel getal van 0 of meer in.", field="mc_seed")
    project.mc_samples, project.mc_seed = mc_samples, mc_seed
    if facilitator is not None and facilitator.pk != project.facilitator_id:
        if not selectors.facilitator_candidates(project.municipality_id).filter(pk=facilitator.pk).exists():
            raise DomainError(
                "Procesbegeleider: kies een manager of functioneel beheerder van de eigen gemeente.",
                field="facilitator",
            )
        project.facilitator = facilitator
    project.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=project, detail="instellingen")
    return project


def _has_weights(project: DecisionProject) -> bool:
    return (
        PairwiseJudgement.objects.filter(participant__group__project=project).exists()
        or WeightJudgement.objects.filter(participant__group__project=project).exists()
    )


@transaction.atomic
def set_phase(*, actor: User, project: DecisionProject, phase: str) -> DecisionProject:
    _require_manager(actor, project)
    project.phase = _choice(phase, DecisionProject.Phase.values, "Fase", "phase")
    project.save(update_fields=["phase"])
    audit.record(actor=actor, action=Action.UPDATE, obj=project, detail=f"fase {phase}")
    return project


@transaction.atomic
def decide(
    *,
    actor: User,
    project: DecisionProject,
    alternative: Alternative | None,
    motivation: str,
    decided_on: dt.date | None,
) -> DecisionProject:
    """Record the decision (phase 4): the chosen form, why, and when."""
    _require_manager(actor, project)
    if alternative is None or alternative.project_id != project.pk:
        raise DomainError("Gekozen vorm: kies een van de alternatieven van dit project.", field="alternative")
    project.decision_motivation = _text(motivation, "Motivering", "motivation", max_length=5000)
    if decided_on is None:
        raise DomainError("Besloten op: vul de datum van het besluit in.", field="decided_on")
    project.chosen_alternative, project.decided_on = alternative, decided_on
    project.phase = DecisionProject.Phase.DECISION
    project.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=project, detail=f"besluit: {alternative.name}")
    return project


# ---- Criteria, alternatives, principles -------------------------------------------------------------------------


def _unique_name(model: type[Criterion | Alternative], project: DecisionProject, name: str, pk: int | None) -> None:
    if _taken(model.objects.filter(project=project), name, pk):
        raise DomainError(f"Naam: '{name}' bestaat al in dit project.", field="name")


def _cost_flag(project: DecisionProject, is_cost: bool, pk: int | None, direction: str) -> None:
    if not is_cost:
        return
    if direction != Criterion.Direction.MIN:
        raise DomainError("Richting: een kostencriterium heeft richting 'lager is beter'.", field="direction")
    if project.criteria.filter(is_cost=True).exclude(pk=pk or 0).exists():
        raise DomainError("Kostencriterium: dit project heeft al een kostencriterium.", field="is_cost")


@transaction.atomic
def add_criterion(
    *, actor: User, project: DecisionProject, name: str, description: str, direction: str, is_cost: bool = False
) -> Criterion:
    _require_manager(actor, project)
    name = _text(name, "Naam", "name", max_length=150)
    direction = _choice(direction, Criterion.Direction.values, "Richting", "direction")
    if project.criteria.count() >= MAX_CRITERIA:
        raise DomainError(f"Criteria: maximaal {MAX_CRITERIA} criteria per project.", field="name")
    _unique_name(Criterion, project, name, None)
    _cost_flag(project, is_cost, None, direction)
    criterion = Criterion.objects.create(
        project=project,
        name=name,
        description=_text(description, "Toelichting", "description", max_length=2000, required=False),
        direction=direction,
        is_cost=is_cost,
        position=_next_position(Criterion, project=project),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=criterion, detail=name)
    return criterion


@transaction.atomic
def update_criterion(
    *, actor: User, criterion: Criterion, name: str, description: str, direction: str, is_cost: bool = False
) -> Criterion:
    project = criterion.project
    _require_manager(actor, project)
    name = _text(name, "Naam", "name", max_length=150)
    direction = _choice(direction, Criterion.Direction.values, "Richting", "direction")
    _unique_name(Criterion, project, name, criterion.pk)
    _cost_flag(project, is_cost, criterion.pk, direction)
    if criterion.is_cost and not is_cost and project.cost_from_business_case:
        raise DomainError(
            "Kostencriterium: zet eerst 'kostencriterium uit de business case' uit in de instellingen.", field="is_cost"
        )
    criterion.name, criterion.direction, criterion.is_cost = name, direction, is_cost
    criterion.description = _text(description, "Toelichting", "description", max_length=2000, required=False)
    criterion.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=criterion, detail=name)
    return criterion


@transaction.atomic
def remove_criterion(*, actor: User, criterion: Criterion) -> None:
    """Remove a criterion with every judgement about it (participants who gave them become partial)."""
    project = criterion.project
    _require_manager(actor, project)
    if criterion.is_cost and project.cost_from_business_case:
        raise DomainError(
            "Kostencriterium: zet eerst 'kostencriterium uit de business case' uit in de instellingen.", field="name"
        )
    audit.record(actor=actor, action=Action.DELETE, obj=criterion, detail=criterion.name)
    criterion.delete()


@transaction.atomic
def add_alternative(
    *, actor: User, project: DecisionProject, name: str, description: str, legal_form: str, steers_how: bool
) -> Alternative:
    _require_manager(actor, project)
    name = _text(name, "Naam", "name", max_length=150)
    if project.alternatives.count() >= MAX_ALTERNATIVES:
        raise DomainError(f"Alternatieven: maximaal {MAX_ALTERNATIVES} alternatieven per project.", field="name")
    _unique_name(Alternative, project, name, None)
    alternative = Alternative.objects.create(
        project=project,
        name=name,
        description=_text(description, "Toelichting", "description", max_length=2000, required=False),
        legal_form=_choice(legal_form, LegalForm.values, "Rechtsvorm", "legal_form"),
        steers_how=bool(steers_how),
        position=_next_position(Alternative, project=project),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=alternative, detail=name)
    return alternative


@transaction.atomic
def update_alternative(
    *, actor: User, alternative: Alternative, name: str, description: str, legal_form: str, steers_how: bool
) -> Alternative:
    project = alternative.project
    _require_manager(actor, project)
    name = _text(name, "Naam", "name", max_length=150)
    _unique_name(Alternative, project, name, alternative.pk)
    alternative.name = name
    alternative.description = _text(description, "Toelichting", "description", max_length=2000, required=False)
    alternative.legal_form = _choice(legal_form, LegalForm.values, "Rechtsvorm", "legal_form")
    alternative.steers_how = bool(steers_how)
    alternative.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=alternative, detail=name)
    return alternative


@transaction.atomic
def remove_alternative(*, actor: User, alternative: Alternative) -> None:
    project = alternative.project
    _require_manager(actor, project)
    if project.chosen_alternative_id == alternative.pk:
        raise DomainError("Alternatief: dit is de gekozen vorm van het besluit; kies eerst een andere.", field="name")
    audit.record(actor=actor, action=Action.DELETE, obj=alternative, detail=alternative.name)
    alternative.delete()


@transaction.atomic
def move(*, actor: User, item: Criterion | Alternative | StakeholderGroup | EscalationStep, up: bool) -> None:
    """Swap an item with its neighbour above (``up``) or below; positions are renumbered 1..n."""
    siblings: list[Any]
    if isinstance(item, EscalationStep):
        project = item.party.project
        siblings = list(EscalationStep.objects.filter(party_id=item.party_id).order_by("position", "id"))
    else:
        project = item.project
        siblings = list(type(item)._default_manager.filter(project=project).order_by("position", "id"))
    _require_manager(actor, project)
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    audit.record(actor=actor, action=Action.UPDATE, obj=item, detail="volgorde " + ("omhoog" if up else "omlaag"))


@transaction.atomic
def add_principle(*, actor: User, project: DecisionProject, text: str, source: str) -> Principle:
    _require_manager(actor, project)
    principle = Principle.objects.create(
        project=project,
        text=_text(text, "Principe", "text", max_length=300),
        source=_text(source, "Herkomst", "source", max_length=300, required=False),
        position=_next_position(Principle, project=project),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=principle, detail=principle.text[:100])
    return principle


@transaction.atomic
def remove_principle(*, actor: User, principle: Principle) -> None:
    _require_manager(actor, principle.project)
    audit.record(actor=actor, action=Action.DELETE, obj=principle, detail=principle.text[:100])
    principle.delete()


# ---- Groups and participants ------------------------------------------------------------------------------------


def _group_fields(
    *, name: str, kind: str, weight: Decimal | None, weight_decided_by: str, weight_reason: str
) -> dict[str, Any]:
    kind = _choice(kind, StakeholderGroup.Kind.values, "Soort", "kind")
    name = _text(name, "Naam", "name", max_length=100, required=False) or str(StakeholderGroup.Kind(kind).label)
    if weight is None or weight < 0 or weight > 1000:
        raise DomainError("Groepsgewicht: vul een getal van 0 tot en met 1000 in.", field="weight")
    return {
        "name": name,
        "kind": kind,
        "weight": weight,
        "weight_decided_by": _text(weight_decided_by, "Gewicht vastgesteld door", "weight_decided_by", max_length=150),
        "weight_reason": _text(weight_reason, "Motivering van het gewicht", "weight_reason", max_length=2000),
    }


@transaction.atomic
def add_group(
    *,
    actor: User,
    project: DecisionProject,
    kind: str,
    name: str,
    weight: Decimal | None,
    weight_decided_by: str,
    weight_reason: str,
) -> StakeholderGroup:
    """A stakeholder group; its weight is a political choice, so who set it and why are required."""
    _require_manager(actor, project)
    values = _group_fields(
        name=name, kind=kind, weight=weight, weight_decided_by=weight_decided_by, weight_reason=weight_reason
    )
    if _taken(project.groups.all(), values["name"]):
        raise DomainError(f"Naam: de groep '{values['name']}' bestaat al in dit project.", field="name")
    group = StakeholderGroup.objects.create(
        project=project, position=_next_position(StakeholderGroup, project=project), **values
    )
    audit.record(actor=actor, action=Action.CREATE, obj=group, detail=f"{group.name}, gewicht {group.weight}")
    return group


@transaction.atomic
def update_group(
    *,
    actor: User,
    group: StakeholderGroup,
    kind: str,
    name: str,
    weight: Decimal | None,
    weight_decided_by: str,
    weight_reason: str,
) -> StakeholderGroup:
    _require_manager(actor, group.project)
    values = _group_fields(
        name=name, kind=kind, weight=weight, weight_decided_by=weight_decided_by, weight_reason=weight_reason
    )
    if _taken(group.project.groups.all(), values["name"], group.pk):
        raise DomainError(f"Naam: de groep '{values['name']}' bestaat al in dit project.", field="name")
    for key, value in values.items():
        setattr(group, key, value)
    group.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=group, detail=f"{group.name}, gewicht {group.weight}")
    return group


@transaction.atomic
def remove_group(*, actor: User, group: StakeholderGroup) -> None:
    _require_manager(actor, group.project)
    audit.record(actor=actor, action=Action.DELETE, obj=group, detail=group.name)
    group.delete()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, selectors.token_hash(token)


@transaction.atomic
def add_participant(*, actor: User, group: StakeholderGroup, name: str, email: str) -> tuple[Participant, str]:
    """A participant with a personal link; returns the participant and the token (shown once, stored hashed)."""
    _require_manager(actor, group.project)
    name = _text(name, "Naam", "name", max_length=150)
    email = _text(email, "E-mailadres", "email", max_length=254, required=False)
    if email and ("@" not in email or " " in email):
        raise DomainError("E-mailadres: dit is geen geldig e-mailadres.", field="email")
    token, hashed = _new_token()
    participant = Participant.objects.create(group=group, name=name, email=email, token_hash=hashed)
    audit.record(actor=actor, action=Action.CREATE, obj=participant, detail=f"{name} ({group.name})")
    return participant, token


@transaction.atomic
def renew_link(*, actor: User, participant: Participant) -> str:
    """A new personal link; the old one stops working."""
    _require_manager(actor, participant.group.project)
    token, participant.token_hash = _new_token()
    participant.save(update_fields=["token_hash"])
    audit.record(actor=actor, action=Action.UPDATE, obj=participant, detail="nieuwe persoonlijke link")
    return token


@transaction.atomic
def set_excluded(*, actor: User, participant: Participant, excluded: bool) -> Participant:
    """Leave a participant out of the computation (for instance with CR > 0.10 until they revise), or back in."""
    _require_manager(actor, participant.group.project)
    participant.excluded = excluded
    participant.save(update_fields=["excluded"])
    detail = "buiten de berekening" if excluded else "weer in de berekening"
    audit.record(actor=actor, action=Action.UPDATE, obj=participant, detail=detail)
    return participant


@transaction.atomic
def remove_participant(*, actor: User, participant: Participant) -> None:
    _require_manager(actor, participant.group.project)
    audit.record(actor=actor, action=Action.DELETE, obj=participant, detail=participant.name)
    participant.delete()


# ---- Judgements --------------------------------------------------------------------------------------------------


def _check_weights(project: DecisionProject, criteria: list[Criterion], weights: dict[int, int | None]) -> None:
    """The rules of the project's weighting for a participant's values (only when all are given; a partial
    answer is saved as it is)."""
    names = {c.pk: c.name for c in criteria}
    for pk, value in weights.items():
        if value is None:
            continue
        if project.weighting == W.POINTS and not 1 <= value <= 100:
            raise DomainError(f"Punten voor {names[pk]}: geef 1 tot en met 100 punten.", field=f"weight_{pk}")
        if project.weighting == W.SWING and not 1 <= value <= 100:
            raise DomainError(f"Swingpunten voor {names[pk]}: geef 1 tot en met 100 punten.", field=f"weight_{pk}")
        if project.weighting in (W.ROC, W.RANK_SUM) and not 1 <= value <= len(criteria):
            raise DomainError(
                f"Rang van {names[pk]}: kies een rang van 1 tot en met {len(criteria)}.", field=f"weight_{pk}"
            )
    given = [v for v in weights.values() if v is not None]
    if len(given) < len(criteria):
        return
    first = f"weight_{criteria[0].pk}"
    if project.weighting == W.POINTS and sum(given) != 100:
        raise DomainError(f"Punten: de punten moeten samen precies 100 zijn (nu {sum(given)}).", field=first)
    if project.weighting == W.SWING and max(given) != 100:
        raise DomainError(
            "Swingpunten: het belangrijkste verschil krijgt 100 punten; geef één criterium 100.", field=first
        )
    if project.weighting in (W.ROC, W.RANK_SUM) and sorted(given) != list(range(1, len(criteria) + 1)):
        raise DomainError(
            f"Rang: geef elke rang van 1 tot en met {len(criteria)} precies één keer (1 = belangrijkste).", field=first
        )


@transaction.atomic
def save_judgements(
    *,
    participant: Participant,
    pairwise: dict[tuple[int, int], int | None],
    weights: dict[int, int | None],
    scores: dict[tuple[int, int], int | None],
) -> Participant:
    """Replace a participant's judgements with the given ones (None = not answered yet). Refuses, and saves
    nothing, when the project is closed, a judgement is off its scale or about something outside the project, or
    a complete weighting breaks its rule (100 points, one swing of 100, each rank once)."""
    project = participant.group.project
    if project.phase == DecisionProject.Phase.DECISION:
        raise DomainError("Dit project is in de besluitfase: de inbreng is gesloten.")
    shape = selectors.structure(project)
    criteria = {c.pk: c for c in shape.criteria}
    alternatives = {a.pk for a in shape.admissible}
    scored = {c.pk for c in shape.scored}
    for (first, second), value in pairwise.items():
        if first not in criteria or second not in criteria or first == second:
            raise DomainError("Vergelijking: deze criteria horen niet (meer) bij het project.", field="pairwise")
        if value is not None and not -8 <= value <= 8:
            raise DomainError(
                f"Vergelijking {criteria[first].name} - {criteria[second].name}: kies een waarde op de schaal 1-9.",
                field=f"pair_{first}_{second}",
            )
    for pk in weights:
        if pk not in criteria:
            raise DomainError("Weging: dit criterium hoort niet (meer) bij het project.", field="weights")
    for (alternative, criterion), value in scores.items():
        if alternative not in alternatives or criterion not in scored:
            raise DomainError("Score: dit alternatief of criterium hoort niet (meer) bij het project.", field="scores")
        if value is not None and not 1 <= value <= 5:
            raise DomainError(f"Score: kies 1 tot en met 5 (nu {value}).", field=f"score_{alternative}_{criterion}")
    if project.weighting == W.PAIRWISE and weights:
        raise DomainError("Weging: dit project vergelijkt paarsgewijs.", field="weights")
    if project.weighting != W.PAIRWISE and pairwise:
        raise DomainError("Vergelijking: dit project weegt niet paarsgewijs.", field="pairwise")
    _check_weights(project, shape.criteria, weights)

    participant.pairwise.all().delete()
    participant.weights.all().delete()
    participant.scores.all().delete()
    PairwiseJudgement.objects.bulk_create(
        PairwiseJudgement(participant=participant, first_id=a, second_id=b, value=v)
        for (a, b), v in pairwise.items()
        if v is not None
    )
    WeightJudgement.objects.bulk_create(
        WeightJudgement(participant=participant, criterion_id=c, value=v) for c, v in weights.items() if v is not None
    )
    ScoreJudgement.objects.bulk_create(
        ScoreJudgement(participant=participant, alternative_id=a, criterion_id=c, value=v)
        for (a, c), v in scores.items()
        if v is not None
    )
    participant.saved_at = timezone.now()
    participant.save(update_fields=["saved_at"])
    answered = sum(v is not None for v in [*pairwise.values(), *weights.values(), *scores.values()])
    audit.record(
        actor=None,
        actor_name=f"deelnemer {participant.pk}",
        action=Action.UPDATE,
        obj=participant,
        detail=f"inbreng opgeslagen ({answered} oordelen)",
    )
    return participant


# ---- Business case -----------------------------------------------------------------------------------------------


def _euros(value: int | None, label: str, field: str, *, allow_negative: bool = False) -> int:
    if value is None:
        raise DomainError(f"{label}: vul een bedrag in hele euro's in.", field=field)
    if value < 0 and not allow_negative:
        raise DomainError(f"{label}: een bedrag kan niet negatief zijn.", field=field)
    if abs(value) > 10**11:
        raise DomainError(f"{label}: dit bedrag is te groot.", field=field)
    return value * 100


def _range(low: int | None, expected: int | None, high: int | None, prefix: str) -> tuple[int, int, int]:
    lo = _euros(low, "Laag", f"{prefix}low")
    ex = _euros(expected, "Verwacht", f"{prefix}expected")
    hi = _euros(high, "Hoog", f"{prefix}high")
    if lo > ex:
        raise DomainError("Laag: mag niet hoger zijn dan het verwachte bedrag.", field=f"{prefix}low")
    if ex > hi:
        raise DomainError("Hoog: mag niet lager zijn dan het verwachte bedrag.", field=f"{prefix}high")
    return lo, ex, hi


def _years(first: int | None, last: int | None) -> tuple[int, int]:
    if first is None or not 0 <= first <= HORIZON:
        raise DomainError(f"Vanaf jaar: kies t0 tot en met t{HORIZON}.", field="first_year")
    if last is None or not first <= last <= HORIZON:
        raise DomainError(f"Tot en met jaar: kies een jaar van t{first} tot en met t{HORIZON}.", field="last_year")
    return first, last


@transaction.atomic
def add_cost_line(
    *,
    actor: User,
    alternative: Alternative,
    block: str,
    category: str,
    label: str,
    first_year: int | None,
    last_year: int | None,
    low: int | None,
    expected: int | None,
    high: int | None,
) -> CostLine:
    """An amount per year (whole euros) from one year to another, as a range."""
    _require_manager(actor, alternative.project)
    block = _choice(block, CostLine.Block.values, "Blok", "block")
    allowed = [code for code, _label in catalogue.CATEGORIES[block]]
    if category not in allowed:
        raise DomainError(f"Post: kies een post die bij '{CostLine.Block(block).label}' hoort.", field="category")
    first, last = _years(first_year, last_year)
    lo, ex, hi = _range(low, expected, high, "")
    line = CostLine.objects.create(
        alternative=alternative,
        block=block,
        category=category,
        label=_text(label, "Omschrijving", "label", max_length=150, required=False),
        first_year=first,
        last_year=last,
        low_cents=lo,
        expected_cents=ex,
        high_cents=hi,
    )
    audit.record(actor=actor, action=Action.CREATE, obj=line, detail=f"{alternative.name}: {category}")
    return line


@transaction.atomic
def remove_cost_line(*, actor: User, line: CostLine) -> None:
    _require_manager(actor, line.alternative.project)
    audit.record(actor=actor, action=Action.DELETE, obj=line, detail=line.category)
    line.delete()


@transaction.atomic
def add_staff_line(
    *,
    actor: User,
    alternative: Alternative,
    function: str,
    cao: str,
    scale: str,
    fte_low: Decimal | None,
    fte: Decimal | None,
    fte_high: Decimal | None,
    salary: int | None,
    charges_pct: Decimal | None,
    first_year: int | None,
    last_year: int | None,
) -> StaffLine:
    """A row of the staffing table; employer charges default to the project's parameter when left empty."""
    project = alternative.project
    _require_manager(actor, project)
    cao = _choice(cao, list(catalogue.CAO_BY_CODE), "Cao", "cao")
    for value, label, field in (
        (fte_low, "Fte laag", "fte_low"),
        (fte, "Fte verwacht", "fte"),
        (fte_high, "Fte hoog", "fte_high"),
    ):
        if value is None or value < 0 or value > 10000:
            raise DomainError(f"{label}: vul een aantal fte van 0 tot en met 10.000 in.", field=field)
    assert fte_low is not None and fte is not None and fte_high is not None  # noqa: S101 - checked above
    if fte_low > fte:
        raise DomainError("Fte laag: mag niet hoger zijn dan het verwachte aantal.", field="fte_low")
    if fte > fte_high:
        raise DomainError("Fte hoog: mag niet lager zijn dan het verwachte aantal.", field="fte_high")
    if charges_pct is None:
        default = project.parameters.filter(code="werkgeverslasten").first()
        charges_pct = default.value if default is not None else Decimal(0)
    if not 0 <= charges_pct <= 100:
        raise DomainError("Werkgeverslasten: een percentage van 0 tot en met 100.", field="charges_pct")
    first, last = _years(first_year, last_year)
    line = StaffLine.objects.create(
        alternative=alternative,
        function=_text(function, "Functie", "function", max_length=100),
        cao=cao,
        scale=_text(scale, "Schaal", "scale", max_length=20),
        fte_low=fte_low,
        fte=fte,
        fte_high=fte_high,
        salary_cents=_euros(salary, "Bruto jaarsalaris per fte", "salary"),
        charges_pct=charges_pct,
        first_year=first,
        last_year=last,
    )
    audit.record(actor=actor, action=Action.CREATE, obj=line, detail=f"{alternative.name}: {line.function}")
    return line


@transaction.atomic
def remove_staff_line(*, actor: User, line: StaffLine) -> None:
    _require_manager(actor, line.alternative.project)
    audit.record(actor=actor, action=Action.DELETE, obj=line, detail=line.function)
    line.delete()


@transaction.atomic
def update_fiscal(
    *,
    actor: User,
    alternative: Alternative,
    purchases_low: int | None,
    purchases_expected: int | None,
    purchases_high: int | None,
    secondment_low: int | None,
    secondment_expected: int | None,
    secondment_high: int | None,
    market_activity: bool,
    note: str,
) -> BusinessCase:
    """The inputs of the derived fiscal lines: taxed purchases and seconded staff per year (whole euros)."""
    _require_manager(actor, alternative.project)
    p = _range(purchases_low, purchases_expected, purchases_high, "purchases_")
    s = _range(secondment_low, secondment_expected, secondment_high, "secondment_")
    case, _created = BusinessCase.objects.update_or_create(
        alternative=alternative,
        defaults={
            "taxed_purchases_low_cents": p[0],
            "taxed_purchases_expected_cents": p[1],
            "taxed_purchases_high_cents": p[2],
            "secondment_low_cents": s[0],
            "secondment_expected_cents": s[1],
            "secondment_high_cents": s[2],
            "market_activity": bool(market_activity),
            "note": _text(note, "Toelichting", "note", max_length=2000, required=False),
        },
    )
    audit.record(actor=actor, action=Action.UPDATE, obj=case, detail=f"{alternative.name}: fiscaal")
    return case


@transaction.atomic
def update_parameter(*, actor: User, parameter: Parameter, value: Decimal | None, source: str) -> Parameter:
    _require_manager(actor, parameter.project)
    if value is None or not 0 <= value <= 100:
        raise DomainError(f"{parameter.label}: vul een percentage van 0 tot en met 100 in.", field="value")
    parameter.value = value
    parameter.source = _text(source, "Bron", "source", max_length=2000)
    parameter.save(update_fields=["value", "source"])
    audit.record(actor=actor, action=Action.UPDATE, obj=parameter, detail=f"{parameter.code} = {value}")
    return parameter


@transaction.atomic
def set_discount(*, actor: User, project: DecisionProject, discount: str, own_rate: Decimal | None) -> DecisionProject:
    """The net-present-value toggle: 0 %, the standard rate, or the project's own rate."""
    _require_manager(actor, project)
    project.discount = _choice(discount, DecisionProject.Discount.values, "Contante waarde", "discount")
    if project.discount == DecisionProject.Discount.OWN:
        if own_rate is None or not -5 <= own_rate <= 20:
            raise DomainError("Eigen discontovoet: vul een percentage van -5 tot en met 20 in.", field="own_rate")
        project.own_rate = own_rate
    project.save(update_fields=["discount", "own_rate"])
    audit.record(actor=actor, action=Action.UPDATE, obj=project, detail=f"contante waarde {project.discount}")
    return project


# ---- Governance map ----------------------------------------------------------------------------------------------


@transaction.atomic
def add_party(
    *,
    actor: User,
    project: DecisionProject,
    name: str,
    alternative: Alternative | None,
    category: str,
    year: int | None,
) -> ConnectedParty:
    """A connected party with its four roles (to be filled in) and the default escalation ladder."""
    _require_manager(actor, project)
    name = _text(name, "Naam", "name", max_length=150)
    if _taken(project.parties.all(), name):
        raise DomainError(f"Naam: '{name}' staat al op de kaart.", field="name")
    if alternative is not None and alternative.project_id != project.pk:
        raise DomainError("Vorm: kies een alternatief van dit project.", field="alternative")
    if year is None or not 2000 <= year <= 2100:
        raise DomainError("Begrotingsjaar: vul een jaar van 2000 tot en met 2100 in.", field="year")
    party = ConnectedParty.objects.create(
        project=project,
        name=name,
        alternative=alternative,
        category=_choice(category, ConnectedParty.Category.values, "Soort (BBV)", "category"),
        year=year,
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(party=party, role=role) for role in RoleAssignment.Role.values)
    EscalationStep.objects.bulk_create(
        EscalationStep(party=party, position=i, municipal_side=m, party_side=p, subject=s)
        for i, (m, p, s) in enumerate(catalogue.DEFAULT_LADDER, start=1)
    )
    audit.record(actor=actor, action=Action.CREATE, obj=party, detail=name)
    return party


BBV_TEXT_FIELDS = {
    "public_interest": "Openbaar belang",
    "policy": "Visie en beleidsvoornemens",
    "administrative_interest": "Bestuurlijk belang",
    "financial_interest_note": "Toelichting financieel belang",
    "risks": "Risico's",
    "regisseur_name": "Regisseur",
    "regisseur_function": "Functie regisseur",
}
BBV_AMOUNT_FIELDS = {
    "financial_interest": "Financieel belang",
    "equity_start": "Eigen vermogen begin",
    "equity_end": "Eigen vermogen eind",
    "liabilities_start": "Vreemd vermogen begin",
    "liabilities_end": "Vreemd vermogen eind",
    "result": "Verwacht resultaat",
}


@transaction.atomic
def update_party(*, actor: User, party: ConnectedParty, **values: Any) -> ConnectedParty:
    """The data of the BBV art. 15 paragraph: texts, and amounts in whole euros (empty = unknown; equity and
    result may be negative)."""
    _require_manager(actor, party.project)
    unknown = set(values) - set(BBV_TEXT_FIELDS) - set(BBV_AMOUNT_FIELDS) - {"name", "category", "year"}
    if unknown:
        raise DomainError(f"Onbekend veld: {sorted(unknown)[0]}.")
    if "name" in values:
        name = _text(values["name"], "Naam", "name", max_length=150)
        if _taken(party.project.parties.all(), name, party.pk):
            raise DomainError(f"Naam: '{name}' staat al op de kaart.", field="name")
        party.name = name
    if "category" in values:
        party.category = _choice(values["category"], ConnectedParty.Category.values, "Soort (BBV)", "category")
    if "year" in values:
        if values["year"] is None or not 2000 <= values["year"] <= 2100:
            raise DomainError("Begrotingsjaar: vul een jaar van 2000 tot en met 2100 in.", field="year")
        party.year = values["year"]
    for key, label in BBV_TEXT_FIELDS.items():
        if key in values:
            limit = 150 if key.startswith("regisseur") else 5000
            setattr(party, key, _text(values[key], label, key, max_length=limit, required=False))
    for key, label in BBV_AMOUNT_FIELDS.items():
        if key in values:
            amount = values[key]
            if amount is not None:
                amount = _euros(amount, label, key, allow_negative=key != "financial_interest")
            setattr(party, f"{key}_cents", amount)
    party.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=party, detail="gegevens verbonden partij")
    return party


@transaction.atomic
def set_role(
    *,
    actor: User,
    party: ConnectedParty,
    role: str,
    portfolio_holder: str,
    portfolio: str,
    official: str,
    official_function: str,
) -> RoleAssignment:
    """Who holds one of the four roles. Client and owner with the same portfolio holder is allowed but shown as
    a conflict (governance.conflicts)."""
    _require_manager(actor, party.project)
    role = _choice(role, RoleAssignment.Role.values, "Rol", "role")
    assignment, _created = RoleAssignment.objects.update_or_create(
        party=party,
        role=role,
        defaults={
            "portfolio_holder": _text(
                portfolio_holder, "Wethouder", "portfolio_holder", max_length=150, required=False
            ),
            "portfolio": _text(portfolio, "Portefeuille", "portfolio", max_length=150, required=False),
            "official": _text(official, "Ambtenaar", "official", max_length=150, required=False),
            "official_function": _text(
                official_function, "Functie ambtenaar", "official_function", max_length=150, required=False
            ),
        },
    )
    audit.record(actor=actor, action=Action.UPDATE, obj=assignment, detail=f"{party.name}: {role}")
    return assignment


@transaction.atomic
def add_escalation_step(
    *, actor: User, party: ConnectedParty, municipal_side: str, party_side: str, subject: str
) -> EscalationStep:
    _require_manager(actor, party.project)
    step = EscalationStep.objects.create(
        party=party,
        position=_next_position(EscalationStep, party=party),
        municipal_side=_text(municipal_side, "Gemeente", "municipal_side", max_length=200),
        party_side=_text(party_side, "Partij", "party_side", max_length=200),
        subject=_text(subject, "Onderwerp", "subject", max_length=2000, required=False),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=step, detail=f"{party.name}: trede {step.position}")
    return step


@transaction.atomic
def update_escalation_step(
    *, actor: User, step: EscalationStep, municipal_side: str, party_side: str, subject: str
) -> EscalationStep:
    _require_manager(actor, step.party.project)
    step.municipal_side = _text(municipal_side, "Gemeente", "municipal_side", max_length=200)
    step.party_side = _text(party_side, "Partij", "party_side", max_length=200)
    step.subject = _text(subject, "Onderwerp", "subject", max_length=2000, required=False)
    step.save()
    audit.record(actor=actor, action=Action.UPDATE, obj=step, detail=f"trede {step.position}")
    return step


@transaction.atomic
def remove_escalation_step(*, actor: User, step: EscalationStep) -> None:
    _require_manager(actor, step.party.project)
    audit.record(actor=actor, action=Action.DELETE, obj=step, detail=f"trede {step.position}")
    party_id = step.party_id
    step.delete()
    for position, sibling in enumerate(EscalationStep.objects.filter(party_id=party_id).order_by("position", "id"), 1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


@transaction.atomic
def add_agreement(
    *,
    actor: User,
    party: ConnectedParty,
    name: str,
    parties: str,
    subject: str,
    indicators: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> ServiceAgreement:
    _require_manager(actor, party.project)
    if starts_on is None:
        raise DomainError("Ingangsdatum: vul de datum in waarop de afspraak ingaat.", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("Einddatum: ligt voor de ingangsdatum.", field="ends_on")
    try:
        with transaction.atomic():
            agreement = ServiceAgreement.objects.create(
                party=party,
                name=_text(name, "Naam", "name", max_length=150),
                parties=_text(parties, "Partijen", "parties", max_length=300),
                subject=_text(subject, "Onderwerp", "subject", max_length=2000),
                indicators=_text(indicators, "Indicatoren", "indicators", max_length=2000, required=False),
                starts_on=starts_on,
                ends_on=ends_on,
            )
    except IntegrityError as error:  # the database's own check of the term
        raise DomainError("Einddatum: ligt voor de ingangsdatum.", field="ends_on") from error
    audit.record(actor=actor, action=Action.CREATE, obj=agreement, detail=f"{party.name}: {agreement.name}")
    return agreement


@transaction.atomic
def remove_agreement(*, actor: User, agreement: ServiceAgreement) -> None:
    _require_manager(actor, agreement.party.project)
    audit.record(actor=actor, action=Action.DELETE, obj=agreement, detail=agreement.name)
    agreement.delete()


@transaction.atomic
def remove_party(*, actor: User, party: ConnectedParty) -> None:
    _require_manager(actor, party.project)
    audit.record(actor=actor, action=Action.DELETE, obj=party, detail=party.name)
    party.delete()
