"""Optional single sign-on with OpenID Connect, against a small provider on loopback: the real HTTP
exchange of mozilla-django-oidc, a signed ID token, and our rules on top (existing accounts only,
TOTP still asked afterwards)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import override_settings
from django.urls import reverse

from toegang.audit.models import AuditEntry

SECRET = "een-lange-geheime-sleutel-voor-de-test-provider"


@pytest.fixture
def provider():
    state: dict = {"nonce": None, "claims": {}}

    class Handler(BaseHTTPRequestHandler):
        def _json(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # token endpoint
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            assert form["grant_type"] == ["authorization_code"] and form["client_id"] == ["toegang"]
            now = int(time.time())
            id_token = jwt.encode(
                {"iss": base, "aud": "toegang", "sub": "abc", "nonce": state["nonce"], "iat": now, "exp": now + 300},
                SECRET,
                algorithm="HS256",
            )
            self._json({"id_token": id_token, "access_token": "toegangssleutel", "token_type": "Bearer"})

        def do_GET(self) -> None:  # userinfo endpoint
            self._json(state["claims"])

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = {
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": "toegang",
        "OIDC_RP_CLIENT_SECRET": SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/token",
        "OIDC_OP_USER_ENDPOINT": f"{base}/userinfo",
        "OIDC_RP_SIGN_ALGO": "HS256",
        "OIDC_CREATE_USER": False,
        "OIDC_RP_SCOPES": "openid email profile",
        "LOGIN_REDIRECT_URL_FAILURE": "/inloggen/?sso=mislukt",
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "toegang.accounts.backends.AccountsBackend",
            "toegang.accounts.oidc.OIDCBackend",
        ],
    }
    with override_settings(**settings):
        yield state
    server.shutdown()


def sign_in(client, state) -> object:
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    query = parse_qs(urlparse(start["Location"]).query)
    state["nonce"] = query["nonce"][0]
    return client.get(reverse("oidc_authentication_callback"), {"code": "c0de", "state": query["state"][0]})


def test_known_account_signs_in_and_still_needs_the_second_factor(unverified_client, world, provider):
    provider["claims"] = {"preferred_username": "professional", "email": "elders@gemeente.example"}
    response = sign_in(unverified_client, provider)
    assert response.status_code == 302 and response["Location"] == "/"
    assert unverified_client.session["_auth_user_id"] == str(world.professional.pk)
    assert unverified_client.get(reverse("caseload"))["Location"].startswith("/tweestaps/")
    assert AuditEntry.objects.filter(action="login", actor=world.professional).exists()


def test_unknown_account_is_not_created(unverified_client, world, provider):
    from toegang.accounts.models import User

    before = User.objects.count()
    provider["claims"] = {"preferred_username": "nieuweling", "email": "nieuw@gemeente.example"}
    response = sign_in(unverified_client, provider)
    assert response["Location"] == "/inloggen/?sso=mislukt"
    assert "_auth_user_id" not in unverified_client.session and User.objects.count() == before
    page = unverified_client.get(response["Location"]).content.decode()
    assert "geen actief Toegang-account" in page


def test_switched_off_by_default(unverified_client, world):
    assert unverified_client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "gemeenteaccount" not in unverified_client.get(reverse("login")).content.decode()
