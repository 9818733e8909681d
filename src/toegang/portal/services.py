"""Writes of the resident portal and of the team's record of legal representation. The portal's writes
call the same services as the team's screens (signals, consents), with the resident as the actor; the
representation they act on is named in the audit row."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import Municipality, Organisation, Team, User
from toegang.audit import services as audit
from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.common.locks import wait_for_writes_on
from toegang.people import services as people
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import LifeDomain
from toegang.portal import selectors
from toegang.portal.models import Representation
from toegang.privacy import services as privacy
from toegang.privacy.models import Consent, ProcessingActivity
from toegang.signals import services as signals
from toegang.signals.models import Signal


@transaction.atomic
def resident_account(*, bsn: str) -> User:
    """The portal account of the resident with this BSN, made at the first DigiD login. The user name is
    random: a BSN never appears in user names, and so never in the audit log's actor column."""
    bsn = normalise_bsn(bsn)
    user = User.objects.filter(bsn=bsn).first()
    if user is not None:
        if user.role != User.Role.RESIDENT:
            raise DomainError(_("DigiD: dit BSN hoort bij een account dat geen inwoneraccount is."), field="bsn")
        return user
    person = Person.objects.filter(bsn=bsn).first()
    user = User(
        username=f"inwoner-{secrets.token_hex(8)}",
        role=User.Role.RESIDENT,
        bsn=bsn,
        first_name=person.voornamen[:150] if person else "",
        last_name=" ".join(p for p in (person.voorvoegsel, person.geslachtsnaam) if p)[:150] if person else "",
    )
    user.set_unusable_password()
    user.save()
    audit.record(actor=user, action=audit.Action.CREATE, obj=user, detail="inwoneraccount bij eerste DigiD-login")
    return user


@transaction.atomic
def record_representation(
    *,
    actor: User,
    person: Person,
    representative_bsn: str,
    representative_name: str,
    kind: str,
    start_date: dt.date,
    source: str,
    end_date: dt.date | None = None,
) -> Representation:
    """Record who legally represents ``person``, from a named source (gezagsregister, curatele- en
    bewindregister, court order). Checked again at every portal request (portal/selectors.py)."""
    if kind not in Representation.Kind.values:
        raise DomainError(
            _("Soort vertegenwoordiging: kies gezag, voogdij, curatele, mentorschap of bewind."), field="kind"
        )
    try:
        bsn = normalise_bsn(representative_bsn)
    except DomainError as error:
        raise DomainError(
            error.message.replace("BSN:", _("BSN vertegenwoordiger:"), 1), field="representative_bsn"
        ) from None
    if bsn == person.bsn:
        raise DomainError(
            _("BSN vertegenwoordiger: iemand vertegenwoordigt zichzelf niet."), field="representative_bsn"
        )
    if not representative_name.strip():
        raise DomainError(_("Naam vertegenwoordiger: vul de naam in."), field="representative_name")
    if not source.strip():
        raise DomainError(
            _("Bron: noem waaruit de vertegenwoordiging blijkt (register, uitspraak, datum)."), field="source"
        )
    if end_date is not None and end_date < start_date:
        raise DomainError(_("Tot en met: de einddatum ligt voor de begindatum."), field="end_date")
    if person.geboortedatum is None:
        raise DomainError(_("Soort vertegenwoordiging: de geboortedatum van de inwoner is niet bekend."), field="kind")
    adult = selectors.is_adult(person, start_date)
    if kind in selectors.MINOR_KINDS and adult:
        raise DomainError(
            _("Soort vertegenwoordiging: gezag en voogdij gelden alleen voor een minderjarige (BW 1:245)."),
            field="kind",
        )
    if kind in selectors.ADULT_KINDS and not adult:
        raise DomainError(
            _("Soort vertegenwoordiging: curatele, mentorschap en bewind gelden voor een meerderjarige."), field="kind"
        )
    representation = Representation.objects.create(
        person=person,
        representative_bsn=bsn,
        representative_name=representative_name.strip()[:200],
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        source=source.strip()[:300],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=representation,
        subjects=[person.pk],
        detail=f"{representation.get_kind_display()}: {representation.representative_name}",
    )
    # one case worker opens someone's file to another BSN: the privacy officers are told at once
    officers = User.objects.filter(
        role=User.Role.PRIVACY_OFFICER,
        is_active=True,
        municipality_id__in=Membership.objects.filter(person=person).values("household__municipality_id"),
    )
    for officer in officers:
        privacy.send_message(
            recipient=officer,
            text=_("%(who)s legde vast: %(rep)s is %(kind)s van een inwoner en kan voor hem of haar in het portaal.")
            % {
                "who": actor,
                "rep": representation.representative_name,
                "kind": representation.get_kind_display().lower(),
            },
        )
    return representation


@transaction.atomic
def end_representation(*, actor: User, representation: Representation, on: dt.date) -> Representation:
    locked = Representation.objects.select_for_update().get(pk=representation.pk)
    if locked.end_date is not None and locked.end_date <= on:
        raise DomainError(_("Vertegenwoordiging: deze is al beëindigd."))
    if on < locked.start_date:
        raise DomainError(_("Tot en met: de einddatum ligt voor de begindatum."), field="end_date")
    locked.end_date = on
    locked.save(update_fields=["end_date"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail="beëindigd")
    return locked


def _team_for(person: Person) -> Team:
    """The team of the area of the person's latest household, else the intake team of its municipality."""
    households = Household.objects.filter(
        pk__in=Membership.objects.filter(person=person).order_by("-start_date").values("household_id")[:1]
    )
    household = households.first()
    team = Team.objects.filter(area_id=household.area_id).order_by("pk").first() if household else None
    return team or intake_team(household.municipality if household else None)


def intake_team(municipality: Municipality | None) -> Team:
    """Where a melding goes when we know no household of the person: the municipality's first team (the
    installation's first when there is no municipality to go by)."""
    teams = Team.objects.select_related("area").order_by("pk")
    team = (teams.filter(area__municipality=municipality).first() if municipality else None) or teams.first()
    if team is None:
        raise DomainError(_("Melding: er is nog geen team dat meldingen ontvangt."))
    return team


# The same text about the same person from the same account, while the first is still untriaged, is the
# same melding sent again (a double click, a retry on a slow connection, a second tab): it is not saved twice.
REPEAT_WINDOW = dt.timedelta(hours=24)


def _same_signal(*, actor: User, person: Person, description: str) -> Signal | None:
    return (
        Signal.objects.filter(
            registered_by=actor,
            main_person=person,
            source=Signal.Source.RESIDENT,
            channel=Signal.Channel.FORM,
            status=Signal.Status.NEW,
            description=description.strip(),
            registered_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def submit_signal(
    *,
    actor: User,
    acting: selectors.Acting,
    description: str,
    life_domains: list[LifeDomain],
    team: Team | None = None,
) -> Signal:
    """A melding from the portal: it lands in the team queue like any other, with the portal as channel.
    The same melding sent again (``REPEAT_WINDOW``) gives back the one already received and writes nothing."""
    if len(description.strip()) > 4000:
        raise DomainError(_("Omschrijving: ten hoogste 4000 tekens."), field="description")
    wait_for_writes_on(Person, acting.person.pk)  # the same form sent twice finds the first's melding below
    same = _same_signal(actor=actor, person=acting.person, description=description)
    if same is not None:
        return same
    return signals.register_signal(
        actor=actor,
        team=team or _team_for(acting.person),
        source=Signal.Source.RESIDENT,
        channel=Signal.Channel.FORM,
        received_on=today(),
        description=description,
        persons=[acting.person],
        reporter=acting.representation.representative_name if acting.representation else "",
        life_domains=life_domains,
    )


@transaction.atomic
def submit_first_signal(
    *,
    actor: User,
    municipality: Municipality,
    voornamen: str,
    geslachtsnaam: str,
    geboortedatum: dt.date,
    description: str,
    life_domains: list[LifeDomain],
    voorvoegsel: str = "",
    telefoon: str = "",
    email: str = "",
) -> Signal:
    """A melding from a resident we hold nothing about: their person record is made from what they type,
    with the BSN DigiD gave (the team checks the rest against the BRP at intake), and the melding goes to
    the municipality's intake team. Both or neither are written. The same form sent again gives back the
    melding of the first."""
    wait_for_writes_on(User, actor.pk)  # a double click waits, then finds the first
    known = Person.objects.filter(bsn=actor.bsn).first()
    if known is not None:
        same = _same_signal(actor=actor, person=known, description=description)
        if same is not None:  # this form sent again: the melding was received the first time
            return same
        raise DomainError(_("Melding: wij kennen u al; geef uw vraag door vanuit uw overzicht."))
    if geboortedatum < add_months(today(), -12 * 125):
        raise DomainError(_("Geboortedatum: controleer het jaar."), field="geboortedatum")
    person = people.register_person(
        actor=actor,
        bsn=actor.bsn,
        voornamen=voornamen,
        voorvoegsel=voorvoegsel,
        geslachtsnaam=geslachtsnaam,
        geboortedatum=geboortedatum,
        telefoon=telefoon,
        email=email,
    )
    return submit_signal(
        actor=actor,
        acting=selectors.Acting(person),
        description=description,
        life_domains=life_domains,
        team=intake_team(municipality),
    )


def give_consent(
    *,
    actor: User,
    acting: selectors.Acting,
    activity: ProcessingActivity,
    categories: list[str],
    organisations: list[Organisation],
    valid_until: dt.date,
) -> Consent:
    r = acting.representation
    return privacy.record_consent(
        actor=actor,
        person=acting.person,
        activity=activity,
        given_by=Consent.GivenBy.RESIDENT if r is None else Consent.GivenBy.REPRESENTATIVE,
        representative_name="" if r is None else f"{r.representative_name} ({r.get_kind_display().lower()})",
        categories=categories,
        organisations=organisations,
        given_on=today(),
        valid_until=valid_until,
    )


def withdraw_consent(*, actor: User, acting: selectors.Acting, consent_id: int) -> Consent:
    consent = Consent.objects.filter(pk=consent_id, person=acting.person).first()
    if consent is None:
        raise DomainError(
            _("Toestemming: deze toestemming bestaat niet of is niet van %(name)s.") % {"name": acting.person.full_name}
        )
    return privacy.withdraw_consent(actor=actor, consent=consent, on=today())
