"""The core journey in a real browser (Debian's chromium through Playwright), against a real server
process on its own database: new signal → intake → exploration → plan agreed → review → closure."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from tests.processes import ROOT, running_server, separate_database

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "demo-Toegang-2026"
SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with (
        separate_database(tmp_path_factory.mktemp("browser"), "browser") as env,
        running_server(env) as base,
    ):
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        new_context = browser.new_context

        def watched_context(*args: Any, **kwargs: Any) -> Any:  # every page a journey reaches is noted
            context = new_context(*args, **kwargs)
            context.on("page", lambda page: page.on("framenavigated", lambda frame: _reached(page, frame)))
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()
    # issue 11, point 2: axe-core on every page a journey reaches, so a new step cannot skip the check
    unchecked = {pattern: REACHED[pattern] for pattern in sorted(set(REACHED) - CHECKED)}
    assert not unchecked, f"pages reached without assert_accessible(): {unchecked}"


REACHED: dict[str, str] = {}  # the pages the journeys reached, as path patterns: one example and its test
CHECKED: set[str] = set()  # the path patterns axe-core has checked


def _pattern(url: str) -> str:
    return re.sub(r"/[0-9]+(?=/|$)|/[A-Za-z0-9_-]{20,}(?=/|$)", "/<id>", urlparse(url).path)


def _reached(page, frame) -> None:
    if frame == page.main_frame and frame.url.startswith("http"):  # with the test, should the check fail
        REACHED.setdefault(_pattern(frame.url), f"{frame.url} in {os.environ.get('PYTEST_CURRENT_TEST', '?')}")


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page) -> None:
    """axe-core (axe-playwright-python) finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    CHECKED.add(_pattern(page.url))
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


class KeyboardUser:
    """Someone who works without a mouse: moves the focus with Tab and Shift+Tab (the way a page's order
    takes them), acts with Enter and Space, chooses with the arrow keys and types. A target the keyboard
    cannot reach fails the journey."""

    def __init__(self, page) -> None:
        self.page = page
        self.keyboard = page.keyboard

    def address(self, url: str) -> None:
        """Types an address into the browser's address bar (the one way in that has no Tab order)."""
        self.page.goto(url)

    def download(self, link) -> Any:
        """A download link: reach it, press Enter and give the download."""
        with self.page.expect_download() as info:
            self.activate(link)
        return info.value

    def to(self, target, *, limit: int = 150) -> None:
        """Tab (or Shift+Tab, when the target comes before the focus) until the target has the focus. A
        locator for several elements (the radio buttons of one group) is reached when one of them has it.
        Once there, the focus must show (WCAG 2.4.7): the element matches :focus-visible and has an
        outline or a box shadow."""
        from playwright.sync_api import expect

        target.first.wait_for()
        for _ in range(limit):
            where = target.evaluate_all(
                """els => {
                  const now = document.activeElement;
                  if (els.includes(now)) {
                    const style = getComputedStyle(now);
                    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                      || style.boxShadow !== 'none';
                    const shown = now.matches(':focus-visible') && ring;
                    return shown ? 'here' : 'here, not shown: ' + now.outerHTML.slice(0, 200);
                  }
                  if (!now || now === document.body) return 'after';
                  return (els[0].compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING) ? 'before' : 'after';
                }"""
            )
            if where.startswith("here"):
                assert where == "here", f"{self.page.url}: the focus does not show: {where}"
                return
            self.keyboard.press("Shift+Tab" if where == "before" else "Tab")
        expect(target.first).to_be_focused()

    def activate(self, target, **kwargs: Any) -> None:
        """A link, button or disclosure (summary): reach it and press Enter."""
        self.to(target, **kwargs)
        self.keyboard.press("Enter")

    def toggle(self, checkbox) -> None:
        """A checkbox: reach it and press Space."""
        self.to(checkbox)
        self.keyboard.press("Space")

    def type(self, field, text: str) -> None:
        """A text field: reach it, select what it holds and type over it."""
        self.to(field)
        self.keyboard.press("Control+A")
        self.keyboard.type(text)

    def date(self, field, day: dt.date) -> None:
        """A date field: reach it and type its three parts in the order the field shows them. Debian's
        chromium without the chromium-l10n package has only its en-US resources, so the field shows month,
        day, year whatever the page's language (the value it sends is ISO either way)."""
        from playwright.sync_api import expect

        self.to(field)
        self.keyboard.type(day.strftime("%m%d%Y"))
        expect(field).to_have_value(day.isoformat())

    def choose(self, select, label: str | re.Pattern[str] | None = None, *, value: str | None = None) -> None:
        """A select: reach it and press the arrow keys until the option with this label (or value) is
        chosen."""
        from playwright.sync_api import expect

        self.to(select)
        options: list[list[str]] = select.evaluate("el => Array.from(el.options, o => [o.label || o.text, o.value])")

        def wanted(text: str, option_value: str) -> bool:
            if value is not None:
                return option_value == value
            return bool(label.search(text)) if isinstance(label, re.Pattern) else text == label

        matches = [i for i, (text, option_value) in enumerate(options) if wanted(text, option_value)]
        assert matches, f"no option {label or value!r} in {options}"
        current = select.evaluate("el => el.selectedIndex")
        key = "ArrowDown" if matches[0] > current else "ArrowUp"
        for _ in range(abs(matches[0] - current)):
            self.keyboard.press(key)
        expect(select).to_have_value(options[matches[0]][1])

    def pick(self, radio) -> None:
        """A radio button: Tab into its group (one stop for the whole group), then the arrow keys to this
        one (each arrow also chooses), and Space in case it had the focus without being chosen."""
        from playwright.sync_api import expect

        form = radio.locator("xpath=ancestor::form[1]")  # a group is the radios of one name in one form
        group = form.locator(f"input[type=radio][name='{radio.get_attribute('name')}']")
        self.to(group)
        for _ in range(group.count()):
            if radio.evaluate("el => el === document.activeElement"):
                break
            self.keyboard.press("ArrowDown")
        self.keyboard.press("Space")
        expect(radio).to_be_checked()


def tab_to(page, target, *, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as someone without a mouse does."""
    KeyboardUser(page).to(target, limit=limit)


def login(page, base: str, username: str) -> None:
    """Log in with password, then (for the roles that need it) set up the authenticator app as a new user
    does: read the key that the page shows and answer with the current TOTP code."""
    import base64

    from django_otp.oath import totp

    page.goto(base + "/inloggen/")
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    assert_accessible(page)
    if "/tweestaps/" not in page.url:  # a role without access to case files (the partner account) needs no app
        return
    secret = page.locator("#totp-secret").inner_text()
    shot(page, "00-two-factor-setup")
    page.get_by_label("Code uit de authenticator-app").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(lambda url: "/tweestaps/" not in url and "/inloggen/" not in url)
    assert_accessible(page)


@pytest.fixture(scope="module")
def open_as(server, browser) -> Iterator[Callable[[str], Any]]:
    """``open_as(username)`` gives a page of a new browser context in which that demo user is logged in,
    on the page the application opens with. The first time for a user goes through the login and sets up
    the authenticator app, as a new user does; later times reuse that session (a TOTP code is accepted only
    once), so the tests do not depend on each other's order."""
    sessions: dict[str, dict] = {}
    contexts = []

    def open_page(username: str):
        context = browser.new_context(base_url=server, locale="nl-NL", storage_state=sessions.get(username))
        contexts.append(context)
        page = context.new_page()
        if username in sessions:
            page.goto("/")
            assert_accessible(page)
        else:
            login(page, server, username)
            sessions[username] = context.storage_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


GOAL = "Financiën: Post wordt wekelijks samen geopend"


def open_case_with_agreed_plan(page, *, bsn: str, first_name: str, surname: str, screenshots: bool = False) -> str:
    """As the logged-in professional: a new signal from the GP about a resident not yet known (a test-range
    BSN that the XS seed does not use) → intake with me as regisseur → exploration of one life domain → a
    plan with the goal ``GOAL`` and one action by the network, agreed with the household. Ends on the
    household page ("Huishouden <surname>") and returns its URL."""
    from playwright.sync_api import expect

    today = timezone.localdate()
    page.get_by_role("link", name="Nieuwe melding").first.click()
    page.get_by_label("BSN van de inwoner").wait_for()
    assert_accessible(page)
    if screenshots:  # once: the form with its errors, when sent empty
        page.get_by_role("button", name="Melding registreren").click()
        expect(page.get_by_role("alert").first).to_be_visible()
        assert_accessible(page)
    page.get_by_label("BSN van de inwoner").fill(bsn)
    page.get_by_label("Voornamen").fill(first_name)
    page.get_by_label("Geslachtsnaam").fill(surname)
    page.get_by_label("Postcode").fill("9999ZZ")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_label("Bron").select_option("huisarts")
    page.get_by_label("Urgentie").select_option("hoog")
    page.get_by_label("Omschrijving van de vraag of zorg").fill("Moeder loopt vast met opvoeding en post.")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("is geregistreerd")).to_be_visible()
    assert_accessible(page)
    if screenshots:
        shot(page, "02-signal")

    # triage: intake with me as regisseur
    page.get_by_label("Intake: traject gestart").check()
    page.get_by_role("button", name="Triage vastleggen").click()
    expect(page.get_by_role("heading", name=f"Huishouden {surname}")).to_be_visible()
    household_url = page.url
    assert_accessible(page)

    # exploration: one relevant domain, scored
    page.get_by_role("link", name="Verkenning vastleggen").click()
    page.get_by_label("Samenvatting en hulpvraag").wait_for()
    assert_accessible(page)
    page.get_by_label("Samenvatting en hulpvraag").fill("Hulp bij opvoeding en administratie")
    page.locator("summary", has_text="Financiën").click()
    page.locator("details", has_text="Financiën").get_by_label("Situatie").fill("Post blijft liggen")
    page.locator("details", has_text="Financiën").get_by_label("Zelfredzaamheid").select_option("2")
    assert_accessible(page)
    page.get_by_role("button", name="Verkenning vastleggen").click()
    expect(page.get_by_text("De verkenning is vastgelegd")).to_be_visible()
    assert_accessible(page)

    # plan with a goal and an action, agreed with the household
    page.get_by_role("link", name="Plan maken").click()
    page.get_by_role("button", name="Plan maken").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Plan maken").click()
    page.get_by_role("button", name="Doel toevoegen").wait_for()
    assert_accessible(page)
    page.get_by_label("Leefdomein").select_option(label="Financiën")
    page.get_by_label("Afgesproken resultaat").fill("Post wordt wekelijks samen geopend")
    page.get_by_label("Te bereiken op").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.get_by_text("Het doel is toegevoegd")).to_be_visible()
    page.locator("summary", has_text="Actie toevoegen").first.click()
    form = page.locator("form[action*='/acties/nieuw/']").first
    form.get_by_label("Actie").fill("Samen post openen")
    form.get_by_label("Wie").select_option("netwerk")
    form.get_by_label("Naam netwerk").fill("Buurvrouw")
    form.get_by_label("Uiterlijk op").fill((today + dt.timedelta(days=14)).isoformat())
    assert_accessible(page)
    form.get_by_role("button", name="Actie toevoegen").click()
    expect(page.get_by_text("De actie is toegevoegd")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Wijze van akkoord").select_option("mondeling")
    page.get_by_role("button", name="Plan is afgesproken").click()
    expect(page.get_by_text("is afgesproken met het huishouden")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Huishouden {surname}")).to_be_visible()
    assert_accessible(page)
    if screenshots:
        shot(page, "03-household-plan-agreed")
    return household_url


def test_core_journey_signal_to_closure(server, open_as):
    from playwright.sync_api import expect

    today = timezone.localdate()
    page = open_as("professional")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    expect(page).to_have_url(server + "/mijn-caseload/")
    expect(page.get_by_role("heading", name="Mijn caseload")).to_be_visible()
    assert_accessible(page)
    shot(page, "01-caseload")

    # 1-4. a new signal from the GP → intake → exploration → plan with a goal and an action, agreed
    open_case_with_agreed_plan(page, bsn="999999990", first_name="Mila", surname="Testbrowser", screenshots=True)

    # 4b. carrying out the plan, with the keyboard only: an action marked done in place (htmx swaps the goals
    # section and moves focus to its confirmation)
    page.get_by_role("link", name="Plan openen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Ondersteuningsplan"))
    status = page.get_by_label("Status van actie Samen post openen")
    status.focus()
    page.keyboard.press("ArrowDown")  # Open → Gedaan
    expect(status).to_have_value("gedaan")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Wijzig")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Samen post openen")).to_have_text(
        "Actie 'Samen post openen': Gedaan."
    )
    expect(page.locator("#goals-status")).to_be_focused()
    expect(page.get_by_label("Status van actie Samen post openen")).to_have_value("gedaan")
    assert_accessible(page)
    page.get_by_role("link", name="Huishouden Testbrowser").focus()
    page.keyboard.press("Enter")

    # 5. progress review: goal achieved, no next review needed
    page.get_by_role("link", name="Voortgangsbespreking").click()
    page.get_by_role("button", name="Bespreking vastleggen").wait_for()
    assert_accessible(page)
    page.get_by_label("Resultaat").select_option("bereikt")
    page.get_by_role("button", name="Bespreking vastleggen").click()
    expect(page.get_by_text("De voortgangsbespreking is vastgelegd")).to_be_visible()
    assert_accessible(page)

    # 5b. the case stalls: escalation to the second level of the ladder and back into the dossier
    household_url = page.url
    page.get_by_role("link", name="Escaleren: de zaak komt niet verder").click()
    page.get_by_role("button", name="Escaleren").wait_for()
    assert_accessible(page)
    page.get_by_label("Reden").select_option("wachtlijst")
    page.get_by_label("Vraag").fill("Mag de schuldhulp buiten de wachtlijst om starten?")
    page.get_by_label("Besluit nodig uiterlijk").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Escaleren").click()
    expect(page.get_by_role("heading", name="Escalatie: wachtlijst")).to_be_visible()
    escalation_url = page.url
    assert_accessible(page)
    lead = open_as("teamleider")
    lead.goto(server + "/escalaties/")
    assert_accessible(lead)
    lead.get_by_role("link", name="Wachtlijst").click()
    lead.locator("summary", has_text="Doorzetten naar Manager Toegang").click()
    assert_accessible(lead)
    lead.get_by_label("Toelichting").fill("Dit gaat buiten mijn mandaat.")
    lead.get_by_role("button", name="Doorzetten").click()
    expect(lead.get_by_text("De vraag ligt nu bij het volgende niveau")).to_be_visible()
    assert_accessible(lead)
    lead.close()
    manager = open_as("manager")
    manager.goto(escalation_url)
    assert_accessible(manager)
    manager.get_by_label("Besluit", exact=True).fill("Ja, de schuldhulp start deze week.")
    manager.get_by_role("button", name="Besluiten").click()
    expect(manager.get_by_text("Het besluit is vastgelegd")).to_be_visible()
    assert_accessible(manager)
    shot(manager, "05-escalation-decided")
    manager.close()
    page.goto(household_url)
    expect(page.get_by_text("Besluit na escalatie (Manager Toegang)")).to_be_visible()

    # 5c. all notes of the trajectory (the household page shows the latest ten)
    page.get_by_role("link", name="Alle notities en contactmomenten").click()
    expect(page.get_by_role("heading", name="Notities en contactmomenten")).to_be_visible()
    assert_accessible(page)
    shot(page, "05c-notes")
    page.goto(household_url)

    # 6. closure with a reason
    page.get_by_role("link", name="Traject afsluiten").click()
    page.get_by_role("button", name="Opslaan").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()  # without a result: the form shows the error
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reden afsluiting").select_option("doelen_bereikt")
    page.get_by_label("Resultaat (Selectielijst)").select_option(
        label="Plan van aanpak Wmo cliënt vastgesteld (15 jaar)"
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het traject is afgesloten")).to_be_visible()
    expect(page.get_by_role("region", name="Traject").locator(".badge", has_text="Afgesloten")).to_be_visible()
    assert_accessible(page)
    shot(page, "04-closed")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    page.close()


def test_asking_the_brp_keeps_the_melding_and_enter_saves_it(server, open_as):
    """The melding typed first and the BRP asked after: nothing typed is lost, the BRP fills the resident,
    and Enter in a field registers the melding (not another BRP query)."""
    from playwright.sync_api import expect

    page = open_as("professional")
    page.goto(server + "/meldingen/nieuw/")
    page.get_by_label("Bron").select_option("huisarts")
    page.get_by_label("Omschrijving van de vraag of zorg").fill("Zorgen om de huur, telefonisch gemeld.")
    page.get_by_label("BSN", exact=True).fill("999990007")
    page.get_by_role("button", name="Ophalen op BSN").click()
    expect(page.get_by_label("Voornamen")).to_have_value("Jan Pieter")
    expect(page.get_by_label("Omschrijving van de vraag of zorg")).to_have_value(
        "Zorgen om de huur, telefonisch gemeld."
    )
    expect(page.get_by_label("Bron")).to_have_value("huisarts")
    assert_accessible(page)
    shot(page, "melding-na-brp")
    page.get_by_label("Melder").press("Enter")
    expect(page.get_by_text("is geregistreerd")).to_be_visible()
    assert_accessible(page)
    page.close()


def test_denied_household_shows_nothing(server, open_as):
    page = open_as("partner")
    page.goto(server + "/huishoudens/999999/")
    assert "Niet gevonden" in page.content()
    assert_accessible(page)
    page.close()
    assert urlparse(server).hostname == "127.0.0.1"


def test_case_conference_with_a_participant_without_consent(server, open_as):
    """The regisseur plans a case conference and invites the welfare organisation's worker, who has no
    consent or legal basis: she sees the agenda and her own input, not the purpose, the household or the
    minutes. A decision becomes an action in a new draft of the plan."""
    from playwright.sync_api import expect

    today = timezone.localdate()
    purpose = "Afstemmen wie Fatima helpt met de stapel onbetaalde rekeningen."
    location = "Wijkcentrum De Linde, zaal 2"
    page = open_as("professional")
    household_url = open_case_with_agreed_plan(page, bsn="999999898", first_name="Fatima", surname="Testoverleg")

    # the organiser plans the conference from the household page
    page.get_by_role("region", name="Casusoverleg").get_by_role("link", name="Casusoverleg plannen").click()
    page.get_by_role("button", name="Overleg plannen").wait_for()
    assert_accessible(page)
    page.get_by_label("Aanvang").fill("14:00")
    page.get_by_label("Plaats").fill(location)
    page.get_by_label("Doel van het overleg").fill(purpose)
    page.get_by_role("button", name="Overleg plannen").click()
    expect(page.get_by_text("Casusoverleg gepland")).to_be_visible()
    conference_url = page.url

    # invites the welfare worker, who has no basis to receive case information
    page.locator("summary", has_text="Iemand uitnodigen").click()
    assert_accessible(page)
    invite = page.locator("form[action$='/invite/']")
    invite.get_by_label("Soort deelnemer").select_option(label="Professional met account")
    invite.get_by_label("Professional met account").select_option(label="Noor Visser (Stichting Welzijn Lindenwaard)")
    invite.get_by_label("Rol in het overleg").fill("Wijkwerker welzijn")
    invite.get_by_role("button", name="Uitnodigen").click()
    expect(page.get_by_text("Deelnemer uitgenodigd.")).to_be_visible()
    participants = page.get_by_role("table", name="Genodigden")
    noor = participants.get_by_role("row").filter(has_text="Noor Visser")
    expect(noor.get_by_role("cell").nth(2)).to_contain_text("nee")
    expect(
        participants.get_by_role("row").filter(has_text="Fatima Testoverleg").get_by_role("cell").nth(2)
    ).to_contain_text("ja")

    page.get_by_label("Agendapunt", exact=True).fill("Hoe krijgen we de post weer op orde?")
    page.get_by_role("button", name="Agendapunt toevoegen").click()
    expect(page.get_by_text("Agendapunt toegevoegd.")).to_be_visible()
    expect(page.get_by_role("region", name="Agenda").get_by_role("listitem")).to_have_text(
        ["Hoe krijgen we de post weer op orde?"]
    )
    assert_accessible(page)
    shot(page, "10-conference-organiser")

    # the welfare worker: only the agenda and her own preparation
    welzijn = open_as("welzijn")
    welzijn.get_by_role("link", name="Casusoverleggen").click()
    invitation = welzijn.get_by_role("table", name="Geplande overleggen waarvoor u bent uitgenodigd").get_by_role("row")
    expect(invitation.filter(has_text=location)).to_have_count(1)
    assert_accessible(welzijn)
    assert "Testoverleg" not in welzijn.content()
    invitation.filter(has_text=location).get_by_role("link").click()
    expect(welzijn).to_have_url(conference_url)
    expect(welzijn.get_by_text("Er is geen wettelijke grondslag of toestemming van het huishouden")).to_be_visible()
    expect(welzijn.get_by_role("region", name="Agenda")).to_contain_text("Hoe krijgen we de post weer op orde?")
    assert_accessible(welzijn)
    expect(welzijn.get_by_text(purpose)).to_have_count(0)
    assert "Testoverleg" not in welzijn.content()
    preparation = welzijn.get_by_role("textbox", name="Voorbereiding")
    expect(preparation).to_have_accessible_description(
        "Wat wilt u inbrengen, wat ziet u, wat is uw vraag aan de anderen?"
    )
    preparation.fill("Wij kennen Fatima van het Formulierenspreekuur.")
    welzijn.get_by_role("button", name="Voorbereiding opslaan").click()
    expect(welzijn.get_by_text("Voorbereiding opgeslagen.")).to_be_visible()
    expect(welzijn.get_by_role("textbox", name="Voorbereiding")).to_have_value(
        "Wij kennen Fatima van het Formulierenspreekuur."
    )
    assert "Testoverleg" not in welzijn.content()
    assert_accessible(welzijn)
    shot(welzijn, "11-conference-participant-without-basis")

    # back with the organiser: her preparation is in the table; a decision becomes a plan action
    page.goto(conference_url)
    expect(noor).to_contain_text("Wij kennen Fatima van het Formulierenspreekuur.")
    page.locator("summary", has_text="Besluit vastleggen (wordt een actie in het plan)").click()
    decision = page.locator("form[action$='/decision/']")
    decision.get_by_label("Besluit", exact=True).fill("Fatima gaat met de buurvrouw naar het Formulierenspreekuur.")
    decision.get_by_label("Bij doel").select_option(label=GOAL)
    decision.get_by_label("Actie", exact=True).fill("Afspraak maken bij het Formulierenspreekuur")
    decision.get_by_label("Wie doet het").select_option(label="Lid van het huishouden")
    decision.get_by_label("Lid van het huishouden").select_option(label="Fatima Testoverleg")
    decision.get_by_label("Uiterlijk op").fill((today + dt.timedelta(days=10)).isoformat())
    assert_accessible(page)
    decision.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Besluit vastgelegd en als actie in het plan (concept) gezet.")).to_be_visible()
    expect(page.get_by_role("table", name="Elk besluit staat als actie in het plan")).to_contain_text(
        "Afspraak maken bij het Formulierenspreekuur"
    )
    assert_accessible(page)

    # the minutes as PDF: the organiser gets them, the participant without a basis does not
    minutes_pdf = page.get_by_role("link", name="Verslag (pdf)").get_attribute("href")
    response = page.request.get(minutes_pdf)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    expect(welzijn.get_by_role("link", name="Verslag (pdf)")).to_have_count(0)
    assert welzijn.request.get(minutes_pdf).status == 403
    welzijn.close()

    # the action is in a new draft version of the plan
    page.goto(household_url)
    plan = page.get_by_role("region", name="Ondersteuningsplan")
    expect(plan).to_contain_text("Versie 2")
    expect(plan.locator(".badge", has_text="Concept")).to_be_visible()
    expect(plan.get_by_role("listitem").filter(has_text="Afspraak maken bij het Formulierenspreekuur")).to_contain_text(
        "Fatima Testoverleg"
    )
    page.get_by_role("link", name="Plan openen").click()
    expect(page.get_by_role("row").filter(has_text="Afspraak maken bij het Formulierenspreekuur")).to_contain_text(
        "Fatima Testoverleg"
    )
    assert_accessible(page)
    page.close()


def send_referral_on_consent(page, household_url: str, *, resident: str) -> None:
    """As the regisseur on the household page: the resident's consent to share with the welfare organisation
    recorded, the Formulierenspreekuur found on the social map, and a referral for the plan's goal ``GOAL``
    prepared and sent on that consent (a welfare organisation carries out no statutory task)."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Toestemmingen").click()
    page.get_by_role("button", name="Toestemming vastleggen").wait_for()
    assert_accessible(page)
    page.get_by_label("Inwoner om wie het gaat").select_option(label=resident)
    page.get_by_label("Doel").select_option(
        label="Integrale ondersteuning (één gezin, één plan) (Toestemming van de betrokkene)"
    )
    page.get_by_role("radio", name="De inwoner zelf").check()
    page.get_by_role("group", name="Gegevenscategorieën").get_by_label("Contact- en persoonsgegevens").check()
    page.get_by_role("group", name="Organisaties").get_by_label("Stichting Welzijn Lindenwaard").check()
    page.get_by_role("button", name="Toestemming vastleggen").click()
    expect(page.get_by_role("table", name="Vastgelegde toestemmingen")).to_contain_text("Stichting Welzijn Lindenwaard")
    assert_accessible(page)
    page.goto(household_url)

    # find the service on the social map and prepare the referral
    page.get_by_role("link", name="Verwijzen naar een dienst van de sociale kaart").click()
    page.get_by_role("searchbox", name="Zoeken").wait_for()
    assert_accessible(page)
    page.get_by_role("searchbox", name="Zoeken").fill("Formulieren")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Verwijzen naar Formulierenspreekuur").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Verwijzen naar Formulierenspreekuur").click()
    expect(page.get_by_role("heading", name="Verwijzen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Voor wie").select_option(label=resident)
    page.get_by_label("Voor doel").select_option(label=GOAL)
    first_name = resident.split()[0]
    page.get_by_label("Vraag").fill(f"Wilt u {first_name} helpen met de brieven van de Belastingdienst?")
    page.get_by_label("Warme overdracht").fill(f"{first_name} leest slecht; bel liever dan te schrijven.")
    expect(page.get_by_label("Contact- en persoonsgegevens")).to_be_checked()
    page.get_by_role("button", name="Verwijzing voorbereiden").click()
    expect(page.get_by_text("Verwijzing voorbereid.")).to_be_visible()
    assert_accessible(page)

    # send it on that consent
    page.get_by_label("Grondslag").select_option(
        label="Integrale ondersteuning (één gezin, één plan) (Toestemming van de betrokkene)"
    )
    page.get_by_role("button", name="Verwijzing versturen").click()
    expect(page.get_by_text(re.compile("^Vastgelegd: de verwijzing naar .* is nu ‘verstuurd’"))).to_be_visible()
    expect(page.locator(".facts .badge").first).to_have_text("Verstuurd")
    expect(page.locator(".facts")).to_contain_text("Toestemming (tot en met")
    assert_accessible(page)


def test_referral_to_a_community_service_closes_the_loop(server, open_as):
    """The regisseur records the resident's consent and refers to a service on the social map on that
    consent; the welfare organisation accepts, reports the start and gives feedback; the outcome shows on
    the plan goal and in the regisseur's inbox."""
    from playwright.sync_api import expect

    feedback = "Drie keer op het spreekuur geweest; de toeslagen zijn aangevraagd."
    page = open_as("professional")
    household_url = open_case_with_agreed_plan(page, bsn="999999886", first_name="Ruben", surname="Testverwijzing")

    send_referral_on_consent(page, household_url, resident="Ruben Testverwijzing")

    # the welfare organisation answers, reports the start and gives feedback
    welzijn = open_as("welzijn")
    expect(welzijn).to_have_url(server + "/verwijzingen/")
    assert_accessible(welzijn)
    welzijn.get_by_role("link", name="Ruben Testverwijzing").click()
    expect(welzijn.get_by_role("heading", name="Verwijzing naar Formulierenspreekuur")).to_be_visible()
    expect(welzijn.get_by_text("Ruben leest slecht")).to_be_visible()
    assert_accessible(welzijn)
    shot(welzijn, "20-referral-receiver")
    # with the keyboard only, from the top of each page: accept, report the start, give feedback
    tab_to(welzijn, welzijn.get_by_role("button", name="Accepteren"))
    welzijn.keyboard.press("Enter")
    expect(welzijn.get_by_text(re.compile("^Vastgelegd: de verwijzing naar .* is nu ‘geaccepteerd’"))).to_be_visible()
    expect(welzijn.get_by_label("Datum")).to_have_value(timezone.localdate().isoformat())
    assert_accessible(welzijn)
    tab_to(welzijn, welzijn.get_by_role("button", name="Gekomen: ondersteuning gestart"))
    welzijn.keyboard.press("Enter")
    expect(welzijn.get_by_role("heading", name="Afronden met terugkoppeling")).to_be_visible()
    assert_accessible(welzijn)
    helped = welzijn.get_by_role("radio", name="Ja", exact=True)
    tab_to(welzijn, helped)  # the first choice of the group takes the focus
    welzijn.keyboard.press("Space")
    expect(helped).to_be_checked()
    tab_to(welzijn, welzijn.get_by_label("Terugkoppeling", exact=True), limit=3)
    welzijn.keyboard.type(feedback)
    tab_to(welzijn, welzijn.get_by_role("button", name="Terugkoppelen en afronden"), limit=5)
    welzijn.keyboard.press("Enter")
    expect(welzijn.get_by_text(re.compile("^Vastgelegd: de verwijzing naar .* is nu ‘afgerond’"))).to_be_visible()
    expect(welzijn.locator(".facts")).to_contain_text("Inwoner gekomen; geholpen: ja")
    assert_accessible(welzijn)

    # the same partner worker reports a worry about another resident; she gets a reference, not the case
    welzijn.get_by_role("link", name="Melding doen").click()
    welzijn.get_by_role("heading", name="Melding doen bij de Toegang").wait_for()
    assert_accessible(welzijn)
    welzijn.get_by_role("button", name="Melding versturen").click()
    expect(welzijn.get_by_role("alert").first).to_be_visible()  # sent empty: what is missing, named
    assert_accessible(welzijn)
    welzijn.get_by_label("Voornamen").fill("Iris")
    welzijn.get_by_label("Geslachtsnaam").fill("Testzorg")
    welzijn.get_by_label("Postcode").fill("9999ZZ")
    welzijn.get_by_label("Huisnummer").fill("3")
    welzijn.get_by_label("Urgentie").select_option("normaal")
    welzijn.get_by_label("Wat is er aan de hand?").fill("Iris komt niet meer op het spreekuur en de post stapelt op.")
    welzijn.get_by_label("Hoe bereikt de Toegang u?").fill("noor.visser@example.org")
    welzijn.get_by_role("button", name="Melding versturen").click()
    expect(welzijn.get_by_role("heading", name="Melding ontvangen")).to_be_visible()
    reference = re.search(r"M-\d+", welzijn.get_by_role("status").filter(has_text="kenmerk").inner_text()).group(0)
    assert_accessible(welzijn)
    welzijn.get_by_role("link", name="Mijn meldingen").first.click()
    welzijn.get_by_role("heading", name="Mijn meldingen").wait_for()
    expect(welzijn.get_by_role("row").filter(has_text=reference)).to_have_count(1)
    assert "Testzorg" not in welzijn.content()  # the list shows the reference and the state, not the resident
    assert_accessible(welzijn)
    welzijn.close()

    # the regisseur sees the outcome on the goal and a message in the inbox
    page.goto(household_url)
    outcomes = page.get_by_role("region", name="Ondersteuningsplan").get_by_role(
        "list", name="Verwijzingen voor dit doel"
    )
    expect(outcomes).to_contain_text("Verwezen naar Formulierenspreekuur (Stichting Welzijn Lindenwaard): afgerond")
    expect(outcomes).to_contain_text("geholpen: ja")
    expect(outcomes).to_contain_text(feedback)
    assert_accessible(page)
    shot(page, "21-household-referral-outcome")
    page.get_by_role("link", name="Berichten", exact=True).click()
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)
    message = page.get_by_role(
        "link", name="Terugkoppeling van Stichting Welzijn Lindenwaard op uw verwijzing: afgerond."
    )
    expect(message).to_have_count(1)
    message.click()
    expect(page.get_by_role("heading", name="Verwijzing naar Formulierenspreekuur")).to_be_visible()
    assert_accessible(page)
    page.close()


def test_each_dashboard_opens_and_an_export_downloads(server, open_as):
    """The team lead opens the team board from the menu; the manager opens the manager board, chooses a
    year, downloads the CSV export, opens the municipal client's board (small-cell protected) and the
    indicator catalogue. The filter form can be reached with the keyboard."""
    from playwright.sync_api import expect

    number = re.compile(r"\d")

    def values(page) -> list[str]:
        """The shown value (first number column) of every indicator row on the board."""
        return page.locator("section.card > div > table > tbody > tr > td:nth-child(2)").all_inner_texts()

    # the team lead: the team board from the menu
    lead = open_as("teamleider")
    lead.get_by_role("link", name="Sturing", exact=True).click()
    expect(lead).to_have_url(server + "/sturing/team/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Dashboard teamleider")
    expect(lead.get_by_role("status").filter(has_text="Cijfers tot en met")).to_be_visible()
    assert any(number.search(v) for v in values(lead)), values(lead)
    assert_accessible(lead)
    shot(lead, "30-dashboard-team")

    # the filter form by keyboard: Tab from the top of the page reaches the period select, then "Tonen"
    lead.get_by_role("heading", level=1).click()
    tab_to(lead, lead.get_by_label("Periode"))
    tab_to(lead, lead.get_by_role("button", name="Tonen"), limit=5)
    lead.keyboard.press("Enter")
    expect(lead).to_have_url(re.compile(r"/sturing/team/\?periode="))
    expect(lead.get_by_role("heading", level=1)).to_have_text("Dashboard teamleider")
    assert_accessible(lead)
    lead.close()

    # the manager: the manager board from the menu, for this year
    year = str(timezone.localdate().year)
    page = open_as("manager")
    page.get_by_role("link", name="Sturing", exact=True).click()
    expect(page).to_have_url(server + "/sturing/manager/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard manager Toegang")
    page.get_by_label("Periode").select_option(year)
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(rf"/sturing/manager/\?periode={year}"))
    expect(page.get_by_label("Periode")).to_have_value(year)
    expect(page.get_by_role("columnheader", name=year).first).to_be_visible()
    sources = page.locator("section.card > div > table > tbody > tr").filter(
        has=page.locator("abbr", has_text="Meldingen naar bron")
    )
    expect(sources.locator("> td").first).to_have_text(number)
    assert any(number.search(v) for v in values(page)), values(page)
    # the breakdown and the chart's table alternative open in place
    sources.locator("summary", has_text="Uitsplitsing").click()
    expect(
        sources.get_by_role("table", name="Uitsplitsing van Meldingen naar bron").get_by_role("row")
    ).not_to_have_count(0)
    expect(sources.get_by_role("img", name=re.compile("^Verloop van Meldingen naar bron: "))).to_be_visible()
    sources.locator("summary", has_text="Tabel").click()
    expect(
        sources.get_by_role("table", name="Verloop per maand van Meldingen naar bron").get_by_role("row")
    ).to_have_count(12)
    assert_accessible(page)
    shot(page, "31-dashboard-manager")

    # the export of this board as CSV, UTF-8 with a BOM for spreadsheet programs
    with page.expect_download() as info:
        page.get_by_role("link", name="Downloaden als CSV").click()
    download = info.value
    assert download.suggested_filename == f"sturing-manager-{year}.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    assert "meldingen_bron" in data.decode("utf-8-sig")

    # the municipal client's board through its link: every number protected, no trend charts
    page.get_by_role("link", name="Dashboard opdrachtgever").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard opdrachtgever")
    lag = page.get_by_role("status").filter(has_text="Cijfers tot en met")
    expect(lag).to_contain_text("naar beneden afgerond op vijftallen")
    assert any(number.search(v) for v in values(page)), values(page)
    expect(page.locator("svg.sparkline")).to_have_count(0)
    assert_accessible(page)
    shot(page, "32-dashboard-opdrachtgever")

    # the indicator catalogue
    page.get_by_role("link", name="Indicatorencatalogus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicatorencatalogus")
    expect(page.get_by_role("heading", name="Meldingen naar bron")).to_be_visible()
    assert_accessible(page)
    shot(page, "33-indicator-catalogue")
    page.close()


def break_the_glass(page, *, bsn: str, surname: str) -> None:
    """As a professional of another team (the demo's ``buurteam``): the household of this resident opened
    through break-the-glass, with a reason."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Noodtoegang", exact=True).click()
    assert_accessible(page)
    page.get_by_label("BSN van de inwoner").fill(bsn)
    page.get_by_label("Reden").fill("Acute zorgen gemeld door de huisarts; de regisseur is niet bereikbaar.")
    page.get_by_role("button", name="Noodtoegang openen").click()
    expect(page.get_by_role("heading", name=f"Huishouden {surname}")).to_be_visible()
    expect(page.get_by_text(re.compile("Noodtoegang actief tot"))).to_be_visible()
    assert_accessible(page)


def test_privacy_officer_reviews_break_the_glass_and_reads_the_access_log(server, open_as):
    """A professional of the neighbouring team opens a household with break-the-glass; the privacy officer
    is told, reviews it with the keyboard only, and sees the emergency rows under the person's name."""
    from playwright.sync_api import expect

    page = open_as("professional")
    open_case_with_agreed_plan(page, bsn="999999874", first_name="Noor", surname="Testnood")

    other = open_as("buurteam")
    break_the_glass(other, bsn="999999874", surname="Testnood")

    officer = open_as("privacy")
    officer.get_by_role("link", name="Berichten").click()
    expect(officer.get_by_text(re.compile("Kuipers"))).to_be_visible()
    officer.get_by_role("link", name="Noodtoegang beoordelen").focus()
    officer.keyboard.press("Enter")
    review = officer.locator("article", has_text="Huishouden Testnood")
    expect(review).to_contain_text("Acute zorgen")
    assert_accessible(officer)
    review.get_by_role("radio", name="Terecht", exact=True).focus()
    officer.keyboard.press("Space")
    officer.keyboard.press("Tab")  # on to the explanation
    officer.keyboard.type("Terecht: de huisarts meldde acute zorgen buiten kantoortijd.")
    review.get_by_role("button", name="Oordeel vastleggen").focus()
    officer.keyboard.press("Enter")
    expect(officer.get_by_role("heading", name="Recent beoordeeld")).to_be_visible()
    expect(officer.locator("li", has_text="Huishouden Testnood")).to_contain_text("Terecht")
    shot(officer, "40-emergency-reviewed")

    officer.get_by_role("link", name="Wie zag persoon X").click()
    officer.get_by_label("BSN van de inwoner").fill("999999874")
    officer.get_by_role("button", name="Toon logregels").click()
    rows = officer.locator("tbody tr", has_text="buurteam")
    expect(rows.first).to_be_visible()
    expect(officer.locator("tbody tr", has=officer.locator(".badge--urgent")).first).to_be_visible()
    assert_accessible(officer)
    shot(officer, "41-who-saw-person")


def open_household(page, server: str, *, bsn: str, first_name: str, prefix: str, surname: str) -> None:
    """As the logged-in professional: a melding typed by hand for a resident not yet known, triaged to an
    intake with me as regisseur; ends on the household page ("Huishouden <surname>")."""
    from playwright.sync_api import expect

    page.goto(server + "/meldingen/nieuw/")
    page.get_by_label("BSN van de inwoner").fill(bsn)
    page.get_by_label("Voornamen").fill(first_name)
    page.get_by_label("Voorvoegsel").fill(prefix)
    page.get_by_label("Geslachtsnaam").fill(surname)
    page.get_by_label("Postcode").fill("9999ZZ")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_label("Bron").select_option("zelfmelder")
    page.get_by_label("Omschrijving van de vraag of zorg").fill("Vraag over hulp bij het huishouden.")
    assert_accessible(page)
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("is geregistreerd")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Intake: traject gestart").check()
    page.get_by_role("button", name="Triage vastleggen").click()
    expect(page.get_by_role("heading", name=f"Huishouden {surname}")).to_be_visible()
    assert_accessible(page)


def test_a_decision_taken_elsewhere_and_a_withdrawal_on_the_procedure_page(server, open_as):
    """A Participatiewet procedure from the household page, 'Wat nu' naming each next step: the application,
    then the decision taken in the income system recorded with its outcome (refused without one); a Wmo procedure
    whose beschikking is refused without its reasoning (the form keeps the choice), then drafted, discarded with
    its reason when the resident withdraws, and the procedure withdrawn on its day, its clocks stopped."""
    from playwright.sync_api import expect

    page = open_as("professional")
    open_household(page, server, bsn="999999837", first_name="Lotte", prefix="", surname="Testprocedure")
    household_url = page.url
    day = timezone.localdate()

    def start(law: str) -> None:
        page.goto(household_url)
        page.get_by_role("link", name="Melding voor een maatwerkvoorziening, jeugdhulp of bijstand vastleggen").click()
        page.get_by_label("Inwoner om wie het gaat").select_option(label="Lotte Testprocedure")
        page.get_by_label(law).check()
        page.get_by_label("Datum melding").fill(day.isoformat())  # the household was formed today
        assert_accessible(page)
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_text("De procedure is gestart")).to_be_visible()
        assert_accessible(page)

    def step(name: str, outcome: str = "") -> None:
        form = page.locator("form:has(input[name=form][value=stap])")
        form.get_by_label("Stap").select_option(label=name)
        form.get_by_label("Datum").fill(day.isoformat())
        form.get_by_label("Uitkomst").select_option(outcome)
        form.get_by_role("button", name="Vastleggen").click()

    start("Participatiewet")
    wat_nu = page.locator("section:has(#h-wat-nu)")
    expect(wat_nu).to_contain_text("Leg de ontvangst van de aanvraag vast zodra die binnen is")
    step("Aanvraag ontvangen op")
    expect(page.get_by_text("Vastgelegd; de termijnen zijn opnieuw berekend.")).to_be_visible()
    expect(wat_nu).to_contain_text("Betaal het voorschot")  # the advance's four weeks run from the application
    step("Besluit bekendgemaakt op")
    expect(page.get_by_text("Uitkomst: kies toegekend of afgewezen").first).to_be_visible()
    assert_accessible(page)
    step("Besluit bekendgemaakt op", "afgewezen")
    expect(page.get_by_text(f"{day.day}-{day.month}-{day.year} – afgewezen")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Voorschot"))).to_contain_text("gestopt")  # ended with it
    expect(page.get_by_text("Het besluit is buiten Toegang genomen; hier is geen beschikking.")).to_be_visible()
    assert_accessible(page)
    shot(page, "procedure-besluit-elders")

    start("Wmo 2015")  # its onderzoek runs from the melding
    expect(wat_nu).to_contain_text("Voer het onderzoek uit met de inwoner en verstrek het verslag.")
    step("Aanvraag ontvangen op")
    page.get_by_text("Beschikking voorbereiden").click()
    page.get_by_label("Afwijzen").check()
    page.get_by_role("button", name="Concept maken").click()  # without its reasoning
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Motivering: dit veld is verplicht.")
    expect(page.get_by_label("Afwijzen")).to_be_checked()  # the form stayed open with the choice
    assert_accessible(page)
    shot(page, "procedure-beschikking-geweigerd")
    page.get_by_label("Motivering").fill("De inwoner redt het met hulp uit het eigen netwerk.")
    page.get_by_role("button", name="Concept maken").click()
    expect(page.get_by_role("heading", name=re.compile("^Afwijzende beschikking"))).to_be_visible()
    expect(wat_nu).to_contain_text("Rond de conceptbeschikking af")
    shot(page, "procedure-wat-nu")
    page.get_by_label("Ingetrokken op").fill(day.isoformat())
    page.get_by_role("button", name="Procedure intrekken (de inwoner ziet ervan af)").click()
    summary = page.locator("#foutmeldingen")
    expect(summary).to_contain_text("in voorbereiding; laat die eerst vervallen")  # the page came back, refused
    assert_accessible(page)
    page.get_by_text("Beschikking laten vervallen").click()
    page.get_by_label("De inwoner trekt de aanvraag in").check()
    page.get_by_role("button", name="Laten vervallen").click()
    expect(page.get_by_text("De beschikking is vervallen")).to_be_visible()
    page.get_by_label("Ingetrokken op").fill(day.isoformat())
    page.get_by_role("button", name="Procedure intrekken (de inwoner ziet ervan af)").click()
    expect(page.get_by_text("De procedure is ingetrokken; de termijnen zijn gestopt.")).to_be_visible()
    expect(page.locator("#h-wat-nu")).to_have_count(0)
    expect(page.get_by_text("gestopt", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.close()


def test_a_misspelled_name_is_corrected_from_the_brp_on_the_person_page(server, open_as):
    """A melding typed by hand with a misspelled first name; on the person page "Gegevens wijzigen": a bad
    phone number is refused with the summary on top, then "Ophalen op BSN" fills in the BRP's name and address
    and the save keeps "uit de BRP" as their source."""
    from playwright.sync_api import expect

    page = open_as("professional")
    open_household(page, server, bsn="999990044", first_name="Fatma", prefix="El", surname="Voorbeeld")
    page.get_by_role("link", name="Fatma El Voorbeeld").click()
    expect(page.get_by_role("heading", name="Fatma El Voorbeeld")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Gegevens wijzigen").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Telefoon").fill("bel mij")
    page.get_by_label("Nieuw adres, telefoonnummer of e-mailadres doorgegeven").check()
    page.get_by_role("button", name="Opslaan", exact=True).last.click()
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Telefoon: alleen cijfers")
    assert page.title().startswith("Fout:")
    assert_accessible(page)
    page.get_by_role("button", name="Ophalen op BSN").click()
    expect(page.get_by_label("Voornamen")).to_have_value("Fatima")
    expect(page.get_by_label("Voorvoegsel")).to_have_value("")  # the BRP's geslachtsnaam is "El Voorbeeld"
    expect(page.get_by_label("Geslachtsnaam")).to_have_value("El Voorbeeld")
    expect(page.get_by_label("Straat")).to_have_value("Verzonnen Voorbeeldlaan")
    expect(page.get_by_label("Bijgewerkt naar de BRP")).to_be_checked()
    expect(page.get_by_role("textbox", name="Telefoon")).to_have_value("bel mij")  # what was typed stays
    differences = page.locator("section:has(#h-brp-verschil)")  # what saving changes, before it is saved
    expect(differences.get_by_role("row", name="Voornamen")).to_contain_text("Fatma")
    expect(differences.get_by_role("row", name="Voornamen")).to_contain_text("Fatima")
    expect(differences.get_by_role("row", name="Voorvoegsel")).to_contain_text("El")
    assert_accessible(page)
    shot(page, "persoon-wijzigen-na-brp")
    page.get_by_role("textbox", name="Telefoon").fill("06-12345678")
    page.get_by_role("button", name="Opslaan", exact=True).last.click()
    expect(page.get_by_text("Gewijzigd: voornamen")).to_be_visible()
    expect(page.get_by_role("heading", name="Fatima El Voorbeeld")).to_be_visible()
    row = page.get_by_role("row", name="Voornamen")
    expect(row).to_contain_text("uit de BRP")
    expect(page.get_by_role("row", name="Telefoon")).to_contain_text("06-12345678")
    assert_accessible(page)
    page.close()
