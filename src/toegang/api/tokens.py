"""Issuing, revoking and checking user-bound API tokens (the service of this app)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.api.models import ApiToken
from toegang.audit import services as audit
from toegang.common.errors import DomainError
from toegang.privacy.context import running_flag

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
    # [:1], not .first(): the prefix is unique, and the ORDER BY that .first() adds costs a fifth of the lookup
    found = (
        ApiToken.objects.select_related("user", "user__organisation", "user__team")
        .annotate(
            user_emergency=running_flag(f'"{ApiToken._meta.db_table}"."{ApiToken._meta.get_field("user").column}"')
        )
        .filter(prefix=prefix)[:1]
    )
    token = next(iter(found), None)
    if token is None or not hmac.compare_digest(token.digest, _digest(secret_part)):
        return None
    token.user.emergency_running = token.user_emergency  # type: ignore[attr-defined]  # privacy/context.py
    return token
