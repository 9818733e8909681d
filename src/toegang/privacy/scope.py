"""What a privacy officer oversees: the persons, households and dossiers of their own municipality."""

from __future__ import annotations

from django.db.models import QuerySet

from toegang.accounts.models import User
from toegang.people.models import Person


def persons_of(officer: User) -> QuerySet[Person]:
    """Persons who are or were a member of a household of the officer's municipality."""
    if officer.is_superuser:
        return Person.objects.all()
    return Person.objects.filter(
        pk__in=Person.objects.filter(memberships__household__municipality_id=officer.municipality_id or 0).values("pk")
    )


def users_of(officer: User) -> QuerySet[User]:
    if officer.is_superuser:
        return User.objects.all()
    return User.objects.filter(municipality_id=officer.municipality_id or 0)
