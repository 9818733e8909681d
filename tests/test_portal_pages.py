"""What a resident sees besides the forms themselves: error pages in the portal's own layout, a readable
page for a stale form (CSRF_FAILURE_VIEW), and words a resident understands on the melding and consent
forms (staff screens keep the professionals' terms)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import VerifiedClient, make_agreed_plan, make_trajectory
from toegang.common import views as common_views
from toegang.common.dates import today
from toegang.plans.models import Goal, LifeDomain
from toegang.portal import services as portal_services
from toegang.privacy.models import Consent, ProcessingActivity
from toegang.signals.models import Signal

PORTAL_HEADER = '<a class="app-header__name" href="/mijn/">Mijn Toegang</a>'
STAFF_HEADER = '<a class="app-header__name" href="/">Toegang</a>'


@pytest.fixture
def resident(world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    client = Client()
    client.force_login(portal_services.resident_account(bsn=person.bsn))
    return client, person, trajectory


def assert_portal_page(html: str) -> None:
    assert PORTAL_HEADER in html and 'href="/mijn/">Naar Mijn Toegang' in html
    for staff in (STAFF_HEADER, "app-header__role", "Hoofdmenu", "Naar de startpagina", "tweestapsverificatie"):
        assert staff not in html, staff


def assert_staff_page(html: str) -> None:
    assert STAFF_HEADER in html and PORTAL_HEADER not in html


# ---- 404 and 403 -----------------------------------------------------------------------------------------


def test_not_found_in_the_portal_has_the_portal_layout_and_leads_back_to_mijn(world, resident):
    client, _person, _trajectory = resident
    someone_else = make_trajectory(world).household.memberships.first().person
    for url in (reverse("portal-person", args=[someone_else.pk]), "/mijn/bestaat-niet/", "/mijn/1/onzin/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_portal_page(response.content.decode())
    anonymous = Client().get("/mijn/inloggen/onzin/")  # a visitor not logged in, on a public portal prefix
    assert anonymous.status_code == 404
    assert_portal_page(anonymous.content.decode())


def test_staff_keep_the_staff_layout_for_their_errors_also_on_a_portal_url(client, world):
    client.force_login(world.professional)
    missing = client.get("/bestaat-niet/")
    assert missing.status_code == 404
    assert_staff_page(missing.content.decode())
    assert 'href="/">Naar de startpagina' in missing.content.decode()
    refused = client.get(reverse("portal-home"))  # a staff account on the portal
    assert refused.status_code == 403
    html = refused.content.decode()
    assert_staff_page(html)
    assert "Dit is het portaal voor inwoners" in html


def test_forbidden_in_the_portal_has_the_portal_layout(world, resident):
    """No portal page refuses a resident with 403 today; should one, it looks like the portal."""
    _client, person, _trajectory = resident
    request = RequestFactory().get(reverse("portal-person", args=[person.pk]))
    request.user = portal_services.resident_account(bsn=person.bsn)
    request.session = {}
    response = common_views.error_403(request, PermissionError("U kunt hier niet bij."))
    html = response.content.decode()
    assert response.status_code == 403 and "U kunt hier niet bij." in html
    assert_portal_page(html)


def test_a_form_address_opened_and_a_fault_in_the_portal_look_like_the_portal(world, resident):
    """The 405 of a form-only address and the 500 page had the staff layout and led to the staff start."""
    client, person, _trajectory = resident
    response = client.get(reverse("portal-consent-withdraw", args=[person.pk, 1]))
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert_portal_page(response.content.decode())
    request = RequestFactory().get(reverse("portal-person", args=[person.pk]))
    fault = common_views.error_500(request)
    html = fault.content.decode()
    assert fault.status_code == 500 and "Mijn Toegang" in html and 'href="/mijn/"' in html
    staff = common_views.error_500(RequestFactory().get("/huishoudens/1/")).content.decode()
    assert 'href="/"' in staff and "Mijn Toegang" not in staff


# ---- a stale form (CSRF) ---------------------------------------------------------------------------------


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _logged_in_again_elsewhere(client: Client) -> None:
    """Logging in again (in another tab) gives the browser a new CSRF cookie (Django's rotate_token)."""
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()


def test_a_stale_portal_form_gives_a_dutch_page_with_the_way_back(world):
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_services.resident_account(bsn=person.bsn))
    url = reverse("portal-consents", args=[person.pk])
    token = _token(client.get(url).content.decode())
    _logged_in_again_elsewhere(client)
    activity = ProcessingActivity.objects.get(code="integrale-ondersteuning")
    form = {
        "csrfmiddlewaretoken": token,
        "activity": activity.pk,
        "categories": ["plan"],
        "organisations": [world.partner_org.pk],
        "valid_until": (today() + dt.timedelta(days=30)).isoformat(),
    }
    response = client.post(url, form, HTTP_REFERER=f"http://testserver{url}")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Uw formulier is niet verstuurd" in html and "te lang open" in html and "opnieuw ingelogd" in html
    assert f'href="{url}">Terug naar het formulier' in html
    assert "CSRF" not in html and "DEBUG" not in html
    assert_portal_page(html)
    assert not Consent.objects.exists()
    # the form as the page gives it now is accepted
    fresh = client.get(url)
    assert client.post(url, {**form, "csrfmiddlewaretoken": _token(fresh.content.decode())}).status_code == 302
    assert Consent.objects.count() == 1


def test_the_way_back_is_only_ever_a_page_of_this_site(world, resident):
    _client, person, _trajectory = resident
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_services.resident_account(bsn=person.bsn))
    url = reverse("portal-signal", args=[person.pk])
    for referer in (
        "https://elders.example/mijn/",
        "",
        "//elders.example/x",
        "javascript:alert(1)",
        # this site's host with a path that a browser reads as another site (the reviewer's case)
        "http://testserver//elders.example/x",
        "http://testserver/\\elders.example/x",
        "http://testserver/\t/elders.example/x",
    ):
        response = client.post(url, {"description": "x"}, HTTP_REFERER=referer)
        html = response.content.decode()
        assert response.status_code == 403, referer
        assert "Terug naar het formulier" not in html and "elders.example" not in html and "javascript:" not in html
        assert_portal_page(html)
    assert not Signal.objects.exists()


def test_a_stale_staff_form_gives_the_page_in_the_staff_layout(world):
    trajectory = make_trajectory(world)
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(world.professional)
    url = reverse("consents", args=[trajectory.household_id])
    token = _token(client.get(url).content.decode())
    _logged_in_again_elsewhere(client)
    response = client.post(url, {"csrfmiddlewaretoken": token}, HTTP_REFERER=f"http://testserver{url}?x=1")
    html = response.content.decode()
    assert response.status_code == 403 and "Uw formulier is niet verstuurd" in html
    assert f'href="{url}?x=1">Terug naar het formulier' in html and 'href="/">Naar de startpagina' in html
    assert_staff_page(html)


# ---- words -----------------------------------------------------------------------------------------------


def test_the_melding_form_names_the_life_domains_in_plain_words_and_staff_keep_theirs(client, world, resident):
    resident_client, person, _trajectory = resident
    html = resident_client.get(reverse("portal-signal", args=[person.pk])).content.decode()
    assert "Dagelijkse zelfzorg (wassen, aankleden, eten)" in html
    assert "Huishouden en regelzaken (boodschappen, post en administratie, vervoer)" in html
    assert "Werk en opleiding" in html and "Werk &amp; Opleiding" not in html
    assert "ADL" not in html and "Middelengebruik" not in html
    assert "Financiën" in html  # a name a resident uses already stays
    # the plain label is only how it is shown: the melding keeps the domain itself
    adl = LifeDomain.objects.get(code="basale-adl")
    resident_client.post(
        reverse("portal-signal", args=[person.pk]), {"description": "Hulp bij douchen", "life_domains": [adl.pk]}
    )
    assert list(Signal.objects.get().life_domains.all()) == [adl]
    client.force_login(world.professional)
    staff = client.get(reverse("signal-new")).content.decode()
    assert "Basale ADL" in staff and "Dagelijkse zelfzorg" not in staff


def test_the_overview_names_a_goals_domain_in_plain_words(world, resident):
    client, person, trajectory = resident
    plan = make_agreed_plan(world, trajectory, goals=1)
    Goal.objects.filter(plan=plan).update(domain=LifeDomain.objects.get(code="instrumentele-adl"))
    html = client.get(reverse("portal-person", args=[person.pk])).content.decode()
    assert "Huishouden en regelzaken" in html and "Instrumentele ADL" not in html


def test_the_consent_form_speaks_plainly_and_tells_the_maximum_before_sending(world, resident):
    client, person, _trajectory = resident
    html = client.get(reverse("portal-consents", args=[person.pk])).content.decode()
    select = re.search(r'<select name="activity".*?</select>', html, re.S).group(0)
    assert '<option value="" selected>Kies waarvoor…</option>' in select and "---------" not in select
    assert "Integrale ondersteuning (één gezin, één plan)</option>" in select
    assert "Toestemming van de betrokkene" not in html
    latest = today().replace(year=today().year + settings.CONSENT_MAX_YEARS)  # add_months: 29 Feb gives 28 Feb
    if today().month == 2 and today().day == 29:  # pragma: no cover - a leap day
        latest = dt.date(today().year + settings.CONSENT_MAX_YEARS, 2, 28)
    assert f"Ten hoogste {settings.CONSENT_MAX_YEARS} jaar vanaf vandaag, dus uiterlijk" in html
    assert latest.strftime("%d-%m-%Y") in html and f'max="{latest.isoformat()}"' in html
    # one day past the maximum is still refused, naming the field, and nothing is recorded
    form = {
        "activity": ProcessingActivity.objects.get(code="integrale-ondersteuning").pk,
        "categories": ["plan"],
        "organisations": [world.partner_org.pk],
        "valid_until": (latest + dt.timedelta(days=1)).isoformat(),
    }
    too_long = client.post(reverse("portal-consents", args=[person.pk]), form)
    assert too_long.status_code == 400 and "Geldig tot en met: toestemming geldt hoogstens" in too_long.content.decode()
    assert not Consent.objects.exists()
    assert client.post(reverse("portal-consents", args=[person.pk]), {**form, "valid_until": latest}).status_code == 302
