"""Reads of signals: the team queue and signal detail, both starting from the signal access predicate."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from toegang.accounts.models import User
from toegang.cases.selectors import CASE_ROLES
from toegang.people.models import Person
from toegang.signals.models import Signal

URGENCY_ORDER = Case(
    When(urgency=Signal.Urgency.CRISIS, then=Value(0)),
    When(urgency=Signal.Urgency.HIGH, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def signals_visible_to(user: User) -> QuerySet[Signal]:
    qs = Signal.objects.all()
    if not user.is_active or not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == User.Role.MANAGER:
        return qs.filter(municipality_id=user.municipality_id) if user.municipality_id else qs.none()
    if user.role in CASE_ROLES:
        return qs.filter(Q(team_id=user.team_id) | Q(registered_by_id=user.pk))
    return qs.none()


def team_queue(*, user: User) -> QuerySet[Signal]:
    """New signals of the user's team (a manager: of the municipality): urgent first, then oldest first."""
    qs = signals_visible_to(user).filter(status=Signal.Status.NEW)
    if user.team_id is not None:
        qs = qs.filter(team_id=user.team_id)
    return (
        qs.select_related("area")
        # the columns the queue shows: not the description, nor who registered it
        .only("pk", "urgency", "received_on", "source", "area__name")
        # a list per signal (``person_list``) with the names only: no related manager and queryset per row
        .prefetch_related(Prefetch("persons", Person.objects.only(*Person.NAME_FIELDS), to_attr="person_list"))
        .annotate(urgency_rank=URGENCY_ORDER)
        .order_by("urgency_rank", "received_on", "pk")
    )


def signal_for_page(*, user: User, signal_id: int) -> Signal:
    return (
        signals_visible_to(user)
        .select_related("area", "team", "registered_by", "triaged_by", "trajectory__household")
        .prefetch_related("persons", "life_domains")
        .get(pk=signal_id)
    )
