"""Which break-the-glass accesses of the current user are running in this request. The middleware
reads them once per request (one query, only for roles that can hold one): every audit row about a
person of such a household is flagged as emergency access (audit.services.record), in any session of
that user, and every page shows until when the access runs."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


@dataclass(frozen=True)
class EmergencyState:
    access_of_person: dict[int, int] = field(default_factory=dict)  # person id -> emergency access id
    until: dt.datetime | None = None

    def basis_for(self, person_ids: list[int]) -> str:
        ids = sorted({self.access_of_person[p] for p in person_ids if p in self.access_of_person})
        return ", ".join(f"noodtoegang {i}" for i in ids)


NONE = EmergencyState()
current_emergency: contextvars.ContextVar[EmergencyState] = contextvars.ContextVar("current_emergency", default=NONE)


def load(user: object) -> EmergencyState:
    from toegang.accounts.models import User
    from toegang.privacy.models import EmergencyAccess

    if not isinstance(user, User) or user.role not in (User.Role.PROFESSIONAL, User.Role.TEAM_LEAD):
        return NONE
    rows = EmergencyAccess.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values_list(
        "pk", "expires_at", "household__memberships__person_id"
    )
    access_of_person: dict[int, int] = {}
    until = None
    for access_id, expires_at, person_id in rows:
        until = max(until, expires_at) if until else expires_at
        if person_id is not None:
            access_of_person[person_id] = access_id
    return EmergencyState(access_of_person, until) if until else NONE


class EmergencyContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        state = load(user) if user is not None and user.is_authenticated else NONE
        token = current_emergency.set(state)
        try:
            return self.get_response(request)
        finally:
            current_emergency.reset(token)
