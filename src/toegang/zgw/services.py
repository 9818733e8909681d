"""Writes of the ZGW app. The services of the case work call ``trajectory_started``, ``trajectory_closed``,
``procedure_started`` and ``decision_sent`` (one line each) inside their own transaction: when the
municipality of the change registers in a ZGW registry, one ``Registration`` row is written by a single
INSERT … SELECT (nothing at all otherwise), and after the commit the worker is asked to send it. The
registry is never called during the request: a registry that is down never holds up or fails case work."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from toegang.accounts.models import Municipality, User
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.zgw import checks, selectors
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


# The registration a change builds on, by kind: the closing of a trajectory needs the zaak of its start, a
# decision and the end of a procedure the zaak of the procedure. A change whose base was never written (a
# trajectory or a procedure begun before the municipality switched registration on) is not registered either:
# it could never succeed, and the caseload of before is not registered retroactively (docs/zgw.md §1).
_BASE_OF = {
    "traject_afgesloten": ("traject_gestart", "%s"),
    "besluit_bekendgemaakt": (
        "procedure_gestart",
        "(SELECT d.procedure_id FROM procedures_decision d WHERE d.id = %s)",
    ),
    "procedure_afgerond": ("procedure_gestart", "%s"),
}


def _per_law(prefix: str) -> str:
    return (
        f"CASE p.law WHEN 'wmo' THEN c.{prefix}_wmo WHEN 'jeugd' THEN c.{prefix}_jeugd "
        f"WHEN 'pw' THEN c.{prefix}_pw ELSE '' END <> ''"
    )


# What the configuration must hold for a change to be registered at all: a procedure of a law without a zaaktype
# is not registered (a municipality may register only some laws), a decision not without a Besluiten API and a
# besluittype for its law. Written anyway, such a row could never succeed, and what comes after it in the same
# zaak (the procedure's closing, then the trajectory's) would wait for it for good.
_CONFIGURED_FOR = {  # fixed texts of this module only
    "procedure_gestart": (
        f"EXISTS (SELECT 1 FROM procedures_procedure p WHERE p.id = %s AND {_per_law('zaaktype')})"  # noqa: S608
    ),
    "besluit_bekendgemaakt": (
        "c.besluiten_service_id IS NOT NULL AND EXISTS (SELECT 1 FROM procedures_decision d "  # noqa: S608
        f"JOIN procedures_procedure p ON p.id = d.procedure_id WHERE d.id = %s AND {_per_law('besluittype')})"
    ),
}


def _note(kind: str, object_id: int, of: str) -> bool:
    """Write the registration when the object's municipality has an active configuration (one statement), and,
    for a change that builds on another registration (``_BASE_OF``), only when that one was written."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    state = Registration.State.WAITING
    params: list[str | int | bool | None] = [kind, object_id, state, now, False, now, True, object_id]
    condition = ""
    if kind in _BASE_OF:
        base_kind, base_id = _BASE_OF[kind]
        condition = f" AND EXISTS (SELECT 1 FROM zgw_registration b WHERE b.kind = %s AND b.object_id = {base_id})"  # noqa: S608 - a fixed text of this module
        params += [base_kind, object_id]
    if kind in _CONFIGURED_FOR:
        condition += f" AND {_CONFIGURED_FOR[kind]}"
        params.append(object_id)
    # only fixed texts of this module are joined in; every value is a parameter
    sql = (
        "INSERT INTO zgw_registration (municipality_id, kind, object_id, state, attempts, next_attempt_at, "  # noqa: S608
        "last_error, zaak_url, resultaat_url, archived, status_url, besluit_url, created_at) "
        "SELECT c.municipality_id, %s, %s, %s, 0, %s, '', '', '', %s, '', '', %s FROM zgw_configuration c "
        f"WHERE c.active = %s AND c.municipality_id = ({_MUNICIPALITY_OF[of]}){condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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


def procedure_ended(procedure_id: int) -> bool:
    """The end of a procedure (decided or withdrawn): its zaak is closed (written by procedures.services)."""
    return _note(Registration.Kind.PROCEDURE_CLOSED, procedure_id, "procedure")


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
    if not selectors.base_registered(locked):
        raise DomainError(
            "Registratie: opnieuw proberen kan niet slagen: de zaak waarop deze registratie voortbouwt, is nooit "
            "aangemeld (het traject of de procedure begon voordat de registratie aan stond)."
        )
    previous = locked.attempts
    locked.state = Registration.State.WAITING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail=f"opnieuw na {previous} pogingen")
    _kick_after_commit()
    return locked


SERVICE_FIELD = {"zaken_service": "zaken_api_root", "besluiten_service": "besluiten_api_root"}


class ConfigurationProblems(DomainError):
    """The configuration was refused: every problem found, each as (form field, message naming the field)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        field, message = problems[0]
        super().__init__(message, field=field)
        self.problems = problems


@dataclass(frozen=True)
class _Api:
    """One of the two APIs as the form and the Service rows know it."""

    field: str  # the form field of its address
    label: str
    prefix: str  # the slug and label of the municipality's own Service row: "<prefix>-<code>"
    api_type: str
    example: str


ZAKEN = _Api("zaken_api_root", "Zaken API", "zaken", APITypes.zrc, "…/zaken/api/v1/")
BESLUITEN = _Api("besluiten_api_root", "Besluiten API", "besluiten", APITypes.brc, "…/besluiten/api/v1/")


def _root(value: str) -> str:
    value = value.strip()
    return value if not value or value.endswith("/") else value + "/"


def _same_secret(stored: str, given: str) -> bool:
    return bool(stored) and bool(given) and hmac.compare_digest(stored.encode(), given.encode())


def _hand_over(service: Service, *, api: _Api, to: list[int]) -> None:
    """The municipality leaves its own Service row that others share: the row stays theirs, under the slug of one
    of them (so that this municipality can make a row of its own again)."""
    codes = dict(Municipality.objects.filter(pk__in=to).values_list("pk", "code"))
    for pk in to:
        slug = f"{api.prefix}-{codes[pk]}"
        if not Service.objects.filter(slug=slug).exists():
            service.slug, service.label = slug, f"{api.label} {codes[pk]}"
            break
    else:
        service.slug = f"{api.prefix}-gedeeld-{service.pk}"
    service.save(update_fields=["slug", "label"])


def _service_for(
    *, api: _Api, municipality: Municipality, root: str, client_id: str, secret: str, known_secret: str
) -> Service | None:
    """The Service row the municipality uses for one API: its own (slug ``<prefix>-<code>``), made or updated,
    or another row with the same address and the same ZGW client-id and secret, shared (zgw-consumers allows
    one row per address). Refused, naming the field, when the address is taken in a way that cannot be shared."""
    if not root:
        return None
    own = Service.objects.select_for_update().filter(slug=f"{api.prefix}-{municipality.code}").first()
    if own is not None:
        sharing = list(
            Configuration.objects.filter(Q(zaken_service=own) | Q(besluiten_service=own))
            .exclude(municipality=municipality)
            .values_list("municipality_id", flat=True)
        )
        if sharing and own.api_root == root and own.client_id != client_id:
            names = ", ".join(sorted(Municipality.objects.filter(pk__in=sharing).values_list("name", flat=True)))
            raise DomainError(
                f"Client-id: de service ‘{own.label}’ op dit adres wordt ook gebruikt door {names}, met de "
                "bewaarde client-id, en per adres kan er maar één service zijn. Vraag de applicatiebeheerder de "
                "client-id van die service te wijzigen.",
                field="client_id",
            )
        if sharing and own.api_root != root:
            _hand_over(own, api=api, to=sharing)  # the others keep the row at its address
            own = None
    holder = Service.objects.select_for_update().filter(api_root=root).first()
    if holder is not None and (own is None or holder.pk != own.pk):
        if holder.api_type != api.api_type:
            raise DomainError(
                f"{api.label}: dit adres is al in gebruik als {holder.get_api_type_display()} (service "
                f"‘{holder.label}’); vul het adres van de {api.label} in ({api.example}).",
                field=api.field,
            )
        if (
            holder.auth_type == AuthTypes.zgw
            and holder.client_id == client_id
            and _same_secret(holder.secret, secret or known_secret)
        ):
            return holder  # shared with its owner, unchanged
        raise DomainError(
            f"{api.label}: op dit adres staat al de service ‘{holder.label}’ met een andere client-id of een ander "
            "secret, en per adres kan er maar één service zijn. Vul dezelfde client-id en hetzelfde secret in om "
            "die service te delen, of vraag de applicatiebeheerder.",
            field=api.field,
        )
    service = own or Service(
        label=f"{api.label} {municipality.code}", slug=f"{api.prefix}-{municipality.code}", api_type=api.api_type,
        auth_type=AuthTypes.zgw,
    )  # fmt: skip
    service.api_root = root
    service.client_id = client_id
    if secret or not service.secret:
        service.secret = secret or known_secret
    try:
        with transaction.atomic():  # a savepoint: a row written meanwhile by someone else is a message
            service.save()
    except IntegrityError:
        raise DomainError(
            f"{api.label}: dit adres is zojuist door een andere service in gebruik genomen; probeer het opnieuw.",
            field=api.field,
        ) from None
    return service


def _remove_unused_own_services(municipality: Municipality) -> None:
    """The municipality's own Service rows that no configuration uses any more go, with their secrets."""
    own = Service.objects.filter(
        slug__in=[f"{ZAKEN.prefix}-{municipality.code}", f"{BESLUITEN.prefix}-{municipality.code}"]
    )
    used = Configuration.objects.filter(Q(zaken_service__in=own) | Q(besluiten_service__in=own))
    in_use = {pk for pair in used.values_list("zaken_service_id", "besluiten_service_id") for pk in pair}
    own.exclude(pk__in=in_use).delete()


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
    resultaattypen_laws: dict[str, dict[str, str]] | None = None,
) -> Configuration:
    """Save the municipality's ZGW configuration (functional administrator); ``resultaattypen_laws``: per law
    ("wmo", "jeugd", "pw") the resultaattypen of its deelzaak (left as they are when not given). Refused, naming
    the fields, when something is wrong (``ConfigurationProblems``: all of them); nothing is written then. The
    secret is kept when left empty and never written to the audit log. The municipality's own Service rows are
    updated in place; a row no longer used (an address emptied, or another row shared instead) is removed."""
    if not actor.is_active or actor.role != User.Role.FUNCTIONAL_ADMIN or actor.municipality_id is None:
        raise DomainError("ZGW-registratie: de functioneel beheerder van de gemeente stelt dit in.")
    municipality = actor.municipality
    assert municipality is not None  # noqa: S101 - checked above
    config = Configuration.objects.select_for_update().filter(municipality=municipality).first() or Configuration(
        municipality=municipality
    )
    roots = {ZAKEN: _root(zaken_api_root), BESLUITEN: _root(besluiten_api_root)}
    client_id = client_id.strip()
    for api, root in roots.items():
        if root and not checks.is_url(root):
            raise DomainError(f"{api.label}: dit is geen geldig adres (https://{api.example}).", field=api.field)
    if roots[ZAKEN] and roots[ZAKEN] == roots[BESLUITEN]:
        raise DomainError(
            "Besluiten API: dit is hetzelfde adres als de Zaken API; vul het adres van de Besluiten API in "
            f"({BESLUITEN.example}).",
            field=BESLUITEN.field,
        )
    if any(roots.values()) and not client_id:
        raise DomainError(
            "Client-id: vul de client-id in die de zaakregistratie voor Toegang heeft.", field="client_id"
        )
    code = municipality.code
    stored = [
        s.secret
        for s in (
            config.zaken_service if config.zaken_service_id else None,
            config.besluiten_service if config.besluiten_service_id else None,
            *Service.objects.filter(slug__in=[f"{ZAKEN.prefix}-{code}", f"{BESLUITEN.prefix}-{code}"]),
        )
        if s is not None and s.secret
    ]
    stored_client_id = next(
        (s.client_id for s in (config.zaken_service, config.besluiten_service) if s is not None and s.client_id), ""
    )
    if not secret and stored_client_id and client_id != stored_client_id:
        raise DomainError(
            "Secret: een andere client-id heeft een eigen secret; vul het secret in dat bij de nieuwe client-id hoort.",
            field="secret",
        )
    known_secret = secret or (stored[0] if stored else "")
    if any(roots.values()) and not known_secret:
        raise DomainError("Secret: vul het secret in dat bij de client-id hoort.", field="secret")
    config.zaken_service = _service_for(
        api=ZAKEN, municipality=municipality, root=roots[ZAKEN], client_id=client_id, secret=secret,
        known_secret=known_secret,
    )  # fmt: skip
    config.besluiten_service = _service_for(
        api=BESLUITEN, municipality=municipality, root=roots[BESLUITEN], client_id=client_id, secret=secret,
        known_secret=known_secret,
    )  # fmt: skip
    config.active = active
    config.rsin = rsin.strip()
    config.vertrouwelijkheidaanduiding = vertrouwelijkheidaanduiding
    config.resultaattypen = resultaattypen
    for law, mapping in (resultaattypen_laws or {}).items():  # per law the resultaattypen of its deelzaak
        setattr(config, Configuration.resultaattypen_field(law), mapping)
    for field in checks.URL_FIELDS:
        setattr(config, field, urls.get(field, "").strip())
    found = checks.problems_by_field(config)
    if found:
        raise ConfigurationProblems([(SERVICE_FIELD.get(field, field), message) for field, message in found])
    config.save()
    _remove_unused_own_services(municipality)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=config,
        detail=f"ZGW-instelling: registreren {'aan' if active else 'uit'}",
    )  # fmt: skip
    return config
