"""Two-factor authentication (TOTP) for every role with case content or the audit log, and lockout
after repeated failed logins."""

from __future__ import annotations

import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from toegang.audit.models import AuditEntry

PASSWORD = "test-wachtwoord-123"


def login(client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_first_login_sets_up_the_app_then_lets_the_user_in(unverified_client, world):
    client = unverified_client
    assert login(client, "professional").status_code == 302
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response["Location"].startswith("/tweestaps/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page  # the QR code
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=world.professional)
    assert not device.confirmed
    import base64

    code = f"{totp(base64.b32decode(secret)):06d}"
    good = client.post("/tweestaps/", {"token": code, "next": "/mijn-caseload/"})
    assert good.status_code == 302 and good["Location"] == "/mijn-caseload/"
    assert client.get(reverse("caseload")).status_code == 200
    assert TOTPDevice.objects.get(user=world.professional).confirmed
    actions = list(AuditEntry.objects.filter(object_type="tweestaps").values_list("action", flat=True))
    assert actions == ["login"]


def test_wrong_code_is_refused_and_logged(unverified_client, world):
    TOTPDevice.objects.create(user=world.team_lead, name="app", confirmed=True)
    login(unverified_client, "teamleider")
    bad = unverified_client.post("/tweestaps/", {"token": "000000", "next": "/"})
    assert bad.status_code == 400 and "Code uit de authenticator-app: deze code klopt niet" in bad.content.decode()
    assert unverified_client.get(reverse("team-overview")).status_code == 302
    assert AuditEntry.objects.filter(object_type="tweestaps", action="login_failed", actor=world.team_lead).exists()


def test_known_device_asks_only_for_the_code(unverified_client, world):
    device = TOTPDevice.objects.create(user=world.privacy, name="app", confirmed=True)
    client = unverified_client
    login(client, "privacy")
    assert client.get(reverse("audit-person")).status_code == 302  # the log needs the second factor too
    page = client.get("/tweestaps/?next=/privacy/logboek/persoon/").content.decode()
    assert "<svg" not in page and "Vul de code uit uw authenticator-app in" in page
    response = client.post("/tweestaps/", {"token": f"{totp(device.bin_key):06d}", "next": "/privacy/logboek/persoon/"})
    assert response["Location"] == "/privacy/logboek/persoon/"
    assert client.get(reverse("audit-person")).status_code == 200


def test_next_may_not_leave_the_site(unverified_client, world):
    device = TOTPDevice.objects.create(user=world.professional, name="app", confirmed=True)
    login(unverified_client, "professional")
    response = unverified_client.post(
        "/tweestaps/", {"token": f"{totp(device.bin_key):06d}", "next": "https://elders.example/"}
    )
    assert response["Location"] == "/"


def test_functional_administrator_needs_no_second_factor(unverified_client, world):
    login(unverified_client, "beheerder")
    assert unverified_client.get(reverse("home")).status_code == 200


def test_lockout_after_five_failures(unverified_client, world):
    for _ in range(5):
        login(unverified_client, "collega", "fout")
    locked = login(unverified_client, "collega")  # even the right password, during the cool-off
    assert locked.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in locked.content.decode()
    assert "_auth_user_id" not in unverified_client.session


def test_idle_session_is_logged_out(client, world):
    import time

    from toegang.accounts.sessions import LAST_SEEN

    client.force_login(world.professional)
    assert client.get(reverse("caseload")).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("caseload")).status_code == 302  # the session is gone
    assert AuditEntry.objects.filter(action="logout", actor=world.professional).exists()
