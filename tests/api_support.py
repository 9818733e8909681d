"""Helpers for the API tests: issue a token through the service and call the API with it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.test import Client

from toegang.accounts.models import User
from toegang.api import tokens

ALL_SCOPES = sorted(settings.API_SCOPES)


def token_for(world: Any, user: User, scopes: list[str] | None = None, days: int = 30) -> str:
    return tokens.issue_token(actor=world.admin, user=user, name="test", scopes=scopes or ALL_SCOPES, days=days).secret


class ApiClient:
    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def get(self, url: str, **extra: Any):
        return self.client.get(url, **self.headers, **extra)

    def post(
        self, url: str, data: Any = None, *, raw: bytes | str | None = None, content_type: str = "application/json"
    ):
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(url, body, content_type=content_type, **self.headers)

    def all_rows(self, url: str, page_size: int = 2) -> list[dict[str, Any]]:
        """Every row of a list, following ``next`` cursors."""
        rows: list[dict[str, Any]] = []
        next_url: str | None = f"{url}{'&' if '?' in url else '?'}page_size={page_size}"
        while next_url:
            response = self.get(next_url)
            assert response.status_code == 200, response.content
            body = response.json()
            rows.extend(body["results"])
            next_url = body["next"]
        return rows

    def all_ids(self, url: str, page_size: int = 2) -> list[int]:
        """Every id of a list, following ``next`` cursors."""
        return [row["id"] for row in self.all_rows(url, page_size)]


def api(world: Any, user: User, scopes: list[str] | None = None) -> ApiClient:
    return ApiClient(token_for(world, user, scopes))
