import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.conftest import make_household, next_bsn
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.people import selectors, services
from toegang.people.models import Membership, Person


def test_register_person_validates_bsn_and_writes_nothing_on_error(world):
    before = Person.objects.count()
    with pytest.raises(DomainError, match="elfproef"):
        services.register_person(actor=world.professional, bsn="123456781", voornamen="A", geslachtsnaam="B")
    assert Person.objects.count() == before


def test_register_person_returns_existing_person_for_known_bsn(world):
    bsn = next_bsn()
    first = services.register_person(actor=world.professional, bsn=bsn, voornamen="Anna", geslachtsnaam="Jansen")
    again = services.register_person(actor=world.professional, bsn=bsn, voornamen="", geslachtsnaam="")
    assert again.pk == first.pk


def test_register_person_requires_names_and_records_audit(world):
    with pytest.raises(DomainError, match="Geslachtsnaam"):
        services.register_person(actor=world.professional, bsn=None, voornamen="Anna", geslachtsnaam=" ")
    person = services.register_person(
        actor=world.professional, bsn=None, voornamen="Anna", geslachtsnaam="Bakker", postcode="1234 ab"
    )
    assert person.postcode == "1234AB"
    entry = AuditEntry.objects.get(object_type="person", object_id=str(person.pk))
    assert list(entry.subjects.values_list("person_id", flat=True)) == [person.pk]


def test_bad_postcode_is_refused(world):
    with pytest.raises(DomainError, match="Postcode"):
        services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B", postcode="12AB")


def test_overlapping_membership_refused_by_service(world):
    household = make_household(world, members=1)
    other = make_household(world, members=0)
    person = household.memberships.get().person
    with pytest.raises(DomainError, match="overlappen") as excinfo:
        services.add_member(actor=world.professional, household=other, person=person, role="kind", start_date=today())
    assert excinfo.value.field == "start_date"
    assert not Membership.objects.filter(household=other).exists()


def test_person_can_move_households_over_time(world):
    household = make_household(world, members=1)
    other = make_household(world, members=0)
    membership = household.memberships.get()
    services.end_membership(actor=world.professional, membership=membership, end_date=today() - dt.timedelta(days=1))
    moved = services.add_member(
        actor=world.professional, household=other, person=membership.person, role="overig", start_date=today()
    )
    assert moved.household == other
    assert Membership.objects.filter(person=membership.person).count() == 2


def test_database_refuses_overlap_even_without_the_service(world):
    household = make_household(world, members=1)
    other = make_household(world, members=0)
    person = household.memberships.get().person
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(person=person, household=other, role="kind", start_date=today())


def test_end_before_start_is_refused(world):
    household = make_household(world, members=0)
    person = services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B")
    with pytest.raises(DomainError, match="einddatum ligt vóór"):
        services.add_member(
            actor=world.professional,
            household=household,
            person=person,
            role="kind",
            start_date=today(),
            end_date=today() - dt.timedelta(days=3),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=person, household=household, role="kind", start_date=today(), end_date=today() - dt.timedelta(days=3)
        )


def test_member_rows_are_the_memberships_in_start_order(world):
    """``member_rows_of_households`` (the API's household list) gives what the memberships hold, per
    household, in start order then id, with ended members and a household without members too."""
    households = [make_household(world, members=3), make_household(world, members=2)]
    first = households[0].memberships.order_by("pk").first()
    Membership.objects.filter(pk=first.pk).update(  # the first made, ended, and started last
        start_date=today() - dt.timedelta(days=1), end_date=today()
    )
    Membership.objects.filter(household=households[1]).update(start_date=today() - dt.timedelta(days=400))
    empty = make_household(world, members=1)
    empty.memberships.all().delete()
    found = selectors.member_rows_of_households([h.pk for h in (*households, empty)])
    for household in households:
        expected = [
            (m.person_id, m.role, m.start_date, m.end_date) for m in household.memberships.order_by("start_date", "pk")
        ]
        assert [tuple(row) for row in found[household.pk]] == expected
        assert isinstance(found[household.pk][0].start_date, dt.date)
    assert found[households[0].pk][-1].person_id == first.person_id and found[households[0].pk][-1].end_date == today()
    assert found[empty.pk] == [] and selectors.member_rows_of_households([]) == {}
