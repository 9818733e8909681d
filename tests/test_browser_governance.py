"""Issue 8, "Done when": a facilitator runs the Delft and the Deventer template end to end in a real browser
(Debian's chromium through Playwright, against a real server process on its own database): create the project
from the template, add stakeholder groups and participants, the participants fill in their forms through their
personal links (no login), the facilitator sees the results and downloads the council report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_browser import assert_accessible, browser, open_as, server, tab_to  # noqa: F401 - the browser journey's fixtures
from tests.test_browser import shot as _shot

pytestmark = pytest.mark.browser

FACILITATOR = "beheerder"  # the demo's functional administrator (no authenticator app needed for this role)


def shot(page, name: str) -> None:
    """A screenshot of the page, after axe-core found no WCAG 2.1 AA violation on it."""
    assert_accessible(page)
    _shot(page, f"governance-{name}")


def add_group(page, *, kind: str, weight: str, decided_by: str, reason: str) -> None:
    section = page.locator("section", has=page.get_by_role("heading", name="Groep toevoegen"))
    section.get_by_label("Soort").select_option(label=kind)
    section.get_by_label("Groepsgewicht").fill(weight)
    section.get_by_label("Gewicht vastgesteld door").fill(decided_by)
    section.get_by_label("Motivering van het gewicht").fill(reason)
    section.get_by_role("button", name="Groep toevoegen").click()
    page.get_by_role("heading", name=re.compile(re.escape(kind))).first.wait_for()


def add_participant(page, *, group: str, name: str, email: str) -> str:
    """Adds a participant and returns the personal link the page shows once."""
    from playwright.sync_api import expect

    page.locator("summary", has_text=f"Deelnemer toevoegen aan {group}").click()
    form = page.locator("details[open] form")
    form.get_by_label("Naam").fill(name)
    form.get_by_label("E-mailadres").fill(email)
    form.get_by_role("button", name="Deelnemer toevoegen").click()
    message = page.get_by_role("status").filter(has_text=f"{name} is toegevoegd")
    expect(message).to_be_visible()
    return re.search(r"https?://\S+/inbreng/[^/\s]+/", message.inner_text()).group(0)


def fill_in(
    chromium,
    link: str,
    *,
    pairs: list[str] | None = None,
    points: list[str] | None = None,
    scores: list[str],
    screenshot: str = "",
) -> None:
    """As the participant, in a browser context without any login: open the link, judge, save."""
    from playwright.sync_api import expect

    context = chromium.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile("Uw inbreng"))).to_be_visible()
    assert_accessible(page)
    rows = page.locator("fieldset.saaty")
    for i, value in enumerate(pairs or []):
        rows.nth(i).locator(f"input[value='{value}']").check()
    for i, value in enumerate(points or []):
        page.locator("input[name^='weight_']").nth(i).fill(value)
    selects = page.locator("select[name^='score_']")
    for i in range(selects.count()):
        selects.nth(i).select_option(scores[i % len(scores)])
    page.get_by_role("button", name="Inbreng opslaan").click()
    expect(page.get_by_text("Uw inbreng is opgeslagen")).to_be_visible()
    if pairs:
        expect(page.get_by_text("Uw consistentieratio (CR)")).to_be_visible()
    assert_accessible(page)
    if screenshot:
        shot(page, screenshot)
    context.close()


def create_project(page, base: str, *, name: str, template: str) -> str:
    from playwright.sync_api import expect

    page.goto(base + "/organisatiekeuze/")
    shot(page, "00-projects")
    page.get_by_label("Naam van het project").fill(name)
    page.get_by_role("radio", name=re.compile(f"{template}:")).check()
    page.get_by_role("button", name="Project aanmaken").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("Het project is aangemaakt uit het sjabloon")).to_be_visible()
    assert_accessible(page)
    return page.url


def results_and_report(page, *, winner_expected: bool = True) -> bytes:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Resultaten").click()
    expect(page.get_by_role("heading", name="Uitkomst")).to_be_visible()
    expect(page.get_by_text(re.compile("staat '.+' bovenaan"))).to_be_visible()
    expect(page.get_by_role("heading", name="Winnaar per groep")).to_be_visible()
    expect(page.get_by_text("Kendall's W", exact=False)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Raadsrapportage downloaden (pdf)").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert info.value.suggested_filename.startswith("raadsrapportage-organisatiekeuze-")
    return data


def test_a_facilitator_runs_the_delft_template_end_to_end(server, open_as, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_as(FACILITATOR)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    create_project(page, server, name="Organisatievorm Toegang (Delft)", template="Delft")
    # the steering switch is on: in-house and the joint arrangement are not admissible
    expect(page.get_by_text("valt af: gemeente stuurt op het wat").first).to_be_visible()
    # an edit in place, a principle of phase 2, with the keyboard only
    summary = page.locator("summary", has_text="Principe toevoegen")
    tab_to(page, summary, limit=200)
    page.keyboard.press("Enter")  # opens the details
    form = page.locator("details[open] form")
    tab_to(page, form.get_by_label("Principe", exact=True), limit=3)
    page.keyboard.type("Eén huishouden, één plan, één contactpersoon")
    tab_to(page, form.get_by_label("Herkomst"), limit=3)
    page.keyboard.type("Vergelijking met vergelijkbare gemeenten")
    tab_to(page, form.get_by_role("button", name="Principe toevoegen"), limit=5)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Het principe is toegevoegd")).to_be_visible()
    shot(page, "01-project-delft")

    page.get_by_role("link", name="Groepen en voortgang").click()
    page.get_by_role("heading", name="Groep toevoegen").wait_for()
    assert_accessible(page)
    # sent empty, the page says what is missing
    page.locator("section", has=page.get_by_role("heading", name="Groep toevoegen")).get_by_role(
        "button", name="Groep toevoegen"
    ).click()
    expect(page.get_by_role("status").locator("li.error").first).to_be_visible()
    assert_accessible(page)
    add_group(
        page,
        kind="Beleid",
        weight="2",
        decided_by="Stuurgroep, 10 maart",
        reason="Beleid weegt zwaarder: het besluit ligt bij het college.",
    )
    add_group(
        page,
        kind="Professionals",
        weight="1",
        decided_by="Stuurgroep, 10 maart",
        reason="Uitvoering is één stem naast beleid.",
    )
    link_policy = add_participant(page, group="Beleid", name="Anne Beleidsproef", email="anne@example.org")
    link_pro = add_participant(page, group="Professionals", name="Bram Praktijkproef", email="")
    shot(page, "02-groups")

    # ten pairs of five criteria; policy favours room for professionals, the professionals integrality
    fill_in(
        browser,
        link_policy,
        pairs=["2", "2", "4", "0", "0", "2", "-2", "2", "-2", "-2"],
        scores=["4", "3", "5", "2"],
        screenshot="03-participant-form",
    )
    fill_in(browser, link_pro, pairs=["-2", "0", "2", "2", "4", "4", "4", "0", "2", "2"], scores=["2", "5", "3", "4"])

    page.reload()
    expect(page.get_by_text("2 van 2 deelnemers zijn compleet.")).to_be_visible()
    shot(page, "04-progress")
    data = results_and_report(page)
    shot(page, "05-results")
    assert len(data) > 5000
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()


def test_a_facilitator_runs_the_deventer_template_end_to_end(server, open_as, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_as(FACILITATOR)
    create_project(page, server, name="Sociale teams: vorm na het convenant (Deventer)", template="Deventer")
    expect(page.get_by_role("cell", name="Wensen medewerkers")).to_be_visible()
    page.get_by_role("link", name="Groepen en voortgang").click()
    add_group(
        page,
        kind="Medewerkers",
        weight="1",
        decided_by="College, 6 september",
        reason="Wensen van medewerkers als aparte groep.",
    )
    add_group(
        page,
        kind="Partnerorganisaties",
        weight="1",
        decided_by="College, 6 september",
        reason="De vijf convenantpartners samen.",
    )
    add_group(
        page, kind="Financiën en control", weight="1", decided_by="College, 6 september", reason="Kosten en risico's."
    )
    links = [
        add_participant(page, group="Medewerkers", name="Carla Teamproef", email=""),
        add_participant(page, group="Partnerorganisaties", name="Daan Partnerproef", email=""),
        add_participant(page, group="Financiën en control", name="Eva Controlproef", email=""),
    ]
    # points: seven criteria, 100 points each
    fill_in(
        browser,
        links[0],
        points=["20", "10", "10", "10", "10", "10", "30"],
        scores=["3", "4", "5"],
        screenshot="06-participant-points",
    )
    fill_in(browser, links[1], points=["25", "15", "15", "15", "10", "10", "10"], scores=["4", "3", "2"])
    fill_in(browser, links[2], points=["10", "10", "10", "40", "10", "15", "5"], scores=["2", "3", "4", "5"])
    page.reload()
    expect(page.get_by_text("3 van 3 deelnemers zijn compleet.")).to_be_visible()

    # the business case of one form, and the governance map of the separate entity
    page.get_by_role("link", name="Business case").click()
    page.get_by_role("link", name="Aparte juridische entiteit").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Aparte juridische entiteit").click()
    page.locator("summary", has_text="Post toevoegen").click()
    assert_accessible(page)
    form = page.locator("details[open] form")
    form.get_by_label("Blok").select_option(label="Eenmalige kosten")
    form.get_by_label("Post").select_option(label="Kwartiermaker / programmateam")
    form.get_by_label("Vanaf jaar").select_option(label="t0")
    form.get_by_label("Tot en met jaar").select_option(label="t0")
    form.get_by_label("Laag (€ per jaar)").fill("90000")
    form.get_by_label("Verwacht (€ per jaar)").fill("120000")
    form.get_by_label("Hoog (€ per jaar)").fill("180000")
    form.get_by_role("button", name="Post toevoegen").click()
    expect(page.get_by_text("De post is toegevoegd")).to_be_visible()
    expect(page.get_by_role("cell", name="€ 120.000").first).to_be_visible()
    shot(page, "07-business-case")

    page.get_by_role("link", name="Sturing en rollen").click()
    page.get_by_role("button", name="Op de kaart zetten").wait_for()
    assert_accessible(page)
    page.get_by_label("Naam", exact=True).fill("Stichting Sociale Teams")
    page.get_by_label("Vorm").select_option(label="Aparte juridische entiteit")
    page.get_by_label("Soort (BBV)").select_option(label="Stichting of vereniging")
    page.get_by_role("button", name="Op de kaart zetten").click()
    expect(page.get_by_text("standaard escalatieladder")).to_be_visible()
    assert_accessible(page)
    for role in ("Opdrachtgever", "Eigenaar"):
        page.locator("summary", has_text=f"Toewijzen: {role}").click()
        form = page.locator("details[open] form")
        form.get_by_label("Wethouder").fill("Wethouder Proef")
        form.get_by_role("button", name=re.compile("Rol toewijzen")).click()
        expect(page.get_by_text("De rol is toegewezen")).to_be_visible()
    expect(page.get_by_text("Opdrachtgever en eigenaar liggen bij dezelfde wethouder")).to_be_visible()
    expect(page.get_by_role("heading", name="Concept: paragraaf verbonden partijen")).to_be_visible()
    shot(page, "08-governance-map")

    results_and_report(page)
    page.close()
