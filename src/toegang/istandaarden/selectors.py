"""Reads for the screens of the message exchange: the work queue of provider requests, a client's
message history and the response times per message type. Every query is scoped to one municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from toegang.accounts.models import Organisation, User
from toegang.cases.selectors import CASE_ROLES
from toegang.istandaarden.messages import NAMES
from toegang.istandaarden.models import Message, Request

BACKOFFICE_ROLES = (*CASE_ROLES, User.Role.FUNCTIONAL_ADMIN, User.Role.MANAGER)


def is_backoffice(user: User) -> bool:
    """The exchange with providers is the municipality's own work: its staff in a case role, its
    functional administrators and managers (who only read); partner professionals have no part in it.
    (The employer is loaded with the user, so this costs no query.)"""
    employer = user.organisation
    return (
        user.is_active
        and user.municipality_id is not None
        and employer is not None
        and employer.kind == Organisation.Kind.MUNICIPALITY
        and user.role in BACKOFFICE_ROLES
    )


def sees_clients(user: User) -> bool:
    """Who sees the residents in the message traffic (the requests with their names and care, the late retours'
    names): the back office except the functional administrator, who sees the traffic without names (the role
    sees no case content, docs/privacy.md)."""
    return is_backoffice(user) and user.role != User.Role.FUNCTIONAL_ADMIN


def queue(municipality_id: int) -> QuerySet[Request]:
    """Open requests (and those under investigation), the most urgent first."""
    return (
        Request.objects.filter(
            municipality_id=municipality_id, status__in=(Request.Status.OPEN, Request.Status.INVESTIGATING)
        )
        .select_related("provider", "person")
        .order_by("due_on", "pk")
    )


def history(person_id: int, municipality_id: int) -> QuerySet[Message]:
    """Every message of one municipality about one client, newest first, with what it answers."""
    return (
        Message.objects.filter(person_id=person_id, municipality_id=municipality_id)
        .select_related("provider", "answers")
        .defer("xml", "answers__xml")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Timeliness:
    label: str
    who: str  # "gemeente" or "aanbieder"
    days: str
    total: int
    on_time: int
    late: int
    open_overdue: int

    @property
    def share(self) -> int | None:
        return round(100 * self.on_time / self.total) if self.total else None


def timeliness(municipality_id: int, since: dt.date, on: dt.date) -> list[Timeliness]:
    """Answers given within the iStandaarden response times (DOMAIN.md §2.3), since a day: the
    municipality's answers to requests (301/319, five working days) and claims (325, ten), and the
    providers' retours on the municipality's 301 and 319 (three working days). One query per row."""
    rows = []
    requests = Request.objects.filter(municipality_id=municipality_id, received_on__gte=since).aggregate(
        total=Count("pk", filter=Q(answered_on__isnull=False)),
        on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))),
        open_overdue=Count(
            "pk", filter=Q(answered_on__isnull=True, due_on__lt=on) & ~Q(status=Request.Status.INVESTIGATING)
        ),
    )
    rows.append(
        Timeliness(
            "Antwoord op verzoek om toewijzing of wijziging (301/319)", "gemeente", "5 werkdagen",
            requests["total"], requests["on_time"], requests["total"] - requests["on_time"], requests["open_overdue"],
        )
    )  # fmt: skip
    for label, direction, codes, who, days in (
        ("Declaratie-antwoord (325)", Message.Direction.IN, ("323",), "gemeente", "10 werkdagen"),
        ("Retour op 301 of 319 (302/320)", Message.Direction.OUT, ("301", "319"), "aanbieder", "3 werkdagen"),
    ):  # fmt: skip
        counted = Message.objects.filter(
            municipality_id=municipality_id, direction=direction, code__in=codes, dated__gte=since, due_on__isnull=False
        ).aggregate(
            total=Count("pk", filter=Q(answered_on__isnull=False)),
            on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))),
            open_overdue=Count("pk", filter=Q(answered_on__isnull=True, due_on__lt=on)),
        )
        rows.append(
            Timeliness(
                label, who, days, counted["total"], counted["on_time"], counted["total"] - counted["on_time"],
                counted["open_overdue"],
            )
        )  # fmt: skip
    return rows


def volumes(municipality_id: int, since: dt.date) -> list[dict[str, Any]]:
    """Messages per type and direction since a day, with how many were refused."""
    rows: list[dict[str, Any]] = [
        {**row, "label": NAMES.get(str(row["code"]), "")}
        for row in Message.objects.filter(municipality_id=municipality_id, dated__gte=since)
        .values("direction", "standard", "code")
        .annotate(total=Count("pk"), refused=Count("pk", filter=Q(status=Message.Status.REJECTED)))
        .order_by("standard", "code", "direction")
    ]
    return rows


def overdue_retours(municipality_id: int, on: dt.date) -> QuerySet[Message]:
    """The municipality's 301/319 that a provider has not answered within three working days."""
    return (
        Message.objects.filter(
            municipality_id=municipality_id,
            direction=Message.Direction.OUT,
            code__in=("301", "319"),
            status=Message.Status.SENT,
            answered_on__isnull=True,
            due_on__lt=on,
        )
        .select_related("provider", "person")
        .defer("xml")
        .order_by("due_on", "pk")
    )
