"""Writes of the events app: ``publish`` (the transactional outbox) and the functional administrator's
subscriptions. Every change of a subscription writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from toegang.accounts.models import Municipality, User
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.common.locks import wait_for_writes_on
from toegang.events import catalogue, keys, outbound
from toegang.events.models import Delivery, Event, Subscription

if TYPE_CHECKING:
    from toegang.cases.models import Trajectory
    from toegang.network.models import Referral
    from toegang.plans.models import Plan
    from toegang.procedures.models import Decision, Procedure
    from toegang.signals.models import Signal

logger = logging.getLogger(__name__)

Scalar = str | int | None


def ref(pk: int, url_name: str | None = None, url_arg: int | None = None) -> dict[str, Scalar]:
    """A reference to an object: its id and, when it has a page, that page's URL in this installation."""
    if url_name is None:
        return {"id": pk}
    return {"id": pk, "url": settings.EVENTS_BASE_URL.rstrip("/") + reverse(url_name, args=[url_arg or pk])}


def _check_data(event_type: str, data: dict[str, Any]) -> None:
    """Only the catalogue's fields, holding ids, URLs, codes and dates: a programming error otherwise."""
    if event_type not in catalogue.TYPES:
        raise ValueError(f"onbekende soort gebeurtenis: {event_type}")
    unknown = set(data) - catalogue.TYPES[event_type][1]
    if unknown:
        raise ValueError(f"{event_type}: velden buiten de catalogus: {sorted(unknown)}")
    for key, value in data.items():
        values = value.values() if isinstance(value, dict) else [value]
        if not all(v is None or isinstance(v, int | str) for v in values):
            raise ValueError(f"{event_type}: {key} is geen verwijzing, code of datum")


def publish(
    event_type: str,
    *,
    subject: str,
    data: dict[str, Any],
    municipality_id: int | None = None,
    household_id: int | None = None,
    trajectory_id: int | None = None,
) -> Event:
    """Write one event in the caller's transaction (one INSERT): it is delivered after that transaction
    commits and disappears with it when it rolls back. The municipality is given, or read in the same
    statement from the household or the trajectory, so that the caller needs no extra query."""
    _check_data(event_type, data)
    municipality: Any = municipality_id
    if municipality is None and household_id is not None:
        municipality = RawSQL("SELECT municipality_id FROM people_household WHERE id = %s", (household_id,))
    elif municipality is None and trajectory_id is not None:
        municipality = RawSQL(
            "SELECT h.municipality_id FROM people_household h JOIN cases_trajectory t ON t.household_id = h.id "
            "WHERE t.id = %s",
            (trajectory_id,),
        )
    event = Event.objects.create(
        type=event_type,
        source=settings.EVENTS_SOURCE,
        subject=subject,
        data=data,
        municipality_id=municipality,
    )
    _kick_after_commit()
    return event


# --- the events of the catalogue, called by the services that make the change (one line each) ----------


def signal_received(signal: Signal) -> Event:
    return publish(
        catalogue.SIGNAL_RECEIVED,
        subject=f"melding/{signal.pk}",
        data={"melding": ref(signal.pk, "signal-detail"), "ontvangen_op": signal.received_on.isoformat()},
        municipality_id=signal.municipality_id,
    )


def trajectory_started(trajectory: Trajectory) -> Event:
    return publish(
        catalogue.TRAJECTORY_STARTED,
        subject=f"traject/{trajectory.pk}",
        data={
            "traject": ref(trajectory.pk),
            "huishouden": ref(trajectory.household_id, "household"),
            "team": trajectory.team_id,
            "gestart_op": trajectory.started_on.isoformat(),
        },
        household_id=trajectory.household_id,
    )


def trajectory_closed(trajectory: Trajectory) -> Event:
    return publish(
        catalogue.TRAJECTORY_CLOSED,
        subject=f"traject/{trajectory.pk}",
        data={
            "traject": ref(trajectory.pk),
            "huishouden": ref(trajectory.household_id, "household"),
            "afgesloten_op": trajectory.closed_on.isoformat() if trajectory.closed_on else None,
            "reden": trajectory.closure_reason,
        },
        household_id=trajectory.household_id,
    )


def plan_agreed(plan: Plan) -> Event:
    return publish(
        catalogue.PLAN_AGREED,
        subject=f"plan/{plan.pk}",
        data={
            "plan": ref(plan.pk, "plan", plan.trajectory_id),
            "traject": ref(plan.trajectory_id),
            "versie": plan.version,
            "afgesproken_op": plan.agreed_on.isoformat() if plan.agreed_on else None,
        },
        household_id=plan.household_id,
    )


def referral_state_changed(referral: Referral, status: str) -> Event:
    return publish(
        catalogue.REFERRAL_STATE_CHANGED,
        subject=f"verwijzing/{referral.pk}",
        data={"verwijzing": ref(referral.pk, "referral"), "traject": ref(referral.trajectory_id), "status": status},
        trajectory_id=referral.trajectory_id,
    )


def decision_taken(decision: Decision) -> Event:
    """A beschikking made known in Toegang."""
    assert decision.sent_on is not None  # noqa: S101 - published by decisions.send
    return _decision(decision.procedure, decision.outcome, decision.sent_on, decision=decision.pk)


def decision_recorded(procedure: Procedure) -> Event:
    """A decision taken outside Toegang and recorded on the procedure with its date and outcome: the same type
    as a beschikking made known in Toegang, without one (``beschikking`` is null), the procedure its subject."""
    assert procedure.decided_on is not None  # noqa: S101 - published by procedures.services.record_step
    return _decision(procedure, procedure.decided_outcome, procedure.decided_on, decision=None)


def _decision(procedure: Procedure, outcome: str, made_known: dt.date, *, decision: int | None) -> Event:
    return publish(
        catalogue.DECISION_TAKEN,
        subject=f"beschikking/{decision}" if decision is not None else f"procedure/{procedure.pk}",
        data={
            "beschikking": ref(decision) if decision is not None else None,
            "procedure": ref(procedure.pk, "procedure"),
            "traject": ref(procedure.trajectory_id),
            "uitkomst": outcome,
            "bekendgemaakt_op": made_known.isoformat(),
        },
        trajectory_id=procedure.trajectory_id,
    )


def _kick() -> None:
    from toegang.common import jobs
    from toegang.events import tasks

    jobs.enqueue(tasks.kick, on_failure=lambda error: logger.warning("Aflevering later, bij de ronde: %s", error))


def _kick_after_commit() -> None:
    """Hand the delivery to the worker once the transaction commits, once per transaction however many
    events it published (the periodic round picks up whatever a lost hand-over leaves behind)."""
    if connection.in_atomic_block and any(entry[1] is _kick for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick)


# --- subscriptions ----------------------------------------------------------------------------------------


def _require_admin(actor: User) -> int:
    if not actor.is_active or actor.role != User.Role.FUNCTIONAL_ADMIN or actor.municipality_id is None:
        raise DomainError("Abonnementen: de functioneel beheerder van de gemeente beheert de abonnementen.")
    return actor.municipality_id


def check_callback_url(value: str) -> str:
    """https, or http to this machine (127.0.0.1, localhost, ::1) when EVENTS_ALLOW_HTTP_LOCALHOST is on
    (demo and tests); no user name or password in the URL, no fragment; not to a link-local or other special
    address, nor to an internal one outside EVENTS_INTERNAL_NETWORKS (events/outbound.py; a name is judged
    by what it resolves to now, and every delivery checks it again)."""
    url = value.strip()
    field = "callback_url"
    if not url:
        raise DomainError("Callback-URL: vul het adres in waarop de ontvanger de gebeurtenissen aanneemt.", field=field)
    if len(url) > 500:
        raise DomainError("Callback-URL: het adres is langer dan 500 tekens.", field=field)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme.isascii() and scheme.isalpha() and scheme not in ("http", "https") and "//" in url:
        raise DomainError(
            f"Callback-URL: gebruik https; een {scheme}-adres wordt niet ondersteund "
            "(bijvoorbeeld https://ontvanger.example/hook).",
            field=field,
        )
    try:
        URLValidator(schemes=["https", "http"])(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except (ValidationError, ValueError):
        raise DomainError("Callback-URL: dit is geen geldig adres (bijvoorbeeld https://ontvanger.example/hook).",
                          field=field) from None  # fmt: skip
    if parts.username is not None or parts.password is not None:
        raise DomainError("Callback-URL: zet geen gebruikersnaam of wachtwoord in het adres.", field=field)
    if parts.fragment:
        raise DomainError("Callback-URL: een adres met # wordt niet ondersteund.", field=field)
    if parts.scheme.lower() == "http" and not (host in outbound.LOCAL_NAMES and settings.EVENTS_ALLOW_HTTP_LOCALHOST):
        raise DomainError("Callback-URL: gebruik https; gewone http is niet versleuteld.", field=field)
    try:
        reason = outbound.refusal_of_host(host)
    except ImproperlyConfigured:  # a wrong EVENTS_INTERNAL_NETWORKS: for the technical administrator
        logger.exception("Callback-URL niet te controleren")
        raise DomainError(
            "Callback-URL: het adresbeleid is verkeerd ingesteld; vraag de technisch beheerder "
            "(TOEGANG_EVENTS_INTERNAL_NETWORKS).",
            field=field,
        ) from None
    if reason is not None:
        raise DomainError(f"Callback-URL: {reason}.", field=field)
    return url


def _same_address(url: str) -> str:
    """The URL as compared for duplicates: scheme and host in lower case, the rest as given."""
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def create_subscription(
    *, actor: User, name: str, callback_url: str, event_types: list[str]
) -> tuple[Subscription, str]:
    """A new active subscription of the actor's municipality; returns it with its secret, which is
    shown once and afterwards only kept encrypted (events/keys.py). The callback URL is checked before the
    transaction: that may look the name up in DNS (up to a few seconds), which no write lock should wait for."""
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise DomainError("Naam: geef het abonnement een naam (bijvoorbeeld de ontvangende applicatie).", field="name")
    if len(name) > 100:
        raise DomainError("Naam: hoogstens 100 tekens.", field="name")
    url = check_callback_url(callback_url)
    return _create_subscription(actor=actor, name=name, url=url, event_types=event_types)


@transaction.atomic
def _create_subscription(*, actor: User, name: str, url: str, event_types: list[str]) -> tuple[Subscription, str]:
    municipality_id = _require_admin(actor)
    types = sorted(set(event_types))
    if not types:
        raise DomainError("Soorten gebeurtenissen: kies ten minste één soort.", field="event_types")
    unknown = [t for t in types if t not in catalogue.TYPES]
    if unknown:
        raise DomainError("Soorten gebeurtenissen: kies alleen soorten uit de lijst.", field="event_types")
    wait_for_writes_on(Municipality, municipality_id)  # two administrators making the same subscription
    address = _same_address(url)
    for other in Subscription.objects.filter(municipality_id=municipality_id, active=True).only(
        "name", "callback_url", "event_types"
    ):
        both = set(other.event_types) & set(types)
        if both and _same_address(other.callback_url) == address:
            raise DomainError(
                f"Callback-URL: het actieve abonnement '{other.name}' stuurt al "
                f"{'dezelfde soorten' if set(other.event_types) == set(types) else 'een deel van deze soorten'} "
                "naar dit adres; de ontvanger zou elke gebeurtenis twee keer krijgen. Deactiveer dat abonnement "
                "eerst, of kies andere soorten.",
                field="callback_url",
            )
    secret = keys.new_secret()
    subscription = Subscription.objects.create(
        municipality_id=municipality_id,
        name=name,
        callback_url=url,
        event_types=types,
        secret_encrypted=keys.encrypt(secret),
        created_by=actor,
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=subscription, detail=f"{name}: {url}")
    return subscription, secret


@transaction.atomic
def deactivate_subscription(*, actor: User, subscription: Subscription) -> Subscription:
    """Stop the subscription; what was still waiting for it is given up."""
    municipality_id = _require_admin(actor)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.municipality_id != municipality_id:
        raise DomainError("Abonnement: dit abonnement hoort bij een andere gemeente.")
    if not locked.active:
        raise DomainError("Abonnement: dit abonnement is al gedeactiveerd.")
    locked.active = False
    locked.deactivated_at = timezone.now()
    locked.save(update_fields=["active", "deactivated_at"])
    Delivery.objects.filter(subscription=locked, state__in=[Delivery.State.WAITING, Delivery.State.FAILED]).update(
        state=Delivery.State.GIVEN_UP, last_error="Abonnement gedeactiveerd."
    )
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail="gedeactiveerd")
    return locked


@transaction.atomic
def retry_delivery(*, actor: User, delivery: Delivery) -> Delivery:
    """Try a given-up delivery again, with a fresh series of attempts, as soon as the worker runs."""
    municipality_id = _require_admin(actor)
    locked = Delivery.objects.select_for_update(of=("self",)).select_related("subscription").get(pk=delivery.pk)
    if locked.subscription.municipality_id != municipality_id:
        raise DomainError("Aflevering: deze aflevering hoort bij een andere gemeente.")
    if locked.state != Delivery.State.GIVEN_UP:
        raise DomainError("Aflevering: alleen een opgegeven aflevering kan opnieuw worden geprobeerd.")
    if not locked.subscription.active:
        raise DomainError("Aflevering: het abonnement is gedeactiveerd; maak zo nodig een nieuw abonnement.")
    previous = locked.attempts
    locked.state = Delivery.State.WAITING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail=f"opnieuw na {previous} pogingen")
    _kick_after_commit()
    return locked


@transaction.atomic
def retry_given_up(*, actor: User, subscription: Subscription) -> int:
    """Try every given-up delivery of an active subscription again (after the receiver's outage), each with
    a fresh series of attempts; returns how many. One audit row for the lot."""
    municipality_id = _require_admin(actor)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.municipality_id != municipality_id:
        raise DomainError("Abonnement: dit abonnement hoort bij een andere gemeente.")
    if not locked.active:
        raise DomainError("Abonnement: het abonnement is gedeactiveerd; maak zo nodig een nieuw abonnement.")
    count = Delivery.objects.filter(subscription=locked, state=Delivery.State.GIVEN_UP).update(
        state=Delivery.State.WAITING, attempts=0, next_attempt_at=timezone.now()
    )
    if not count:
        raise DomainError("Abonnement: dit abonnement heeft geen opgegeven afleveringen.")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail=f"{count} opgegeven afleveringen opnieuw")
    _kick_after_commit()
    return count
