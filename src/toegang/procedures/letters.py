"""The decision letter (beschikking) as a PDF in Dutch, with the notice of legal remedies that every
decision must carry (Awb art. 3:45) and the objection term (Awb art. 6:7, 6:8)."""

from __future__ import annotations

from toegang.common.pdf import FONT, Document
from toegang.common.templatetags.money import euros
from toegang.procedures import clocks
from toegang.procedures.models import Decision, Provision

LAW_TITLES = {
    "wmo": "Wet maatschappelijke ondersteuning 2015",
    "jeugd": "Jeugdwet",
    "pw": "Participatiewet",
}


def _amount(provision: Provision) -> str:
    if provision.budget_cents is not None:
        return "budget " + euros(provision.budget_cents)
    return f"{provision.volume} {provision.get_unit_display()} {provision.get_frequency_display()}"


def decision_pdf(decision: Decision) -> bytes:
    procedure = decision.procedure
    person = procedure.person
    municipality = procedure.trajectory.household.municipality
    day = decision.sent_on or decision.approved_at or decision.created_at
    dated = day.strftime("%d-%m-%Y") if day else ""
    pdf = Document()
    pdf.set_title(f"Beschikking {LAW_TITLES[procedure.law]}")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    if decision.status != Decision.Status.SENT:  # a concept never passes for the letter that was sent
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(180, 0, 0)
        pdf.multi_cell(
            0, 6, "CONCEPT – niet verzonden; deze beschikking is nog niet bekendgemaakt.", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, f"Gemeente {municipality.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.ln(4)
    home = person if person.straat else procedure.trajectory.household  # the person's own address, else the household's
    address = " ".join(p for p in (home.straat, home.huisnummer) if p)
    town = " ".join(p for p in (home.postcode, home.woonplaats) if p)
    for text in (person.full_name, address, town):
        if text:
            pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(0, 5, f"Datum: {dated}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"Onderwerp: beschikking {LAW_TITLES[procedure.law]}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    def paragraph(text: str, bold: bool = False) -> None:
        pdf.set_font(FONT, "B" if bold else "", 10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    application = procedure.application_on.strftime("%d-%m-%Y") if procedure.application_on else "-"
    paragraph(f"Geachte {person.full_name},")
    paragraph(f"U heeft op {application} een aanvraag gedaan. In deze brief leest u ons besluit.")
    if decision.outcome == Decision.Outcome.GRANTED:
        paragraph("Besluit: wij kennen u de volgende ondersteuning toe.", bold=True)
        for provision in decision.provisions.filter(replaces__isnull=True):  # as decided, not later changes
            period = (
                provision.start_date.strftime("%d-%m-%Y")
                + " tot en met "
                + (provision.end_date.strftime("%d-%m-%Y") if provision.end_date else "nader te bepalen")
            )
            who = (
                f"geleverd door {provision.provider.name}"
                if provision.provider
                else "als persoonsgebonden budget (pgb)"
            )
            code = f" ({provision.product_code})" if provision.product_code else ""
            paragraph(f"- {provision.category.name}{code}: {_amount(provision)}, {who}, van {period}.")
    else:
        paragraph("Besluit: wij wijzen uw aanvraag af.", bold=True)
    paragraph("Waarom wij zo besluiten", bold=True)
    paragraph(decision.reasoning)
    paragraph("Bent u het niet eens met dit besluit?", bold=True)
    window = "binnen zes weken na de datum van deze brief"
    if decision.sent_on is not None:
        window += f" (uiterlijk {clocks.objection_window_end(decision.sent_on):%d-%m-%Y})"
    paragraph(
        f"Dan kunt u {window} bezwaar maken bij het college van burgemeester en wethouders van {municipality.name}. "
        "Zet in uw bezwaarschrift uw naam en adres, de datum, een omschrijving van dit besluit, waarom u het er niet "
        "mee eens bent, en uw handtekening. Stuur een kopie van deze brief mee. Is het dringend, dan kunt u daarnaast "
        "de voorzieningenrechter van de rechtbank vragen om een voorlopige voorziening. (Algemene wet bestuursrecht, "
        "artikel 3:45, 6:4, 6:5, 6:7 en 6:8.)"
    )
    paragraph("Met vriendelijke groet,")
    paragraph(f"het college van burgemeester en wethouders van {municipality.name}")
    return bytes(pdf.output())
