"""Issuing, revoking and checking user-bound API tokens (the service of this app)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import Organisation, Team, User
from toegang.api.models import ApiToken
from toegang.audit import services as audit
from toegang.cases.models import Involvement
from toegang.common.errors import DomainError
from toegang.privacy.context import running_flag
from toegang.privacy.models import Consent

# A user-bound token starts with this; any other bearer token is an OAuth2 access token.
TOKEN_MARK = "tg_"  # noqa: S105 - a prefix, not a secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the full token text: shown once, never stored


@transaction.atomic
def issue_token(*, actor: User, user: User, name: str, scopes: list[str], days: int | None = None) -> IssuedToken:
    """The functional administrator issues a token to ``user``; returns the token text, shown once."""
    if not (actor.is_superuser or actor.role == User.Role.FUNCTIONAL_ADMIN):
        raise DomainError(_("Alleen een functioneel beheerder geeft API-tokens uit."))
    if not user.is_active:
        raise DomainError(_("Gebruiker: deze gebruiker is niet actief."), field="user")
    if user.role == User.Role.RESIDENT:
        raise DomainError(
            _("Gebruiker: een inwoneraccount krijgt geen API-token; inwoners gebruiken het portaal."), field="user"
        )
    unknown = sorted(set(scopes) - set(settings.API_SCOPES))
    if unknown or not scopes:
        raise DomainError(
            _("Bevoegdheden: kies uit %(known)s.") % {"known": ", ".join(settings.API_SCOPES)}, field="scopes"
        )
    if not name.strip():
        raise DomainError(_("Omschrijving: geef aan waarvoor het token dient."), field="name")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise DomainError(_("Geldigheid: kies 1 tot en met 366 dagen."), field="days")
    prefix = secrets.token_hex(6)
    secret_part = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        digest=_digest(secret_part),
        scopes=sorted(set(scopes)),
        issued_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=token,
        detail=f"API-token voor {user.username}: {' '.join(token.scopes)}",
    )
    return IssuedToken(token=token, secret=f"{TOKEN_MARK}{prefix}_{secret_part}")


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    if not (actor.is_superuser or actor.role == User.Role.FUNCTIONAL_ADMIN):
        raise DomainError(_("Alleen een functioneel beheerder trekt API-tokens in."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=token, detail="API-token ingetrokken")
    return token


def token_for(text: str) -> ApiToken | None:
    """The token for this bearer text, with its user (expired and revoked ones too: the caller says
    which); None when the text is no token of ours."""
    if not text.startswith(TOKEN_MARK):
        return None
    prefix, _sep, secret_part = text[len(TOKEN_MARK) :].partition("_")
    if not prefix or not secret_part:
        return None
    token = _token_with_user(prefix)
    if token is None or not hmac.compare_digest(token.digest, _digest(secret_part)):
        return None
    return token


# The token with its user, the user's organisation and team, the break-the-glass flag and whether the
# user is involved anywhere on consent: one statement on every API request, written once here (ADR
# 0018). Built with the ORM (select_related of three relations and the flag) it took 1.1 ms to build
# and compile against 0.5 ms to run (issue 9).
# tests/test_api_tokens.py holds it against that ORM query.
_JOINED = ((ApiToken, "t", ""), (User, "u", "user"), (Organisation, "o", "organisation"), (Team, "m", "team"))


def _select_token() -> str:
    user = User._meta.pk.column
    organisation, team = (User._meta.get_field(name).column for name in ("organisation", "team"))  # type: ignore[union-attr]
    columns = ", ".join(f'{alias}."{f.column}"' for model, alias, _r in _JOINED for f in model._meta.concrete_fields)
    inv = {name: Involvement._meta.get_field(name).column for name in ("consent", "professional", "end_date")}  # type: ignore[union-attr]
    con = {name: Consent._meta.get_field(name).column for name in ("id", "withdrawn_on", "valid_until")}  # type: ignore[union-attr]
    on_consent = (  # a current involvement on a consent that holds today, as the access predicate counts it
        f'EXISTS (SELECT 1 FROM "{Involvement._meta.db_table}" inv'  # noqa: S608
        f' INNER JOIN "{Consent._meta.db_table}" con ON con."{con["id"]}" = inv."{inv["consent"]}"'
        f' WHERE inv."{inv["professional"]}" = u."{user}" AND inv."{inv["end_date"]}" IS NULL'
        f' AND con."{con["withdrawn_on"]}" IS NULL AND con."{con["valid_until"]}" >= %s)'
    )
    return (  # names from the models; the running flag's SQL and the times are added per request
        f'SELECT {columns}, {{flag}}, {on_consent} FROM "{ApiToken._meta.db_table}" t'  # noqa: S608
        f' INNER JOIN "{User._meta.db_table}" u ON u."{user}" = t."{ApiToken._meta.get_field("user").column}"'
        f' LEFT OUTER JOIN "{Organisation._meta.db_table}" o ON o."{Organisation._meta.pk.column}" = u."{organisation}"'
        f' LEFT OUTER JOIN "{Team._meta.db_table}" m ON m."{Team._meta.pk.column}" = u."{team}"'
        f' WHERE t."{ApiToken._meta.get_field("prefix").column}" = %s LIMIT 1'
    )


_SELECT_TOKEN = _select_token()


def _token_with_user(prefix: str) -> ApiToken | None:
    connection = connections["default"]
    flag = running_flag(f'u."{User._meta.pk.column}"')
    with connection.cursor() as cursor:
        today = connection.ops.adapt_datefield_value(timezone.localdate())  # the predicate's clock and date
        cursor.execute(_SELECT_TOKEN.format(flag=flag.sql), [*flag.params, today, prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    found: dict[str, Any] = {}
    at = 0
    for (model, _alias, relation), (names, converters, pk_at) in zip(_JOINED, _readers(connection), strict=True):
        values = list(row[at : at + len(names)])
        at += len(names)
        for i, column, convert in converters:
            values[i] = convert(values[i], column, connection)
        # the outer joins give a row of NULLs when the user has no organisation or team
        found[relation] = None if values[pk_at] is None else model.from_db("default", names, values)
    token, user = found[""], found["user"]
    user.organisation, user.team = found["organisation"], found["team"]
    user.emergency_running = bool(row[at])  # privacy/context.py
    user.involved_on_consent = bool(row[at + 1])  # cases/selectors.py
    token.user = user
    return token


_READERS: dict[str, list[tuple[list[str], list[tuple[int, Any, Any]], int]]] = {}


def _readers(connection: Any) -> list[tuple[list[str], list[tuple[int, Any, Any]], int]]:
    """Per joined model, once per database kind: its attribute names, the converters that make a value
    what the ORM gives (the backend's, as SQLite's for dates and booleans, then the field's own, as a
    JSON list's) and where its primary key is."""
    readers = _READERS.get(connection.vendor)
    if readers is None:
        readers = []
        for model, alias, _relation in _JOINED:
            fields = model._meta.concrete_fields
            converters: list[tuple[int, Any, Any]] = []
            for i, field in enumerate(fields):
                column = field.get_col(alias)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)  # as the ORM
                converters.extend((i, column, convert) for convert in found)
            readers.append(([f.attname for f in fields], converters, fields.index(model._meta.pk)))
        _READERS[connection.vendor] = readers
    return readers
