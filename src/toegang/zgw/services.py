"""Writes of the ZGW app. The services of the case work call ``trajectory_started``, ``trajectory_closed``,
``procedure_started`` and ``decision_sent`` (one line each) inside their own transaction: when the
municipality of the change registers in a ZGW registry, one ``Registration`` row is written by a single
INSERT … SELECT (nothing at all otherwise), and after the commit the worker is asked to send it. The
registry is never called during the request: a registry that is down never holds up or fails case work."""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils import timezone
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.zgw import checks
from toegang.zgw.models import Configuration, Registration

logger = logging.getLogger(__name__)

_MUNICIPALITY_OF = {
    "trajectory": "SELECT h.municipality_id FROM people_household h JOIN cases_trajectory t ON t.household_id = h.id "
    "WHERE t.id = %s",
    "procedure": "SELECT h.municipality_id FROM people_household h JOIN cases_trajectory t ON t.household_id = h.id "
    "JOIN procedures_procedure p ON p.trajectory_id = t.id WHERE p.id = %s",
    "decision": "SELECT h.municipality_id FROM people_household h JOIN cases_trajectory t ON t.household_id = h.id "
    "JOIN procedures_procedure p ON p.trajectory_id = t.id JOIN procedures_decision d ON d.procedure_id = p.id "
    "WHERE d.id = %s",
}


def _note(kind: str, object_id: int, of: str) -> bool:
    """Write the registration when the object's municipality has an active configuration (one statement)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # only fixed texts of this module are joined in; every value is a parameter
    sql = (
        "INSERT INTO zgw_registration (municipality_id, kind, object_id, state, attempts, next_attempt_at, "  # noqa: S608
        "last_error, zaak_url, resultaat_url, archived, status_url, besluit_url, created_at) "
        "SELECT c.municipality_id, %s, %s, %s, 0, %s, '', '', '', %s, '', '', %s FROM zgw_configuration c "
        f"WHERE c.active = %s AND c.municipality_id = ({_MUNICIPALITY_OF[of]})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, object_id, Registration.State.WAITING, now, False, now, True, object_id])
        written = cursor.rowcount > 0
    if written:
        _kick_after_commit()
    return written


def trajectory_started(trajectory_id: int) -> bool:
    return _note(Registration.Kind.TRAJECTORY_STARTED, trajectory_id, "trajectory")


def trajectory_closed(trajectory_id: int) -> bool:
    return _note(Registration.Kind.TRAJECTORY_CLOSED, trajectory_id, "trajectory")


def procedure_started(procedure_id: int) -> bool:
    return _note(Registration.Kind.PROCEDURE_STARTED, procedure_id, "procedure")


def decision_sent(decision_id: int) -> bool:
    return _note(Registration.Kind.DECISION_SENT, decision_id, "decision")


def _kick() -> None:
    from toegang.common import jobs
    from toegang.zgw import tasks

    jobs.enqueue(tasks.kick, on_failure=lambda error: logger.warning("ZGW-registratie later, bij de ronde: %s", error))


def _kick_after_commit() -> None:
    """Hand the sending to the worker once the transaction commits (once per transaction); the periodic
    round (beat or `manage.py zgw registreren`) picks up whatever a lost hand-over leaves behind."""
    if connection.in_atomic_block and any(entry[1] is _kick for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick)


@transaction.atomic
def retry_registration(*, actor: User, registration: Registration) -> Registration:
    """Try a given-up registration again, with a fresh series of attempts (functional administrator)."""
    if not actor.is_active or actor.role != User.Role.FUNCTIONAL_ADMIN or actor.municipality_id is None:
        raise DomainError("Registratie: alleen de functioneel beheerder van de gemeente kan dit opnieuw proberen.")
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.municipality_id != actor.municipality_id:
        raise DomainError("Registratie: deze registratie hoort bij een andere gemeente.")
    if locked.state != Registration.State.GIVEN_UP:
        raise DomainError("Registratie: alleen een opgegeven registratie kan opnieuw worden geprobeerd.")
    previous = locked.attempts
    locked.state = Registration.State.WAITING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail=f"opnieuw na {previous} pogingen")
    _kick_after_commit()
    return locked


URL_FIELDS = (
    "catalogus", "zaaktype_trajectory", "statustype_trajectory_started", "statustype_trajectory_closed",
    "zaaktype_wmo", "zaaktype_jeugd", "zaaktype_pw", "statustype_procedure_received", "statustype_procedure_decided",
    "besluittype_wmo", "besluittype_jeugd", "besluittype_pw",
)  # fmt: skip
SERVICE_FIELD = {"zaken_service": "zaken_api_root", "besluiten_service": "besluiten_api_root"}


def _service(
    current: Service | None, *, api_type: str, label: str, slug: str, root: str, client_id: str, secret: str
) -> Service | None:
    """The municipality's Service row for one API (ZGW client-id/secret), made or updated; None without root."""
    if not root:
        return None
    service = current or Service(label=label, slug=slug, api_type=api_type, auth_type=AuthTypes.zgw)
    service.api_root = root if root.endswith("/") else root + "/"
    service.client_id = client_id
    if secret:
        service.secret = secret
    service.save()
    return service


@transaction.atomic
def save_configuration(
    *,
    actor: User,
    active: bool,
    rsin: str,
    vertrouwelijkheidaanduiding: str,
    zaken_api_root: str,
    besluiten_api_root: str,
    client_id: str,
    secret: str,
    resultaattypen: dict[str, str],
    urls: dict[str, str],
) -> Configuration:
    """Save the municipality's ZGW configuration (functional administrator). Refused, naming the field, when
    something is wrong; the secret is kept when left empty and never written to the audit log."""
    if not actor.is_active or actor.role != User.Role.FUNCTIONAL_ADMIN or actor.municipality_id is None:
        raise DomainError("ZGW-registratie: de functioneel beheerder van de gemeente stelt dit in.")
    municipality = actor.municipality
    assert municipality is not None  # noqa: S101 - checked above
    config = Configuration.objects.select_for_update().filter(municipality=municipality).first() or Configuration(
        municipality=municipality
    )
    for field, root in (("zaken_api_root", zaken_api_root), ("besluiten_api_root", besluiten_api_root)):
        if root and not checks.is_url(root):
            label = "Zaken API" if field == "zaken_api_root" else "Besluiten API"
            raise DomainError(f"{label}: dit is geen geldig adres (https://…/api/v1/).", field=field)
    if (zaken_api_root or besluiten_api_root) and not client_id:
        raise DomainError(
            "Client-id: vul de client-id in die de zaakregistratie voor Toegang heeft.", field="client_id"
        )
    has_secret = bool(secret) or bool(config.zaken_service_id and config.zaken_service and config.zaken_service.secret)
    if (zaken_api_root or besluiten_api_root) and not has_secret:
        raise DomainError("Secret: vul het secret in dat bij de client-id hoort.", field="secret")
    code = municipality.code
    config.zaken_service = _service(
        config.zaken_service, api_type=APITypes.zrc, label=f"Zaken API {code}", slug=f"zaken-{code}",
        root=zaken_api_root, client_id=client_id, secret=secret,
    )  # fmt: skip
    config.besluiten_service = _service(
        config.besluiten_service, api_type=APITypes.brc, label=f"Besluiten API {code}", slug=f"besluiten-{code}",
        root=besluiten_api_root, client_id=client_id,
        secret=secret or (config.zaken_service.secret if config.zaken_service else ""),
    )  # fmt: skip
    config.active = active
    config.rsin = rsin.strip()
    config.vertrouwelijkheidaanduiding = vertrouwelijkheidaanduiding
    config.resultaattypen = resultaattypen
    for field in URL_FIELDS:
        setattr(config, field, urls.get(field, "").strip())
    found = checks.problems_by_field(config)
    if found:
        field, message = found[0]
        raise DomainError(message, field=SERVICE_FIELD.get(field, field))
    config.save()
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=config,
        detail=f"ZGW-instelling: registreren {'aan' if active else 'uit'}",
    )  # fmt: skip
    return config
