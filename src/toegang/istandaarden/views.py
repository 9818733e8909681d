"""Screens of the message exchange with providers: the work queue of requests for assignment (315) and
change (317) with their answers, the response times, and a client's message history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.selectors import CASE_ROLES
from toegang.common.dates import today
from toegang.common.forms import UtrechtForm
from toegang.common.templatetags.money import euros
from toegang.common.views import NamedChange, current_user, first_rows, require_case_reader, run_named_change
from toegang.istandaarden import selectors, services
from toegang.istandaarden.forms import ConfirmChangeForm, RefuseForm
from toegang.istandaarden.models import Request
from toegang.procedures.models import Procedure, Provision
from toegang.procedures.views import _procedure_or_404


def require_backoffice(request: HttpRequest) -> User:
    user = current_user(request)
    if not selectors.is_backoffice(user):
        raise PermissionDenied(_("Het berichtenverkeer met aanbieders is werk van de medewerkers van de gemeente."))
    return user


def require_clients_backoffice(request: HttpRequest) -> User:
    """The requests of providers name residents and their care: not for the functional administrator."""
    user = require_backoffice(request)
    if not selectors.sees_clients(user):
        raise PermissionDenied(
            _(
                "Verzoeken van aanbieders gaan over inwoners; de functioneel beheerder ziet het berichtenverkeer "
                "zonder namen."
            )
        )
    return user


def _may_answer(user: User) -> bool:
    return user.role in CASE_ROLES


def work_queue(request: HttpRequest) -> HttpResponse:
    user = require_clients_backoffice(request)
    assert user.municipality_id is not None  # noqa: S101 - require_backoffice
    rows, more = first_rows(selectors.queue(user.municipality_id), 200)
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="verzoeken",
        subjects=sorted({r.person_id for r in rows if r.person_id}),
        detail=f"{len(rows)} verzoeken van aanbieders",
    )
    return render(request, "istandaarden/queue.html", {"rows": rows, "more": more, "today": today()})


def _request_or_404(user: User, request_id: int) -> Request:
    found = (
        Request.objects.filter(pk=request_id, municipality_id=user.municipality_id or 0)
        .select_related("provider", "person", "message", "answer")
        .first()
    )
    if found is None:
        log_denied(user=user, object_type="request", object_id=request_id)
        raise Http404
    return found


def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    user = require_clients_backoffice(request)
    found = _request_or_404(user, request_id)
    audit.record(actor=user, action=audit.Action.READ, obj=found, subjects=[found.person_id] if found.person_id else [])
    return render(
        request,
        "istandaarden/request.html",
        {
            "r": found,
            "refuse": RefuseForm(kind=found.kind),
            "confirm": ConfirmChangeForm(),
            "may_answer": _may_answer(user),
            "has_new": any(item["soort"] == "nieuw" for item in found.products),
            "products": _with_names(found),
            "procedures": list(
                Procedure.objects.filter(
                    person_id=found.person_id or 0,
                    law=found.law,
                    trajectory__household__municipality_id=found.municipality_id,
                )
                .select_related("trajectory")
                .order_by("-reported_on")[:5]
            ),
            "today": today(),
        },
    )


SOORTEN = {"nieuw": _("gevraagd product"), "wijzigen": _("te wijzigen"), "ongewijzigd": _("ongewijzigd")}


def _with_names(found: Request) -> list[dict[str, Any]]:
    """The requested products with the names of their unit and frequency (the message has codes) and, for
    an assignment to change, what its decision grants now."""
    units, frequencies = dict(Provision.Unit.choices), dict(Provision.Frequency.choices)
    numbers = [item["toewijzing"] for item in found.products if item.get("toewijzing")]
    running = {p.pk: p for p in Provision.objects.filter(pk__in=numbers)} if numbers else {}

    def size(volume: int | None, unit: str, frequency: str, budget: int | None) -> str:
        if volume is not None:
            return f"{volume} {units.get(unit, unit)} {frequencies.get(frequency, frequency)}"
        return euros(budget) if budget is not None else ""

    rows = []
    for item in found.products:
        now = running.get(item.get("toewijzing") or 0)
        rows.append(
            item
            | {
                "soort_naam": SOORTEN.get(item["soort"], item["soort"]),
                "omvang": size(
                    item.get("volume"), item.get("eenheid", ""), item.get("frequentie", ""), item.get("budget")
                ),
                "nu": size(now.volume, now.unit, now.frequency, now.budget_cents) if now else "",
                "van": dt.date.fromisoformat(item["ingang"]) if item.get("ingang") else None,
                "tot": dt.date.fromisoformat(item["einde"]) if item.get("einde") else None,
            }
        )
    return rows


@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    """In onderzoek (319, code 2), afwijzen (319, code 1 with a reason) or toewijzen (a change, 301)."""
    user = require_clients_backoffice(request)
    if not _may_answer(user):
        raise PermissionDenied(_("Uw rol mag verzoeken inzien maar niet beantwoorden."))
    found = _request_or_404(user, request_id)
    calls: dict[str, NamedChange] = {
        "onderzoek": (
            UtrechtForm(request.POST),
            lambda d: services.answer_request(actor=user, request=found, investigating=True),
            _("De aanbieder krijgt bericht dat de aanvraag in onderzoek is (319)."),
        ),
        "afwijzen": (
            RefuseForm(request.POST, kind=found.kind),
            lambda d: services.answer_request(actor=user, request=found, investigating=False, refusal=d["refusal"]),
            _("Het verzoek is afgewezen; het antwoordbericht (319) staat klaar."),
        ),
        "toewijzen": (
            ConfirmChangeForm(request.POST),
            lambda d: services.assign_change(actor=user, request=found),
            _("De wijziging is toegewezen; de toewijzing (301) staat klaar."),
        ),
    }
    run_named_change(request, calls, action)
    return redirect("istandaarden-request", request_id=found.pk)


def overview(request: HttpRequest) -> HttpResponse:
    """Messages per type and the response times of the last 90 days; the retours providers owe."""
    user = require_backoffice(request)
    assert user.municipality_id is not None  # noqa: S101
    on = today()
    since = on - dt.timedelta(days=90)
    late, more = first_rows(selectors.overdue_retours(user.municipality_id, on), 50)
    sees = selectors.sees_clients(user)  # the functional administrator: the late retours without names
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="berichtenverkeer",
        subjects=sorted({m.person_id for m in late if m.person_id}) if sees else [],
        detail=f"overzicht sinds {since:%d-%m-%Y}",
    )
    return render(
        request,
        "istandaarden/overview.html",
        {
            "since": since,
            "timeliness": selectors.timeliness(user.municipality_id, since, on),
            "volumes": selectors.volumes(user.municipality_id, since),
            "late": late,
            "more": more,
            "sees_clients": sees,
        },
    )


def procedure_messages(request: HttpRequest, procedure_id: int) -> HttpResponse:
    """The message history of the client of a procedure: everything sent and received about them."""
    user = require_case_reader(request)
    procedure = _procedure_or_404(user, procedure_id)
    rows, more = first_rows(selectors.history(procedure.person_id, procedure.trajectory.household.municipality_id), 200)
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="berichten",
        object_id=procedure.person_id,
        subjects=[procedure.person_id],
        detail=f"berichtenhistorie, {len(rows)} berichten",
    )
    return render(request, "istandaarden/history.html", {"procedure": procedure, "rows": rows, "more": more})
