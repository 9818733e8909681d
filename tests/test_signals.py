import datetime as dt

import pytest

from tests.conftest import make_household, make_trajectory, next_bsn
from toegang.cases.models import Trajectory
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.people import services as people_services
from toegang.people.models import Household
from toegang.plans.models import LifeDomain
from toegang.signals import selectors, services
from toegang.signals.models import Signal


def register(world, *, person=None, urgency="normaal", received_on=None, team=None):
    received_on = received_on or today()
    person = person or people_services.register_person(
        actor=world.professional,
        bsn=next_bsn(),
        voornamen="Sam",
        geslachtsnaam="Visser",
        postcode="1111AA",
        huisnummer="1",
    )
    return services.register_signal(
        actor=world.professional,
        team=team or world.team,
        source="huisarts",
        channel="telefoon",
        received_on=received_on,
        description="Zorgen over thuis",
        persons=[person],
        urgency=urgency,
    )


def test_register_signal_validates(world):
    person = people_services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B")
    with pytest.raises(DomainError, match="Datum melding"):
        services.register_signal(
            actor=world.professional,
            team=world.team,
            source="huisarts",
            channel="telefoon",
            received_on=today() + dt.timedelta(days=1),
            description="x",
            persons=[person],
        )
    with pytest.raises(DomainError, match="Bron"):
        services.register_signal(
            actor=world.professional,
            team=world.team,
            source="astrologie",
            channel="telefoon",
            received_on=today(),
            description="x",
            persons=[person],
        )
    with pytest.raises(DomainError, match="Betrokken personen"):
        services.register_signal(
            actor=world.professional,
            team=world.team,
            source="huisarts",
            channel="telefoon",
            received_on=today(),
            description="x",
            persons=[],
        )
    assert not Signal.objects.exists()


def test_queue_is_urgent_first_then_oldest(world):
    old = register(world, received_on=today() - dt.timedelta(days=10))
    crisis = register(world, urgency="crisis")
    high = register(world, urgency="hoog", received_on=today() - dt.timedelta(days=1))
    register(world, team=world.other_team)  # another team's queue
    queue = list(selectors.team_queue(user=world.professional))
    assert [s.pk for s in queue] == [crisis.pk, high.pk, old.pk]


def test_triage_advice_and_referral_need_content(world):
    signal = register(world)
    with pytest.raises(DomainError, match="advies"):
        services.triage_signal(actor=world.professional, signal=signal, outcome="advies", on=today())
    with pytest.raises(DomainError, match="voorliggend veld"):
        services.triage_signal(actor=world.professional, signal=signal, outcome="voorliggend", on=today())
    done = services.triage_signal(
        actor=world.professional, signal=signal, outcome="voorliggend", on=today(), referred_to="Maatschappelijk werk"
    )
    assert done.status == Signal.Status.TRIAGED and done.trajectory is None
    with pytest.raises(DomainError, match="al getriageerd"):
        services.triage_signal(actor=world.professional, signal=signal, outcome="advies", on=today(), note="x")


def test_intake_without_household_creates_household_and_trajectory(world):
    signal = register(world)
    with pytest.raises(DomainError, match="Regisseur"):
        services.triage_signal(actor=world.professional, signal=signal, outcome="intake", on=today())
    assert not Household.objects.exists()  # nothing half-written
    done = services.triage_signal(
        actor=world.professional, signal=signal, outcome="intake", on=today(), regisseur=world.colleague
    )
    trajectory = done.trajectory
    assert trajectory.status == Trajectory.Status.OPEN
    assert trajectory.team == world.team
    assert trajectory.household.memberships.get().person == signal.persons.get()


def test_intake_copies_an_address_as_stored_even_one_older_than_the_rule(world):
    signal = register(world)
    signal.persons.update(huisnummer="1 achter")  # written before house numbers were checked at input
    done = services.triage_signal(
        actor=world.professional, signal=signal, outcome="intake", on=today(), regisseur=world.colleague
    )
    assert done.trajectory.household.huisnummer == "1 achter"


def test_repeat_signal_joins_the_open_trajectory(world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    signal = register(world, person=person)
    done = services.triage_signal(actor=world.professional, signal=signal, outcome="intake", on=today())
    assert done.trajectory == trajectory
    assert Trajectory.objects.filter(household=trajectory.household).count() == 1


def test_triage_date_before_signal_is_refused(world):
    signal = register(world, received_on=today())
    with pytest.raises(DomainError, match="vóór de datum van de melding"):
        services.triage_signal(
            actor=world.professional, signal=signal, outcome="advies", on=today() - dt.timedelta(days=1), note="x"
        )


def test_household_helper(world):
    assert make_household(world, members=2).memberships.count() == 2


def test_intake_starts_from_the_main_person_not_the_others(world):
    known = make_trajectory(world, team=world.other_team, regisseur=world.outsider)
    other_person = known.household.memberships.first().person
    main = people_services.register_person(
        actor=world.professional, bsn=next_bsn(), voornamen="Lotte", geslachtsnaam="Hoofdpersoon"
    )
    signal = services.register_signal(
        actor=world.professional,
        team=world.team,
        source="school",
        channel="mail",
        received_on=today(),
        description="Zorgen",
        persons=[main, other_person],
    )
    assert signal.main_person == main
    done = services.triage_signal(
        actor=world.professional, signal=signal, outcome="intake", on=today(), regisseur=world.professional
    )
    assert done.trajectory != known
    assert done.trajectory.household.memberships.get().person == main


def test_intake_refuses_a_household_in_another_municipality(world):
    elsewhere = make_household(world, members=1, area=world.other_area, actor=world.outsider)
    person = elsewhere.memberships.get().person
    signal = register(world, person=person)
    with pytest.raises(DomainError, match="andere gemeente"):
        services.triage_signal(
            actor=world.professional, signal=signal, outcome="intake", on=today(), regisseur=world.professional
        )
    assert not Trajectory.objects.exists()
    assert Signal.objects.get(pk=signal.pk).status == Signal.Status.NEW


def test_person_and_life_domain_ids_are_what_the_orm_reads(world):
    """The statement written by hand (signals/selectors.py) against the same rule read with the ORM:
    persons in id order, life domains in the domains' order (not their ids'), a signal without either."""
    household = make_household(world, members=3)
    persons = [m.person for m in household.memberships.order_by("-person_id")]
    domains = list(LifeDomain.objects.order_by("-position")[:3])  # ids and positions in opposite orders
    LifeDomain.objects.filter(pk=domains[0].pk).update(position=0)
    signals = [register(world), register(world)]
    signals[0].persons.set(persons)
    signals[0].life_domains.set(domains)
    found = selectors.person_and_life_domain_ids([s.pk for s in signals])
    for signal in signals:
        expected = (
            list(signal.persons.order_by("pk").values_list("pk", flat=True)),
            list(signal.life_domains.order_by("position", "pk").values_list("pk", flat=True)),
        )
        assert found[signal.pk] == expected
    assert len(found[signals[0].pk][0]) == 3 and len(found[signals[0].pk][1]) == 3
    assert found[signals[0].pk][1][0] == domains[0].pk  # moved to the front by its position
    assert selectors.person_and_life_domain_ids([]) == {}
