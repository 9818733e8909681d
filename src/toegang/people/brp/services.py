"""BRP queries for prefilling, each logged as a read of personal data, and the provenance of prefilled values.

One audit row per query (action "read" for a BSN, "search" for an address), with the local persons it
concerns as subjects once they are known (a person not yet registered becomes a subject when registered)
and the legal basis of the register entry ``brp-bevraging`` (privacy migration 0009, docs/privacy.md).
A failed query reads nothing and logs nothing; its BrpError message goes to the user."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.people.brp.client import BrpClient, BrpPerson, BrpResult
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Person, PersonSource
from toegang.people.services import normalise_postcode, parse_huisnummer

REGISTER_CODE = "brp-bevraging"
FALLBACK_BASIS = "Wet BRP art. 3.3 i.v.m. Wmo 2015 art. 5.1.1 / Jeugdwet art. 7.4.0"
FAKE_PATH = "/fake/haalcentraal/api/brp"
SNAPSHOT_SALT = "toegang.people.brp.prefill"
SNAPSHOT_MAX_AGE = 12 * 3600  # a prefilled form is saved the same working day


def base_url_for(request: HttpRequest) -> str:
    """The configured BRP, or with TOEGANG_BRP_FAKE and no URL the fake of this very server; "" when off."""
    if settings.BRP_URL:
        return str(settings.BRP_URL)
    if settings.BRP_FAKE:
        return request.build_absolute_uri(FAKE_PATH)
    return ""


NOT_MUNICIPAL = (
    "Ophalen uit de BRP mag alleen een medewerker van de gemeente: de gemeente is de afnemer met een "
    "autorisatiebesluit. Vul de gegevens zelf in."
)


def may_query(user: User) -> bool:
    """The municipality receives BRP data under its autorisatiebesluit; a partner's employee does not."""
    if user.is_superuser:
        return True
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.MUNICIPALITY


def _require_municipal(user: User) -> None:
    if not may_query(user):
        raise DomainError(NOT_MUNICIPAL)


def _legal_basis() -> str:
    from toegang.privacy.models import ProcessingActivity  # privacy imports people: keep the direction

    reference = ProcessingActivity.objects.filter(code=REGISTER_CODE).values_list("reference", flat=True).first()
    return reference or FALLBACK_BASIS


def _log(*, actor: User, action: str, result: BrpResult, use: str) -> None:
    bsns = [p.bsn for p in result.persons]
    subjects = list(Person.objects.filter(bsn__in=bsns).values_list("pk", flat=True)) if bsns else []
    audit.record(
        actor=actor,
        action=action,
        object_type="brp-personen",
        subjects=subjects,
        detail=(
            f"BRP {result.query_type} ({use}): {len(result.persons)} persoon/personen, "
            f"{len(result.fields)} velden{' (uit de cache)' if result.from_cache else ''}"
        ),
        legal_basis=_legal_basis(),
    )


def lookup_bsn(*, actor: User, bsn: str, fields: tuple[str, ...], use: str, base_url: str) -> BrpResult:
    """Raadpleeg one person by BSN. DomainError for a user outside the municipality or (field "bsn") for a
    wrong number, before any query; BrpError when the BRP does not answer."""
    _require_municipal(actor)
    clean = normalise_bsn(bsn)
    result = BrpClient.from_settings(base_url=base_url).raadpleeg([clean], fields=fields)
    _log(actor=actor, action=audit.Action.READ, result=result, use=use)
    return result


def lookup_address(
    *, actor: User, postcode: str, huisnummer: str, fields: tuple[str, ...], use: str, base_url: str
) -> BrpResult:
    """The persons registered at an address. DomainError naming postcode or huisnummer before any query."""
    _require_municipal(actor)
    clean_postcode = normalise_postcode(postcode)
    if not clean_postcode:
        raise DomainError(_("Postcode: vul een postcode in, bijvoorbeeld 1234AB."), field="postcode")
    number, letter, addition = parse_huisnummer(huisnummer)
    result = BrpClient.from_settings(base_url=base_url).zoek_postcode_huisnummer(
        postcode=clean_postcode,
        huisnummer=number,
        huisletter=letter,
        huisnummertoevoeging=addition,
        fields=fields,
    )
    _log(actor=actor, action=audit.Action.SEARCH, result=result, use=use)
    return result


# --- provenance ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the BRP said about one person, and when: carried signed through the form until it is saved."""

    values: dict[str, str]
    retrieved_at: dt.datetime

    def initial(self, names: Iterable[str]) -> dict[str, Any]:
        """Initial values for the form fields in ``names``. The name is one whole: a part the BRP leaves empty
        (most often the voorvoegsel) is emptied too, so that a typed "El" does not stay before the BRP's
        geslachtsnaam "El Voorbeeld"."""
        out: dict[str, Any] = {}
        named = any(part in self.values for part in Person.NAME_FIELDS)
        for name in names:
            if name in self.values:
                value = self.values[name]
                out[name] = dt.date.fromisoformat(value) if name == "geboortedatum" else value
            elif named and name in Person.NAME_FIELDS:
                out[name] = ""
        return out


def sign_snapshot(person: BrpPerson, retrieved_at: dt.datetime) -> str:
    return signing.dumps({"v": person.values(), "at": retrieved_at.isoformat()}, salt=SNAPSHOT_SALT, compress=True)


def read_snapshot(token: str | None) -> Snapshot | None:
    """The snapshot of a form, or None when there is none or it was altered or is too old."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SNAPSHOT_SALT, max_age=SNAPSHOT_MAX_AGE)
        values = {str(k): str(v) for k, v in dict(data["v"]).items() if k in dict(PersonSource.FIELDS)}
        return Snapshot(values=values, retrieved_at=dt.datetime.fromisoformat(data["at"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def as_text(name: str, value: Any) -> str:
    """A person's value as the BRP snapshot writes it, to compare the two."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if name == "postcode":
        return text.replace(" ", "").upper()
    if name == "bsn":
        return re.sub(r"[\s.\-]", "", text)
    return text


@transaction.atomic
def record_sources(*, actor: User, person: Person, snapshot: Snapshot, typed: dict[str, Any]) -> list[PersonSource]:
    """For each prefilled field of the form (``typed``: its values as saved): "uit de BRP" when the person
    holds the BRP's value, "handmatig" when it holds what the professional typed instead. A field whose
    value is neither (a person already known, who kept their own data) keeps the provenance it had.
    Called in the transaction that saves the person."""
    rows = []
    for name, value in typed.items():
        if name not in snapshot.values:
            continue
        brp_value, held = snapshot.values[name], as_text(name, getattr(person, name))
        if held == as_text(name, brp_value):
            source = PersonSource.Source.BRP
        elif held == as_text(name, value):
            source = PersonSource.Source.MANUAL
        else:
            continue
        row, _created = PersonSource.objects.update_or_create(
            person=person,
            field=name,
            defaults={
                "source": source,
                "value": brp_value[:200],
                "retrieved_at": snapshot.retrieved_at,
                "recorded_by": actor,
            },
        )
        rows.append(row)
    return rows
