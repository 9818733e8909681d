"""Optional single sign-on through the municipality's OpenID Connect identity provider
(mozilla-django-oidc). Switched on by TOEGANG_OIDC_CLIENT_ID and friends (docs/operations.md).

Accounts stay managed in Toegang: the identity provider proves who someone is, but only an existing,
active account with the same user name (claim ``preferred_username``) or e-mail address may log in;
nobody is created on the fly, and roles never come from the provider. The second factor (TOTP) is
still asked afterwards, as after a password login.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from toegang.accounts.backends import user_of_request
from toegang.accounts.models import User


class OIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is not None and getattr(request, "portal_login", False):
            return None  # a resident's DigiD login: portal/oidc.py answers it
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("preferred_username") or claims.get("email"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username, email = claims.get("preferred_username"), claims.get("email")
        condition = Q(pk__in=[])
        if username:
            condition |= Q(username=username)
        if email:
            condition |= Q(email__iexact=email)
        return User.objects.filter(condition, is_active=True).select_related("organisation", "team")

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # accounts are made by the functional administrator, never by a login

    def get_user(self, user_id: Any) -> User | None:
        user = user_of_request(user_id)
        return user if user is not None and user.is_active else None


def _enabled() -> None:
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


def start(request: HttpRequest) -> HttpResponse:
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    return OIDCAuthenticationCallbackView.as_view()(request)
