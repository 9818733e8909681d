"""How clients get in: the functional administrator's command for user-bound tokens, and OAuth2 client
credentials for applications (django-oauth-toolkit), acting as the application's user."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from oauth2_provider.models import AccessToken, Application

from tests.api_support import ApiClient
from tests.conftest import make_trajectory
from toegang.api.models import ApiToken
from toegang.cases.selectors import trajectories_visible_to


def test_the_administrator_issues_a_token_that_is_printed_once(world, capsys):
    call_command(
        "api_token", "uitgeven", door="beheerder", gebruiker="professional", bevoegdheden="cases:read", naam="Koppeling"
    )
    out = capsys.readouterr().out
    secret = out.split("getoond): ")[1].split()[0]
    token = ApiToken.objects.get()
    assert token.scopes == ["cases:read"] and token.user == world.professional and secret not in token.digest
    make_trajectory(world)
    assert ApiClient(secret).get("/api/v1/trajectories/").status_code == 200
    call_command("api_token", "lijst")
    assert token.prefix in capsys.readouterr().out and secret not in capsys.readouterr().out
    call_command("api_token", "intrekken", door="beheerder", kenmerk=token.prefix)
    assert ApiClient(secret).get("/api/v1/trajectories/").status_code == 401


def test_a_professional_cannot_issue_tokens(world, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("api_token", "uitgeven", door="professional", gebruiker="professional", bevoegdheden="cases:read")
    assert exit_info.value.code != 0
    assert "functioneel beheerder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command(
            "api_token", "uitgeven", door="beheerder", gebruiker="professional", bevoegdheden="alles", naam="x"
        )
    assert ApiToken.objects.count() == 0


def test_a_resident_account_gets_no_token(world, capsys):
    from tests.conftest import next_bsn
    from toegang.portal.services import resident_account

    resident = resident_account(bsn=next_bsn())
    with pytest.raises(SystemExit):
        call_command(
            "api_token", "uitgeven", door="beheerder", gebruiker=resident.username, bevoegdheden="cases:read", naam="x"
        )
    assert "inwoneraccount krijgt geen API-token" in capsys.readouterr().err and not ApiToken.objects.exists()


def test_client_credentials_act_as_the_applications_user(world, client):
    make_trajectory(world)
    make_trajectory(world, regisseur=world.outsider)
    application = Application.objects.create(
        name="Koppeling",
        user=world.professional,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="geheim-voor-de-test",  # noqa: S106 - a test secret
    )
    response = client.post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": application.client_id,
            "client_secret": "geheim-voor-de-test",
            "scope": "cases:read",
        },
    )
    assert response.status_code == 200, response.content
    access = response.json()["access_token"]
    assert AccessToken.objects.get().token == ""  # only a checksum is stored (RFC 9700)
    api = ApiClient(access)
    ids = api.all_ids("/api/v1/trajectories/")
    assert sorted(ids) == sorted(trajectories_visible_to(world.professional).values_list("pk", flat=True))
    assert api.get("/api/v1/signals/").status_code == 403  # the token has only cases:read
    wrong = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": "fout"},
    )
    assert wrong.status_code == 401
