"""The functional administrator's screen of the ZGW registration: the municipality's configuration with
what is wrong or missing (the same check as `manage.py zgw controleren`, and on request the connection check of
`--verbinding`), and the registrations page by page with their state, attempts, the registry's URLs and the last
error, with "Opnieuw proberen" for a given-up one that can still succeed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.views import current_user
from toegang.zgw import checks, selectors, services
from toegang.zgw.forms import LAW_NAMES, URL_LABELS, ConfigurationForm
from toegang.zgw.models import Registration


def _admin(request: HttpRequest) -> tuple[User, int]:
    user = current_user(request)
    if user.role != User.Role.FUNCTIONAL_ADMIN or user.municipality_id is None:
        raise PermissionDenied("De ZGW-registratie beheert de functioneel beheerder van de gemeente.")
    return user, user.municipality_id


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("voor", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@require_http_methods(["GET", "HEAD", "POST"])
def registrations(request: HttpRequest) -> HttpResponse:
    """GET: the screen. POST (the button "Verbinding controleren"): the same screen with the registry's answers."""
    _user, municipality_id = _admin(request)
    state = request.GET.get("stand") or None
    if state not in (None, *Registration.State.values):
        state = None
    before = _before(request)
    config = selectors.configuration_of(municipality_id, with_counts=True)
    connection: list[str] | None = None
    if request.method == "POST" and config is not None:
        connection = checks.connection_problems(config)
    counts = selectors.counts_of(config)
    page = selectors.registrations_of(municipality_id, state, before=before)
    context: dict[str, Any] = {
        "config": config,
        "problems": checks.problems(config) if config is not None else [],
        "connection": connection,
        "page": page,
        "registrations": page.rows,
        "counts": counts,
        "shown_of": counts.of(state),
        "states": [(code, name, counts.of(code)) for code, name in Registration.State.choices],
        "state": state,
        "before": before,
        "max_attempts": settings.ZGW_MAX_ATTEMPTS,
        "overdue_minutes": int(selectors.OVERDUE.total_seconds() // 60),
    }
    return render(request, "zgw/registrations.html", context)


@require_POST
def retry(request: HttpRequest, registration_id: int) -> HttpResponse:
    user, municipality_id = _admin(request)
    found = Registration.objects.filter(municipality_id=municipality_id, pk=registration_id).first()
    if found is None:
        raise Http404
    try:
        services.retry_registration(actor=user, registration=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "De registratie wordt opnieuw geprobeerd.")
    return redirect("zgw-registrations")


def settings_page(request: HttpRequest) -> HttpResponse:
    user, municipality_id = _admin(request)
    config = selectors.configuration_of(municipality_id)
    form = ConfigurationForm(initial=ConfigurationForm.initial_of(config), has_secret=_has_secret(config))
    status = 200
    if request.method == "POST":
        form = ConfigurationForm(request.POST, has_secret=_has_secret(config))
        if form.is_valid():
            data = dict(form.cleaned_data)
            urls = {name: str(data.pop(name) or "") for name in URL_LABELS}
            laws = {law: data.pop(f"resultaattypen_{law}") for law in LAW_NAMES}
            try:
                services.save_configuration(actor=user, urls=urls, resultaattypen_laws=laws, **data)
            except services.ConfigurationProblems as refused:
                for field, message in refused.problems:  # every problem on its field, not only the first
                    form.add_domain_error(DomainError(message, field=field))
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "De ZGW-instelling is opgeslagen.")
                return redirect("zgw-registrations")
        status = 400
    return render(request, "zgw/settings.html", {"form": form}, status=status)


def _has_secret(config: Any) -> bool:
    return bool(config is not None and config.zaken_service is not None and config.zaken_service.secret)
