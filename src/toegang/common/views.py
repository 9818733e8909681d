"""Shared view helpers: role gates, the home redirect, friendly error pages."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from toegang.accounts.models import User
from toegang.audit.services import log_denied
from toegang.cases.models import Trajectory
from toegang.cases.selectors import CASE_ROLES, sees_case_content, trajectory_for_page
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtFormMixin
from toegang.common.middleware import PORTAL_PREFIX

T = TypeVar("T")


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMiddleware guarantees this
    return user


def submitted(request: HttpRequest, form: UtrechtFormMixin, call: Callable[[dict[str, Any]], object]) -> bool:
    """For a POST: validate the form and run the service with its cleaned data; True when it succeeded.

    On a DomainError the message lands on the field the error names (``form.domain_error`` keeps the
    error) and nothing was written: every service runs in its own transaction."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except DomainError as error:
        form.add_domain_error(error)
        return False
    return True


def apply_change(
    request: HttpRequest, form: UtrechtFormMixin, call: Callable[[dict[str, Any]], object], done: str
) -> None:
    """A small change posted from a page that shows it (the caller redirects back): the outcome, or why
    the input was refused (naming the field), lands in the page's messages."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():  # each message already names its field (UtrechtFormMixin)
            messages.error(request, " ".join(str(e) for e in errors))


NamedChange = tuple[UtrechtFormMixin, Callable[[dict[str, Any]], object], str]  # form, service call, message


def run_named_change(request: HttpRequest, calls: dict[str, NamedChange], action: str) -> None:
    """One of several named changes posted from a page (the URL names the action); any other name is 404."""
    if action not in calls:
        raise Http404
    form, call, done = calls[action]
    apply_change(request, form, call, done)


def first_rows(rows: Iterable[T], limit: int) -> tuple[list[T], bool]:
    """At most ``limit`` rows of a long list, and whether more exist (the page then says so); the
    database is asked for one row more, never for a count."""
    taken = list(itertools.islice(rows, limit + 1)) if not isinstance(rows, QuerySet) else list(rows[: limit + 1])
    return taken[:limit], len(taken) > limit


def trajectory_or_404(user: User, trajectory_id: int) -> Trajectory:
    """The trajectory through the access predicate; a denied one is logged and answered as not found."""
    try:
        return trajectory_for_page(user=user, trajectory_id=trajectory_id)
    except Trajectory.DoesNotExist:
        log_denied(user=user, object_type="trajectory", object_id=trajectory_id)
        raise Http404 from None


def require_case_reader(request: HttpRequest) -> User:
    """Roles that may read dossiers; others get 403 with an explanation (deny by default)."""
    user = current_user(request)
    if not sees_case_content(user):
        raise PermissionDenied(_("Uw rol geeft geen toegang tot dossiers van inwoners."))
    return user


def require_case_worker(request: HttpRequest) -> User:
    """Roles that may change dossiers: professionals and team leads (managers only read)."""
    user = current_user(request)
    if not user.is_active or (user.role not in CASE_ROLES and not user.is_superuser):
        raise PermissionDenied(_("Uw rol mag dossiers inzien maar niet wijzigen."))
    return user


def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role == User.Role.TEAM_LEAD:
        return redirect("team-overview")
    if user.role in CASE_ROLES:
        return redirect("caseload")
    if user.role == User.Role.MANAGER or user.is_superuser:
        return redirect("overdue")
    if user.role == User.Role.PRIVACY_OFFICER:
        return redirect("audit-person")
    if user.role == User.Role.REPORTER:
        return redirect("referrals")
    if user.role == User.Role.CLIENT:
        return redirect("steering", board_code="opdrachtgever")
    return render(request, "common/no_case_access.html")


def health(request: HttpRequest) -> HttpResponse:
    """For monitoring: "ok" when the database answers, else 503 with what is wrong (docs/operations.md)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return HttpResponse("database niet bereikbaar", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def database_unavailable() -> HttpResponse:
    """The page for a database that does not answer (restarting, unreachable): a clear temporary error
    with Retry-After, rendered without the request's context, which would itself need the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def in_portal(request: HttpRequest) -> bool:
    """Whether an error page gets the resident portal's layout (``portal/``): a page under /mijn/, for a
    resident or a visitor not logged in. A staff account that strays there keeps the staff layout."""
    user = getattr(request, "user", None)
    staff = user is not None and user.is_authenticated and getattr(user, "role", "") != User.Role.RESIDENT
    return request.path.startswith(PORTAL_PREFIX) and not staff


def error_page(request: HttpRequest, name: str, status: int, context: dict[str, Any] | None = None) -> HttpResponse:
    template = f"portal/{name}" if in_portal(request) else name
    return render(request, template, context or {}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context: dict[str, Any] = {"reason": str(exception) if exception and str(exception) else ""}
    return error_page(request, "403.html", 403, context)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form that was open too long, or sent after logging out and in again (another
    tab), is refused with a page that says so and leads back to the form's page (the referring page of
    this site) or the start page. Nothing was saved."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    portal = in_portal(request)
    context = {
        "back": _same_site_path(request, request.META.get("HTTP_REFERER", "")),
        "home": reverse("portal-home") if portal else reverse("home"),
        "portal": portal,
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }
    return error_page(request, "csrf_failure.html", 403, context)


def _same_site_path(request: HttpRequest, url: str) -> str:
    """The path (and query) of ``url`` when it is a page of this site, else ''."""
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    parts = urlsplit(url)
    path = parts.path.replace("\t", "").replace("\n", "").replace("\r", "")  # as a browser reads a link
    # "//other.example/x" or "/\\other.example" is a link to another site (protocol-relative)
    if not path.startswith("/") or path[1:2] in ("/", "\\"):
        return ""
    back = path + (f"?{parts.query}" if parts.query else "")
    return back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else ""


def error_500(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):  # Django calls this while handling it
        return database_unavailable()
    # by the path alone: asking who the user is could fail again while handling the fault
    portal = request.path.startswith(PORTAL_PREFIX)
    return render(request, "portal/500.html" if portal else "500.html", status=500)
