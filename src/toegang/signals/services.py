"""Registering signals and triaging them; intake opens (or joins) the household's one trajectory."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from toegang.accounts.models import Team, User
from toegang.audit import services as audit
from toegang.cases import services as case_services
from toegang.cases.models import Trajectory
from toegang.common.dates import DECENTRALISATION, today
from toegang.common.errors import DomainError
from toegang.events import services as events
from toegang.people import services as people_services
from toegang.people.models import Household, Membership, Person
from toegang.people.selectors import current_household_of
from toegang.plans.models import LifeDomain
from toegang.signals.models import Signal


@transaction.atomic
def register_signal(
    *,
    actor: User,
    team: Team,
    source: str,
    channel: str,
    received_on: dt.date,
    description: str,
    persons: list[Person],
    urgency: str = Signal.Urgency.NORMAL,
    reporter: str = "",
    life_domains: list[LifeDomain] | None = None,
) -> Signal:
    """Register a signal; the first of ``persons`` is the one it is mainly about (intake starts from them)."""
    if source not in Signal.Source.values:
        raise DomainError(_("Bron: kies wie de melding doet."), field="source")
    if channel not in Signal.Channel.values:
        raise DomainError(_("Kanaal: kies hoe de melding binnenkwam."), field="channel")
    if urgency not in Signal.Urgency.values:
        raise DomainError(_("Urgentie: kies normaal, hoog of crisis."), field="urgency")
    if received_on > today():
        raise DomainError(_("Datum melding: de datum ligt in de toekomst."), field="received_on")
    if received_on < DECENTRALISATION:  # 0001-01-01 and 1900-01-01 were accepted
        raise DomainError(
            _("Datum melding: kies een datum vanaf 1 januari 2015 (Wmo 2015 en Jeugdwet)."), field="received_on"
        )
    if not description.strip():
        raise DomainError(_("Omschrijving: beschrijf de vraag of zorg."), field="description")
    if not persons:
        raise DomainError(_("Betrokken personen: noem ten minste één persoon om wie het gaat."), field="bsn")
    signal = Signal.objects.create(
        main_person=persons[0],
        municipality_id=team.area.municipality_id,
        area=team.area,
        team=team,
        source=source,
        channel=channel,
        received_on=received_on,
        urgency=urgency,
        reporter=reporter.strip(),
        description=description.strip(),
        registered_by=actor,
    )
    signal.persons.set(persons)
    if life_domains:
        signal.life_domains.set(life_domains)
    audit.record(actor=actor, action=audit.Action.CREATE, obj=signal, subjects=[p.pk for p in persons])
    events.signal_received(signal)
    return signal


def _household_for_intake(*, actor: User, signal: Signal, person: Person, on: dt.date) -> Household:
    household = current_household_of(person=person, on=on)
    if household is not None and household.municipality_id != signal.municipality_id:
        raise DomainError(
            _(
                "Uitkomst triage: deze inwoner hoort bij een huishouden in een andere gemeente; "
                "een traject begint daar. Verwijs door of kies advies."
            ),
            field="outcome",
        )
    if household is not None:
        return household
    household = people_services.create_household(
        actor=actor,
        area=signal.area,
        name=f"Huishouden {person.geslachtsnaam}",
        postcode=person.postcode,
        huisnummer=person.huisnummer,
        straat=person.straat,
        woonplaats=person.woonplaats,
    )
    people_services.add_member(
        actor=actor, household=household, person=person, role=Membership.Role.PARENT, start_date=on
    )
    return household


@transaction.atomic
def triage_signal(
    *,
    actor: User,
    signal: Signal,
    outcome: str,
    on: dt.date,
    note: str = "",
    referred_to: str = "",
    regisseur: User | None = None,
) -> Signal:
    """Decide what happens with a new signal. Intake joins the household's open trajectory if there is
    one (a repeat signal), else starts one with the chosen regisseur."""
    locked = Signal.objects.select_for_update().get(pk=signal.pk)
    if locked.status != Signal.Status.NEW:
        raise DomainError(_("Melding: deze melding is al getriageerd."))
    if outcome not in Signal.Outcome.values:
        raise DomainError(_("Uitkomst triage: kies advies, voorliggend veld of intake."), field="outcome")
    if on < locked.received_on:
        raise DomainError(_("Datum triage: de datum ligt vóór de datum van de melding."), field="on")
    if on > today():
        raise DomainError(_("Datum triage: de datum ligt in de toekomst."), field="on")
    if outcome == Signal.Outcome.COMMUNITY and not referred_to.strip():
        raise DomainError(_("Doorverwezen naar: noem de voorziening in het voorliggend veld."), field="referred_to")
    if outcome == Signal.Outcome.ADVICE and not note.strip():
        raise DomainError(_("Toelichting triage: noteer welk advies is gegeven."), field="note")
    persons = list(locked.persons.all())
    if outcome == Signal.Outcome.INTAKE:
        main = next(p for p in persons if p.pk == locked.main_person_id)
        household = _household_for_intake(actor=actor, signal=locked, person=main, on=on)
        trajectory = Trajectory.objects.filter(household=household, status=Trajectory.Status.OPEN).first()
        if trajectory is None:
            if regisseur is None:
                raise DomainError(_("Regisseur: kies wie de regie krijgt in het nieuwe traject."), field="regisseur")
            trajectory = case_services.start_trajectory(
                actor=actor, household=household, team=locked.team, regisseur=regisseur, started_on=on
            )
        locked.trajectory = trajectory
    locked.status = Signal.Status.TRIAGED
    locked.outcome = outcome
    locked.triage_note = note.strip()
    locked.referred_to = referred_to.strip()
    locked.triaged_on = on
    locked.triaged_by = actor
    locked.save()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[p.pk for p in persons],
        detail=f"triage: {outcome}",
    )
    return locked
