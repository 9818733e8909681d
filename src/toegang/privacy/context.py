"""Which break-the-glass accesses of the current user are running in this request. The middleware
reads them once per request (one query, only for roles that can hold one, and only when one runs):
every audit row about a person of such a household is flagged as emergency access
(audit.services.record), in any session of that user, and every page shows until when the access
runs. Whether one runs comes with the user of the request (``with_running_flag``, used by the
authentication backends), so the usual request, without any, asks nothing more."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class EmergencyState:
    access_of_person: dict[int, int] = field(default_factory=dict)  # person id -> emergency access id
    until: dt.datetime | None = None
    households: frozenset[int] = frozenset()  # opened with break-the-glass: read and record, not steer

    def opened(self, household_id: int, team_id: int | None, user_team_id: int | None) -> bool:
        """Reached only through break-the-glass: opened with an access, and not (or no longer) a case
        of the user's own team (it may have moved there while the access runs)."""
        return household_id in self.households and team_id != user_team_id

    def basis_for(self, person_ids: list[int]) -> str:
        ids = sorted({self.access_of_person[p] for p in person_ids if p in self.access_of_person})
        return ", ".join(f"noodtoegang {i}" for i in ids)


NONE = EmergencyState()
current_emergency: contextvars.ContextVar[EmergencyState] = contextvars.ContextVar("current_emergency", default=NONE)


STEERING_REFUSED = gettext_lazy(
    "Met noodtoegang leest u het dossier en legt u vast wat u doet; het eigen team stuurt de zaak."
)


def reached_only_through_emergency(user: Any, trajectory_id: int) -> bool:
    """Whether the user reaches this trajectory only through a running break-the-glass access (it is
    not their team's). Asks the database only when an access of the user runs."""
    state = current_emergency.get()
    if not state.households:
        return False
    from toegang.cases.models import Trajectory

    row = Trajectory.objects.filter(pk=trajectory_id).values_list("household_id", "team_id").first()
    return row is not None and state.opened(row[0], row[1], getattr(user, "team_id", None))


def refuse_steering_under_emergency(user: Any, trajectory_id: int) -> None:
    """Break-the-glass opens a household to read it and to record what was done, not to steer its case
    (the regie, involvements, the plan, procedures, referrals, conferences, closing)."""
    if reached_only_through_emergency(user, trajectory_id):
        raise PermissionDenied(STEERING_REFUSED)


def running_flag(user_id: str) -> RawSQL:
    """Whether a break-the-glass access runs now for the user whose id is in ``user_id`` (a quoted
    ``"table"."column"`` of the query), by the same clock as ``load`` and the access predicate (the
    application's, not the database's). Written as SQL: Django's ``Exists(… OuterRef …)`` costs about
    as much to compile as the query it saves."""
    from toegang.privacy.models import EmergencyAccess

    table, user, expires = (
        EmergencyAccess._meta.db_table,
        EmergencyAccess._meta.get_field("user").column,
        EmergencyAccess._meta.get_field("expires_at").column,
    )
    return RawSQL(  # noqa: S611 - names from the models, the caller's column, the time bound
        f'EXISTS (SELECT 1 FROM "{table}" run_e WHERE run_e."{user}" = {user_id} AND run_e."{expires}" > %s)',  # noqa: S608
        # the time as a parameter, adapted as the access predicate adapts it (cases/selectors.py)
        (connection.ops.adapt_datetimefield_value(timezone.now()),),
        output_field=BooleanField(),
    )


def with_running_flag(users: QuerySet[Any]) -> QuerySet[Any]:
    """Users with ``emergency_running`` (``running_flag``): the user of each request is read this way
    (accounts/backends.py), so that ``load`` asks which accesses run only when one does."""
    from toegang.accounts.models import User

    return users.annotate(emergency_running=running_flag(f'"{User._meta.db_table}"."{User._meta.pk.column}"'))


def load(user: object) -> EmergencyState:
    from toegang.accounts.models import User
    from toegang.privacy.models import EmergencyAccess

    if not isinstance(user, User) or user.role not in (User.Role.PROFESSIONAL, User.Role.TEAM_LEAD):
        return NONE
    if getattr(user, "emergency_running", None) is False:  # read with the user: none runs
        return NONE
    rows = EmergencyAccess.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values_list(
        "pk", "expires_at", "household_id", "household__memberships__person_id"
    )
    access_of_person: dict[int, int] = {}
    households: set[int] = set()
    until = None
    for access_id, expires_at, household_id, person_id in rows:
        until = max(until, expires_at) if until else expires_at
        households.add(household_id)
        if person_id is not None:
            access_of_person[person_id] = access_id
    return EmergencyState(access_of_person, until, frozenset(households)) if until else NONE


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
