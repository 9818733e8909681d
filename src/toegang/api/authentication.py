"""Bearer authentication for the API: a user-bound token (``tg_…``, api.tokens) or an OAuth2 access token
obtained with client credentials (django-oauth-toolkit). Both act as a user: the token's user, or the
user the functional administrator registered the application for. No session authentication."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from toegang.accounts.models import User
from toegang.api.tokens import TOKEN_MARK, token_for
from toegang.privacy.context import current_emergency
from toegang.privacy.context import load as load_emergency


@dataclass(frozen=True)
class Credential:
    """What ``request.auth`` holds: which token, of which kind, with which scopes."""

    kind: str  # "token" (user-bound) or "oauth2" (client credentials)
    key: str  # a stable id for throttling and the audit detail
    scopes: frozenset[str]


class BearerAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, Credential] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Geef precies één token na 'Bearer'."))
        try:
            text = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Het token bevat ongeldige tekens.")) from None
        user, credential = self._user_token(text) if text.startswith(TOKEN_MARK) else self._oauth2_token(text)
        # the session middleware saw no user here: this request's break-the-glass accesses are read now,
        # so that its audit rows are flagged as the screens' are (privacy/context.py); the middleware's
        # reset at the end of the request restores the value from before it, undoing this one too
        current_emergency.set(load_emergency(user))
        return user, credential

    def _user_token(self, text: str) -> tuple[User, Credential]:
        token = token_for(text)
        if token is None:
            raise AuthenticationFailed(_("Het token is onbekend."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("Het token is ingetrokken."))
        if token.expires_at <= timezone.now():
            raise AuthenticationFailed(_("Het token is verlopen."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("De gebruiker van dit token is niet actief."))
        return token.user, Credential(kind="token", key=f"token:{token.pk}", scopes=frozenset(token.scopes))

    def _oauth2_token(self, text: str) -> tuple[User, Credential]:
        checksum = hashlib.sha256(text.encode()).hexdigest()
        found = AccessToken.objects.select_related("application__user__organisation", "application__user__team").filter(
            token_checksum=checksum
        )[:1]  # the checksum is unique: no ORDER BY (as api.tokens.token_for)
        token = next(iter(found), None)
        if token is None:
            raise AuthenticationFailed(_("Het token is onbekend."))
        if token.is_expired():
            raise AuthenticationFailed(_("Het token is verlopen."))
        user = token.application.user if token.application else None
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("De applicatie van dit token is niet aan een actieve gebruiker gekoppeld."))
        return user, Credential(kind="oauth2", key=f"oauth2:{token.pk}", scopes=frozenset(token.scope.split()))

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="toegang-api"'
