"""A DigiD simulator: a small OpenID Connect provider inside Toegang for the demo of `make run` and the
tests, since DigiD itself cannot be reached from here. It speaks the authorization-code flow with PKCE as a
DigiD broker would: a page where you type a (synthetic) BSN and choose the level of assurance, a token
endpoint that hands out an ID token signed with the client secret (HS256), and a userinfo endpoint with
the ``bsn`` and ``acr`` claims. Codes and tokens are signed and short-lived, so nothing is stored.

Switched on only by DIGID_SIMULATOR (never together with a real broker, conf/settings.py); every portal
page then says that this is a simulation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import urlencode

import jwt
from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from toegang.common.demo import demo_portal_logins
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.people.bsn import normalise_bsn
from toegang.portal.oidc import portal_setting

CODE_SALT, TOKEN_SALT = "digid-simulatie-code", "digid-simulatie-token"
CODE_SECONDS, TOKEN_SECONDS = 120, 900
LEVELS = [
    ("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", gettext_lazy("Basis (wachtwoord)")),
    ("urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract", gettext_lazy("Midden (app of sms)")),
    ("urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard", gettext_lazy("Substantieel (app met identiteitscheck)")),
    ("urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI", gettext_lazy("Hoog (identiteitskaart)")),
]


def _enabled() -> None:
    if not settings.DIGID_SIMULATOR:
        raise Http404


class SimulatedLoginForm(UtrechtForm):
    bsn = forms.CharField(label=gettext_lazy("Burgerservicenummer"), max_length=11)
    level = forms.ChoiceField(
        label=gettext_lazy("Betrouwbaarheidsniveau"), choices=LEVELS, initial=LEVELS[2][0], widget=forms.RadioSelect
    )

    def clean_bsn(self) -> str:
        try:
            return normalise_bsn(self.cleaned_data["bsn"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


def _own_callback(request: HttpRequest, redirect_uri: str) -> bool:
    return redirect_uri == request.build_absolute_uri(reverse(portal_setting("OIDC_AUTHENTICATION_CALLBACK_URL")))


def authorize(request: HttpRequest) -> HttpResponse:
    """The login page of the simulated DigiD: GET shows it, POST sends the browser back with a code."""
    _enabled()
    params = request.POST if request.method == "POST" else request.GET
    flow = {k: params.get(k, "") for k in ("client_id", "redirect_uri", "state", "nonce", "code_challenge")}
    if flow["client_id"] != portal_setting("OIDC_RP_CLIENT_ID") or not _own_callback(request, flow["redirect_uri"]):
        return HttpResponse(_("DigiD-simulatie: onbekende client of terugkeeradres."), status=400)
    if params.get("code_challenge_method", "S256") != "S256" or not flow["code_challenge"] or not flow["state"]:
        return HttpResponse(_("DigiD-simulatie: PKCE (S256) en state zijn verplicht."), status=400)
    form = SimulatedLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = signing.dumps(
            {**flow, "bsn": form.cleaned_data["bsn"], "acr": form.cleaned_data["level"]}, salt=CODE_SALT
        )
        return HttpResponseRedirect(f"{flow['redirect_uri']}?{urlencode({'code': code, 'state': flow['state']})}")
    context = {"form": form, "flow": flow, "demo_logins": demo_portal_logins()}
    return render(request, "portal/simulator.html", context, status=400 if form.errors else 200)


def _error(code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code}, status=status)


@csrf_exempt  # called by our own server with the client secret, not by a browser
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    _enabled()
    form = request.POST
    secret = portal_setting("OIDC_RP_CLIENT_SECRET")
    if form.get("grant_type") != "authorization_code":
        return _error("unsupported_grant_type")
    if form.get("client_id") != portal_setting("OIDC_RP_CLIENT_ID") or not hmac.compare_digest(
        form.get("client_secret", ""), secret
    ):
        return _error("invalid_client", 401)
    try:
        flow: dict[str, Any] = signing.loads(form.get("code", ""), salt=CODE_SALT, max_age=CODE_SECONDS)
    except signing.BadSignature:
        return _error("invalid_grant")
    verifier = form.get("code_verifier", "").encode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    if flow["redirect_uri"] != form.get("redirect_uri") or not hmac.compare_digest(challenge, flow["code_challenge"]):
        return _error("invalid_grant")
    now = int(time.time())
    claims = {"sub": hashlib.sha256(flow["bsn"].encode()).hexdigest()[:32], "bsn": flow["bsn"], "acr": flow["acr"]}
    id_token = jwt.encode(
        {
            **claims,
            "iss": portal_setting("OIDC_OP_ISSUER"),
            "aud": flow["client_id"],
            "nonce": flow["nonce"],
            "iat": now,
            "exp": now + TOKEN_SECONDS,
        },
        secret,
        algorithm="HS256",
    )
    access_token = signing.dumps(claims, salt=TOKEN_SALT)
    return JsonResponse(
        {"id_token": id_token, "access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}
    )


@require_GET
def userinfo(request: HttpRequest) -> JsonResponse:
    _enabled()
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    try:
        claims = signing.loads(value, salt=TOKEN_SALT, max_age=TOKEN_SECONDS) if scheme == "Bearer" else None
    except signing.BadSignature:
        claims = None
    return JsonResponse(claims) if claims else _error("invalid_token", 401)
