"""The steering dashboards (team lead, manager, municipal client), the indicator catalogue, and the
exports of a dashboard as CSV and XLSX. Everything here reads the summary table (steering/selectors.py),
never the dossiers, and shows no person: no audit row is written for reading it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from toegang.accounts.models import Area, Municipality, Organisation, Team, User
from toegang.audit import services as audit
from toegang.common.dates import today
from toegang.common.exports import safe_cell
from toegang.common.forms import UtrechtForm
from toegang.common.numbers import whole_number
from toegang.common.periods import Period, recent_periods
from toegang.common.replica import on_replica
from toegang.common.views import current_user, submitted
from toegang.network import partners
from toegang.procedures.models import TermRule
from toegang.steering import disclosure, gmsd, report, selectors, services, summaries
from toegang.steering.models import Indicator, Norm, Population, Refresh


@dataclass(frozen=True)
class Board:
    """One dashboard: who may open it, which indicator groups it shows, and whether its numbers leave
    the Toegang organisation (then every number is small-cell protected, also on screen)."""

    code: str
    title: str
    roles: frozenset[str]
    groups: tuple[str, ...]
    protected: bool
    own_team_only: bool = False


G = Indicator.Group
BOARDS = {
    "team": Board(
        "team",
        "Dashboard teamleider",
        frozenset({User.Role.TEAM_LEAD}),
        (G.INFLOW, G.PROCESS, G.CAPACITY, G.RESULTS, G.NETWORK),
        protected=False,
        own_team_only=True,
    ),
    "manager": Board(
        "manager",
        "Dashboard manager Toegang",
        frozenset({User.Role.MANAGER}),
        (G.INFLOW, G.PROCESS, G.LEGAL, G.CAPACITY, G.RESULTS, G.NETWORK, G.COSTS, G.BBV),
        protected=False,
    ),
    "opdrachtgever": Board(
        "opdrachtgever",
        "Dashboard opdrachtgever",
        frozenset({User.Role.MANAGER, User.Role.CLIENT}),
        (G.BBV, G.COSTS, G.RESULTS, G.PROCESS, G.LEGAL, G.NETWORK),
        protected=True,
    ),
}
STEERING_ROLES = frozenset().union(*(b.roles for b in BOARDS.values()))
PROTECTION_NOTE = (
    "kleine aantallen als <5, rest naar beneden afgerond op vijftallen; x: niet getoond, omdat anders een klein"
    " aantal in een uitsplitsing (naar wijk, team, wet, organisatie, maand of kwartaal) te herleiden zou zijn"
)


def _board(request: HttpRequest, code: str) -> tuple[User, Board]:
    board = BOARDS.get(code)
    if board is None:
        raise Http404
    user = current_user(request)
    if not user.is_active or user.municipality_id is None or (user.role not in board.roles and not user.is_superuser):
        raise PermissionDenied(_("Dit dashboard is er voor: %(roles)s.") % {"roles": _roles(board)})
    if board.own_team_only and user.team_id is None:
        raise PermissionDenied(_("Het teamdashboard hoort bij een team; uw account heeft er geen."))
    return user, board


def _roles(board: Board) -> str:
    return ", ".join(str(User.Role(r).label).lower() for r in sorted(board.roles))


def period_choices(on: dt.date) -> list[Period]:
    """Quarters and months to choose from (the current ones first), and the last five years."""
    return [*recent_periods(on), *(Period.year(on.year - i) for i in range(5))]


@dataclass
class Chosen:
    filters: selectors.Filters
    areas: list[Area]
    teams: list[Team]
    organisations: list[Organisation]
    invalid: dict[str, str] = field(default_factory=dict)  # per query parameter: what is wrong with its value

    @property
    def errors(self) -> list[str]:
        return list(self.invalid.values())


def _choose(request: HttpRequest, user: User, board: Board, *, params: QueryDict | None = None) -> Chosen:
    """The filters from the query string (or from ``params``, a posted form); an unknown value is named in
    a message and ignored (the page shows the rest, never an error page)."""
    data = request.GET if params is None else params
    assert user.municipality_id is not None  # noqa: S101 - _board checked it
    municipality_id = user.municipality_id
    on = today()
    invalid: dict[str, str] = {}  # per query parameter: what is wrong with its value
    areas = list(Area.objects.filter(municipality_id=municipality_id).order_by("name"))
    teams = list(Team.objects.filter(area__municipality_id=municipality_id).order_by("name"))
    organisations = list(partners.organisations_for(municipality_id))
    period = Period.containing(on, "kwartaal")
    code = data.get("periode", "")
    if code:
        try:
            period = Period.parse(code)
        except ValueError:
            invalid["periode"] = _("Periode: kies een maand, kwartaal of jaar uit de lijst.")

    def pick(name: str, rows: list[Any], label: str) -> int | None:
        value = data.get(name, "")
        if not value:
            return None
        number = whole_number(value)
        if number is not None and number in {r.pk for r in rows}:
            return number
        invalid[name] = _("%(label)s: kies een waarde uit de lijst.") % {"label": label}
        return None

    law = data.get("wet", "")
    if law and law not in TermRule.Law.values:
        invalid["wet"] = _("Wet: kies Wmo, Jeugdwet of Participatiewet.")
        law = ""
    area_id = pick("gebied", areas, _("Wijk of kern"))
    team_id = pick("team", teams, _("Team"))
    organisation_id = pick("organisatie", organisations, _("Organisatie"))
    if board.own_team_only:  # another team or an area was silently replaced by the own team (the API said 200)
        if data.get("team", "") and team_id != user.team_id:
            invalid["team"] = _("Team: dit dashboard toont alleen uw eigen team.")
        if data.get("gebied", ""):
            invalid["gebied"] = _("Wijk of kern: dit dashboard toont alleen uw eigen team, niet een wijk of kern.")
        team_id, area_id = user.team_id, None
        teams = [t for t in teams if t.pk == user.team_id]
    filters = selectors.Filters(
        municipality_id=municipality_id,
        period=period,
        law=law,
        area_id=area_id,
        team_id=team_id,
        organisation_id=organisation_id,
    )
    return Chosen(filters, areas, teams, organisations, invalid)


UNIT_SUFFIX = {
    Indicator.Unit.DAYS: " dagen",
    Indicator.Unit.PER_10000: " per 10.000",
    Indicator.Unit.SCORE: " niveau",
}


def show(indicator: Indicator, value: selectors.Value, *, protected: bool) -> str:
    """A value in its unit, as a person reads it; small-cell protected (by how the value is made) when
    the board's numbers leave the organisation, and always in exports and reports. A withheld count is
    "<5"; a withheld share, average or amount "<5 gevallen" (few cases, not a small value)."""
    if value.number is None:
        return "—"
    percent = "%" if indicator.unit in (Indicator.Unit.PERCENT, Indicator.Unit.PERCENT_OF_YOUTH) else ""
    sign = "+" if indicator.unit == Indicator.Unit.SCORE and value.number > 0 else ""
    suffix = UNIT_SUFFIX.get(Indicator.Unit(indicator.unit), "")
    euro = "€ " if value.kind in ("amount", "amount_per") else ""
    if protected:
        if value.withheld:
            return disclosure.WITHHELD
        if value.kind == "count":
            return disclosure.count(round(value.number))
        if value.kind == "share":
            return disclosure.share(value.part, value.whole)
        if value.kind == "average":
            shown = disclosure.average(value.total, value.part)
            return shown if shown == disclosure.TOO_FEW else sign + shown + suffix
        if value.kind == "amount":
            shown = disclosure.amount(value.total, value.part) or "0"
            return shown if shown == disclosure.TOO_FEW else euro + shown
        if value.part == 0:
            return euro + "0" + percent + suffix
        if value.part < disclosure.SMALL:
            return disclosure.TOO_FEW
        if value.kind == "amount_per":  # from the published total and the published number of households
            total = int(disclosure.amount(value.total, value.part).replace(".", "") or 0)
            return euro + _thousands(total / int(disclosure.count(value.part)))
        rounded = int(disclosure.count(value.part))  # a rate from the rounded count: no exact difference
        scale = 10_000 if indicator.unit == Indicator.Unit.PER_10000 else 100
        return _decimal(scale * rounded / value.whole) + percent + suffix
    if euro:
        return euro + _thousands(value.number)
    if value.kind == "count":
        return _thousands(value.number)
    return sign + _decimal(value.number) + percent + suffix


def _thousands(number: float) -> str:
    return f"{round(number):,}".replace(",", ".")


def _decimal(number: float) -> str:
    return f"{number:.1f}".replace(".", ",")


@dataclass(frozen=True)
class Figure:
    """A shown value read back as the number it prints, with the text around that number."""

    number: int | float
    decimals: int
    prefix: str  # "€ " or ""
    suffix: str  # "%", a unit suffix (" dagen") or ""

    @property
    def number_format(self) -> str:
        """The spreadsheet's number format that prints the number as the board does."""
        digits = "#,##0" + ("." + "0" * self.decimals if self.decimals else "")
        return (f'"{self.prefix}"' if self.prefix else "") + digits + (f'"{self.suffix}"' if self.suffix else "")


_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<fraction>\d+))?")
_SUFFIXES = {"", "%", *UNIT_SUFFIX.values()}


def figure(shown: str) -> Figure | None:
    """The number in a value as ``show`` and ``_breakdown`` print it ("€ 1.250", "20%", "+1,2 niveau",
    "12,5 per 10.000"); None for what is no number ("<5", "<5 gevallen", "x", "—", ""). Read back from
    the printed text rather than computed again, so that the number can never tell more than the text:
    the small-cell protection holds by construction (the API's ``number``, the XLSX's number cells)."""
    match = _NUMBER.search(shown)
    if match is None:
        return None
    prefix, suffix = shown[: match.start()], shown[match.end() :]
    if prefix not in ("", "€ ") or suffix not in _SUFFIXES:
        return None
    whole, fraction = match["whole"].replace(".", ""), match["fraction"]
    number: int | float = float(f"{whole}.{fraction}") if fraction else int(whole)
    return Figure(-number if match["sign"] == "-" else number, len(fraction or ""), prefix, suffix)


def number(shown: str) -> int | float | None:
    found = figure(shown)
    return None if found is None else found.number


class Shown(str):
    """A protected value in an export table: text in the CSV, a number cell in the XLSX when it is one."""

    __slots__ = ()


def _breakdown(value: selectors.Value, *, protected: bool) -> list[tuple[str, str]]:
    """The parts of a value: counts (protected as counts), or amounts in euros (protected by the number
    of cases that make each up)."""
    if value.cases:
        return [
            (label, "€ " + (disclosure.amount(euros * 100, n) if protected else _thousands(euros)))
            for (label, euros), n in zip(value.breakdown, value.cases, strict=True)
        ]
    if not protected:
        return [(label, str(n)) for label, n in value.breakdown]
    counts = [n for _label, n in value.breakdown]
    if sum(counts) == value.part:  # the parts of the published total: no part may be pinned down by the rest
        shown = disclosure.parts(value.part, counts)
        if shown is None:
            return [(_("Uitsplitsing niet getoond: de kleine aantallen zouden te herleiden zijn"), "")]
    else:
        shown = [disclosure.count(n) for n in counts]
    return [
        (label, disclosure.WITHHELD if label in value.withheld_parts else text)
        for (label, _n), text in zip(value.breakdown, shown, strict=True)
    ]


@dataclass
class Line:
    """A dashboard row ready to print."""

    row: selectors.Row
    now: str
    before: str
    norm: str
    breakdown: list[tuple[str, str]]
    trend: list[tuple[str, str, int, int, int]]  # month, shown value, and the bar: x, y, height (pixels)


def _lines(rows: list[selectors.Row], *, protected: bool) -> list[Line]:
    lines = []
    for row in rows:
        numbers = [n for _m, n in row.trend if n is not None]
        top = max((abs(n) for n in numbers), default=0) or 1
        trend = []
        for index, (month, number) in enumerate(row.trend):
            height = round(26 * abs(number) / top) if number is not None else 0
            shown = show(row.indicator, selectors.Value(number), protected=False)
            trend.append((f"{month:%m-%Y}", shown, index * 10, 27 - height, height))
        lines.append(
            Line(
                row=row,
                now=show(row.indicator, row.now, protected=protected),
                before=show(row.indicator, row.before, protected=protected),
                norm=selectors.norm_label(row.norm),
                breakdown=_breakdown(row.now, protected=protected),
                trend=[] if protected else trend,
            )
        )
    return lines


def _rows(board: Board, chosen: Chosen, run: Refresh | None, *, protect: bool) -> list[selectors.Row]:
    return selectors.dashboard(chosen.filters, groups=board.groups, today=today(), coverage=run, protect=protect)


@require_safe
@on_replica
def dashboard(request: HttpRequest, board_code: str) -> HttpResponse:
    user, board = _board(request, board_code)
    chosen = _choose(request, user, board)
    run = summaries.latest()
    rows = _rows(board, chosen, run, protect=board.protected)
    lines = _lines(rows, protected=board.protected)
    groups: list[tuple[str, list[Line]]] = []
    for line in lines:
        label = line.row.indicator.get_group_display()
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(line)
    on = today()
    query = request.GET.urlencode()
    return render(
        request,
        "steering/dashboard.html",
        {
            "board": board,
            "boards": [b for b in BOARDS.values() if user.role in b.roles or user.is_superuser],
            "groups": groups,
            "chosen": chosen,
            "filters": chosen.filters,
            "periods": period_choices(on),
            "laws": TermRule.Law.choices,
            "lag": selectors.lag_note(on, run),
            "query": query,
        },
    )


def _export_rows(rows: list[selectors.Row], filters: selectors.Filters) -> list[list[str]]:
    """The dashboard as a table, every number small-cell protected: one line per indicator, then one
    per part of its breakdown."""
    header = [
        "indicator",
        "naam",
        "eenheid",
        f"waarde {filters.period.label}",
        f"waarde {filters.period.previous().label}",
        "uitsplitsing",
        "aantal",
    ]
    table = [header]
    for row in rows:
        indicator = row.indicator
        table.append(
            [
                indicator.code,
                indicator.name,
                indicator.get_unit_display(),
                Shown(show(indicator, row.now, protected=True)),
                Shown(show(indicator, row.before, protected=True)),
                "",
                "",
            ]
        )
        table += [
            [indicator.code, indicator.name, "", "", "", label, Shown(shown)]
            for label, shown in _breakdown(row.now, protected=True)
        ]
    return table


def _description(filters: selectors.Filters) -> str:
    parts = [f"periode {filters.period.label}"]
    if filters.law:
        parts.append(f"wet {filters.law}")
    for name, value in (
        ("wijk/kern", filters.area_id),
        ("team", filters.team_id),
        ("organisatie", filters.organisation_id),
    ):
        if value:
            parts.append(f"{name} {value}")
    return ", ".join(parts)


@require_safe
@on_replica
def export(request: HttpRequest, board_code: str, fmt: str) -> HttpResponse:
    """The dashboard's table as CSV (semicolon-separated, UTF-8 with BOM for spreadsheet programs) or
    XLSX; counts under 5 as "<5" and the rest rounded to fives, whatever the board."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    user, board = _board(request, board_code)
    chosen = _choose(request, user, board)
    if chosen.errors:
        return HttpResponse("\n".join(chosen.errors), status=400, content_type="text/plain; charset=utf-8")
    table = _export_rows(_rows(board, chosen, summaries.latest(), protect=True), chosen.filters)
    name = f"sturing-{board.code}-{chosen.filters.period.code}"
    body = export_file(fmt, table, title=board.title, description=_description(chosen.filters))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_file(fmt: str, table: list[list[str]], *, title: str, description: str) -> bytes:
    """A table of protected values as a file: CSV (semicolon-separated, UTF-8 with BOM for spreadsheet
    programs, a first line naming the board, the selection and the protection) or XLSX. The exports of a
    dashboard and the background time series (steering/exports.py) both write through here."""
    if fmt == "xlsx":
        return _xlsx(table, title, description)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([f"# {title}; {description}; {PROTECTION_NOTE}"])
    writer.writerows([safe_cell(cell) for cell in row] for row in table)  # no formulas (CSV injection)
    return buffer.getvalue().encode()


def _xlsx(table: list[list[str]], title: str, description: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = "Sturing"
    sheet.append([title])
    sheet.append([f"{description}; {PROTECTION_NOTE}"])
    for row in table:
        sheet.append(row)
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            found = figure(value) if isinstance(value, Shown) else None
            if found is not None:  # a number a spreadsheet can sum and chart, printed as on the board
                cell.value, cell.number_format = found.number, found.number_format
            elif value:  # text stays text: openpyxl would store "=…" (a team's or area's name) as a formula
                cell.data_type, cell.quotePrefix = "s", True
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@require_safe
@on_replica
def report_pdf(request: HttpRequest, board_code: str) -> HttpResponse:
    """The board's figures as the management report of the period (PDF), small-cell protected."""
    user, board = _board(request, board_code)
    chosen = _choose(request, user, board)
    if chosen.errors:
        return HttpResponse("\n".join(chosen.errors), status=400, content_type="text/plain; charset=utf-8")
    run = summaries.latest()
    rows = _rows(board, chosen, run, protect=True)
    on = today()
    body = report.management_report(
        municipality=Municipality.objects.get(pk=chosen.filters.municipality_id).name,
        rows=rows,
        filters=chosen.filters,
        lag=selectors.lag_note(on, run),
        made_on=on,
        shown={
            row.indicator.pk: (
                show(row.indicator, row.now, protected=True),
                show(row.indicator, row.before, protected=True),
            )
            for row in rows
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rapportage-{board.code}-{chosen.filters.period.code}.pdf"'
    return response


@require_safe
def gmsd_wmo(request: HttpRequest) -> HttpResponse:
    """The GMSD Wmo delivery of a half year for the manager's municipality: a file of persons (BSN) for
    the CBS, so it is logged as an export with every person in it."""
    user = current_user(request)
    if not user.is_active or user.municipality_id is None or (user.role != User.Role.MANAGER and not user.is_superuser):
        raise PermissionDenied(_("De GMSD-aanlevering maakt de manager van de gemeente."))
    errors = []
    on = today()
    year_text, half_text = request.GET.get("jaar", str(on.year)), request.GET.get("halfjaar", "1")
    year = whole_number(year_text, digits=4)
    if year is None or not 2015 <= year <= on.year:
        errors.append(_("Jaar: kies een jaar van 2015 tot en met dit jaar."))
    if half_text not in ("1", "2"):
        errors.append(_("Halfjaar: kies 1 of 2."))
    if errors:  # back to the dashboard the form is on, with the message (not a bare text page)
        for error in errors:
            messages.error(request, error)
        return redirect("steering", board_code="manager")
    half = gmsd.HalfYear(int(year_text), int(half_text))
    municipality = Municipality.objects.get(pk=user.municipality_id)
    delivery = gmsd.wmo_delivery(municipality=municipality, half=half, made_on=on)
    audit.record(
        actor=user,
        action=audit.Action.EXPORT,
        object_type="gmsd-wmo",
        subjects=delivery.person_ids,
        legal_basis="Gemeentelijke Monitor Sociaal Domein (aanlevering aan het CBS)",
        detail=f"{half.label}: {delivery.lines} regels, {delivery.without_bsn} zonder BSN overgeslagen",
    )
    response = HttpResponse(delivery.content, content_type="text/csv; charset=utf-8")
    name = f"GMSD_WMO_{municipality.code}_{half.year}H{half.half}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_active or (user.role not in STEERING_ROLES and not user.is_superuser):
        raise PermissionDenied(_("De indicatorencatalogus is er voor wie stuurt op de Toegang."))
    return render(request, "steering/catalogue.html", {"indicators": list(Indicator.objects.order_by("position"))})


class PopulationForm(UtrechtForm):
    year = forms.IntegerField(label=_("Jaar (1 januari)"))
    inhabitants = forms.IntegerField(label=_("Inwoners"))
    under_18 = forms.IntegerField(label=_("Inwoners jonger dan 18"))
    source = forms.CharField(label=_("Bron"), max_length=300, initial="CBS StatLine 03759ned")


class NormForm(UtrechtForm):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.order_by("position"), empty_label="—"
    )
    low = forms.DecimalField(label=_("Ondergrens"), required=False, max_digits=12, decimal_places=2)
    high = forms.DecimalField(label=_("Bovengrens"), required=False, max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Afspraak"), max_length=300, help_text=_("Waar de norm is afgesproken."))


def settings_page(request: HttpRequest) -> HttpResponse:
    """The functional administrator's inhabitants per year and agreed norms (no client data)."""
    user = current_user(request)
    if not user.is_active or user.role != User.Role.FUNCTIONAL_ADMIN or user.municipality_id is None:
        raise PermissionDenied(_("Inwonertallen en normen legt de functioneel beheerder van de gemeente vast."))
    population_form = PopulationForm(prefix="inw", initial={"year": today().year})
    norm_form = NormForm(prefix="norm")
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "inwoners":
            population_form = PopulationForm(request.POST, prefix="inw")
            ok = submitted(request, population_form, lambda d: services.set_population(actor=user, **d))
        else:
            norm_form = NormForm(request.POST, prefix="norm")
            ok = submitted(request, norm_form, lambda d: services.set_norm(actor=user, **d))
        if ok:
            messages.success(request, _("Opgeslagen."))
            return redirect("steering-settings")
        status = 400
    return render(
        request,
        "steering/settings.html",
        {
            "populations": list(Population.objects.filter(municipality_id=user.municipality_id).order_by("-year")),
            "norms": list(
                Norm.objects.filter(municipality_id=user.municipality_id)
                .select_related("indicator")
                .order_by("indicator__position")
            ),
            "population_form": population_form,
            "norm_form": norm_form,
        },
        status=status,
    )
