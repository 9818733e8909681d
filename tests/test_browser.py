"""The core journey in a real browser (Debian's chromium through Playwright), against a real server
process on its own database: new signal → intake → exploration → plan agreed → review → closure."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from tests.processes import MANAGE, ROOT, separate_database

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "demo-Toegang-2026"
SCREENSHOTS = ROOT / "var" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with separate_database(tmp_path_factory.mktemp("browser"), "browser") as env:
        port = free_port()
        proc = subprocess.Popen(
            [*MANAGE, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/gezondheid/", timeout=1)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.1)
        else:
            proc.kill()
            raise RuntimeError("server did not start")
        yield base
        proc.terminate()
        proc.wait(timeout=10)


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
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page, base: str, username: str) -> None:
    """Log in with password, then set up the authenticator app as a new user does: read the key that
    the page shows and answer with the current TOTP code."""
    import base64

    from django_otp.oath import totp

    page.goto(base + "/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(base + "/tweestaps/**")
    secret = page.locator("#totp-secret").inner_text()
    shot(page, "00-two-factor-setup")
    page.get_by_label("Code uit de authenticator-app").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(lambda url: "/tweestaps/" not in url and "/inloggen/" not in url)


def test_core_journey_signal_to_closure(server, browser):
    from playwright.sync_api import expect

    today = dt.date.today()
    page = browser.new_page(base_url=server, locale="nl-NL")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    login(page, server, "professional")
    page.wait_for_url(server + "/mijn-caseload/")
    expect(page.get_by_role("heading", name="Mijn caseload")).to_be_visible()
    shot(page, "01-caseload")

    # 1. a new signal from the GP
    page.get_by_role("link", name="Nieuwe melding").first.click()
    page.get_by_label("BSN van de inwoner").fill("999999990")  # the last test-range BSN: not used by the XS seed
    page.get_by_label("Voornamen").fill("Mila")
    page.get_by_label("Geslachtsnaam").fill("Testbrowser")
    page.get_by_label("Postcode").fill("9999ZZ")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_label("Bron").select_option("huisarts")
    page.get_by_label("Urgentie").select_option("hoog")
    page.get_by_label("Omschrijving van de vraag of zorg").fill("Moeder loopt vast met opvoeding en post.")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("is geregistreerd")).to_be_visible()
    shot(page, "02-signal")

    # 2. triage: intake with me as regisseur
    page.get_by_label("Intake: traject gestart").check()
    page.get_by_role("button", name="Triage vastleggen").click()
    expect(page.get_by_role("heading", name="Huishouden Testbrowser")).to_be_visible()

    # 3. exploration: one relevant domain, scored
    page.get_by_role("link", name="Verkenning vastleggen").click()
    page.get_by_label("Samenvatting en hulpvraag").fill("Hulp bij opvoeding en administratie")
    page.locator("summary", has_text="Financiën").click()
    page.locator("details", has_text="Financiën").get_by_label("Situatie").fill("Post blijft liggen")
    page.locator("details", has_text="Financiën").get_by_label("Zelfredzaamheid").select_option("2")
    page.get_by_role("button", name="Verkenning vastleggen").click()
    expect(page.get_by_text("De verkenning is vastgelegd")).to_be_visible()

    # 4. plan with a goal and an action, agreed with the household
    page.get_by_role("link", name="Plan maken").click()
    page.get_by_role("button", name="Plan maken").click()
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
    form.get_by_role("button", name="Actie toevoegen").click()
    expect(page.get_by_text("De actie is toegevoegd")).to_be_visible()
    page.get_by_label("Wijze van akkoord").select_option("mondeling")
    page.get_by_role("button", name="Plan is afgesproken").click()
    expect(page.get_by_text("is afgesproken met het huishouden")).to_be_visible()
    shot(page, "03-household-plan-agreed")

    # 4b. carrying out the plan: an action marked done in place (htmx swaps the goals section)
    page.get_by_role("link", name="Plan openen").click()
    page.get_by_label("Status van actie Samen post openen").select_option("gedaan")
    page.get_by_role("button", name="Wijzig").click()
    expect(page.get_by_role("status").filter(has_text="Samen post openen")).to_have_text(
        "Actie 'Samen post openen': Gedaan."
    )
    expect(page.get_by_label("Status van actie Samen post openen")).to_have_value("gedaan")
    page.get_by_role("link", name="Huishouden Testbrowser").click()

    # 5. progress review: goal achieved, no next review needed
    page.get_by_role("link", name="Voortgangsbespreking").click()
    page.get_by_label("Resultaat").select_option("bereikt")
    page.get_by_role("button", name="Bespreking vastleggen").click()
    expect(page.get_by_text("De voortgangsbespreking is vastgelegd")).to_be_visible()

    # 5b. the case stalls: escalation to the second level of the ladder and back into the dossier
    household_url = page.url
    page.get_by_role("link", name="Escaleren: de zaak komt niet verder").click()
    page.get_by_label("Reden").select_option("wachtlijst")
    page.get_by_label("Vraag").fill("Mag de schuldhulp buiten de wachtlijst om starten?")
    page.get_by_label("Besluit nodig uiterlijk").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Escaleren").click()
    expect(page.get_by_role("heading", name="Escalatie: wachtlijst")).to_be_visible()
    escalation_url = page.url
    lead = browser.new_page(base_url=server, locale="nl-NL")
    login(lead, server, "teamleider")
    lead.goto(server + "/escalaties/")
    lead.get_by_role("link", name="Wachtlijst").click()
    lead.locator("summary", has_text="Doorzetten naar Manager Toegang").click()
    lead.get_by_label("Toelichting").fill("Dit gaat buiten mijn mandaat.")
    lead.get_by_role("button", name="Doorzetten").click()
    expect(lead.get_by_text("De vraag ligt nu bij het volgende niveau")).to_be_visible()
    lead.close()
    manager = browser.new_page(base_url=server, locale="nl-NL")
    login(manager, server, "manager")
    manager.goto(escalation_url)
    manager.get_by_label("Besluit", exact=True).fill("Ja, de schuldhulp start deze week.")
    manager.get_by_role("button", name="Besluiten").click()
    expect(manager.get_by_text("Het besluit is vastgelegd")).to_be_visible()
    shot(manager, "05-escalation-decided")
    manager.close()
    page.goto(household_url)
    expect(page.get_by_text("Besluit na escalatie (Manager Toegang)")).to_be_visible()

    # 6. closure with a reason
    page.get_by_role("link", name="Traject afsluiten").click()
    page.get_by_label("Reden afsluiting").select_option("doelen_bereikt")
    page.get_by_label("Resultaat (Selectielijst)").select_option(
        label="Plan van aanpak Wmo cliënt vastgesteld (15 jaar)"
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het traject is afgesloten")).to_be_visible()
    expect(page.get_by_role("region", name="Traject").locator(".badge", has_text="Afgesloten")).to_be_visible()
    shot(page, "04-closed")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    page.close()


def test_denied_household_shows_nothing(server, browser):
    page = browser.new_page(base_url=server)
    login(page, server, "partner")
    page.goto(server + "/huishoudens/999999/")
    assert "Niet gevonden" in page.content()
    page.close()
    assert urlparse(server).hostname == "127.0.0.1"
