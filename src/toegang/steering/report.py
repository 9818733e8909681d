"""The management report of a period as a PDF (common/pdf.py's ``Document``): the P&C report from the Toegang to
the municipality, usable as the report of a separate organisation to its owner and client. Every
number is small-cell protected (it leaves the system); the figures are those of the dashboard."""

from __future__ import annotations

import datetime as dt

from toegang.common.pdf import FONT, Document
from toegang.steering import selectors
from toegang.steering.disclosure import SMALL


def management_report(
    *,
    municipality: str,
    rows: list[selectors.Row],
    filters: selectors.Filters,
    lag: str,
    made_on: dt.date,
    shown: dict[int, tuple[str, str]],
) -> bytes:
    """``shown`` holds per indicator id the protected value now and in the previous period (the view
    computes them with the same function as the exports)."""
    period = filters.period
    pdf = Document()
    title = (
        f"Kwartaalrapportage Toegang – {period.label}"
        if period.kind == "kwartaal"
        else (f"Rapportage Toegang – {period.label}")
    )
    pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, f"Gemeente {municipality}. Opgesteld op {made_on:%d-%m-%Y}. {lag}",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    pdf.set_font(FONT, "I", 8)
    pdf.multi_cell(
        0,
        4,
        f"Aantallen onder {SMALL} staan als <{SMALL}; andere aantallen zijn naar beneden afgerond op "
        "vijftallen; percentages en gemiddelden over minder dan vijf gevallen zijn weggelaten; x: niet "
        "getoond, omdat anders een klein aantal in een uitsplitsing te herleiden zou zijn. Definities en "
        "bronnen staan in de bijlage.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    groups: list[tuple[str, list[selectors.Row]]] = []
    for row in rows:
        label = str(row.indicator.get_group_display())
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(row)
    for label, members in groups:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.cell(0, 7, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        with pdf.table(col_widths=(92, 30, 30, 28), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
            table.row(["Indicator", period.label, period.previous().label, "Norm"])
            for row in members:
                now, before = shown.get(row.indicator.pk, ("", ""))
                name = row.indicator.name if not row.now.note else f"{row.indicator.name} ({row.now.note})"
                cells = (name, now, before, selectors.norm_label(row.norm) or "-")
                table.row(list(cells))
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, "Bijlage: definities en bronnen", new_x="LMARGIN", new_y="NEXT")
    for row in rows:
        indicator = row.indicator
        pdf.set_font(FONT, "B", 9)
        pdf.multi_cell(0, 5, indicator.name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        text = f"{indicator.definition} Berekening: {indicator.formula}"
        if indicator.reference:
            text += f" Bron: {indicator.reference}."
        pdf.multi_cell(0, 4, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
