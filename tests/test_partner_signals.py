"""Signals from partner organisations: an organisation account reports through a small form, gets a
reference and 'what happens next', and later sees only whether and when the Toegang picked it up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user
from toegang.accounts.models import User
from toegang.common.dates import today
from toegang.signals.models import Signal


@pytest.fixture
def reporter(world):
    return make_user(
        "welzijn-meld", User.Role.REPORTER, org=world.partner_org, team=world.team, gemeente=world.gemeente
    )


VALID = {
    "voornamen": "Fenna",
    "geslachtsnaam": "Testmelding",
    "postcode": "9999AA",
    "huisnummer": "3",
    "urgency": "hoog",
    "description": "Moeder belt dat de huur niet betaald kan worden; zij weet van deze melding.",
    "contact": "06-00000000",
}


def test_a_partner_reports_and_sees_only_that_it_was_picked_up(client, world, reporter):
    client.force_login(reporter)
    assert client.get(reverse("home")).url == reverse("referrals")
    refused = client.post(reverse("partner-signal-new"), VALID | {"description": "", "geslachtsnaam": ""})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Geslachtsnaam:" in page and "Wat is er aan de hand?:" in page
    assert not Signal.objects.exists()
    done = client.post(reverse("partner-signal-new"), VALID)
    signal = Signal.objects.get()
    assert done.url == reverse("partner-signal-done", args=[signal.pk])
    assert f"M-{signal.pk}" in client.get(done.url).content.decode()
    assert (signal.team, signal.channel, signal.registered_by) == (world.team, "partner", reporter)
    assert "06-00000000" in signal.reporter and world.partner_org.name in signal.reporter
    listing = client.get(reverse("partner-signals")).content.decode()
    assert "nog niet opgepakt" in listing
    Signal.objects.filter(pk=signal.pk).update(status="getriageerd", outcome="advies", triaged_on=today())
    listing = client.get(reverse("partner-signals")).content.decode()
    assert "Opgepakt" in listing and "advies" not in listing.lower() and "huur" not in listing  # no outcome or content
    # never the case itself
    assert client.get(reverse("signal-detail", args=[signal.pk])).status_code in (403, 404)


def test_other_accounts_do_not_use_the_form_and_do_not_see_each_others_signals(client, world, reporter):
    client.force_login(reporter)
    client.post(reverse("partner-signal-new"), VALID)
    signal = Signal.objects.get()
    other = make_user("ander-meld", User.Role.REPORTER, org=world.partner_org, team=world.team, gemeente=world.gemeente)
    client.force_login(other)
    assert client.get(reverse("partner-signal-done", args=[signal.pk])).status_code == 404
    assert f"M-{signal.pk}" not in client.get(reverse("partner-signals")).content.decode()
    client.force_login(world.professional)
    assert client.get(reverse("partner-signal-new")).status_code == 403


def test_a_reporter_without_team_gets_a_clear_message(client, world):
    lonely = make_user("los-meld", User.Role.REPORTER, org=world.partner_org, team=None, gemeente=world.gemeente)
    client.force_login(lonely)
    response = client.post(reverse("partner-signal-new"), VALID)
    assert response.status_code == 400 and "geen team" in response.content.decode()
    assert not Signal.objects.exists()


def test_my_signals_page_has_a_flat_query_count(client, world, reporter):
    from tests.querycount import page_queries

    client.force_login(reporter)
    client.post(reverse("partner-signal-new"), VALID)
    few = page_queries(client, reverse("partner-signals"), audit_rows=0)
    for _ in range(3):
        client.post(reverse("partner-signal-new"), VALID | {"geslachtsnaam": "Anders"})
    assert page_queries(client, reverse("partner-signals"), audit_rows=0) == few == 4


def test_the_form_pages_have_pinned_query_counts(client, world, reporter):
    """The remaining new form pages, each pinned: escalate, transfer request, report, report received."""
    from tests.conftest import make_trajectory
    from tests.querycount import page_queries

    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    assert page_queries(client, reverse("escalate", args=[trajectory.pk]), audit_rows=0) == ESCALATE
    assert page_queries(client, reverse("transfer-new", args=[trajectory.pk]), audit_rows=0) == TRANSFER
    client.force_login(reporter)
    assert page_queries(client, reverse("partner-signal-new"), audit_rows=0) == REPORT
    client.post(reverse("partner-signal-new"), VALID)
    signal = Signal.objects.get()
    assert page_queries(client, reverse("partner-signal-done", args=[signal.pk]), audit_rows=0) == RECEIVED


# pinned: escalate form 8, transfer request 7, partner report form 3, report received 4
ESCALATE, TRANSFER, REPORT, RECEIVED = 7, 6, 3, 4
