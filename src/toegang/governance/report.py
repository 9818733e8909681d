"""The council report of a decision project as a PDF (fpdf2, common/pdf.py): the method statement, every input per
group, the results with charts, the sensitivity, the business case and the governance map, in Dutch.

Participants are not named: their inputs appear as "deelnemer 1, 2, ..." within their group. Every number comes
from ``analysis.results`` (that is, from ``evaluate``), ``business_case.summaries`` and the governance map."""

from __future__ import annotations

from typing import Any

from toegang.accounts.models import User
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.pdf import FONT, Document
from toegang.governance import analysis, business_case, governance_map, presentation, selectors
from toegang.governance.models import ConnectedParty, DecisionProject

W = DecisionProject.Weighting
METHOD_STATEMENT = "Verantwoording van de methode"
BLUE = (0, 86, 139)
GREY = (90, 90, 90)


class Report(Document):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.report_title = title
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "I", 7)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.report_title} - pagina {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, value: str, size: int = 13) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def para(self, value: str, size: int = 9, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, 4.6, value, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def grid(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: tuple[float, ...] | None = None,
        size: int = 8,
        align: str | None = None,
    ) -> None:
        self.set_font(FONT, "", size)
        letters = align or "L" + "R" * (len(header) - 1)  # one letter per column: L(eft) or R(ight)
        text_align = tuple("RIGHT" if letters[i : i + 1] == "R" else "LEFT" for i in range(len(header)))
        with self.table(col_widths=widths, text_align=text_align, line_height=4.2, first_row_as_headings=True) as table:
            table.row(header)
            for row in rows:
                table.row([str(c) for c in row])
        self.set_font(FONT, "", 9)
        self.ln(2)

    def bars(self, chart: presentation.Chart) -> None:
        """A horizontal bar chart drawn with rectangles and lines (whiskers: lowest to highest group)."""
        height = len(chart.bars) * 6 + 8
        if self.get_y() + height > 280:
            self.add_page()
        self.set_font(FONT, "B", 8)
        self.multi_cell(0, 4.5, chart.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 7)
        left, label_width, bar_space = self.l_margin, 55.0, 95.0
        scale = bar_space / chart.width
        y = start = self.get_y() + 1
        for bar in chart.bars:
            self.set_xy(left, y)
            self.cell(label_width - 2, 4.5, bar.label[:40])
            self.set_fill_color(*BLUE)
            if bar.width > 0:
                self.rect(left + label_width, y + 0.5, max(bar.width * scale, 0.3), 3.5, style="F")
            if bar.low is not None and bar.high is not None:
                x1 = left + label_width + (bar.low - presentation.LABEL_WIDTH) * scale
                x2 = left + label_width + (bar.high - presentation.LABEL_WIDTH) * scale
                self.set_draw_color(0, 0, 0)
                self.set_line_width(0.4)
                self.line(x1, y + 4.8, x2, y + 4.8)  # just below the bar, visible over any bar length
                self.line(x1, y + 4.2, x1, y + 5.4)
                self.line(x2, y + 4.2, x2, y + 5.4)
            self.set_xy(left + label_width + bar_space + 2, y)
            self.cell(25, 4.5, bar.shown)
            y += 6
        self.set_draw_color(0, 0, 0)
        self.line(left + label_width, start, left + label_width, y - 1.5)
        self.set_fill_color(255, 255, 255)  # tables drawn after the chart must not inherit the bar colour
        self.set_line_width(0.2)
        self.set_y(y + 2)
        self.set_font(FONT, "", 9)


def council_report(project: DecisionProject, *, municipality: str, made_by: User) -> bytes:
    title = f"Raadsrapportage organisatiekeuze Toegang: {project.name}"
    pdf = Report(title)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.para(
        f"Gemeente {municipality}. Opgesteld op {today():%d-%m-%Y} door {made_by.get_full_name() or made_by.username}. "
        f"Procesbegeleider: {project.facilitator.get_full_name() or project.facilitator.username}. "
        f"Fase: {project.get_phase_display()}. Sjabloon: {project.get_template_display()}."
    )
    if project.chosen_alternative is not None:
        pdf.para(
            f"Besluit ({project.decided_on:%d-%m-%Y}): {project.chosen_alternative.name}. {project.decision_motivation}"
            if project.decided_on
            else f"Besluit: {project.chosen_alternative.name}.",
            style="B",
        )
    shape = selectors.structure(project)
    data = analysis.judgements(project)
    try:
        outcome: analysis.Results | None = analysis.results(project, shape=shape, data=data)
        problem = None
    except DomainError as error:
        outcome, problem = None, error.message
    view = presentation.view(project, outcome) if outcome is not None else None

    _method_statement(pdf, project, shape, outcome)
    _criteria(pdf, project, shape)
    _inputs(pdf, project, shape, data)
    pdf.heading("4. Uitkomsten")
    if view is None:
        pdf.para(f"Nog geen uitkomst: {problem}")
    else:
        _results(pdf, project, view)
    _business_case(pdf, project, shape)
    _governance(pdf, project, municipality)
    return bytes(pdf.output())


def _method_statement(
    pdf: Report, project: DecisionProject, shape: selectors.Structure, outcome: analysis.Results | None
) -> None:
    pdf.heading(f"1. {METHOD_STATEMENT}")
    pdf.para(
        "De organisatievormen zijn vergeleken met multicriteria-analyse. Belanghebbenden gaven in groepen hun weging "
        "van de criteria en hun score (1 tot 5) van elk alternatief op elk criterium. Elke uitkomst hangt af van de "
        "hieronder genoemde keuzes; die staan daarom bij elk getal in dit rapport."
    )
    result = outcome.result if outcome is not None else {}
    pdf.grid(
        ["Onderdeel", "Keuze"],
        [[a, b] for a, b in presentation.conventions(project, result)],
        widths=(50, 130),
        align="LL",
    )
    pdf.para(
        "Groepsgewichten zijn een politieke keuze. Binnen een groep tellen de deelnemers gelijk: bij paarsgewijze "
        "vergelijking het meetkundig gemiddelde van hun oordelen (dat houdt de matrix reciprook), bij punten, SWING "
        "of rangorde het gemiddelde van hun gewichten. Rekenkundig middelen van paarsgewijze oordelen kan niet.",
        size=8,
    )
    total = sum(float(g.weight) for g in shape.groups) or 1.0
    rows = [
        [
            group.name,
            f"{group.weight}",
            presentation.percent(float(group.weight) / total),
            group.weight_decided_by or "-",
            group.weight_reason or "-",
        ]
        for group in shape.groups
    ]
    if rows:
        pdf.grid(
            ["Groep", "Gewicht", "Aandeel", "Vastgesteld door", "Motivering"],
            rows,
            widths=(35, 18, 18, 40, 69),
            align="LRRLL",
        )


def _criteria(pdf: Report, project: DecisionProject, shape: selectors.Structure) -> None:
    pdf.heading("2. Criteria en alternatieven")
    rows = [
        [c.name + (" (kosten)" if c.is_cost else ""), c.get_direction_display(), c.description or "-"]
        for c in shape.criteria
    ]
    pdf.grid(["Criterium", "Richting", "Toelichting"], rows, widths=(50, 28, 102), align="LLL")
    admissible = {a.pk for a in shape.admissible}
    rows = [
        [a.name, a.get_legal_form_display(), "ja" if a.pk in admissible else "nee (gemeente stuurt op het wat)"]
        for a in shape.alternatives
    ]
    pdf.grid(["Alternatief", "Rechtsvorm", "Meegewogen"], rows, widths=(70, 55, 55), align="LLL")
    principles = list(project.principles.all())
    if principles:
        pdf.para(
            "Organisatieprincipes: " + "; ".join(p.text + (f" ({p.source})" if p.source else "") for p in principles)
        )


def _inputs(pdf: Report, project: DecisionProject, shape: selectors.Structure, data: analysis.Judgements) -> None:
    pdf.heading("3. Inbreng per groep")
    pdf.para(f"Weging: {project.get_weighting_display()}. Deelnemers zijn niet bij naam genoemd.", size=8)
    participants, pairs, values, scores = data.participants, data.pairwise, data.weights, data.scores
    names = [c.name for c in shape.criteria]
    for group in shape.groups:
        members = [p for p in participants if p.group_id == group.pk]
        pdf.heading(f"{group.name} ({len(members)} deelnemers)", size=10)
        rows = []
        for n, person in enumerate(members, start=1):
            own = analysis.own_weights(
                project, shape.criteria, pairs=pairs.get(person.pk), values=values.get(person.pk)
            )
            label = f"deelnemer {n}" + (" (telt niet mee)" if person.excluded else "")
            if own is None:
                rows.append([label, *["-"] * len(names), "onvolledig"])
                continue
            cr = own.consistency.get("cr") if own.consistency else None
            rows.append(
                [
                    label,
                    *[presentation.percent(own.weights[c.pk]) for c in shape.criteria],
                    presentation.number(float(cr), 3) if cr is not None else "compleet",
                ]
            )
        if rows:
            width = 150 / (len(names) + 1)
            last = "CR" if project.weighting == DecisionProject.Weighting.PAIRWISE else "Status"
            pdf.grid(["Gewichten", *names, last], rows, widths=(30, *[width] * len(names), width), size=7)
        counted = [p for p in members if not p.excluded]
        grid_rows = []
        for alternative in shape.admissible:
            cells = []
            for criterion in shape.scored:
                given = [
                    scores[p.pk][(alternative.pk, criterion.pk)]
                    for p in counted
                    if (alternative.pk, criterion.pk) in scores.get(p.pk, {})
                ]
                cells.append(presentation.number(sum(given) / len(given), 1) if given else "-")
            grid_rows.append([alternative.name, *cells])
        if grid_rows and shape.scored:
            width = 130 / len(shape.scored)
            pdf.grid(
                ["Gemiddelde score (1-5)", *[c.name for c in shape.scored]],
                grid_rows,
                widths=(50, *[width] * len(shape.scored)),
                size=7,
            )


def _results(pdf: Report, project: DecisionProject, view: presentation.View) -> None:
    pdf.para(
        f"Volgens de {project.get_method_display().lower()} staat '{view.ranking[0]}' bovenaan. Dit is één blik op "
        "de uitkomst; daarna volgen de uitkomst per groep, per methode en onder andere gewichten."
    )
    if view.left_out:
        pdf.para("Niet meegeteld (nog geen volledige weging): " + ", ".join(view.left_out) + ".", size=8)
    pdf.grid(
        ["Plaats", "Alternatief", "Score"],
        [[str(p), n, s] for p, n, s in view.scores],
        widths=(20, 110, 50),
        align="LLR",
    )
    pdf.bars(view.scores_chart)
    pdf.bars(view.weights_chart)
    width = 110 / max(len(view.weights_header), 1)
    rows = [[name, weight, *cells, cr] for name, weight, _n, cells, cr in view.weights_rows]
    short = {"aij": "AIJ", "aip_geometric": "AIP, meetkundig", "aip_arithmetic": "AIP, rekenkundig"}
    rows.append(
        [f"Samengevoegd ({short.get(project.aggregation, '')})", "", *view.aggregate_row, view.aggregate_consistency]
    )
    pdf.heading("Gewichten per groep", size=10)
    pdf.grid(
        ["Groep", "Aandeel", *view.weights_header, "CR"],
        rows,
        widths=(30, 18, *[width] * len(view.weights_header), 22),
        size=7,
    )
    pdf.heading("Winnaar per groep (plaats van elk alternatief onder de gewichten van de groep)", size=10)
    width = 140 / max(len(view.alternatives), 1)
    pdf.grid(
        ["Gewichten van", *view.alternatives.values()],
        [[n, *[str(p) for p in places]] for n, places in view.winners],
        widths=(40, *[width] * len(view.alternatives)),
        size=7,
    )
    pdf.para(f"Overeenstemming tussen de groepen (Kendall's W): {view.kendall_w}.")
    if view.spread:
        pdf.grid(
            ["Paar van criteria", "Gemiddeld oordeel", "Spreiding (geo. SD)"],
            [[f"{a} - {b}", m, s] for a, b, m, s in view.spread[:10]],
            widths=(110, 35, 35),
        )
    pdf.heading("Ranglijst per methode", size=10)
    places = len(view.ranking)
    width = 140 / max(places, 1)
    pdf.grid(
        ["Methode", *[str(i) for i in range(1, places + 1)]],
        [[m, *order] for m, order in view.methods],
        widths=(40, *[width] * places),
        size=7,
        align="L" * (places + 1),
    )
    pdf.heading("5. Gevoeligheid en robuustheid")
    pdf.para(
        "Omslagpunten: bij welk gewicht van één criterium een ander alternatief bovenaan komt (de andere "
        "gewichten bewegen naar verhouding mee).",
        size=8,
    )
    rows = [
        [name, now, "; ".join(f"bij {w}: {leader}" for w, leader in changes) or "geen omslag"]
        for name, now, changes in view.sensitivity
    ]
    pdf.grid(["Criterium", "Gewicht nu", "Omslag"], rows, widths=(45, 25, 110), align="LRL")
    if view.acceptability and view.acceptability_chart is not None:
        pdf.para(f"Monte Carlo: {view.samples} trekkingen van gewichten binnen de bandbreedte van de groepen.", size=8)
        pdf.bars(view.acceptability_chart)
        width = 140 / max(places, 1)
        pdf.grid(
            ["Alternatief", *[f"plaats {i}" for i in range(1, places + 1)]],
            [[n, *shares] for n, shares in view.acceptability],
            widths=(40, *[width] * places),
            size=7,
        )
    pdf.para(
        "Rangomkering: "
        + (
            " ".join(view.reversal)
            if view.reversal
            else "een alternatief kopiëren of weglaten verandert de volgorde van de andere niet."
        )
    )


def _business_case(pdf: Report, project: DecisionProject, shape: selectors.Structure) -> None:
    pdf.add_page()
    pdf.heading("6. Business case")
    loaded = business_case.load(project, shape.alternatives)
    summaries = business_case.summaries(project, shape.alternatives, loaded)
    e = business_case.euros
    rate = next(iter(summaries.values())).rate if summaries else 0
    pdf.para(
        f"Bedragen in euro's per jaar, t0 (overgang) tot en met t5; totalen als bandbreedte laag / verwacht / hoog. "
        f"Contante waarde: {project.get_discount_display()} (discontovoet {rate} %). "
        f"Kostencriterium uit de business case: {'ja' if project.cost_from_business_case else 'nee'}.",
        size=8,
    )
    rows = []
    for alternative in shape.alternatives:
        s = summaries[alternative.pk]
        rows.append(
            [
                alternative.name,
                e(s.npv(s.costs, "low")),
                e(s.npv(s.costs, "expected")),
                e(s.npv(s.costs, "high")),
                e(s.npv(s.benefits, "expected")),
                e(s.npv(s.net, "expected")),
                ("Vpb-toets; " if s.vpb_review else "") + ("binnen BCF" if s.in_bcf else "buiten BCF"),
            ]
        )
    pdf.grid(
        ["Alternatief", "Kosten laag", "Kosten verwacht", "Kosten hoog", "Baten", "Netto", "Fiscaal"],
        rows,
        widths=(40, 22, 24, 22, 22, 22, 28),
        size=7,
        align="LRRRRRL",
    )
    for alternative in shape.alternatives:
        s = summaries[alternative.pk]
        if s.is_empty():
            continue
        pdf.heading(f"{alternative.name}: verwachte bedragen per jaar", size=10)
        table = [[line.label, *[e(v) for v in line.values["expected"]], e(line.total("expected"))] for line in s.rows]
        for label, series in (("Totaal kosten", s.costs), ("Totaal baten", s.benefits), ("Netto", s.net)):
            table.append([label, *[e(v) for v in series["expected"]], e(sum(series["expected"]))])
        pdf.grid(
            ["Post", *[f"t{t}" for t in business_case.YEARS], "Totaal"],
            table,
            widths=(47, *[18] * len(business_case.YEARS), 25),
            size=6,
        )
        pdf.para(f"Vpb: {'toets nodig' if s.vpb_review else 'geen toets nodig'} ({s.vpb_reason}).", size=7)
    pdf.heading("Uitgangspunten en bronnen", size=10)
    pdf.grid(
        ["Parameter", "Waarde", "Bron"],
        [[p.label, f"{p.value} {p.unit}", p.source] for p in loaded.parameters.values()],
        widths=(45, 20, 115),
        align="LRL",
    )


def _governance(pdf: Report, project: DecisionProject, municipality: str) -> None:
    parties = list(project.parties.prefetch_related("roles", "escalation_steps", "agreements"))
    pdf.heading("7. Sturing, rollen en verbonden partijen")
    if not parties:
        pdf.para("Nog geen verbonden partij op de kaart.")
        return
    pairs: list[tuple[ConnectedParty, list[Any]]] = []
    for party in parties:
        roles = sorted(party.roles.all(), key=lambda r: governance_map.ROLE_ORDER.index(r.role))
        pairs.append((party, roles))
        pdf.heading(f"{party.name} ({party.get_category_display()})", size=10)
        for warning in governance_map.conflicts(party, roles):
            pdf.para(
                ("ROLCONFLICT: " if warning.serious else "Let op: ") + warning.text,
                size=8,
                style="B" if warning.serious else "",
            )
        rows = [
            [
                r.get_role_display(),
                r.portfolio_holder or "-",
                r.portfolio or "-",
                r.official + (f" ({r.official_function})" if r.official_function else "") or "-",
            ]
            for r in roles
        ]
        rows.append(
            [
                "Regisseur (ambtelijk opdrachtgever)",
                "-",
                "-",
                party.regisseur_name + (f" ({party.regisseur_function})" if party.regisseur_function else "") or "-",
            ]
        )
        pdf.grid(["Rol", "Wethouder", "Portefeuille", "Ambtenaar"], rows, widths=(50, 40, 40, 50), align="LLLL")
        steps = [[str(s.position), s.municipal_side, s.party_side, s.subject] for s in party.escalation_steps.all()]
        if steps:
            pdf.grid(["Trede", "Gemeente", "Partij", "Onderwerp"], steps, widths=(12, 50, 50, 68), align="LLLL")
        agreements = [
            [
                a.name,
                a.parties,
                a.subject,
                "; ".join(i.strip() for i in a.indicators.splitlines() if i.strip()),
                f"{a.starts_on:%d-%m-%Y} - " + (f"{a.ends_on:%d-%m-%Y}" if a.ends_on else "onbepaald"),
            ]
            for a in party.agreements.all()
        ]
        if agreements:
            pdf.grid(
                ["Afspraak", "Partijen", "Onderwerp", "Indicatoren", "Looptijd"],
                agreements,
                widths=(30, 35, 45, 40, 30),
                align="LLLLL",
            )
    pdf.heading("Concept: paragraaf verbonden partijen (BBV art. 15)", size=10)
    pdf.para(governance_map.paragraph(pairs, municipality=municipality), size=8)
    pdf.para(governance_map.SOURCE_BBV, size=7, style="I")
