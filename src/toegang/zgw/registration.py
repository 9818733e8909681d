"""Sending the registrations (docs/zgw.md): due rows are claimed in batches (SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, then leased), and each is carried out step by step against the registry. Every URL
the registry returns is stored at once, so a retry goes on from the step that failed and never makes a
second zaak. A failure (no connection, a timeout, 5xx, 4xx with the registry's validation errors) is
retried after an exponential backoff with jitter and given up after ZGW_MAX_ATTEMPTS attempts; the row
keeps the last error for the functional administrator.

What is sent (no names, BSNs or texts: the zaak is identified by Toegang's kenmerk):

- trajectory started → POST /zaken (zaaktype traject, startdatum) and POST /statussen (gestart);
- procedure started → POST /zaken (zaaktype of the law, hoofdzaak = the trajectory's zaak when
  registered) and POST /statussen (melding ontvangen);
- decision made known → POST /besluiten (besluittype of the law, zaak = the procedure's zaak, datum,
  ingangsdatum, verzenddatum, uiterlijkeReactiedatum = + 6 weeks, Awb 6:7) and, when configured,
  POST /statussen (besloten);
- trajectory closed → POST /resultaten (resultaattype of the Selectielijst result), PATCH the zaak with
  archiefnominatie and archiefactiedatum from the retention rule, POST /statussen (afgesloten)."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from toegang.zgw import client
from toegang.zgw.client import RegistryError
from toegang.zgw.models import Configuration, Registration

logger = logging.getLogger(__name__)

PENDING = (Registration.State.WAITING, Registration.State.FAILED)
SOURCE = "Toegang"
OBJECTION_WEEKS = 6  # Awb 6:7: the bezwaartermijn, uiterlijkeReactiedatum of the besluit


class Deferred(Exception):
    """The zaak this registration builds on is not registered yet: wait, without counting an attempt."""


class Impossible(Exception):
    """Cannot be registered as it stands (configuration missing, object gone): given up at once."""


@dataclass
class Outcome:
    registered: int = 0
    failed: int = 0
    given_up: int = 0
    deferred: int = 0

    def add(self, other: Outcome) -> None:
        self.registered += other.registered
        self.failed += other.failed
        self.given_up += other.given_up
        self.deferred += other.deferred


def backoff(attempts: int) -> dt.timedelta:
    nominal = min(settings.ZGW_RETRY_BASE_SECONDS * 2 ** (attempts - 1), settings.ZGW_RETRY_CAP_SECONDS)
    return dt.timedelta(seconds=nominal * (1 + random.uniform(0, settings.ZGW_RETRY_JITTER)))  # noqa: S311


def claim(size: int | None = None) -> list[Registration]:
    size = size or settings.ZGW_BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Registration.objects.filter(state__in=PENDING, next_attempt_at__lte=now)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        Registration.objects.filter(id__in=ids).update(
            next_attempt_at=now + dt.timedelta(seconds=settings.ZGW_LEASE_SECONDS)
        )
    return list(Registration.objects.filter(id__in=ids).order_by("id"))


def _save(registration: Registration, *fields: str) -> None:
    Registration.objects.filter(pk=registration.pk).update(**{f: getattr(registration, f) for f in fields})


def _zaak_of(kind: str, object_id: int) -> str:
    """The zaak URL registered for the trajectory or procedure (Deferred while its registration is pending)."""
    parent = Registration.objects.filter(kind=kind, object_id=object_id).order_by("-id").first()
    if parent is None:
        raise Impossible("De zaak waarop deze registratie voortbouwt is nooit aangemeld (registratie stond uit).")
    if parent.zaak_url:
        return parent.zaak_url
    if parent.state == Registration.State.GIVEN_UP:
        raise Impossible(f"De zaak waarop deze registratie voortbouwt is opgegeven (registratie {parent.pk}).")
    raise Deferred("Wacht op de registratie van de zaak waarop deze registratie voortbouwt.")


def _config(registration: Registration) -> Configuration:
    config = (
        Configuration.objects.select_related("zaken_service", "besluiten_service", "municipality")
        .filter(municipality_id=registration.municipality_id)
        .first()
    )
    if config is None or not config.active:
        raise Impossible("ZGW-registratie staat uit voor deze gemeente.")
    if config.zaken_service is None:
        raise Impossible("Geen Zaken API ingesteld.")
    return config


def _require(value: str, label: str) -> str:
    if not value:
        raise Impossible(f"{label}: niet ingesteld (Beheer → ZGW-registratie).")
    return value


def _zaak_body(config: Configuration, *, zaaktype: str, startdatum: dt.date, kenmerk: str) -> dict[str, Any]:
    return {
        "bronorganisatie": _require(config.rsin, "RSIN"),
        "verantwoordelijkeOrganisatie": config.rsin,
        "zaaktype": zaaktype,
        "startdatum": startdatum.isoformat(),
        "vertrouwelijkheidaanduiding": config.vertrouwelijkheidaanduiding,
        "kenmerken": [{"kenmerk": kenmerk, "bron": SOURCE}],
    }


def _trajectory_started(registration: Registration, config: Configuration) -> None:
    from toegang.cases.models import Trajectory

    trajectory = Trajectory.objects.filter(pk=registration.object_id).first()
    if trajectory is None:
        raise Impossible("Het traject bestaat niet meer.")
    service = config.zaken_service
    assert service is not None  # noqa: S101 - _config checked it
    if not registration.zaak_url:
        zaaktype = _require(config.zaaktype_trajectory, "Zaaktype traject")
        body = _zaak_body(
            config, zaaktype=zaaktype, startdatum=trajectory.started_on, kenmerk=f"traject-{trajectory.pk}"
        )
        registration.zaak_url = client.create_zaak(service, body)
        _save(registration, "zaak_url")
    if not registration.status_url and config.statustype_trajectory_started:
        registration.status_url = client.create_status(
            service, zaak=registration.zaak_url, statustype=config.statustype_trajectory_started,
            at=registration.created_at,
        )  # fmt: skip
        _save(registration, "status_url")


def _trajectory_closed(registration: Registration, config: Configuration) -> None:
    from toegang.cases.models import Trajectory

    trajectory = Trajectory.objects.select_related("retention_rule").filter(pk=registration.object_id).first()
    if trajectory is None:
        raise Impossible("Het traject bestaat niet meer.")
    service = config.zaken_service
    assert service is not None  # noqa: S101 - _config checked it
    if not registration.zaak_url:
        registration.zaak_url = _zaak_of(Registration.Kind.TRAJECTORY_STARTED, trajectory.pk)
        _save(registration, "zaak_url")
    rule = trajectory.retention_rule
    if not registration.resultaat_url and rule is not None:
        resultaattype = str(config.resultaattypen.get(rule.code, ""))
        if resultaattype:
            registration.resultaat_url = client.create_resultaat(
                service, zaak=registration.zaak_url, resultaattype=resultaattype
            )
            _save(registration, "resultaat_url")
    if not registration.archived and trajectory.archive_action_date is not None:
        client.update_zaak(
            service,
            registration.zaak_url,
            {"archiefnominatie": "vernietigen", "archiefactiedatum": trajectory.archive_action_date.isoformat()},
        )
        registration.archived = True
        _save(registration, "archived")
    if not registration.status_url and config.statustype_trajectory_closed:
        registration.status_url = client.create_status(
            service, zaak=registration.zaak_url, statustype=config.statustype_trajectory_closed,
            at=registration.created_at,
        )  # fmt: skip
        _save(registration, "status_url")


def _procedure_started(registration: Registration, config: Configuration) -> None:
    from toegang.procedures.models import Procedure

    procedure = Procedure.objects.filter(pk=registration.object_id).first()
    if procedure is None:
        raise Impossible("De procedure bestaat niet meer.")
    service = config.zaken_service
    assert service is not None  # noqa: S101 - _config checked it
    if not registration.zaak_url:
        zaaktype = _require(config.zaaktype_for(procedure.law), f"Zaaktype aanvraag ({procedure.get_law_display()})")
        try:
            hoofdzaak: str | None = _zaak_of(Registration.Kind.TRAJECTORY_STARTED, procedure.trajectory_id)
        except Impossible:
            hoofdzaak = None  # the trajectory was not registered: the procedure's zaak stands on its own
        body = _zaak_body(
            config, zaaktype=zaaktype, startdatum=procedure.reported_on, kenmerk=f"procedure-{procedure.pk}"
        )
        if hoofdzaak:
            body["hoofdzaak"] = hoofdzaak
        registration.zaak_url = client.create_zaak(service, body)
        _save(registration, "zaak_url")
    if not registration.status_url and config.statustype_procedure_received:
        registration.status_url = client.create_status(
            service, zaak=registration.zaak_url, statustype=config.statustype_procedure_received,
            at=registration.created_at,
        )  # fmt: skip
        _save(registration, "status_url")


def _decision_sent(registration: Registration, config: Configuration) -> None:
    from toegang.procedures.models import Decision

    decision = Decision.objects.select_related("procedure").filter(pk=registration.object_id).first()
    if decision is None or decision.sent_on is None:
        raise Impossible("De beschikking bestaat niet meer of is niet bekendgemaakt.")
    if config.besluiten_service is None:
        raise Impossible("Geen Besluiten API ingesteld.")
    procedure = decision.procedure
    if not registration.zaak_url:
        registration.zaak_url = _zaak_of(Registration.Kind.PROCEDURE_STARTED, procedure.pk)
        _save(registration, "zaak_url")
    if not registration.besluit_url:
        besluittype = _require(
            config.besluittype_for(procedure.law), f"Besluittype beschikking ({procedure.get_law_display()})"
        )
        sent_on = decision.sent_on
        body = {
            "verantwoordelijkeOrganisatie": _require(config.rsin, "RSIN"),
            "besluittype": besluittype,
            "zaak": registration.zaak_url,
            "datum": sent_on.isoformat(),
            "ingangsdatum": sent_on.isoformat(),
            "verzenddatum": sent_on.isoformat(),
            "uiterlijkeReactiedatum": (sent_on + dt.timedelta(weeks=OBJECTION_WEEKS)).isoformat(),
        }
        registration.besluit_url = client.create_besluit(config.besluiten_service, body)
        _save(registration, "besluit_url")
    service = config.zaken_service
    assert service is not None  # noqa: S101 - _config checked it
    if not registration.status_url and config.statustype_procedure_decided:
        registration.status_url = client.create_status(
            service, zaak=registration.zaak_url, statustype=config.statustype_procedure_decided,
            at=registration.created_at,
        )  # fmt: skip
        _save(registration, "status_url")


STEPS = {
    Registration.Kind.TRAJECTORY_STARTED: _trajectory_started,
    Registration.Kind.TRAJECTORY_CLOSED: _trajectory_closed,
    Registration.Kind.PROCEDURE_STARTED: _procedure_started,
    Registration.Kind.DECISION_SENT: _decision_sent,
}


def send(batch: list[Registration]) -> Outcome:
    outcome = Outcome()
    for registration in batch:
        now = timezone.now()
        try:
            STEPS[Registration.Kind(registration.kind)](registration, _config(registration))
        except Deferred as wait:
            registration.last_error = str(wait)
            registration.next_attempt_at = now + dt.timedelta(seconds=settings.ZGW_RETRY_BASE_SECONDS)
            _save(registration, "last_error", "next_attempt_at")
            outcome.deferred += 1
            continue
        except Exception as failure:  # noqa: BLE001 - recorded on the row and retried, never lost
            error: RegistryError | Impossible
            if isinstance(failure, RegistryError | Impossible):
                error = failure
            else:
                logger.exception("ZGW-registratie %s: onverwachte fout", registration.pk)
                error = RegistryError(f"Onverwachte fout in Toegang ({type(failure).__name__}); zie het logboek.")
            registration.attempts += 1
            registration.last_attempt_at = now
            registration.last_status = error.status if isinstance(error, RegistryError) else None
            registration.last_error = (error.message if isinstance(error, RegistryError) else str(error))[:2000]
            if isinstance(error, Impossible) or registration.attempts >= settings.ZGW_MAX_ATTEMPTS:
                registration.state = Registration.State.GIVEN_UP
                outcome.given_up += 1
            else:
                registration.state = Registration.State.FAILED
                registration.next_attempt_at = now + backoff(registration.attempts)
                outcome.failed += 1
            _save(registration, "attempts", "last_attempt_at", "last_status", "last_error", "state", "next_attempt_at")
            logger.warning("ZGW-registratie %s: %s", registration.pk, registration.last_error)
            continue
        registration.attempts += 1
        registration.last_attempt_at = now
        registration.state = Registration.State.REGISTERED
        registration.registered_at = timezone.now()
        registration.last_error = ""
        registration.last_status = None
        _save(registration, "attempts", "last_attempt_at", "state", "registered_at", "last_error", "last_status")
        outcome.registered += 1
    return outcome


def register_due(*, max_seconds: float | None = None) -> Outcome:
    """Send what is due, batch after batch, until nothing is due (or the time is up)."""
    started = time.monotonic()
    outcome = Outcome()
    while max_seconds is None or time.monotonic() - started < max_seconds:
        batch = claim()
        if not batch:
            break
        result = send(batch)
        outcome.add(result)
        if result.registered == 0 and result.failed == 0 and result.given_up == 0:
            break  # only deferred rows: they come due again later
    return outcome


def next_due() -> dt.datetime | None:
    return Registration.objects.filter(state__in=PENDING).aggregate(first=Min("next_attempt_at"))["first"]
