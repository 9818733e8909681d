"""Resident login with DigiD through an OpenID Connect broker (mozilla-django-oidc, a second configuration
next to the staff single sign-on in accounts/oidc.py). docs/portal.md tells how to configure it.

The broker proves who someone is: a BSN claim and the level of assurance of the DigiD login. We refuse a
login below the configured level (Substantieel by default: the Wet digitale overheid asks it for services
that show special-category data, see DOMAIN.md §5.8), make the resident's portal account at the first
login (portal/services.py), and never take roles from the broker: a resident reaches only /mijn/.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.people.bsn import normalise_bsn
from toegang.portal import services

LOGIN_ERROR = "portal_login_error"  # session key: why the last DigiD login was refused, shown on the login page

# Levels of assurance in order. DigiD passes its level as a SAML AuthnContextClassRef; brokers pass it
# on in the ``acr`` claim (these URNs are also what the ZGW Zaken API stores as levelOfAssurance for
# DigiD). Check the values with your broker; PORTAL_LOA_VALUES in the settings extends this table.
LOA_RANK = {
    "basis": 1,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport": 1,
    "midden": 2,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract": 2,
    "substantieel": 3,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard": 3,
    "hoog": 4,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI": 4,
}
LOA_NAMES = {1: "Basis", 2: "Midden", 3: "Substantieel", 4: "Hoog"}


def portal_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc reads its settings by name; the portal's come from the PORTAL_OIDC dict."""
    values: dict[str, Any] = getattr(settings, "PORTAL_OIDC", {})
    if attr in values:
        return values[attr]
    if default:
        return default[0]
    raise ImproperlyConfigured(f"PORTAL_OIDC[{attr!r}] ontbreekt")


def loa_rank(value: Any) -> int:
    """1 (Basis) .. 4 (Hoog); 0 for a value we do not know. The words are compared without case."""
    table = {**LOA_RANK, **getattr(settings, "PORTAL_LOA_VALUES", {})}
    text = str(value or "").strip()
    return table.get(text) or table.get(text.lower(), 0)


def check_settings() -> None:
    """At start-up (portal/apps.py): a minimum level we do not know would let every login through."""
    if settings.PORTAL_ENABLED and loa_rank(settings.PORTAL_MIN_LOA) == 0:
        raise ImproperlyConfigured(
            f"TOEGANG_PORTAL_MIN_LOA: onbekend betrouwbaarheidsniveau {settings.PORTAL_MIN_LOA!r}; "
            "kies basis, midden, substantieel of hoog."
        )


class PortalBackend(OIDCAuthenticationBackend):
    """Only answers a portal callback (``request.portal_login``); the staff backends ignore those."""

    get_settings = staticmethod(portal_setting)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or not getattr(request, "portal_login", False):
            return None
        # the simulator's endpoints are paths on this server (portal/simulator.py)
        self.OIDC_OP_TOKEN_ENDPOINT = request.build_absolute_uri(portal_setting("OIDC_OP_TOKEN_ENDPOINT"))
        self.OIDC_OP_USER_ENDPOINT = request.build_absolute_uri(portal_setting("OIDC_OP_USER_ENDPOINT"))
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException):
            self._refuse(_("DigiD kon uw inlog niet bevestigen. Probeer het opnieuw."))
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, the expiry (when present) and the nonce; we also check that the
        ID token is meant for us, comes from our issuer and has exp and iat (OpenID Connect Core 1.0,
        3.1.3.7), and report every refusal the same way."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID-token geweigerd: {error}") from None
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("ID-token voor een andere ontvanger")
        if payload.get("iss") != portal_setting("OIDC_OP_ISSUER"):
            raise SuspiciousOperation("ID-token van een andere uitgever")
        if "exp" not in payload or "iat" not in payload:  # PyJWT checks exp only when it is there
            raise SuspiciousOperation("ID-token zonder exp of iat")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Userinfo about the same subject as the ID token (OIDC Core 5.3.2); the level of assurance may come
        in either of them."""
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo gaat over een ander subject dan het ID-token")
        return {**payload, **info}

    def _refuse(self, message: str) -> bool:
        self.request.session[LOGIN_ERROR] = message
        return False

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        try:
            normalise_bsn(str(claims.get(settings.PORTAL_BSN_CLAIM, "")))
        except DomainError:
            return self._refuse(_("DigiD gaf geen geldig burgerservicenummer door. Probeer het opnieuw."))
        level = loa_rank(claims.get(settings.PORTAL_LOA_CLAIM))
        needed = loa_rank(settings.PORTAL_MIN_LOA)
        if level < needed:
            return self._refuse(
                _(
                    "U logde in met DigiD op niveau %(level)s. Voor uw gegevens over zorg en ondersteuning is "
                    "niveau %(needed)s nodig: log in met de DigiD app met identiteitscheck."
                )
                % {"level": LOA_NAMES.get(level, _("onbekend")), "needed": LOA_NAMES.get(needed, needed)}
            )
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        bsn = normalise_bsn(str(claims[settings.PORTAL_BSN_CLAIM]))
        return User.objects.filter(bsn=bsn, role=User.Role.RESIDENT, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> User | None:
        try:
            return services.resident_account(bsn=str(claims[settings.PORTAL_BSN_CLAIM]))
        except DomainError as error:
            self._refuse(error.message)
            return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user


class PortalLoginView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(portal_setting)


class PortalCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(portal_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        request.portal_login = True  # type: ignore[attr-defined] # read by PortalBackend (and refused by the staff one)
        return super().get(request)


def _enabled() -> None:
    if not settings.PORTAL_ENABLED:
        raise Http404


def start(request: HttpRequest) -> HttpResponse:
    _enabled()
    return PortalLoginView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    return PortalCallbackView.as_view()(request)
