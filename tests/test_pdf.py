"""The PDFs print every name: Source Sans Pro is embedded (common/pdf.py), so "Şükrü Yıldız", "€ 2.500" and
"’s-Hertogenbosch" come out as typed, in the inzage export (the resident's and the privacy officer's) and the
decision letter. The text is read back through each font's ToUnicode map, and each of those characters is
proved to be drawn: the embedded subset holds, for its code, the same outline as the font file's glyph.
The inzage's access log words a row as the portal's log page does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from fontTools.ttLib import TTFont

from tests.pdf_support import embedded_glyphs, outline, pdf_text, pieces
from tests.test_decisions import hbh
from toegang.cases import services as case_services
from toegang.cases.models import Trajectory
from toegang.common import pdf as common_pdf
from toegang.common.dates import today
from toegang.people import services as people_services
from toegang.people.models import Membership, Person
from toegang.portal import services as portal_services
from toegang.privacy import rights
from toegang.procedures import decisions
from toegang.procedures import services as procedure_services
from toegang.procedures.models import ProductCategory
from toegang.signals import services as signal_services

NAME = "Şükrü Doğan Yıldız"
CITY = "’s-Hertogenbosch"
STREET = "Van ’t Hoffstraat"
WORRY = "Huurachterstand van € 2.500 sinds ‘de verhuizing’; “graag snel” contact."
# Latin Extended-A, the euro sign and the typographic quotes; each must be drawn with its own glyph
MUST_DRAW = "Şüığ€’‘“”"


@pytest.fixture
def resident(world) -> Person:
    """A resident with a Turkish name, living in ’s-Hertogenbosch, in a trajectory, with a melding."""
    household = people_services.create_household(
        actor=world.professional, area=world.area, name="Huishouden Yıldız", postcode="5211AB", huisnummer="3"
    )
    person = people_services.register_person(
        actor=world.professional,
        bsn="999990020",
        voornamen="Şükrü Doğan",
        geslachtsnaam="Yıldız",
        geboortedatum=dt.date(1981, 3, 4),
        straat=STREET,
        huisnummer="3",
        postcode="5211AB",
        woonplaats=CITY,
    )
    people_services.add_member(
        actor=world.professional,
        household=household,
        person=person,
        role=Membership.Role.PARENT,
        start_date=today() - dt.timedelta(days=400),
    )
    case_services.start_trajectory(
        actor=world.professional,
        household=household,
        team=world.team,
        regisseur=world.professional,
        started_on=today() - dt.timedelta(days=100),
    )
    signal_services.register_signal(
        actor=world.professional,
        team=world.team,
        source="zelfmelder",
        channel="telefoon",
        received_on=today() - dt.timedelta(days=120),
        description=WORRY,
        persons=[person],
    )
    return person


def resident_client(person: Person) -> Client:
    client = Client()
    client.force_login(portal_services.resident_account(bsn=person.bsn))
    return client


def assert_drawn(pdf: bytes, characters: str) -> None:
    """Each character has a glyph in an embedded subset, with the outline Source Sans Pro draws it with."""
    embedded = embedded_glyphs(pdf)
    originals: dict[str, TTFont] = {}
    for char in characters:
        assert char in embedded, f"{char!r} is not in any embedded font"
        for glyph in embedded[char]:
            style = next(s for s, f in common_pdf.FONT_FILES.items() if glyph.font == _base_font(f))
            source = originals.setdefault(style, TTFont(common_pdf.FONT_DIRECTORY / common_pdf.FONT_FILES[style]))
            expected = outline(source, source.getBestCmap()[ord(char)])
            assert glyph.outline == expected and expected, f"{char!r} in {glyph.font} is not its own glyph"


def _base_font(file_name: str) -> str:
    return {"Regular": "SourceSansPro", "Bold": "SourceSansProBold", "It": "SourceSansProItalic"}.get(
        file_name.removeprefix("SourceSansPro-").removesuffix(".ttf"), "SourceSansProBoldItalic"
    )


def test_the_residents_inzage_prints_every_character_and_their_own_rows_as_the_portal_does(world, resident):
    client = resident_client(resident)
    assert client.get(reverse("portal-person", args=[resident.pk])).status_code == 200  # logged: the resident read
    log_page = client.get(reverse("portal-access-log", args=[resident.pk])).content.decode()
    assert "Uzelf, via dit portaal" in log_page and "Inwoner (portaal" not in log_page
    response = client.get(reverse("portal-export", args=[resident.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Voornamen: Şükrü Doğan" in text and "Geslachtsnaam: Yıldız" in text
    assert f"Adres: {STREET} 3 5211AB {CITY}" in text
    assert WORRY in text and "Huishouden Yıldız" in text
    assert_drawn(response.content, MUST_DRAW)
    # the access log: the resident's own rows say "Uzelf, via dit portaal", as the log page; no empty
    # organisation, no internal role
    log = text.split("Wie heeft uw gegevens bekeken of gewijzigd")[1]
    assert " - Uzelf, via dit portaal: Ingezien portaal: overzicht" in log
    assert "(," not in log and "Inwoner (portaal" not in log and "DigiD" not in log
    # a professional's row names them and their organisation
    assert f" - {world.professional} ({world.professional.organisation.name}): Aangemaakt persoon" in log


def test_the_privacy_officers_inzage_export_prints_the_name_and_says_a_resident_looked(client, world, resident):
    resident_client(resident).get(reverse("portal-person", args=[resident.pk]))
    request = rights.register_request(actor=world.privacy, bsn=resident.bsn, kind="inzage", received_on=today())
    client.force_login(world.privacy)
    response = client.get(reverse("rights-export", args=[request.pk, "pdf"]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Voornamen: Şükrü Doğan" in text and CITY in text
    log = text.split("Wie heeft uw gegevens bekeken of gewijzigd")[1]
    assert " - Een inwoner via het portaal: Ingezien portaal: overzicht" in log and "Uzelf" not in log
    assert_drawn(response.content, "Şüığ’")


def test_the_decision_letter_prints_the_name_the_amount_and_the_quotes(world, resident):
    trajectory = Trajectory.objects.get(household__memberships__person=resident)
    proc = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=resident, law="wmo", reported_on=today()
    )
    proc = procedure_services.record_step(actor=world.professional, procedure=proc, step="application_on", day=today())
    decision = decisions.draft_decision(
        actor=world.professional,
        procedure=proc,
        outcome="toegekend",
        reasoning="U krijgt een budget voor ’t aanpassen van uw woning; de ‘keukentafel’ gaf “duidelijkheid”.",
    )
    hbh(
        world,
        decision,
        None,
        category=ProductCategory.objects.get(law="wmo", code="13"),
        volume=None,
        unit="",
        frequency="",
        budget_cents=250_000,
        delivery="pgb",
        provider=None,
    )
    decision = decisions.submit(actor=world.professional, decision=decision)
    decisions.send(actor=world.professional, decision=decision, on=today())
    response = resident_client(resident).get(reverse("portal-decision-letter", args=[resident.pk, decision.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert f"Geachte {NAME}," in text and f"{NAME} {STREET} 3 5211AB {CITY}" in text
    assert "budget € 2.500,00" in text and "EUR" not in text
    assert "’t aanpassen" in text and "de ‘keukentafel’ gaf “duidelijkheid”" in text
    assert_drawn(response.content, MUST_DRAW)
    bold = {piece.text for line in pieces(response.content) for piece in line if piece.font == "SourceSansProBold"}
    assert "Waarom wij zo besluiten" in bold and f"Geachte {NAME}," not in bold


def test_what_no_face_has_is_written_with_what_they_have():
    assert common_pdf.printable("Şükrü Yıldız ’t € 2.500 Юлия") == "Şükrü Yıldız ’t € 2.500 Юлия"
    assert common_pdf.printable("S\u0327u\u0308kru\u0308") == "Şükrü"  # typed decomposed: one glyph each
    assert common_pdf.printable("A ↔ B") == "A <-> B"
    assert common_pdf.printable("ǅ ſ a\u200bb") == "Dž s ab"  # compatibility forms; a zero-width space is nothing
    assert common_pdf.printable("中 😀") == "? ?"  # no face has them and nothing stands in


def test_italic_text_borrows_what_the_italics_lack_and_stays_italic():
    document = common_pdf.Document()
    document.add_page()
    document.set_font(common_pdf.FONT, "I", 10)
    document.multi_cell(0, 5, "Ĳsselmonde en Юлия", new_x="LMARGIN", new_y="NEXT")
    document.multi_cell(0, 5, "daarna cursief", new_x="LMARGIN", new_y="NEXT")
    first, second = pieces(bytes(document.output()))
    assert [(p.text, p.font) for p in first] == [
        ("Ĳ", "SourceSansPro"),
        ("sselmonde en ", "SourceSansProItalic"),
        ("Юлия", "SourceSansPro"),
    ]
    assert [(p.text, p.font) for p in second] == [("daarna cursief", "SourceSansProItalic")]


def test_documents_made_at_the_same_time_do_not_write_into_each_other():
    """A reviewer found faces shared between documents (a per-process cache) leaving fpdf2's font descriptor
    shared too: PDFs made at once in threads (the threaded server, the job runner) pointed at each other's
    font streams or failed. Each document now reads its own faces; at once or one by one, the bytes agree."""
    import sys
    import threading

    def make(n: int) -> bytes:
        document = common_pdf.Document()
        document.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        for page in range(1 + n * 2):  # documents of different sizes: their objects get different numbers
            document.add_page()
            document.set_font(common_pdf.FONT, "B" if page % 2 else "", 11)
            document.multi_cell(0, 5, f"{n}.{page}: Geachte {NAME}, € 2.500 voor ’t huis in {CITY}.", new_x="LMARGIN")
        return bytes(document.output())

    one_by_one = {n: make(n) for n in range(4)}
    differing: list[int] = []
    failed: list[Exception] = []

    def run(n: int) -> None:
        for _ in range(15):
            try:
                if make(n) != one_by_one[n]:
                    differing.append(n)
            except Exception as error:  # noqa: BLE001 - reported below
                failed.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that their writes interleave
    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        sys.setswitchinterval(interval)
    assert not failed and not differing, (failed[:1], len(differing))
    assert_drawn(one_by_one[0], "Şüığ€’")
