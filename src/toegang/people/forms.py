"""Form checks about persons shared by the signal and household-member forms."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from toegang.common.forms import UtrechtForm
from toegang.people.models import Person


def require_names_unless_known(form: UtrechtForm, data: dict[str, Any]) -> None:
    """Names are needed for a person who is not yet known by BSN; say so for both fields at once."""
    bsn = (data.get("bsn") or "").strip()
    known = bool(bsn) and Person.objects.filter(bsn=bsn.replace(" ", "").replace(".", "")).exists()
    if not known:
        for name, label in (("voornamen", _("Voornamen")), ("geslachtsnaam", _("Geslachtsnaam"))):
            if not (data.get(name) or "").strip():
                form.add_error(name, _("%(label)s: vul in; deze inwoner is nog niet bekend.") % {"label": label})
