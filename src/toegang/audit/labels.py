"""Dutch names for what an audit entry is about, for screens and the resident's inzage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from toegang.audit.models import AuditEntry

OBJECT_LABELS = {
    "household": "huishouden",
    "person": "persoon",
    "membership": "lidmaatschap",
    "trajectory": "traject",
    "involvement": "betrokkenheid",
    "note": "notitie",
    "plan": "plan",
    "goal": "doel",
    "action": "actie",
    "exploration": "verkenning",
    "review": "voortgangsbespreking",
    "signal": "melding",
    "consent": "toestemming",
    "emergencyaccess": "noodtoegang",
    "rightsrequest": "verzoek",
    "caseload": "caseload",
    "teamwachtrij": "teamwachtrij",
    "teamoverzicht": "teamoverzicht",
    "achterstallig": "achterstallig",
    "betrokkenen": "wie is betrokken",
    "toestemmingen": "toestemmingen",
    "logboek": "logboek",
    "sessie": "sessie",
    "tweestaps": "tweestapsverificatie",
    "decision": "beschikking",
    "representation": "vertegenwoordiging",
    "user": "account",
    "portaal-overzicht": "portaal: overzicht",
    "portaal-beschikkingen": "portaal: beschikkingen",
    "portaal-toestemmingen": "portaal: toestemmingen",
    "portaal-logboek": "portaal: wie bekeek mijn gegevens",
    "portaal-persoon": "portaal: persoon",
    "portaal-verzoeken": "portaal: verzoeken",
    "portaal-start": "portaal: voor wie handelt u",
}


def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type)


def who_for_resident(entry: AuditEntry, reader_id: int | None) -> str:
    """Who did it, as the portal and the inzage tell a resident: the professional's name (the log keeps
    the username), the reader themselves, or "a resident" for another resident or representative (whose
    identity is not the reader's to know). Needs ``actor`` selected with the entry."""
    if reader_id is not None and entry.actor_id == reader_id:
        return _("Uzelf, via dit portaal")
    if entry.role == "inwoner":
        return _("Een inwoner via het portaal")
    return str(entry.actor) if entry.actor is not None else entry.actor_name
