"""The functional administrator's screen of the ZGW registration: the municipality's configuration with
what is wrong or missing (the same check as `manage.py zgw controleren`), and the registrations with
their state, attempts, the registry's URLs and the last error, with "Opnieuw proberen" for a given-up one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.views import current_user, submitted
from toegang.zgw import checks, selectors, services
from toegang.zgw.forms import URL_LABELS, ConfigurationForm
from toegang.zgw.models import Registration


def _admin(request: HttpRequest) -> tuple[User, int]:
    user = current_user(request)
    if user.role != User.Role.FUNCTIONAL_ADMIN or user.municipality_id is None:
        raise PermissionDenied("De ZGW-registratie beheert de functioneel beheerder van de gemeente.")
    return user, user.municipality_id


def registrations(request: HttpRequest) -> HttpResponse:
    _user, municipality_id = _admin(request)
    state = request.GET.get("stand") or None
    if state not in (None, *Registration.State.values):
        state = None
    config = selectors.configuration_of(municipality_id)
    return render(
        request,
        "zgw/registrations.html",
        {
            "config": config,
            "problems": checks.problems(config) if config is not None else [],
            "registrations": selectors.registrations_of(municipality_id, state),
            "states": Registration.State.choices,
            "state": state,
            "max_attempts": settings.ZGW_MAX_ATTEMPTS,
        },
    )


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
    form = ConfigurationForm(initial=ConfigurationForm.initial_of(config))
    status = 200
    if request.method == "POST":
        form = ConfigurationForm(request.POST)

        def save(data: dict[str, object]) -> None:
            urls = {name: str(data.pop(name) or "") for name in URL_LABELS}
            services.save_configuration(actor=user, urls=urls, **data)  # type: ignore[arg-type]

        if submitted(request, form, save):
            messages.success(request, "De ZGW-instelling is opgeslagen.")
            return redirect("zgw-registrations")
        status = 400
    return render(request, "zgw/settings.html", {"form": form}, status=status)
