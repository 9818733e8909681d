"""Scopes: a view names the scope each method needs; the token must carry it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from toegang.api.authentication import Credential


class HasScope(BasePermission):
    """``required_scopes`` on the view maps the HTTP method to a scope (``"*"`` for every method). HEAD
    needs what GET needs; OPTIONS any scope the view names."""

    message = _("Het token heeft niet de bevoegdheid voor deze handeling.")

    def has_permission(self, request: Request, view: Any) -> bool:
        credential = request.auth
        if not isinstance(credential, Credential):
            return False
        if not hasattr(view, (request.method or "").lower()):
            return True  # no such handler: the view answers 405, which gives nothing away
        required: dict[str, str] = getattr(view, "required_scopes", {})
        if request.method == "OPTIONS":  # what the resource takes: for a token that may use it at all
            self.message = _("Het token heeft geen bevoegdheid voor deze bron.")
            return bool(set(required.values()) & set(credential.scopes))
        method = "GET" if request.method == "HEAD" else request.method or ""  # HEAD is GET without the body
        scope = required.get(method, required.get("*"))
        if scope is None:
            return False  # deny by default: a method without a scope is for nobody
        self.message = _("Het token heeft niet de bevoegdheid %(scope)s.") % {"scope": scope}
        return scope in credential.scopes
