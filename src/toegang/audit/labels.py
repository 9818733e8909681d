"""Dutch names for what an audit entry is about, for screens and the resident's inzage."""

from __future__ import annotations

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
