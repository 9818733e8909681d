"""Issue 9, "Done when": the resident portal's main journeys in a real browser (Debian's chromium through
Playwright, against a real server process on its own database, logging in through the DigiD simulator
over the full OpenID Connect flow): a parent sees their plan, gives and withdraws consent, passes on a
question with the keyboard only, sees who looked at their file, downloads everything held about them and
acts for their young child; a login at level Midden is refused; a bewindvoerder sees only the decisions;
a resident we hold nothing about passes on a question; a parent asks for a correction of their data."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.test_browser import assert_accessible, browser, server  # noqa: F401 - the fixtures of the browser journey
from tests.test_browser import shot as _shot

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    """A screenshot of the page, after axe-core found no WCAG 2.1 AA violation on it."""
    assert_accessible(page)
    _shot(page, f"portal-{name}")


def demo_login(page, base: str, who: str, level: str = "Substantieel") -> str:
    """Through the login page and the simulated DigiD: the BSN is the demo's one whose line names ``who``
    (the simulator lists them); returns it."""
    page.goto(base + "/mijn/")
    assert_accessible(page)
    page.get_by_role("link", name="Inloggen met DigiD").click()
    page.get_by_role("heading", name="DigiD-simulatie").wait_for()
    assert_accessible(page)
    line = page.locator("li", has_text=who).first.inner_text()
    bsn = re.search(r"\d{9}", line).group(0)
    page.get_by_label("Burgerservicenummer").fill(bsn)
    page.get_by_role("radio", name=re.compile(level)).check()
    page.get_by_role("button", name="Inloggen").click()
    return bsn


def test_a_parent_uses_the_portal_for_themself_and_their_child(server, browser):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    demo_login(page, server, "ouder met gezag")
    expect(page.get_by_role("heading", name="Voor wie handelt u?")).to_be_visible()
    shot(page, "01-choose")
    child = page.locator("main li", has_text="U bent ouder met gezag").get_by_role("link").inner_text()
    page.get_by_role("link", name=re.compile("^Uzelf")).click()
    expect(page.get_by_role("heading", name="Mijn overzicht")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Plan van"))).to_be_visible()
    expect(page.get_by_text("Demo: inloggen gaat via een DigiD-simulatie")).to_be_visible()
    shot(page, "02-overview")

    # consent: refused without organisations (the message names the field), then given and withdrawn
    page.get_by_role("link", name="Toestemmingen").click()
    page.get_by_label("Waarvoor").select_option(index=1)
    page.get_by_label("Ondersteuningsplan en voortgang").check()
    page.get_by_role("button", name="Toestemming geven").click()
    expect(page.get_by_role("alert").first).to_contain_text("Met welke organisaties")
    assert_accessible(page)  # also with the error shown
    page.locator("fieldset", has_text="Met welke organisaties").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Toestemming geven").click()
    expect(page.get_by_text("Uw toestemming is vastgelegd.")).to_be_visible()
    shot(page, "03-consents")
    page.get_by_role("button", name=re.compile("^Intrekken")).first.click()
    expect(page.get_by_text("Uw toestemming is ingetrokken.")).to_be_visible()
    expect(page.locator("td", has_text="ingetrokken")).to_have_count(1)

    # a question for the team, with the keyboard only
    page.get_by_role("link", name="Hulpvraag doorgeven").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Hulpvraag doorgeven").wait_for()
    assert_accessible(page)
    page.get_by_label("Waar heeft u hulp bij nodig?").focus()
    page.keyboard.type("Ik wil graag hulp bij het aanvragen van toeslagen.")
    page.keyboard.press("Tab")  # on to the life domains, then the button
    page.get_by_role("button", name="Versturen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Uw melding is ontvangen.")).to_be_visible()

    # who looked, and everything held (PDF)
    page.get_by_role("link", name="Wie bekeek mijn gegevens").click()
    expect(page.locator("td", has_text="Uzelf, via dit portaal").first).to_be_visible()
    expect(page.locator("td", has_text="portaal: toestemmingen").first).to_be_visible()
    shot(page, "04-access-log")
    with page.expect_download() as download:
        page.get_by_role("link", name="Al mijn gegevens (PDF)").click()
    name = download.value.suggested_filename
    assert re.fullmatch(rf"inzage-[a-z]+-{timezone.localdate():%Y-%m-%d}\.pdf", name), name  # whose, and when

    # acting for the child: the menu says so
    page.get_by_role("link", name="Voor wie handelt u").click()
    page.get_by_role("link", name=child).click()
    expect(page.get_by_text(f"U handelt voor {child}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Overzicht van {child}")).to_be_visible()
    expect(page.get_by_role("link", name="Wie bekeek de gegevens")).to_be_visible()  # not "mijn": the child's
    expect(page.get_by_role("link", name="Wie bekeek mijn gegevens")).to_have_count(0)
    shot(page, "05-child")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen met DigiD")).to_be_visible()
    context.close()


def test_a_login_at_level_midden_is_refused_and_a_bewindvoerder_sees_only_decisions(server, browser):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    demo_login(page, server, "bewindvoerder", level="Midden")
    expect(page.get_by_role("alert")).to_contain_text("niveau Midden")
    shot(page, "06-refused")
    demo_login(page, server, "bewindvoerder")
    page.locator("main li", has_text="U bent bewindvoerder").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Laatste beschikkingen")).to_be_visible()
    expect(page.get_by_role("heading", name="Ondersteuningsplan")).to_have_count(0)
    expect(page.get_by_role("link", name="Toestemmingen")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Brief downloaden")).first.click()
    assert download.value.suggested_filename.startswith("beschikking-")
    shot(page, "07-bewindvoerder")
    context.close()


def test_a_resident_without_a_dossier_passes_on_a_question_and_files_a_request(server, browser):  # noqa: F811
    """A resident we hold nothing about logs in, is refused with the fields named when the form is
    incomplete, passes on their question; the parent of the demo asks for a correction of their data and
    sees the request in the list (the second request of the same kind is refused, with the reason)."""
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server, locale="nl-NL")
    page = context.new_page()
    page.goto(server + "/mijn/")
    page.get_by_role("link", name="Inloggen met DigiD").click()
    page.get_by_label("Burgerservicenummer").fill("999999990")  # synthetic, valid, nobody in the demo has it
    page.get_by_role("radio", name=re.compile("Substantieel")).check()
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Wij hebben (nog) geen gegevens over u")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Hulpvraag doorgeven").click()
    page.get_by_role("heading", name="Hulpvraag doorgeven").wait_for()
    page.get_by_label("Voornamen").fill("Sam")
    page.get_by_role("button", name="Versturen").click()
    for field in ("Achternaam", "Geboortedatum", "Waar heeft u hulp bij nodig?"):  # each named at its field
        expect(page.get_by_role("alert").filter(has_text=field)).to_contain_text("verplicht")
    shot(page, "08-first-signal-errors")
    page.get_by_label("Achternaam").fill("Testpersoon")
    page.get_by_label("Geboortedatum").fill("1990-04-12")
    page.get_by_label("Waar heeft u hulp bij nodig?").fill("Ik zoek hulp bij mijn schulden.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Uw melding is ontvangen.")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    demo_login(page, server, "ouder met gezag")
    page.get_by_role("link", name=re.compile("^Uzelf")).click()
    page.get_by_role("link", name="Inzage, correctie, bezwaar").click()
    expect(page.get_by_text("Geen verzoeken.")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Correctie")).check()
    page.get_by_label("Toelichting").fill("Mijn telefoonnummer is veranderd.")
    page.get_by_role("button", name="Verzoek indienen").click()
    expect(page.get_by_text("Uw verzoek is ontvangen.")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Correctie")
    shot(page, "09-requests")
    page.get_by_role("radio", name=re.compile("Correctie")).check()
    page.get_by_role("button", name="Verzoek indienen").click()
    expect(page.get_by_role("alert").first).to_contain_text("er loopt al een verzoek van deze soort")
    context.close()
