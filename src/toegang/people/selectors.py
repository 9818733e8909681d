"""Reads of persons and households. Every read starts from the access predicate in cases.selectors."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Q, QuerySet

from toegang.people.models import Household, Membership, Person


def not_ended(on: dt.date, prefix: str = "") -> Q:
    """A membership (through ``prefix``, e.g. ``"memberships__"``) that has not ended on this day; it may
    start later (a member expected). Use it in the same ``filter()`` as the other membership conditions."""
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})


def current_members(*, household: Household, on: dt.date) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(household=household, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person")
        .order_by("role", "person__geboortedatum")
    )


def member_ids(*, household_id: int, on: dt.date | None = None) -> list[int]:
    """Ids of everyone who is or was a member: the subjects of an audit entry about the household."""
    qs = Membership.objects.filter(household_id=household_id)
    if on is not None:
        qs = qs.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    return list(qs.values_list("person_id", flat=True).distinct())


def member_ids_of_households(household_ids: list[int]) -> list[int]:
    """Everyone who is or was a member of these households, in one query (audit subjects of a list page).
    The ids go as one array parameter: one statement, prepared once, whatever the length of the page."""
    if not household_ids:
        return []
    return list(
        Membership.objects.filter(household_id__any_of=household_ids).values_list("person_id", flat=True).distinct()
    )


class MemberRow(NamedTuple):
    """A membership as a list shows it: plain values, no model instance."""

    person_id: int
    role: str
    start_date: dt.date
    end_date: dt.date | None


def member_rows_of_households(household_ids: list[int]) -> dict[int, list[MemberRow]]:
    """Per household, everyone who is or was a member, in start order, in one query. Plain rows instead
    of a prefetch: making and linking a Membership per member cost more than the query (issue 9)."""
    rows: dict[int, list[MemberRow]] = {pk: [] for pk in household_ids}
    if household_ids:
        found = Membership.objects.filter(household_id__any_of=household_ids).order_by("start_date", "pk")
        for household_id, person_id, role, start, end in found.values_list(
            "household_id", "person_id", "role", "start_date", "end_date"
        ):
            rows[household_id].append(MemberRow(person_id, role, start, end))
    return rows


def current_household_of(*, person: Person, on: dt.date) -> Household | None:
    membership = (
        Membership.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("household")
        .first()
    )
    return membership.household if membership else None
