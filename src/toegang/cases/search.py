"""Search for persons by BSN (exact), name, or postcode + huisnummer, within what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Collate, Upper
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.cases.selectors import (
    consent_scopes_by_household,
    first_visible,
    open_team_subquery,
    visible_household,
)
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Membership
from toegang.people.services import normalise_postcode
from toegang.privacy.models import Consent

MAX_RESULTS = 50


class SearchForm(UtrechtForm):
    conditional_fields = ("bsn", "naam", "postcode", "huisnummer")

    bsn = forms.CharField(label=_("BSN"), max_length=11, required=False)
    naam = forms.CharField(
        label=_("Achternaam (begin)"),
        max_length=100,
        required=False,
        help_text=_("Met of zonder voorvoegsel, bijvoorbeeld 'Van der Kint' of 'Kint'."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    huisnummer = forms.CharField(label=_("Huisnummer"), max_length=10, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        filled_but_refused = any(k in self.errors for k in ("bsn", "naam", "postcode"))  # said at the field
        if not filled_but_refused and not any(data.get(k) for k in ("bsn", "naam", "postcode")):
            raise forms.ValidationError(_("Zoeken: vul een BSN, een naam of een postcode met huisnummer in."))
        if data.get("postcode") and not data.get("huisnummer"):
            self.add_error("huisnummer", _("Huisnummer: zoeken op adres vraagt postcode én huisnummer."))
        if data.get("naam") and len(data["naam"].strip()) < 2:
            self.add_error("naam", _("Achternaam (begin): vul ten minste twee letters in."))
        return data

    def kind(self) -> str:
        data = self.cleaned_data
        return "bsn" if data.get("bsn") else "naam" if data.get("naam") else "adres"


@dataclass(frozen=True)
class SearchResult:
    person_id: int
    full_name: str
    bsn: str | None
    geboortedatum: dt.date | None
    household_id: int
    household_name: str
    current: bool


def _surname_key() -> Collate | Upper:
    """What the name search matches and orders by: the surname in capitals, compared byte by byte on
    PostgreSQL (COLLATE "C"). Index ``person_surname_key_idx`` holds exactly this expression with the first
    names (people/migrations/0005), so that a common prefix walks the index in order and stops at the
    page's cap instead of reading every match (docs/performance.md, search). SQLite compares bytes anyway."""
    key = Upper("person__geslachtsnaam")
    return Collate(key, "C") if connection.vendor == "postgresql" else key


def _name_condition(text: str) -> Q:
    """The surname as typed, with or without its voorvoegsel: "van der Kint" matches voorvoegsel
    "van der" + geslachtsnaam "Kint…" as well as a geslachtsnaam that starts with the whole text.
    Upper case on both sides in the database (as ``istartswith``), on the key of ``_surname_key``."""
    words = text.split()
    condition = Q(surname_key__startswith=Upper(Value(" ".join(words))))
    for split in range(1, len(words)):
        condition |= Q(
            person__voorvoegsel__iexact=" ".join(words[:split]),
            surname_key__startswith=Upper(Value(" ".join(words[split:]))),
        )
    return condition


def search_persons(
    *, user: User, bsn: str = "", naam: str = "", postcode: str = "", huisnummer: str = ""
) -> list[SearchResult]:
    condition = visible_household(user, "household_id")
    visible = Membership.objects.all() if condition is None else Membership.objects.filter(condition)
    # what the list shows, in the order every result comes in: the surname key (see _surname_key)
    shown = (
        visible.alias(surname_key=_surname_key())
        .select_related("person", "household")
        .annotate(open_team_id=open_team_subquery("household_id"))
        .order_by("surname_key", "person__voornamen", "person_id", "-start_date")
    )
    qs = shown
    if bsn:
        qs = qs.filter(person__bsn=normalise_bsn(bsn))
    elif naam:
        qs = qs.filter(_name_condition(naam))
    elif postcode:
        code = normalise_postcode(postcode)
        if not code:
            raise DomainError(_("Postcode: vul een postcode in."), field="postcode")
        qs = qs.filter(
            Q(person__postcode=code, person__huisnummer=huisnummer.strip())
            | Q(household__postcode=code, household__huisnummer=huisnummer.strip())
        )
    day = today()
    # one way in at a time (a common name on a region's data, docs/performance.md); the rows of the ids
    # found are read without the search condition, so that statement has no LIKE and is prepared (ADR 0014)
    rows = first_visible(qs, MAX_RESULTS * 3, rows=shown)
    # a professional outside the team involved on consent only: the consented members and data only
    scopes = consent_scopes_by_household(
        viewer=user, household_ids={m.household_id for m in rows if m.open_team_id not in (None, user.team_id)}
    )
    results: list[SearchResult] = []
    seen: set[tuple[int, int]] = set()
    for m in rows:
        key = (m.person_id, m.household_id)
        scope = scopes.get(m.household_id)
        if key in seen or (
            scope is not None and not scope.shares(Consent.Category.HOUSEHOLD) and m.person_id not in scope.person_ids
        ):
            continue
        seen.add(key)
        contact = scope is None or scope.shares(Consent.Category.CONTACT)
        results.append(
            SearchResult(
                person_id=m.person_id,
                full_name=m.person.full_name,
                bsn=m.person.bsn if contact else None,
                geboortedatum=m.person.geboortedatum if contact else None,
                household_id=m.household_id,
                household_name=m.household.name,
                current=m.is_current_on(day),
            )
        )
    return results[: MAX_RESULTS + 1]  # one more than shown: the page says when there are more
