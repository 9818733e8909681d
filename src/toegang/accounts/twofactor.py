"""Two-factor authentication with a TOTP app (django-otp): enforcement, set-up and verification.

Every role that sees case content (professional, team lead, manager) or the audit log (privacy
officer) must have verified a TOTP code in this session. A user without a device sets one up first:
the page shows the secret as a QR code and as text, and the first valid code confirms it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.common.forms import UtrechtForm

ROLES_WITH_2FA = {User.Role.PROFESSIONAL, User.Role.TEAM_LEAD, User.Role.MANAGER, User.Role.PRIVACY_OFFICER}
OPEN_PREFIXES = ("/tweestaps/", "/uitloggen/", "/inloggen/", "/static/", "/gezondheid/", "/api/")


def needs_second_factor(user: Any) -> bool:
    return bool(
        settings.REQUIRE_2FA
        and user.is_authenticated
        and (user.role in ROLES_WITH_2FA or user.is_superuser)
        and not user.is_verified()
    )


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PREFIXES) and needs_second_factor(request.user):
            return redirect(f"/tweestaps/?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(UtrechtForm):
    token = forms.CharField(
        label=gettext_lazy("Code uit de authenticator-app"),
        max_length=8,
        help_text=gettext_lazy("Zes cijfers; de code verandert elke 30 seconden."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed and target.startswith("/") else "/"


def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMiddleware guarantees this
    if not needs_second_factor(user):
        return redirect(_next_url(request))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator-app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                actor=user, action=audit.Action.LOGIN, object_type="tweestaps", detail="tweede factor bevestigd"
            )
            messages.success(request, _("Tweestapsverificatie gelukt."))
            return redirect(_next_url(request))
        form.add_error("token", _("Code uit de authenticator-app: deze code klopt niet of is verlopen."))
        audit.record(actor=user, action=audit.Action.LOGIN_FAILED, object_type="tweestaps", detail="onjuiste code")
    context: dict[str, Any] = {"form": form, "next": _next_url(request), "setup": not device.confirmed}
    if not device.confirmed:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=4, dark="#000", light="#fff"))  # noqa: S308 - generated SVG
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "registration/second_factor.html", context, status=400 if form.errors else 200)
