"""Issue 11, point 2: every role's journey done with the keyboard alone, from the login on, in a real browser
(Debian's chromium through Playwright, against a real server process on its own database).

The journeys use only `KeyboardUser`: Tab and Shift+Tab move the focus, Enter and Space act, arrow keys
choose, and text is typed. Two guards keep it so: every browser context reports each trusted pointer event
(mouse, touch, wheel) and a journey fails when there was one; and `test_the_keyboard_journeys_use_no_mouse`
reads this file and refuses any Playwright call that acts on an element directly (click, fill, check,
select_option, focus, ...) outside `KeyboardUser`. Setting up what a journey needs from another role (a
referral to the partner, a household for the break-the-glass) uses the mouse journeys' helpers; those steps
are not part of the journey under test and the guard only watches the keyboard user's context."""

from __future__ import annotations

import ast
import base64
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.test_browser import (  # noqa: F401 - the browser journeys' fixtures
    PASSWORD,
    KeyboardUser,
    assert_accessible,
    break_the_glass,
    browser,
    open_as,
    open_case_with_agreed_plan,
    send_referral_on_consent,
    server,
)

pytestmark = pytest.mark.browser

PROFESSIONAL = "merel.vandermaath"  # a regisseur of the demo who is not the mouse journeys' "professional"

POINTER_GUARD = """
for (const kind of ['pointerdown', 'mousedown', 'touchstart', 'wheel', 'contextmenu']) {
  addEventListener(kind, (event) => { if (event.isTrusted) window.toegangPointerUsed(kind); }, true);
}
"""


def guarded_context(chromium, base: str) -> tuple[Any, list[str]]:
    """A browser context that reports every trusted pointer event (mouse, touch, wheel) into the list."""
    pointer: list[str] = []
    context = chromium.new_context(base_url=base, locale="nl-NL", accept_downloads=True)
    context.expose_binding("toegangPointerUsed", lambda source, kind: pointer.append(f"{kind} op {source['page'].url}"))
    context.add_init_script(POINTER_GUARD)
    return context, pointer


@pytest.fixture(scope="module")
def as_keyboard_user(server, browser) -> Iterator[Callable[..., tuple[Any, KeyboardUser]]]:  # noqa: F811
    """``as_keyboard_user(username)`` logs that demo user in with the keyboard alone in a new browser
    context (also setting up the authenticator app) and gives the page and its keyboard user; ``username``
    None opens ``path`` without a login (the resident portal, a participant's personal link). Each context
    fails the test at the end when the pointer was used in it."""
    contexts: list[tuple[Any, list[str]]] = []

    def open_context(username: str | None, path: str = "/inloggen/") -> tuple[Any, KeyboardUser]:
        context, pointer = guarded_context(browser, server)
        contexts.append((context, pointer))
        page = context.new_page()
        user = KeyboardUser(page)
        user.address(path if path.startswith("http") else server + path)
        assert_accessible(page)
        if username is not None:
            keyboard_login(page, user, username)
        return page, user

    yield open_context
    used = [event for context, pointer in contexts for event in pointer]
    for context, _ in contexts:
        context.close()
    assert not used, f"a keyboard journey used the pointer: {used}"


def keyboard_login(page, user: KeyboardUser, username: str) -> None:
    """The login page by keyboard: name, Tab, password, Enter; then the authenticator app's key read from
    the page and the current code typed."""
    from django_otp.oath import totp

    user.type(page.get_by_label("Gebruikersnaam"), username)
    user.type(page.get_by_label("Wachtwoord"), PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    assert_accessible(page)
    if "/tweestaps/" not in page.url:
        return
    secret = page.locator("#totp-secret").inner_text()
    user.type(page.get_by_label("Code uit de authenticator-app"), f"{totp(base64.b32decode(secret)):06d}")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/tweestaps/" not in url and "/inloggen/" not in url)
    assert_accessible(page)


def test_professional_signal_to_closure_by_keyboard(as_keyboard_user):
    """The regisseur's whole journey: a signal → intake → exploration → a plan with a goal and an action,
    agreed → the action done → a progress review → closure, with a form's errors read and mended on the way."""
    from playwright.sync_api import expect

    today = timezone.localdate()
    page, user = as_keyboard_user(PROFESSIONAL)
    expect(page.get_by_role("heading", name="Mijn caseload")).to_be_visible()

    user.activate(page.get_by_role("link", name="Nieuwe melding").first)
    expect(page.get_by_label("BSN van de inwoner")).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Melding registreren"))  # sent empty: the errors are announced
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    user.type(page.get_by_label("BSN van de inwoner"), "999999862")
    user.type(page.get_by_label("Voornamen"), "Kees")
    user.type(page.get_by_label("Geslachtsnaam"), "Testtoetsenbord")
    user.type(page.get_by_label("Postcode"), "9999ZZ")
    user.type(page.get_by_label("Huisnummer"), "5")
    user.choose(page.get_by_label("Bron"), "Huisarts")
    user.choose(page.get_by_label("Urgentie"), "Hoog")
    user.type(page.get_by_label("Omschrijving van de vraag of zorg"), "Vader raakt het overzicht over de post kwijt.")
    user.activate(page.get_by_role("button", name="Melding registreren"))
    expect(page.get_by_text("is geregistreerd")).to_be_visible()
    assert_accessible(page)

    user.pick(page.get_by_label("Intake: traject gestart"))
    user.activate(page.get_by_role("button", name="Triage vastleggen"))
    expect(page.get_by_role("heading", name="Huishouden Testtoetsenbord")).to_be_visible()
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Verkenning vastleggen"))
    user.type(page.get_by_label("Samenvatting en hulpvraag"), "Hulp bij de administratie")
    finances = page.locator("details", has_text="Financiën")
    user.activate(finances.locator("summary"))
    user.type(finances.get_by_label("Situatie"), "Post blijft liggen")
    user.choose(finances.get_by_label("Zelfredzaamheid"), re.compile("^2"))
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Verkenning vastleggen"))
    expect(page.get_by_text("De verkenning is vastgelegd")).to_be_visible()
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Plan maken"))
    user.activate(page.get_by_role("button", name="Plan maken"))
    expect(page.get_by_role("button", name="Doel toevoegen")).to_be_visible()
    assert_accessible(page)
    user.choose(page.get_by_label("Leefdomein"), "Financiën")
    user.type(page.get_by_label("Afgesproken resultaat"), "Post wordt wekelijks samen geopend")
    user.date(page.get_by_label("Te bereiken op"), today + dt.timedelta(days=60))
    user.activate(page.get_by_role("button", name="Doel toevoegen"))
    expect(page.get_by_text("Het doel is toegevoegd")).to_be_visible()
    user.activate(page.locator("summary", has_text="Actie toevoegen").first)
    form = page.locator("form[action*='/acties/nieuw/']").first
    user.type(form.get_by_label("Actie"), "Samen post openen")
    user.choose(form.get_by_label("Wie"), "Netwerk")
    user.type(form.get_by_label("Naam netwerk"), "Buurman")
    user.date(form.get_by_label("Uiterlijk op"), today + dt.timedelta(days=14))
    user.activate(form.get_by_role("button", name="Actie toevoegen"))
    expect(page.get_by_text("De actie is toegevoegd")).to_be_visible()
    assert_accessible(page)
    user.choose(page.get_by_label("Wijze van akkoord"), "Mondeling akkoord in gesprek")
    user.activate(page.get_by_role("button", name="Plan is afgesproken"))
    expect(page.get_by_text("is afgesproken met het huishouden")).to_be_visible()
    assert_accessible(page)

    # the action done, in place on the plan page
    user.activate(page.get_by_role("link", name="Plan openen"))
    user.choose(page.get_by_label("Status van actie Samen post openen"), "Gedaan")
    user.activate(page.get_by_role("button", name="Wijzig"))
    expect(page.get_by_role("status").filter(has_text="Samen post openen")).to_have_text(
        "Actie 'Samen post openen': Gedaan."
    )
    assert_accessible(page)
    user.activate(page.get_by_role("link", name="Huishouden Testtoetsenbord"))
    expect(page.get_by_role("heading", name="Huishouden Testtoetsenbord")).to_be_visible()

    user.activate(page.get_by_role("link", name="Voortgangsbespreking"))
    user.choose(page.get_by_label("Resultaat"), "Bereikt")
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Bespreking vastleggen"))
    expect(page.get_by_text("De voortgangsbespreking is vastgelegd")).to_be_visible()

    user.activate(page.get_by_role("link", name="Traject afsluiten"))
    user.choose(page.get_by_label("Reden afsluiting"), re.compile("[Dd]oelen bereikt"))
    user.choose(page.get_by_label("Resultaat (Selectielijst)"), "Plan van aanpak Wmo cliënt vastgesteld (15 jaar)")
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("Het traject is afgesloten")).to_be_visible()
    assert_accessible(page)


def test_partner_gives_referral_feedback_and_reports_a_worry_by_keyboard(as_keyboard_user, open_as):  # noqa: F811
    """The welfare organisation's worker: accepts a referral, reports the start, gives feedback and closes
    it; then reports a worry about another resident and finds it under her signals by its reference."""
    from playwright.sync_api import expect

    regisseur = open_as("professional")  # what the partner needs: a referral sent to her organisation
    household_url = open_case_with_agreed_plan(regisseur, bsn="999999850", first_name="Sanne", surname="Testpartner")
    send_referral_on_consent(regisseur, household_url, resident="Sanne Testpartner")
    regisseur.close()

    page, user = as_keyboard_user("welzijn")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Verwijzingen"))
    user.activate(page.get_by_role("link", name="Sanne Testpartner"))
    expect(page.get_by_role("heading", name="Verwijzing naar Formulierenspreekuur")).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Accepteren"))
    expect(page.get_by_text(re.compile("^Vastgelegd: de verwijzing naar .* is nu ‘geaccepteerd’"))).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Gekomen: ondersteuning gestart"))
    expect(page.get_by_role("heading", name="Afronden met terugkoppeling")).to_be_visible()
    assert_accessible(page)
    user.pick(page.get_by_role("radio", name="Ja", exact=True))
    user.type(page.get_by_label("Terugkoppeling", exact=True), "Twee keer geweest; de formulieren zijn ingevuld.")
    user.activate(page.get_by_role("button", name="Terugkoppelen en afronden"))
    expect(page.locator(".facts")).to_contain_text("Inwoner gekomen; geholpen: ja")
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Melding doen"))
    expect(page.get_by_role("heading", name="Melding doen bij de Toegang")).to_be_visible()
    user.activate(page.get_by_role("button", name="Melding versturen"))  # sent empty: what is missing, named
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    user.type(page.get_by_label("Voornamen"), "Ilse")
    user.type(page.get_by_label("Geslachtsnaam"), "Testzorgtoets")
    user.type(page.get_by_label("Postcode"), "9999ZZ")
    user.type(page.get_by_label("Huisnummer"), "7")
    user.choose(page.get_by_label("Urgentie"), "Normaal")
    user.type(page.get_by_label("Wat is er aan de hand?"), "Ilse komt niet meer naar het spreekuur.")
    user.type(page.get_by_label("Hoe bereikt de Toegang u?"), "noor.visser@example.org")
    user.activate(page.get_by_role("button", name="Melding versturen"))
    expect(page.get_by_role("heading", name="Melding ontvangen")).to_be_visible()
    reference = re.search(r"M-\d+", page.get_by_role("status").filter(has_text="kenmerk").inner_text()).group(0)
    assert_accessible(page)
    user.activate(page.get_by_role("link", name="Mijn meldingen").first)
    expect(page.get_by_role("row").filter(has_text=reference)).to_have_count(1)
    assert_accessible(page)


def test_resident_uses_the_portal_by_keyboard(as_keyboard_user):
    """A parent logs in through the DigiD simulator, gives and withdraws consent, passes on a question,
    sees who looked, downloads everything held, acts for the child and logs out."""
    from playwright.sync_api import expect

    page, user = as_keyboard_user(None, "/mijn/")
    user.activate(page.get_by_role("link", name="Inloggen met DigiD"))
    expect(page.get_by_role("heading", name="DigiD-simulatie")).to_be_visible()
    assert_accessible(page)
    bsn = re.search(r"\d{9}", page.locator("li", has_text="ouder met gezag").first.inner_text()).group(0)
    user.type(page.get_by_label("Burgerservicenummer"), bsn)
    user.pick(page.get_by_role("radio", name=re.compile("Substantieel")))
    user.activate(page.get_by_role("button", name="Inloggen"))
    expect(page.get_by_role("heading", name="Voor wie handelt u?")).to_be_visible()
    assert_accessible(page)
    child = page.locator("main li", has_text="U bent ouder met gezag").get_by_role("link").inner_text()
    user.activate(page.get_by_role("link", name=re.compile("^Uzelf")))
    expect(page.get_by_role("heading", name="Mijn overzicht")).to_be_visible()
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Toestemmingen"))
    purpose = page.get_by_label("Waarvoor")
    user.choose(purpose, value=purpose.locator("option").nth(1).get_attribute("value"))
    user.toggle(page.get_by_label("Ondersteuningsplan en voortgang"))
    user.toggle(page.locator("fieldset", has_text="Met welke organisaties").get_by_role("checkbox").first)
    user.activate(page.get_by_role("button", name="Toestemming geven"))
    expect(page.get_by_text("Uw toestemming is vastgelegd.")).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("button", name=re.compile("^Intrekken")).first)
    expect(page.get_by_text("Uw toestemming is ingetrokken.")).to_be_visible()

    user.activate(page.get_by_role("link", name="Hulpvraag doorgeven"))
    user.type(page.get_by_label("Waar heeft u hulp bij nodig?"), "Ik zoek hulp bij het invullen van formulieren.")
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Versturen"))
    expect(page.get_by_text("Uw melding is ontvangen.")).to_be_visible()

    user.activate(page.get_by_role("link", name="Wie bekeek mijn gegevens"))
    expect(page.locator("td", has_text="Uzelf, via dit portaal").first).to_be_visible()
    assert_accessible(page)
    name = user.download(page.get_by_role("link", name="Al mijn gegevens (PDF)")).suggested_filename
    assert re.fullmatch(rf"inzage-[a-z]+-{timezone.localdate():%Y-%m-%d}\.pdf", name), name  # whose, and when

    user.activate(page.get_by_role("link", name="Voor wie handelt u"))
    user.activate(page.get_by_role("link", name=child))
    expect(page.get_by_text(f"U handelt voor {child}")).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("button", name="Uitloggen"))
    expect(page.get_by_role("link", name="Inloggen met DigiD")).to_be_visible()


def test_privacy_officer_reviews_break_the_glass_and_reads_the_access_log_by_keyboard(as_keyboard_user, open_as):  # noqa: F811
    """A neighbouring team's professional opened a household with break-the-glass; the privacy officer finds
    it under the messages, reviews it, and reads who saw the person."""
    from playwright.sync_api import expect

    regisseur = open_as("professional")  # what the officer needs: a household opened in an emergency
    open_case_with_agreed_plan(regisseur, bsn="999999849", first_name="Joost", surname="Testnoodtoets")
    regisseur.close()
    other = open_as("buurteam")
    break_the_glass(other, bsn="999999849", surname="Testnoodtoets")
    other.close()

    page, user = as_keyboard_user("privacy")
    user.activate(page.get_by_role("link", name="Berichten"))
    expect(page.get_by_text(re.compile("Kuipers")).first).to_be_visible()
    assert_accessible(page)
    user.activate(page.get_by_role("link", name="Noodtoegang beoordelen"))
    review = page.locator("article", has_text="Huishouden Testnoodtoets")
    expect(review).to_contain_text("Acute zorgen gemeld door de huisarts")
    user.pick(review.get_by_role("radio", name="Terecht", exact=True))
    user.type(review.get_by_label(re.compile("Toelichting")), "Terecht: de huisarts meldde acute zorgen.")
    user.activate(review.get_by_role("button", name="Oordeel vastleggen"))
    expect(page.locator("li", has_text="Huishouden Testnoodtoets")).to_contain_text("Terecht")
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Wie zag persoon X"))
    user.type(page.get_by_label("BSN van de inwoner"), "999999849")
    user.activate(page.get_by_role("button", name="Toon logregels"))
    expect(page.locator("tbody tr", has_text="buurteam").first).to_be_visible()
    expect(page.locator("tbody tr", has=page.locator(".badge--urgent")).first).to_be_visible()
    assert_accessible(page)


def test_manager_reads_the_dashboards_and_exports_by_keyboard(as_keyboard_user):
    """The manager opens the board from the menu, chooses this year, downloads the CSV, and goes on to the
    municipal client's board and the indicator catalogue."""
    from playwright.sync_api import expect

    year = str(timezone.localdate().year)
    page, user = as_keyboard_user("manager")
    user.activate(page.get_by_role("link", name="Sturing", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard manager Toegang")
    user.choose(page.get_by_label("Periode"), value=year)
    user.activate(page.get_by_role("button", name="Tonen"))
    expect(page).to_have_url(re.compile(rf"/sturing/manager/\?periode={year}"))
    breakdown = page.locator("summary", has_text="Uitsplitsing").first
    user.activate(breakdown)
    expect(breakdown.locator("xpath=..")).to_have_attribute("open", "")
    assert_accessible(page)
    download = user.download(page.get_by_role("link", name="Downloaden als CSV"))
    assert download.suggested_filename == f"sturing-manager-{year}.csv"
    assert Path(download.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    user.activate(page.get_by_role("link", name="Dashboard opdrachtgever"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard opdrachtgever")
    assert_accessible(page)
    user.activate(page.get_by_role("link", name="Indicatorencatalogus"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicatorencatalogus")
    assert_accessible(page)


def test_facilitator_compares_organisation_models_to_a_council_report_by_keyboard(as_keyboard_user):
    """The functional administrator creates a project from the Delft template, adds two stakeholder groups
    with a participant each; both participants fill in their forms through their links; the facilitator
    reads the results and downloads the council report."""
    from playwright.sync_api import expect

    page, user = as_keyboard_user("beheerder")
    user.activate(page.get_by_role("link", name="Organisatiekeuze"))
    expect(page.get_by_label("Naam van het project")).to_be_visible()
    assert_accessible(page)
    user.type(page.get_by_label("Naam van het project"), "Organisatievorm Toegang (toetsenbord)")
    user.pick(page.get_by_role("radio", name=re.compile("Delft:")))
    user.activate(page.get_by_role("button", name="Project aanmaken"))
    expect(page.get_by_text("Het project is aangemaakt uit het sjabloon")).to_be_visible()
    assert_accessible(page)

    user.activate(page.get_by_role("link", name="Groepen en voortgang"))
    add = page.locator("section", has=page.get_by_role("heading", name="Groep toevoegen"))
    links = []
    for kind, weight, participant in (("Beleid", "2", "Anne Toetsproef"), ("Professionals", "1", "Bram Toetsproef")):
        user.choose(add.get_by_label("Soort"), kind)
        user.type(add.get_by_label("Groepsgewicht"), weight)
        user.type(add.get_by_label("Gewicht vastgesteld door"), "Stuurgroep, 10 maart")
        user.type(add.get_by_label("Motivering van het gewicht"), "Zo besloten in de stuurgroep.")
        user.activate(add.get_by_role("button", name="Groep toevoegen"))
        expect(page.get_by_role("heading", name=re.compile(kind)).first).to_be_visible()
        user.activate(page.locator("summary", has_text=f"Deelnemer toevoegen aan {kind}"))
        form = page.locator("details[open] form")
        user.type(form.get_by_label("Naam"), participant)
        user.activate(form.get_by_role("button", name="Deelnemer toevoegen"))
        message = page.get_by_role("status").filter(has_text=f"{participant} is toegevoegd")
        links.append(re.search(r"https?://\S+/inbreng/[^/\s]+/", message.inner_text()).group(0))
    assert_accessible(page)

    answers = (
        ["2", "2", "4", "0", "0", "2", "-2", "2", "-2", "-2"],
        ["-2", "0", "2", "2", "4", "4", "4", "0", "2", "2"],
    )
    for link, pairs in zip(links, answers, strict=True):
        form_page, participant = as_keyboard_user(None, link)
        rows = form_page.locator("fieldset.saaty")
        for i, value in enumerate(pairs):
            participant.pick(rows.nth(i).locator(f"input[value='{value}']"))
        scores = form_page.locator("select[name^='score_']")
        for i in range(scores.count()):
            participant.choose(scores.nth(i), value=str(2 + i % 4))
        participant.activate(form_page.get_by_role("button", name="Inbreng opslaan"))
        expect(form_page.get_by_text("Uw inbreng is opgeslagen")).to_be_visible()
        assert_accessible(form_page)

    user.activate(page.get_by_role("link", name="Resultaten"))
    expect(page.get_by_text(re.compile("staat '.+' bovenaan"))).to_be_visible()
    assert_accessible(page)
    report = user.download(page.get_by_role("link", name="Raadsrapportage downloaden (pdf)"))
    assert Path(report.path()).read_bytes().startswith(b"%PDF")


def test_the_pointer_guard_notices_a_click(server, browser):  # noqa: F811
    """The guard the journeys rely on reports a mouse click (and a keyboard action is not one)."""
    context, pointer = guarded_context(browser, server)
    page = context.new_page()
    page.goto(server + "/inloggen/")
    assert_accessible(page)
    KeyboardUser(page).activate(page.get_by_role("link", name="Toegang", exact=True))  # on to a new document
    page.wait_for_load_state()
    assert pointer == []
    page.get_by_label("Gebruikersnaam").click()
    assert pointer[:2] == [f"pointerdown op {page.url}", f"mousedown op {page.url}"]
    context.close()


def test_a_focus_that_does_not_show_fails_the_journey(server, browser):  # noqa: F811
    """KeyboardUser checks WCAG 2.4.7 at every stop: with the focus ring styled away, reaching a field fails."""
    context = browser.new_context(base_url=server, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/inloggen/")
    assert_accessible(page)
    user = KeyboardUser(page)
    user.to(page.get_by_label("Gebruikersnaam"))  # the application's own focus ring shows
    page.add_style_tag(content="*:focus-visible { outline: none !important; box-shadow: none !important; }")
    with pytest.raises(AssertionError, match="the focus does not show"):
        user.to(page.get_by_label("Wachtwoord"))
    context.close()


FORBIDDEN = {
    "click",
    "dblclick",
    "tap",
    "hover",
    "fill",
    "clear",
    "check",
    "uncheck",
    "set_checked",
    "select_option",
    "select_text",
    "focus",
    "blur",
    "set_input_files",
    "dispatch_event",
    "drag_to",
    "press_sequentially",
}


def test_the_keyboard_journeys_use_no_mouse():
    """The journeys above act only through `KeyboardUser`: no direct element action, no navigation and no
    script outside it, and a key press goes through the keyboard (Locator.press would first focus the
    element the way a click does)."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    journeys = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.endswith("_by_keyboard")]
    assert len(journeys) >= 6, [node.name for node in journeys]
    wrong = []
    for journey in journeys:
        for node in ast.walk(journey):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, owner = node.func.attr, node.func.value
            through_keyboard = isinstance(owner, ast.Attribute) and owner.attr == "keyboard"
            if (
                name in FORBIDDEN
                or name in {"goto", "evaluate", "reload", "go_back"}
                or (name in {"press", "type", "insert_text"} and not through_keyboard and not _is_user(owner))
            ):
                wrong.append(f"{journey.name}, regel {node.lineno}: .{name}()")
    assert not wrong, wrong


def _is_user(owner: ast.expr) -> bool:
    return isinstance(owner, ast.Name) and owner.id == "user"
