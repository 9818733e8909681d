"""Form checks about persons shared by the signal and household-member forms."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm, refuse_future_dates
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Person
from toegang.people.services import normalise_huisnummer, normalise_postcode, normalise_telefoon


def check_person_fields(form: UtrechtForm, data: dict[str, Any]) -> None:
    """Every rule of a person's BSN and address fields at once, so a form shows all its errors in one
    go (the services check them again, one at a time), then the names of a person not known by BSN."""
    rules = (
        ("bsn", normalise_bsn),
        ("postcode", normalise_postcode),
        ("huisnummer", normalise_huisnummer),
        ("telefoon", normalise_telefoon),
    )
    for name, normalise in rules:
        if name in form.fields and name not in form.errors and (data.get(name) or "").strip():
            try:
                normalise(data[name])
            except DomainError as error:
                form.add_error(name, error.message)
    refuse_future_dates(form, data, "geboortedatum")
    require_names_unless_known(form, data)


def require_names_unless_known(form: UtrechtForm, data: dict[str, Any]) -> None:
    """Names are needed for a person who is not yet known by BSN; say so for both fields at once.
    A name that failed its own rule (too long) already has its message."""
    bsn = (data.get("bsn") or "").strip()
    known = bool(bsn) and Person.objects.filter(bsn=bsn.replace(" ", "").replace(".", "")).exists()
    if not known:
        for name, label in (("voornamen", _("Voornamen")), ("geslachtsnaam", _("Geslachtsnaam"))):
            if name not in form.errors and not (data.get(name) or "").strip():
                form.add_error(name, _("%(label)s: vul in; deze inwoner is nog niet bekend.") % {"label": label})
