"""Writes of persons, households and memberships. Each runs in one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toegang.accounts.models import Area, User
from toegang.audit import services as audit
from toegang.common.dates import today
from toegang.common.errors import ConflictError, DomainError
from toegang.common.forms import field_label
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Household, Membership, Person

POSTCODE_HELP = gettext_lazy("Postcode: vier cijfers en twee letters, bijvoorbeeld 1234AB.")


def normalise_postcode(value: str) -> str:
    raw = (value or "").replace(" ", "").upper()
    if raw and not (len(raw) == 6 and raw.isascii() and raw[:4].isdigit() and raw[4:].isalpha() and raw[0] != "0"):
        raise DomainError(POSTCODE_HELP, field="postcode")
    return raw


# number, huisletter, huisnummertoevoeging (BRP: up to 4 of letters, digits, space and hyphen), the
# addition after a hyphen or a space: 12, 12A, 12 A, 12-2, 12 bis, 12 hs, 12-2 h
_NUMBER = re.compile(r"^(\d{1,5})\s*([A-Za-z])?(?:\s*[-\s]\s*([A-Za-z0-9-][A-Za-z0-9 -]{0,3}))?$")


def parse_huisnummer(value: str) -> tuple[int, str, str]:
    """ "12", "12A", "12 A", "12-3", "12 bis", "12A-bis" -> (number, letter, addition), or DomainError naming
    the field.
    The number is 1 to 99999 as in the BRP (Haal Centraal: huisnummer, huisletter, huisnummertoevoeging)."""
    match = _NUMBER.match((value or "").strip())
    if not match or not 1 <= int(match.group(1)) <= 99999:
        raise DomainError(
            _("Huisnummer: een getal van 1 tot en met 99999, eventueel met huisletter of toevoeging (12, 12A, 12-2)."),
            field="huisnummer",
        )
    return int(match.group(1)), match.group(2) or "", match.group(3) or ""


def normalise_huisnummer(value: str) -> str:
    """The house number as written, trimmed; empty is allowed, anything else must read as a BRP number."""
    text = (value or "").strip()
    if text:
        parse_huisnummer(text)
    return text


@transaction.atomic
def register_person(
    *,
    actor: User,
    bsn: str | None,
    voornamen: str,
    geslachtsnaam: str,
    voorvoegsel: str = "",
    geboortedatum: dt.date | None = None,
    telefoon: str = "",
    email: str = "",
    postcode: str = "",
    huisnummer: str = "",
    straat: str = "",
    woonplaats: str = "",
) -> Person:
    """Register a person, or return the known person with this BSN (a BSN is never registered twice). A
    known BSN typed with another surname is refused (field "bsn"): a mistyped number that happens to be
    someone else's would otherwise put this melding or membership in that person's file. The known
    person's data is not changed here (``not_taken`` says which typed values it did not take)."""
    clean_bsn = normalise_bsn(bsn) if bsn else None
    if clean_bsn:
        existing = Person.objects.filter(bsn=clean_bsn).first()
        if existing is not None:
            if geslachtsnaam.strip() and not _same_surname(existing, voorvoegsel, geslachtsnaam):
                raise DomainError(
                    _(
                        "BSN: dit BSN is in Toegang bekend bij iemand met een andere achternaam. Controleer het "
                        "BSN en de naam."
                    ),
                    field="bsn",
                )
            audit.record(
                actor=actor,
                action=audit.Action.READ,
                obj=existing,
                subjects=[existing.pk],
                detail="bekende persoon opgezocht op BSN",
            )
            return existing
    if not voornamen.strip():
        raise DomainError(_("Voornamen: vul de voornamen in."), field="voornamen")
    if not geslachtsnaam.strip():
        raise DomainError(_("Geslachtsnaam: vul de geslachtsnaam in."), field="geslachtsnaam")
    if geboortedatum is not None and geboortedatum > today():
        raise DomainError(_("Geboortedatum: de datum ligt in de toekomst."), field="geboortedatum")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                bsn=clean_bsn,
                voornamen=voornamen.strip(),
                voorvoegsel=voorvoegsel.strip(),
                geslachtsnaam=geslachtsnaam.strip(),
                geboortedatum=geboortedatum,
                telefoon=telefoon.strip(),
                email=email.strip(),
                postcode=normalise_postcode(postcode),
                huisnummer=normalise_huisnummer(huisnummer),
                straat=straat.strip(),
                woonplaats=woonplaats.strip(),
            )
    except IntegrityError:  # someone registered the same BSN at the same moment: that is the person
        existing = Person.objects.filter(bsn=clean_bsn).first() if clean_bsn else None
        if existing is None:
            raise
        return existing
    audit.record(actor=actor, action=audit.Action.CREATE, obj=person, subjects=[person.pk])
    return person


def _folded(text: str) -> str:
    """A name as compared: without spaces, accents and case ("Van  Dijk" and "vandijk", "Şükrü" and "sukru")."""
    decomposed = unicodedata.normalize("NFKD", "".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _same_surname(person: Person, voorvoegsel: str, geslachtsnaam: str) -> bool:
    typed = {_folded(geslachtsnaam), _folded(voorvoegsel + geslachtsnaam)}
    return bool(typed & {_folded(person.geslachtsnaam), _folded(person.voorvoegsel + person.geslachtsnaam)})


def not_taken(person: Person, typed: dict[str, object]) -> list[str]:
    """The fields of a form whose typed value the (known) person does not hold: the form's values were not
    written over the person's (changing a known person is done on the person's page)."""
    from toegang.people.brp.services import as_text

    return [
        name
        for name, value in typed.items()
        if value not in (None, "") and as_text(name, getattr(person, name)) != as_text(name, value)
    ]


# Why a person's data was changed (person page, "Gegevens wijzigen"): the reason goes into the audit row.
CHANGE_REASONS = (
    ("correctieverzoek", gettext_lazy("Correctie op verzoek van de inwoner (AVG art. 16)")),
    ("brp", gettext_lazy("Bijgewerkt naar de BRP")),
    ("doorgegeven", gettext_lazy("Nieuw adres, telefoonnummer of e-mailadres doorgegeven")),
    ("invoerfout", gettext_lazy("Fout bij de invoer hersteld")),
)
CHANGEABLE = (
    "bsn",
    "voornamen",
    "voorvoegsel",
    "geslachtsnaam",
    "geboortedatum",
    "telefoon",
    "email",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
)
BSN_TAKEN = gettext_lazy("BSN: dit BSN hoort in Toegang bij een andere persoon. Controleer het nummer.")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")


def normalise_telefoon(value: str) -> str:
    """A phone number as typed, trimmed: digits with spaces, hyphens, brackets and a leading +, at least ten
    digits (a Dutch number has ten, 06-12345678; an international one more)."""
    text = (value or "").strip()
    if text and (not _PHONE.match(text) or sum(c.isdigit() for c in text) < 10):
        raise DomainError(
            _("Telefoon: alleen cijfers, spaties, streepjes, haakjes en een + vooraan, ten minste 10 cijfers."),
            field="telefoon",
        )
    return text


def _cleaned_person_values(values: dict[str, object]) -> dict[str, object]:
    """The changeable fields as they are stored, or DomainError naming the first field that breaks its rule."""
    text = {name: str(values.get(name) or "").strip() for name in CHANGEABLE if name != "geboortedatum"}
    if not text["voornamen"]:
        raise DomainError(_("Voornamen: vul de voornamen in."), field="voornamen")
    if not text["geslachtsnaam"]:
        raise DomainError(_("Geslachtsnaam: vul de geslachtsnaam in."), field="geslachtsnaam")
    born = values.get("geboortedatum")
    if born is not None and not isinstance(born, dt.date):
        raise DomainError(_("Geboortedatum: vul een datum in als dd-mm-jjjj."), field="geboortedatum")
    if born is not None and born > today():
        raise DomainError(_("Geboortedatum: de datum ligt in de toekomst."), field="geboortedatum")
    for name in ("voornamen", "voorvoegsel", "geslachtsnaam", "straat", "woonplaats", "email"):
        limit = getattr(Person._meta.get_field(name), "max_length", None) or 0
        if len(text[name]) > limit:
            label = field_label(Person, name)
            raise DomainError(
                _("%(field)s: ten hoogste %(limit)d tekens.") % {"field": label, "limit": limit}, field=name
            )
    if text["email"]:
        try:
            validate_email(text["email"])
        except ValidationError:
            raise DomainError(
                _("E-mail: vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."), field="email"
            ) from None
    return {
        **text,
        "bsn": normalise_bsn(text["bsn"]) if text["bsn"] else None,
        "geboortedatum": born,
        "telefoon": normalise_telefoon(text["telefoon"]),
        "huisnummer": normalise_huisnummer(text["huisnummer"]),
        "postcode": normalise_postcode(text["postcode"]),
    }


def shown_values(person: Person) -> dict[str, str]:
    """The changeable fields as text, as a form shows them: what ``change_person`` compares against to tell what
    the professional changed from what someone else changed in the meantime."""
    from toegang.people.brp.services import as_text

    return {name: as_text(name, getattr(person, name)) for name in CHANGEABLE}


PERSON_CONFLICT = gettext_lazy(
    "%(fields)s: intussen door een ander gewijzigd. Er is niets opgeslagen; open de gegevens opnieuw en breng "
    "uw wijziging opnieuw aan."
)


@transaction.atomic
def change_person(
    *,
    actor: User,
    person: Person,
    values: dict[str, object],
    reason: str,
    shown: dict[str, str] | None = None,
) -> list[str]:
    """Correct or update a person's data with the reason (``CHANGE_REASONS``); returns the names of the fields
    that changed, none when nothing did (then nothing is written).

    ``values`` holds the fields of ``CHANGEABLE`` as the professional left them (a field not in it stays as it
    is); ``shown`` what the form showed (``shown_values``): only the fields that differ from it are written, and
    when one of those was changed by someone else in the meantime the save is refused whole (ConflictError),
    so that two people editing one person never undo each other's change. A BSN is unique and, once recorded,
    can be corrected but not emptied. A field whose value came from the BRP becomes "handmatig" when it no
    longer holds the BRP's value (which stays on record), and "uit de BRP" again when set back to it; a corrected
    BSN drops every BRP source (they were about the old number). The audit row names the fields and the
    reason, not the values."""
    from toegang.people.brp.services import as_text
    from toegang.people.models import PersonSource

    reasons = dict(CHANGE_REASONS)
    if reason not in reasons:
        raise DomainError(_("Reden: kies waarom de gegevens worden gewijzigd."), field="reason")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    current = shown_values(locked)
    wanted = {name: values[name] for name in CHANGEABLE if name in values}
    if shown is not None:  # only what the professional changed on the form
        wanted = {name: value for name, value in wanted.items() if as_text(name, value) != shown.get(name, "")}
        clash = [
            name
            for name, value in wanted.items()
            if current[name] != shown.get(name, "") and current[name] != as_text(name, value)
        ]
        if clash:
            labels = ", ".join(field_label(Person, name, capital=False) for name in clash)
            raise ConflictError(PERSON_CONFLICT % {"fields": labels.capitalize()})
    clean = _cleaned_person_values({name: wanted.get(name, getattr(locked, name)) for name in CHANGEABLE})
    changed = [name for name in CHANGEABLE if current[name] != as_text(name, clean[name])]
    if not changed:
        return []
    if "bsn" in changed and not clean["bsn"]:
        raise DomainError(_("BSN: een vastgelegd BSN kan niet worden leeggemaakt; corrigeer het nummer."), field="bsn")
    if "bsn" in changed and Person.objects.filter(bsn=clean["bsn"]).exclude(pk=locked.pk).exists():
        raise DomainError(BSN_TAKEN, field="bsn")
    for name in changed:
        setattr(locked, name, clean[name])
    try:
        with transaction.atomic():
            locked.save(update_fields=changed)
    except IntegrityError:  # the same BSN given to another person at this moment
        raise DomainError(BSN_TAKEN, field="bsn") from None
    if "bsn" in changed:
        PersonSource.objects.filter(person=locked).delete()
    for row in PersonSource.objects.filter(person=locked, field__in=changed):
        held_brp = as_text(row.field, getattr(locked, row.field)) == as_text(row.field, row.value)
        row.source = PersonSource.Source.BRP if held_brp else PersonSource.Source.MANUAL
        row.recorded_by = actor
        row.save(update_fields=["source", "recorded_by", "recorded_at"])
    labels = ", ".join(field_label(Person, name, capital=False) for name in changed)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[locked.pk],
        detail=f"gewijzigd: {labels}; reden: {reasons[reason]}",
    )
    person.__dict__.update({name: getattr(locked, name) for name in changed})
    return changed


def known_persons_by_bsn(text: str | list[str], *, field: str, label: str = "") -> list[Person]:
    """Persons for a comma-separated list of BSNs (a form field), or for a list (the API: a fault names
    its element, ``persons.1``); every number must be valid and already known."""
    label = label or _("Andere betrokken personen")
    parts = text if isinstance(text, list) else [part for part in text.replace(";", ",").split(",") if part.strip()]

    def where(index: int) -> str:
        return f"{field}.{index}" if isinstance(text, list) else field

    numbers = []
    for index, part in enumerate(parts):
        try:
            numbers.append(normalise_bsn(part))
        except DomainError as error:
            raise DomainError(f"{label}: {error.message}", field=where(index)) from None
    found = {p.bsn: p for p in Person.objects.filter(bsn__in=numbers)}
    for index, number in enumerate(numbers):
        if number not in found:
            raise DomainError(
                _("%(label)s: BSN %(bsn)s is niet bekend; registreer die persoon eerst.")
                % {"label": label, "bsn": number},
                field=where(index),
            )
    return [found[n] for n in dict.fromkeys(numbers)]


@transaction.atomic
def create_household(
    *,
    actor: User,
    area: Area,
    name: str,
    postcode: str = "",
    huisnummer: str = "",
    straat: str = "",
    woonplaats: str = "",
) -> Household:
    if not name.strip():
        raise DomainError(_("Naam huishouden: vul een naam in."), field="name")
    household = Household.objects.create(
        municipality_id=area.municipality_id,
        area=area,
        name=name.strip(),
        postcode=normalise_postcode(postcode),
        huisnummer=huisnummer.strip(),  # copied from the person at intake, as stored
        straat=straat.strip(),
        woonplaats=woonplaats.strip(),
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=household)
    return household


def _overlapping(*, person: Person, start: dt.date, end: dt.date | None, exclude_id: int | None = None) -> bool:
    qs = Membership.objects.filter(person=person).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


OVERLAP_MESSAGE = gettext_lazy(
    "Periode: deze persoon is in (een deel van) deze periode al lid van een huishouden; "
    "lidmaatschappen van één persoon mogen elkaar niet overlappen."
)


@transaction.atomic
def add_member(
    *,
    actor: User,
    household: Household,
    person: Person,
    role: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(_("Rol: kies ouder/verzorger, kind, partner of overig."), field="role")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("Tot en met: de einddatum ligt vóór de begindatum."), field="end_date")
    if _overlapping(person=person, start=start_date, end=end_date):
        raise DomainError(OVERLAP_MESSAGE, field="start_date")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person, household=household, role=role, start_date=start_date, end_date=end_date
            )
    except IntegrityError:  # the database constraint caught a concurrent overlapping insert
        raise DomainError(OVERLAP_MESSAGE, field="start_date") from None
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=membership,
        subjects=[person.pk],
        detail=f"lid van huishouden {household.pk}",
    )
    return membership


@transaction.atomic
def end_membership(*, actor: User, membership: Membership, end_date: dt.date) -> Membership:
    if end_date < membership.start_date:
        raise DomainError(_("Tot en met: de einddatum ligt vóór de begindatum."), field="end_date")
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=membership,
        subjects=[membership.person_id],
        detail="lidmaatschap beëindigd",
    )
    return membership
