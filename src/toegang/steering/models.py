"""Steering: the indicator catalogue, the configuration the indicators need (inhabitants per
municipality, the agreed caseload bandwidth) and the summary table the dashboards read.

Dashboards never aggregate the live dossier tables: ``Fact`` holds per day and per combination of the
filter dimensions (municipality, area, team, organisation, law) the counts and sums each indicator is
made of. ``refresh`` (steering/summaries.py) rewrites the facts of the days that changed; ``Refresh``
records until when the facts are complete, so every dashboard can show its lag."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.common.periods import Period


class Indicator(models.Model):
    """One indicator of the catalogue: what it means, how it is computed, from which data, with its
    legal or national reference and who owns it. Shipped as data (migration), editable by the
    municipality."""

    class Unit(models.TextChoices):
        COUNT = "aantal", _("Aantal")
        PERCENT = "procent", _("Percentage")
        DAYS = "dagen", _("Dagen (gemiddeld)")
        EUROS = "euro", _("Euro")
        PER_10000 = "per_10000", _("Per 10.000 inwoners")
        PERCENT_OF_YOUTH = "procent_jeugd", _("Percentage van de jongeren tot 18 jaar")
        SCORE = "score", _("Verschil in zelfredzaamheidsniveau")

    class Group(models.TextChoices):
        INFLOW = "instroom", _("Instroom")
        PROCESS = "proces", _("Doorlooptijden en termijnen")
        LEGAL = "rechtsbescherming", _("Rechtsbescherming")
        CAPACITY = "capaciteit", _("Caseload en capaciteit")
        RESULTS = "resultaat", _("Resultaten voor inwoners")
        NETWORK = "netwerk", _("Netwerk en ketenafspraken")
        COSTS = "kosten", _("Kosten")
        BBV = "bbv", _("BBV-beleidsindicatoren")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    group = models.CharField(_("groep"), max_length=20, choices=Group.choices)
    definition = models.TextField(_("definitie"))
    formula = models.TextField(_("berekening"))
    unit = models.CharField(_("eenheid"), max_length=15, choices=Unit.choices)
    source_data = models.CharField(_("brongegevens"), max_length=300)
    reference = models.CharField(_("wettelijke of landelijke referentie"), max_length=300, blank=True)
    owner = models.CharField(_("eigenaar"), max_length=100)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    higher_is_better = models.BooleanField(_("hoger is beter"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatorencatalogus")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    """Inhabitants of a municipality on 1 January of a year, for the indicators per inhabitant (BBV).
    Configuration data with its source (CBS StatLine 03759ned for real municipalities)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="populations")
    year = models.PositiveSmallIntegerField(_("jaar"))
    inhabitants = models.PositiveIntegerField(_("inwoners"))
    under_18 = models.PositiveIntegerField(_("inwoners jonger dan 18"))
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("inwonertal")
        verbose_name_plural = _("inwonertallen")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_unique_year"),
            models.CheckConstraint(condition=models.Q(under_18__lte=models.F("inhabitants")), name="population_youth"),
        ]


class FactCells(models.Model):
    """The dimensions and sums a summary row carries (daily in ``Fact``, per month in ``MonthFact``)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("accounts.Area", on_delete=models.CASCADE, null=True, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, null=True, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, null=True, related_name="+")
    law = models.CharField(max_length=10, blank=True)
    measure = models.CharField(max_length=40)
    dimension = models.CharField(max_length=40, blank=True)
    count = models.IntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class Fact(FactCells):
    """One cell of the summary: for a day and a combination of dimensions, how many (``count``) and a
    sum (``total``: days, cents or score points, per measure). ``dimension`` splits a measure further
    (the signal's source, the objection's outcome, the life domain). Flow measures (signals received,
    decisions made) count what happened that day; state measures (open procedures past their term,
    caseload) describe the day itself and are kept for month ends and the last refreshed day."""

    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "measure", "day"], name="fact_measure_day_idx"),
            models.Index(fields=["day"], name="fact_day_idx"),
        ]


class MonthFact(FactCells):
    """The flow facts added up per month (``month``: its first day), written by the refresh next to the
    daily facts: every period a dashboard shows is whole months, so the dashboards read about thirty
    times fewer rows here than in ``Fact``. State measures stay in ``Fact`` only."""

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["municipality", "month"], name="monthfact_month_idx")]


class Refresh(models.Model):
    """A run of the summary refresh: which days it rewrote and when; the dashboards show the lag."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    facts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]


class BudgetLine(models.Model):
    """Which Iv3 taakveld (BBV budget line of programme 6, Sociaal domein) the costs of a product
    category fall under: reference data with its source, editable by the municipality."""

    law = models.CharField(_("wet"), max_length=10)
    category = models.CharField(_("productcategorie"), max_length=2)
    taakveld = models.CharField(_("taakveld"), max_length=5)
    taakveld_name = models.CharField(_("naam taakveld"), max_length=150)
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("taakveld van een productcategorie")
        verbose_name_plural = _("taakvelden van productcategorieën")
        constraints = [models.UniqueConstraint(fields=["law", "category"], name="budgetline_unique_category")]


class Norm(models.Model):
    """An agreed norm for an indicator in a municipality (for example the caseload bandwidth per
    professional, or the share of decisions within the term), shown next to the value."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="norms")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE, related_name="+")
    low = models.DecimalField(_("ondergrens"), max_digits=12, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("bovengrens"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("afspraak"), max_length=300)

    class Meta:
        verbose_name = _("norm")
        verbose_name_plural = _("normen")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "municipality"], name="norm_unique"),
            models.CheckConstraint(
                condition=models.Q(low__isnull=False) | models.Q(high__isnull=False), name="norm_has_a_bound"
            ),
        ]


class Export(models.Model):
    """A time-series export of a dashboard that runs in the background (steering/exports.py): who asked
    for it, what it covers, how far it got, and its file once complete. Only the person who asked for
    it sees it; it is removed after a week (``manage.py sturing opruimen``)."""

    class State(models.TextChoices):
        WAITING = "wachtrij", _("In de wachtrij")
        RUNNING = "bezig", _("Bezig")
        DONE = "klaar", _("Klaar")
        FAILED = "mislukt", _("Mislukt")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (xlsx)")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    board = models.CharField(_("dashboard"), max_length=20)
    parameters = models.JSONField(_("parameters"))  # months and filters, see exports.Series
    format = models.CharField(_("formaat"), max_length=4, choices=Format.choices)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.WAITING)
    months_done = models.PositiveIntegerField(_("maanden klaar"), default=0)
    months_total = models.PositiveIntegerField(_("maanden"))
    file_name = models.CharField(_("bestand"), max_length=100, blank=True)  # in EXPORT_DIR, once complete
    error = models.CharField(_("melding"), max_length=300, blank=True)  # for the user, in Dutch
    created_at = models.DateTimeField(_("aangevraagd"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afgelopen"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months_done__lte=models.F("months_total")), name="export_progress"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="klaar") | ~models.Q(file_name=""), name="export_done_has_file"
            ),
        ]

    @property
    def download_name(self) -> str:
        """The name the user's browser saves the file under."""
        return f"tijdreeks-{self.board}-{self.parameters['first']}-{self.parameters['last']}.{self.format}"

    @property
    def months_label(self) -> str:
        """The months it covers, as a person reads them ("januari 2017 t/m oktober 2026")."""
        first, last = Period.parse(self.parameters["first"]), Period.parse(self.parameters["last"])
        return first.label if first == last else f"{first.label} t/m {last.label}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.WAITING, self.State.RUNNING)
