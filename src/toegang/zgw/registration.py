"""Sending the registrations (docs/zgw.md): due rows are claimed in batches (SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, then leased), and each is carried out step by step against the registry. Every URL
the registry returns is stored at once, so a retry goes on from the step that failed. A failure (no
connection, a timeout, 5xx, 4xx with the registry's validation errors) is retried after an exponential
backoff with jitter and given up after ZGW_MAX_ATTEMPTS attempts; the row keeps the last error for the
functional administrator.

What is sent (no names, BSNs or texts: the zaak is identified by Toegang's identificatie and kenmerk):

- trajectory started → POST /zaken (zaaktype traject, startdatum) and POST /statussen (gestart);
- procedure started → POST /zaken (zaaktype of the law, hoofdzaak = the trajectory's zaak) and POST
  /statussen (melding ontvangen);
- decision made known → POST /besluiten (besluittype of the law, zaak = the procedure's zaak, datum,
  ingangsdatum, verzenddatum, uiterlijkeReactiedatum = the end of the objection window, Awb 6:7 and the
  Algemene termijnenwet) and, when configured, POST /statussen (besloten);
- procedure ended (decided or withdrawn) → POST /resultaten (the resultaattype of its law for the result),
  PATCH the zaak with archiefnominatie and archiefactiedatum from the retention rule, POST /statussen
  (procedure afgerond): the deelzaak is closed;
- trajectory closed → the same for the hoofdzaak (resultaattype of the Selectielijst result, statustype
  afgesloten), once every deelzaak is closed.

Never twice: a zaak and a besluit carry an identificatie of Toegang's own (``TOEGANG-TRAJECT-<id>``, unique per
bronorganisatie in the registry) and are looked up by it before they are created, so a POST whose answer got
lost (a timeout, a 5xx of a gateway, an answer without url) is adopted, not repeated; the closing steps read
the zaak first (its resultaat, einddatum and status). In order: a registration waits for every earlier one of
the same zaak (start, decision, closing), a deelzaak for its hoofdzaak, and a hoofdzaak's closing for the
closing of its deelzaken, as the registry requires."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from zgw_consumers.models import Service

from toegang.zgw import client
from toegang.zgw.client import AMSTERDAM, RegistryError
from toegang.zgw.models import Configuration, Registration

if TYPE_CHECKING:
    from toegang.procedures.models import Procedure

logger = logging.getLogger(__name__)

Kind = Registration.Kind
State = Registration.State
PENDING = (State.WAITING, State.FAILED)
SOURCE = "Toegang"
# The order of the registrations of one zaak: its creation (and first status), the decision, the closing.
RANK = {
    Kind.TRAJECTORY_STARTED: 0,
    Kind.PROCEDURE_STARTED: 0,
    Kind.DECISION_SENT: 1,
    Kind.PROCEDURE_CLOSED: 2,
    Kind.TRAJECTORY_CLOSED: 2,
}
# The time of day of a status on its domain date (Europe/Amsterdam), so that the statuses of one zaak stand in
# order also when they fall on the same day; never later than the moment it is sent.
START_TIME, DECIDED_TIME, CLOSING_TIME = dt.time(9), dt.time(12), dt.time(17)
# The Selectielijst result (privacy.RetentionRule code) of a decided procedure, per law; refused: "geweigerd";
# withdrawn: "afgebroken".
LAW_RESULT = {"wmo": "wmo", "jeugd": "jeugd", "pw": "participatie"}
REFUSED_RESULT, WITHDRAWN_RESULT = "geweigerd", "afgebroken"


class Deferred(Exception):
    """The registration must wait for another one (the zaak it builds on, an earlier step of the same zaak):
    no attempt is counted. ``long``: what it waits for will not come by itself (it was given up, or the
    procedure still runs); it is looked at again after the cap, or at once when that one is registered."""

    def __init__(self, message: str, *, long: bool = False) -> None:
        super().__init__(message)
        self.long = long


class Impossible(Exception):
    """Cannot be registered as it stands (configuration missing, object gone): given up at once."""


@dataclass
class Outcome:
    registered: int = 0
    failed: int = 0
    given_up: int = 0
    deferred: int = 0
    waiting: set[int] = field(default_factory=set)  # the ids of the deferred ones

    def add(self, other: Outcome) -> None:
        self.registered += other.registered
        self.failed += other.failed
        self.given_up += other.given_up
        self.deferred += other.deferred
        self.waiting |= other.waiting


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


def _renew_lease(registration: Registration, now: dt.datetime) -> bool:
    """Take the row's lease afresh just before sending it, on the condition that it is still the one this round
    claimed: a batch to a slow registry can outlast its lease, and another round may have claimed the rest."""
    lease_end = now + dt.timedelta(seconds=settings.ZGW_LEASE_SECONDS)
    renewed = Registration.objects.filter(
        pk=registration.pk, state__in=PENDING, next_attempt_at=registration.next_attempt_at
    ).update(next_attempt_at=lease_end)
    registration.next_attempt_at = lease_end
    return renewed == 1


def _save(registration: Registration, *fields: str) -> None:
    Registration.objects.filter(pk=registration.pk).update(**{f: getattr(registration, f) for f in fields})


# --- what a registration waits for ----------------------------------------------------------------------------


def _waiting_on(other: Registration) -> Deferred:
    given_up = other.state == State.GIVEN_UP
    message = f"Wacht op registratie {other.pk} ({other.get_kind_display()})"
    if given_up:
        return Deferred(f"{message}: die is opgegeven; probeer die eerst opnieuw.", long=True)
    return Deferred(f"{message}.")


def _zaak_of(kind: str, object_id: int) -> str:
    """The zaak URL registered for the trajectory or procedure (Deferred while its registration is pending or
    given up; Impossible when it was never written: the registration was off when it started)."""
    parent = Registration.objects.filter(kind=kind, object_id=object_id).order_by("-id").first()
    if parent is None:
        raise Impossible("De zaak waarop deze registratie voortbouwt is nooit aangemeld (registratie stond uit).")
    if parent.zaak_url:
        return parent.zaak_url
    raise _waiting_on(parent)


def _hoofdzaak(trajectory_id: int) -> str | None:
    """The trajectory's zaak for a deelzaak; None only when the trajectory was never meant to be registered
    (its start was not written). While its registration is pending or given up, the deelzaak waits: it is
    never made without its hoofdzaak."""
    if not Registration.objects.filter(kind=Kind.TRAJECTORY_STARTED, object_id=trajectory_id).exists():
        return None
    return _zaak_of(Kind.TRAJECTORY_STARTED, trajectory_id)


def _procedure_of_decision(decision_id: int) -> int | None:
    from toegang.procedures.models import Decision

    return Decision.objects.filter(pk=decision_id).values_list("procedure_id", flat=True).first()


def _same_zaak(registration: Registration) -> QuerySet[Registration]:
    """The other registrations of the zaak this one is about: the trajectory's, or the procedure's (with the
    decisions of the procedure)."""
    from toegang.procedures.models import Decision

    if registration.kind in (Kind.TRAJECTORY_STARTED, Kind.TRAJECTORY_CLOSED):
        rows = Q(kind__in=[Kind.TRAJECTORY_STARTED, Kind.TRAJECTORY_CLOSED], object_id=registration.object_id)
    else:
        procedure_id = (
            _procedure_of_decision(registration.object_id)
            if registration.kind == Kind.DECISION_SENT
            else registration.object_id
        )
        if procedure_id is None:  # the decision is gone (its step gives up)
            return Registration.objects.none()
        decisions = Decision.objects.filter(procedure_id=procedure_id).values("pk")
        rows = Q(kind__in=[Kind.PROCEDURE_STARTED, Kind.PROCEDURE_CLOSED], object_id=procedure_id) | Q(
            kind=Kind.DECISION_SENT, object_id__in=decisions
        )
    return Registration.objects.filter(rows).exclude(pk=registration.pk)


def _wait_for_earlier(registration: Registration) -> None:
    """Deferred while an earlier registration of the same zaak (by its order: creation, decision, closing;
    then by id) is not registered: statuses reach the registry in the order of the case."""
    mine = (RANK[Kind(registration.kind)], registration.pk)
    earlier = [
        row
        for row in _same_zaak(registration)
        if (RANK[Kind(row.kind)], row.pk) < mine and row.state != State.REGISTERED
    ]
    if earlier:
        raise _waiting_on(min(earlier, key=lambda row: (RANK[Kind(row.kind)], row.pk)))


def _wait_for_deelzaken(registration: Registration, trajectory_id: int) -> None:
    """A hoofdzaak closes only when each of its deelzaken is closed (Open Zaak refuses otherwise:
    deelzaken-not-closed). A procedure whose zaak was never made (its registration given up before) has no
    deelzaak; an ended procedure without a closing registration (ended before these existed) gets one."""
    from toegang.procedures.models import Procedure
    from toegang.procedures.selectors import OPEN

    procedures = dict(Procedure.objects.filter(trajectory_id=trajectory_id).values_list("pk", "status"))
    rows = list(
        Registration.objects.filter(kind__in=[Kind.PROCEDURE_STARTED, Kind.PROCEDURE_CLOSED], object_id__in=procedures)
    )
    for procedure_id, status in sorted(procedures.items()):
        started = [r for r in rows if r.kind == Kind.PROCEDURE_STARTED and r.object_id == procedure_id]
        if not started or all(r.state == State.GIVEN_UP and not r.zaak_url for r in started):
            continue
        closings = [r for r in rows if r.kind == Kind.PROCEDURE_CLOSED and r.object_id == procedure_id]
        if not closings:
            if status in OPEN:
                raise Deferred(
                    f"Wacht tot procedure {procedure_id} is afgerond: de zaak van het traject sluit pas als de "
                    "deelzaak van de procedure gesloten is.",
                    long=True,
                )
            now = timezone.now()
            Registration.objects.create(
                municipality_id=registration.municipality_id, kind=Kind.PROCEDURE_CLOSED, object_id=procedure_id,
                next_attempt_at=now, created_at=now,
            )  # fmt: skip
            raise Deferred(f"Wacht op het sluiten van de deelzaak van procedure {procedure_id}.")
        pending = [r for r in closings if r.state != State.REGISTERED]
        if pending:
            raise _waiting_on(min(pending, key=lambda r: r.pk))


def _wake_dependents(registration: Registration) -> None:
    """A registration that waited long for this one (it was given up, or the procedure still ran) is due at
    once now. A leased row (due within the lease) is never touched."""
    from toegang.procedures.models import Decision, Procedure

    object_id = registration.object_id
    if registration.kind == Kind.TRAJECTORY_STARTED:
        procedures = Procedure.objects.filter(trajectory_id=object_id).values("pk")
        rows = Q(kind=Kind.TRAJECTORY_CLOSED, object_id=object_id) | Q(
            kind=Kind.PROCEDURE_STARTED, object_id__in=procedures
        )
    elif registration.kind == Kind.PROCEDURE_STARTED:
        decisions = Decision.objects.filter(procedure_id=object_id).values("pk")
        rows = Q(kind=Kind.PROCEDURE_CLOSED, object_id=object_id) | Q(kind=Kind.DECISION_SENT, object_id__in=decisions)
    elif registration.kind == Kind.DECISION_SENT:
        rows = Q(kind=Kind.PROCEDURE_CLOSED, object_id=_procedure_of_decision(object_id))
    elif registration.kind == Kind.PROCEDURE_CLOSED:
        trajectory = Procedure.objects.filter(pk=object_id).values_list("trajectory_id", flat=True).first()
        rows = Q(kind=Kind.TRAJECTORY_CLOSED, object_id=trajectory)
    else:
        return
    now = timezone.now()
    Registration.objects.filter(
        rows, state__in=PENDING, next_attempt_at__gt=now + dt.timedelta(seconds=settings.ZGW_LEASE_SECONDS)
    ).update(next_attempt_at=now)


# --- building blocks --------------------------------------------------------------------------------------------


def _config(registration: Registration) -> Configuration:
    config = (
        Configuration.objects.select_related("zaken_service", "besluiten_service", "municipality")
        .filter(municipality_id=registration.municipality_id)
        .first()
    )
    if config is None or not config.active:
        raise Impossible("ZGW-registratie staat uit voor deze gemeente.")
    if config.zaken_service is None:
        raise Impossible("Zaken API: niet ingesteld (Beheer → ZGW-registratie).")
    return config


def _zaken(config: Configuration) -> Service:
    service = config.zaken_service
    assert service is not None  # noqa: S101 - _config checked it
    return service


def _require(value: str, label: str) -> str:
    if not value:
        raise Impossible(f"{label}: niet ingesteld (Beheer → ZGW-registratie).")
    return value


_label = Configuration.label_of


def _resultaattype(mapping: Any, code: str, field: str) -> str:
    """The resultaattype configured for a Selectielijst result; without one the zaak cannot be closed (the
    registry refuses an eindstatus without resultaat), so nothing is sent: given up, naming the mapping."""
    value = mapping.get(code) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value:
        from toegang.privacy.models import RetentionRule

        result = RetentionRule.objects.filter(code=code).values_list("result", flat=True).first()
        named = f"'{code}'" + (f" ({result})" if result else "")
        raise Impossible(
            f"{_label(field)}: geen resultaattype voor resultaatcode {named}. Zonder resultaat kan de zaak niet "
            "worden afgesloten; vul het aan (Beheer → ZGW-registratie) en probeer de registratie opnieuw."
        )
    return value


def _moment(day: dt.date, at: dt.time) -> dt.datetime:
    """A status on a domain date: that day at ``at`` in Europe/Amsterdam, never in the future."""
    return min(dt.datetime.combine(day, at, tzinfo=AMSTERDAM), timezone.now())


def _identificatie(kind: str, object_id: int) -> str:
    """Toegang's own identificatie of a zaak or besluit (at most 40 characters in the Zaken API; the ids of
    Toegang are unique, so is this per bronorganisatie as long as one Toegang registers for it)."""
    return f"TOEGANG-{kind}-{object_id}"


def _zaak_body(
    config: Configuration, *, zaaktype: str, startdatum: dt.date, kenmerk: str, identificatie: str
) -> dict[str, Any]:
    return {
        "identificatie": identificatie,
        "bronorganisatie": _require(config.rsin, "RSIN"),
        "verantwoordelijkeOrganisatie": config.rsin,
        "zaaktype": zaaktype,
        "startdatum": startdatum.isoformat(),
        "vertrouwelijkheidaanduiding": config.vertrouwelijkheidaanduiding,
        "kenmerken": [{"kenmerk": kenmerk, "bron": SOURCE}],
    }


def _adopt(found: dict[str, Any], *, field: str, expected: str, what: str) -> str:
    if found.get(field) != expected:
        raise Impossible(
            f"{what} {found.get('identificatie', '')} bestaat al in de registratie met een ander {field} "
            f"({found.get(field)}); Toegang neemt die niet over. Zoek uit welke dat is."
        )
    return str(found["url"])


def _create_zaak(service: Service, body: dict[str, Any]) -> str:
    """The zaak with this identificatie: the one the registry already has (an earlier POST whose answer got
    lost), else a new one. A POST refused as not unique (made in between) is adopted too."""
    key = {"bronorganisatie": body["bronorganisatie"], "identificatie": body["identificatie"]}
    found = client.find_zaak(service, **key)
    if found is None:
        try:
            return client.create_zaak(service, body)
        except RegistryError as error:
            if not error.refused("identificatie", "identificatie-niet-uniek"):
                raise
            found = client.find_zaak(service, **key)
            if found is None:
                raise
    return _adopt(found, field="zaaktype", expected=body["zaaktype"], what="Zaak")


def _create_besluit(service: Service, body: dict[str, Any]) -> str:
    organisation, identificatie = body["verantwoordelijkeOrganisatie"], body["identificatie"]
    key = {"verantwoordelijke_organisatie": organisation, "identificatie": identificatie}
    found = client.find_besluit(service, **key)
    if found is None:
        try:
            return client.create_besluit(service, body)
        except RegistryError as error:
            if not error.refused("identificatie", "identificatie-niet-uniek"):
                raise
            found = client.find_besluit(service, **key)
            if found is None:
                raise
    return _adopt(found, field="besluittype", expected=body["besluittype"], what="Besluit")


def _create_status_once(service: Service, registration: Registration, *, statustype: str, at: dt.datetime) -> str:
    """A status that is not the eindstatus, made once: after a failed attempt the zaak is read first, and when its
    current status is not the last one Toegang knows it set on that zaak, the earlier attempt made it while its
    answer got lost (a timeout, a gateway's 5xx): it is adopted, not made a second time."""
    if registration.attempts:
        current = client.read_zaak(service, registration.zaak_url).get("status")
        if current and current != _last_known_status(registration):
            return str(current)
    return client.create_status(service, zaak=registration.zaak_url, statustype=statustype, at=at)


def _last_known_status(registration: Registration) -> str:
    """The status URL of the latest registered registration of the same zaak that set one ('' when none did)."""
    known = [r for r in _same_zaak(registration) if r.state == State.REGISTERED and r.status_url]
    return max(known, key=lambda r: (RANK[Kind(r.kind)], r.pk)).status_url if known else ""


def _close_zaak(
    service: Service,
    registration: Registration,
    *,
    resultaattype: str,
    archiefactiedatum: dt.date,
    statustype: str,
    at: dt.datetime,
) -> None:
    """Resultaat, archiving attributes, eindstatus: each once. The zaak is read first, so what an earlier
    attempt made but never heard back about (its resultaat; the eindstatus, seen as an einddatum) is adopted:
    the registry allows one resultaat per zaak and no new status on a closed zaak."""
    if registration.resultaat_url and registration.archived and registration.status_url:
        return
    zaak = client.read_zaak(service, registration.zaak_url)
    if not registration.resultaat_url:
        registration.resultaat_url = str(zaak.get("resultaat") or "") or client.create_resultaat(
            service, zaak=registration.zaak_url, resultaattype=resultaattype
        )
        _save(registration, "resultaat_url")
    if not registration.archived:
        archive = {"archiefnominatie": "vernietigen", "archiefactiedatum": archiefactiedatum.isoformat()}
        if any(zaak.get(k) != v for k, v in archive.items()):
            client.update_zaak(service, registration.zaak_url, archive)
        registration.archived = True
        _save(registration, "archived")
    if not registration.status_url:
        closed = zaak.get("status") if zaak.get("einddatum") else None
        registration.status_url = str(closed or "") or client.create_status(
            service, zaak=registration.zaak_url, statustype=statustype, at=at
        )
        _save(registration, "status_url")


# --- the steps per kind -----------------------------------------------------------------------------------------


def _trajectory_started(registration: Registration, config: Configuration) -> None:
    from toegang.cases.models import Trajectory

    trajectory = Trajectory.objects.filter(pk=registration.object_id).first()
    if trajectory is None:
        raise Impossible("Het traject bestaat niet meer.")
    service = _zaken(config)
    if not registration.zaak_url:
        zaaktype = _require(config.zaaktype_trajectory, "Zaaktype traject")
        body = _zaak_body(
            config, zaaktype=zaaktype, startdatum=trajectory.started_on, kenmerk=f"traject-{trajectory.pk}",
            identificatie=_identificatie("TRAJECT", trajectory.pk),
        )  # fmt: skip
        registration.zaak_url = _create_zaak(service, body)
        _save(registration, "zaak_url")
    if not registration.status_url and config.statustype_trajectory_started:
        registration.status_url = _create_status_once(
            service, registration, statustype=config.statustype_trajectory_started,
            at=_moment(trajectory.started_on, START_TIME),
        )  # fmt: skip
        _save(registration, "status_url")


def _trajectory_closed(registration: Registration, config: Configuration) -> None:
    from toegang.cases.models import Trajectory

    trajectory = Trajectory.objects.select_related("retention_rule").filter(pk=registration.object_id).first()
    if trajectory is None:
        raise Impossible("Het traject bestaat niet meer.")
    rule = trajectory.retention_rule
    if rule is None or trajectory.closed_on is None or trajectory.archive_action_date is None:
        raise Impossible("Het traject is niet afgesloten met een resultaat (Selectielijst).")
    resultaattype = _resultaattype(config.resultaattypen, rule.code, "resultaattypen")
    statustype = _require(config.statustype_trajectory_closed, "Statustype traject afgesloten")
    _wait_for_earlier(registration)
    if not registration.zaak_url:
        registration.zaak_url = _zaak_of(Kind.TRAJECTORY_STARTED, trajectory.pk)
        _save(registration, "zaak_url")
    _wait_for_deelzaken(registration, trajectory.pk)
    _close_zaak(
        _zaken(config), registration, resultaattype=resultaattype, archiefactiedatum=trajectory.archive_action_date,
        statustype=statustype, at=_moment(trajectory.closed_on, CLOSING_TIME),
    )  # fmt: skip


def _procedure_started(registration: Registration, config: Configuration) -> None:
    from toegang.procedures.models import Procedure

    procedure = Procedure.objects.filter(pk=registration.object_id).first()
    if procedure is None:
        raise Impossible("De procedure bestaat niet meer.")
    service = _zaken(config)
    if not registration.zaak_url:
        zaaktype = _require(config.zaaktype_for(procedure.law), f"Zaaktype aanvraag ({procedure.get_law_display()})")
        hoofdzaak = _hoofdzaak(procedure.trajectory_id)
        body = _zaak_body(
            config, zaaktype=zaaktype, startdatum=procedure.reported_on, kenmerk=f"procedure-{procedure.pk}",
            identificatie=_identificatie("PROCEDURE", procedure.pk),
        )  # fmt: skip
        if hoofdzaak:
            body["hoofdzaak"] = hoofdzaak
        registration.zaak_url = _create_zaak(service, body)
        _save(registration, "zaak_url")
    received = config.statustype_for(procedure.law, "received")
    if not registration.status_url and received:
        registration.status_url = _create_status_once(
            service, registration, statustype=received,
            at=_moment(procedure.reported_on, START_TIME),
        )  # fmt: skip
        _save(registration, "status_url")


def _decision_sent(registration: Registration, config: Configuration) -> None:
    from toegang.procedures import clocks
    from toegang.procedures.models import Decision

    decision = Decision.objects.select_related("procedure").filter(pk=registration.object_id).first()
    if decision is None or decision.sent_on is None:
        raise Impossible("De beschikking bestaat niet meer of is niet bekendgemaakt.")
    if config.besluiten_service is None:
        raise Impossible("Besluiten API: niet ingesteld (Beheer → ZGW-registratie).")
    procedure = decision.procedure
    besluittype = _require(
        config.besluittype_for(procedure.law), f"Besluittype beschikking ({procedure.get_law_display()})"
    )
    _wait_for_earlier(registration)
    if not registration.zaak_url:
        registration.zaak_url = _zaak_of(Kind.PROCEDURE_STARTED, procedure.pk)
        _save(registration, "zaak_url")
    sent_on = decision.sent_on
    if not registration.besluit_url:
        body = {
            "identificatie": _identificatie("BESLUIT", decision.pk),
            "verantwoordelijkeOrganisatie": _require(config.rsin, "RSIN"),
            "besluittype": besluittype,
            "zaak": registration.zaak_url,
            "datum": sent_on.isoformat(),
            "ingangsdatum": sent_on.isoformat(),
            "verzenddatum": sent_on.isoformat(),
            # the last day to object: six weeks from the day after, moved by the Algemene termijnenwet
            "uiterlijkeReactiedatum": clocks.objection_window_end(sent_on).isoformat(),
        }
        registration.besluit_url = _create_besluit(config.besluiten_service, body)
        _save(registration, "besluit_url")
    decided = config.statustype_for(procedure.law, "decided")
    # the same statustype as the closing one: the eindstatus, set by the procedure's closing (with its resultaat)
    if not registration.status_url and decided and decided != config.statustype_for(procedure.law, "closed"):
        registration.status_url = _create_status_once(
            _zaken(config), registration, statustype=decided, at=_moment(sent_on, DECIDED_TIME)
        )
        _save(registration, "status_url")


def _procedure_result(procedure: Procedure, registration: Registration) -> tuple[str, dt.date]:
    """The Selectielijst result of an ended procedure and the day it ended: withdrawn → afgebroken (the day of the
    withdrawal; for one recorded before withdrawals had a date, the day it was recorded); decided → the law's
    result, or geweigerd for a refusal (the day it was made known; for a decision taken outside Toegang and
    recorded as a step, the outcome recorded with it)."""
    from toegang.procedures.models import Decision, Procedure

    if procedure.status == Procedure.Status.WITHDRAWN:
        return WITHDRAWN_RESULT, procedure.withdrawn_on or timezone.localdate(registration.created_at)
    decision = procedure.decisions.filter(status=Decision.Status.SENT).order_by("-sent_on", "-pk").first()
    day = procedure.decided_on or (decision.sent_on if decision else None)
    day = day or timezone.localdate(registration.created_at)
    outcome = decision.outcome if decision is not None else procedure.decided_outcome
    if outcome == Decision.Outcome.REFUSED:
        return REFUSED_RESULT, day
    return LAW_RESULT.get(procedure.law, procedure.law), day


def _procedure_closed(registration: Registration, config: Configuration) -> None:
    from toegang.privacy.models import RetentionRule
    from toegang.procedures.models import Procedure
    from toegang.procedures.selectors import OPEN

    procedure = Procedure.objects.filter(pk=registration.object_id).first()
    if procedure is None:
        raise Impossible("De procedure bestaat niet meer.")
    if procedure.status in OPEN:
        raise Impossible("De procedure is niet afgerond.")
    code, ended_on = _procedure_result(procedure, registration)
    rule = RetentionRule.objects.filter(code=code).first()
    if rule is None:
        raise Impossible(f"Bewaartermijn '{code}' bestaat niet (meer).")
    resultaattype = _resultaattype(
        config.resultaattypen_for(procedure.law), code, Configuration.resultaattypen_field(procedure.law)
    )
    statustype = _require(config.statustype_for(procedure.law, "closed"), _label(f"statustype_closed_{procedure.law}"))
    _wait_for_earlier(registration)
    if not registration.zaak_url:
        registration.zaak_url = _zaak_of(Kind.PROCEDURE_STARTED, procedure.pk)
        _save(registration, "zaak_url")
    archiefactiedatum = rule.term_ends(ended_on)
    _close_zaak(
        _zaken(config), registration, resultaattype=resultaattype, archiefactiedatum=archiefactiedatum,
        statustype=statustype, at=_moment(ended_on, CLOSING_TIME),
    )  # fmt: skip


STEPS = {
    Kind.TRAJECTORY_STARTED: _trajectory_started,
    Kind.TRAJECTORY_CLOSED: _trajectory_closed,
    Kind.PROCEDURE_STARTED: _procedure_started,
    Kind.DECISION_SENT: _decision_sent,
    Kind.PROCEDURE_CLOSED: _procedure_closed,
}


def send(batch: list[Registration]) -> Outcome:
    outcome = Outcome()
    # in the order of the case: a decision before the closing written before it (send() records the step first)
    for registration in sorted(batch, key=lambda r: (RANK[Kind(r.kind)], r.pk)):
        now = timezone.now()
        if not _renew_lease(registration, now):
            continue  # the batch outlasted its lease and another round took this row: it sends it
        try:
            STEPS[Kind(registration.kind)](registration, _config(registration))
        except Deferred as wait:
            seconds = settings.ZGW_RETRY_CAP_SECONDS if wait.long else settings.ZGW_RETRY_BASE_SECONDS
            registration.last_error = str(wait)
            registration.next_attempt_at = now + dt.timedelta(seconds=seconds)
            _save(registration, "last_error", "next_attempt_at")
            outcome.deferred += 1
            outcome.waiting.add(registration.pk)
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
                registration.state = State.GIVEN_UP
                outcome.given_up += 1
            else:
                registration.state = State.FAILED
                registration.next_attempt_at = now + backoff(registration.attempts)
                outcome.failed += 1
            _save(registration, "attempts", "last_attempt_at", "last_status", "last_error", "state", "next_attempt_at")
            logger.warning("ZGW-registratie %s: %s", registration.pk, registration.last_error)
            continue
        registration.attempts += 1
        registration.last_attempt_at = now
        registration.state = State.REGISTERED
        registration.registered_at = timezone.now()
        registration.last_error = ""
        registration.last_status = None
        _save(registration, "attempts", "last_attempt_at", "state", "registered_at", "last_error", "last_status")
        _wake_dependents(registration)
        outcome.registered += 1
    return outcome


def register_due(*, max_seconds: float | None = None) -> Outcome:
    """Send what is due, batch after batch, until nothing is due (or the time is up). A batch of rows that only
    wait again, all of them already waiting earlier in this round, ends the round (they come due later)."""
    started = time.monotonic()
    outcome = Outcome()
    while max_seconds is None or time.monotonic() - started < max_seconds:
        batch = claim()
        if not batch:
            break
        waited_before = {r.pk for r in batch} <= outcome.waiting
        result = send(batch)
        outcome.add(result)
        if waited_before and result.registered == 0 and result.failed == 0 and result.given_up == 0:
            break  # the same rows waiting again: they come due later
    return outcome


def next_due() -> dt.datetime | None:
    return Registration.objects.filter(state__in=PENDING).aggregate(first=Min("next_attempt_at"))["first"]
