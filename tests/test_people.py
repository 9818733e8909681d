import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.conftest import TODAY, make_household, next_bsn
from toegang.audit.models import AuditEntry
from toegang.common.errors import DomainError
from toegang.people import services
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
        services.add_member(actor=world.professional, household=other, person=person, role="kind", start_date=TODAY)
    assert excinfo.value.field == "start_date"
    assert not Membership.objects.filter(household=other).exists()


def test_person_can_move_households_over_time(world):
    household = make_household(world, members=1)
    other = make_household(world, members=0)
    membership = household.memberships.get()
    services.end_membership(actor=world.professional, membership=membership, end_date=TODAY - dt.timedelta(days=1))
    moved = services.add_member(
        actor=world.professional, household=other, person=membership.person, role="overig", start_date=TODAY
    )
    assert moved.household == other
    assert Membership.objects.filter(person=membership.person).count() == 2


def test_database_refuses_overlap_even_without_the_service(world):
    household = make_household(world, members=1)
    other = make_household(world, members=0)
    person = household.memberships.get().person
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(person=person, household=other, role="kind", start_date=TODAY)


def test_end_before_start_is_refused(world):
    household = make_household(world, members=0)
    person = services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B")
    with pytest.raises(DomainError, match="einddatum ligt vóór"):
        services.add_member(
            actor=world.professional,
            household=household,
            person=person,
            role="kind",
            start_date=TODAY,
            end_date=TODAY - dt.timedelta(days=3),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=person, household=household, role="kind", start_date=TODAY, end_date=TODAY - dt.timedelta(days=3)
        )
