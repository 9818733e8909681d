"""The event catalogue: every type Toegang publishes, with the data fields it may carry (docs/events.md).

``services.publish`` refuses a type that is not here and data fields that are not listed for its type,
so an event can only carry the references written down here: ids and URLs of objects, state codes and
dates. Names, BSNs, notes, descriptions, life domains and anything about health never go out. The
municipality's code (``gemeente``) is added to every event's data when it is sent."""

from __future__ import annotations

SIGNAL_RECEIVED = "nl.toegang.signal.received"
TRAJECTORY_STARTED = "nl.toegang.trajectory.started"
TRAJECTORY_CLOSED = "nl.toegang.trajectory.closed"
PLAN_AGREED = "nl.toegang.plan.agreed"
REFERRAL_STATE_CHANGED = "nl.toegang.referral.state_changed"
DECISION_TAKEN = "nl.toegang.decision.taken"

# type -> (Dutch label for the screens, the data fields the type may carry)
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    SIGNAL_RECEIVED: ("Melding ontvangen", frozenset({"melding", "ontvangen_op"})),
    TRAJECTORY_STARTED: ("Traject gestart", frozenset({"traject", "huishouden", "team", "gestart_op"})),
    TRAJECTORY_CLOSED: ("Traject afgesloten", frozenset({"traject", "huishouden", "afgesloten_op", "reden"})),
    PLAN_AGREED: ("Plan afgesproken", frozenset({"plan", "traject", "versie", "afgesproken_op"})),
    REFERRAL_STATE_CHANGED: ("Verwijzing van status veranderd", frozenset({"verwijzing", "traject", "status"})),
    DECISION_TAKEN: (
        "Besluit bekendgemaakt",
        frozenset({"beschikking", "procedure", "traject", "uitkomst", "bekendgemaakt_op"}),
    ),
}

CHOICES = [(code, label) for code, (label, _fields) in TYPES.items()]


def label(event_type: str) -> str:
    return TYPES[event_type][0] if event_type in TYPES else event_type
