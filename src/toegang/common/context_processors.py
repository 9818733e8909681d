from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from toegang.accounts.twofactor import needs_second_factor
from toegang.cases.selectors import CASE_ROLES, sees_case_content
from toegang.istandaarden.selectors import is_backoffice, sees_clients
from toegang.privacy.context import current_emergency


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The current path and what the user's role may do, for menus and buttons; needs no query."""
    flags = _navigation(request)
    flags["two_factor_off"] = not settings.REQUIRE_2FA
    flags["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
    flags["digid_simulator"] = settings.DIGID_SIMULATOR
    user = getattr(request, "user", None)
    flags["needs_2fa"] = user is not None and user.is_authenticated and needs_second_factor(user)
    flags["emergency_until"] = current_emergency.get().until
    return flags


def _navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or needs_second_factor(user):
        return {
            "current_path": request.path,
            "can_read_cases": False,
            "can_write_cases": False,
            "has_team": False,
            "is_privacy_officer": False,
            "is_backoffice": False,
            "backoffice_sees_clients": False,
            "is_manager": False,
            "is_team_lead": False,
        }
    return {
        "current_path": request.path,
        "can_read_cases": sees_case_content(user),
        "can_write_cases": user.is_active and (user.role in CASE_ROLES or user.is_superuser),
        "has_team": user.team_id is not None,
        "is_privacy_officer": user.is_active and (user.role == "privacy" or user.is_superuser),
        "is_backoffice": is_backoffice(user),
        "backoffice_sees_clients": sees_clients(user),  # the providers' requests name residents
        "is_manager": user.is_active and user.role == "manager",
        "is_team_lead": user.is_active and user.role == "teamleider" and user.team_id is not None,
    }
