"""Statutory terms as configuration: per law and clock a default with its legal source, which a
municipality may override (for example the Jeugdwet term from its verordening)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Municipality
from toegang.procedures import clocks


class TermRule(models.Model):
    class Law(models.TextChoices):
        WMO = "wmo", _("Wmo 2015")
        JEUGD = "jeugd", _("Jeugdwet")
        PW = "pw", _("Participatiewet")
        AWB = "awb", _("Awb")

    class Unit(models.TextChoices):
        DAYS = clocks.DAYS, _("kalenderdagen")
        WEEKS = clocks.WEEKS, _("weken")
        MONTHS = clocks.MONTHS, _("maanden")
        WORKING_DAYS = clocks.WORKING_DAYS, _("werkdagen")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="term_rules"
    )  # empty: the national default
    law = models.CharField(_("wet"), max_length=10, choices=Law.choices)
    code = models.SlugField(_("termijn"), max_length=40)
    label = models.CharField(_("omschrijving"), max_length=200)
    starts_at = models.CharField(_("loopt vanaf"), max_length=100)
    length = models.PositiveSmallIntegerField(_("lengte"))
    unit = models.CharField(_("eenheid"), max_length=10, choices=Unit.choices)
    source = models.CharField(_("bron"), max_length=200)

    class Meta:
        verbose_name = _("wettelijke termijn")
        verbose_name_plural = _("wettelijke termijnen")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(municipality__isnull=True), name="termrule_one_default"
            ),
            models.UniqueConstraint(fields=["municipality", "code"], name="termrule_one_per_municipality"),
            models.CheckConstraint(condition=models.Q(length__gt=0), name="termrule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.length} {self.get_unit_display()} ({self.source})"

    @property
    def term(self) -> clocks.Term:
        return clocks.Term(self.length, self.unit, self.source)


class Outcome(models.TextChoices):
    """The outcome of a decision: of a beschikking made in Toegang, or of one taken elsewhere and recorded on
    the procedure with its date."""

    GRANTED = "toegekend", _("Toegekend")
    REFUSED = "afgewezen", _("Afgewezen")


class Procedure(models.Model):
    """A statutory procedure for one person within a trajectory: from the melding (or hulpvraag) via
    the application to the decision, with the terms of its law (``TermRule``) running alongside."""

    class Status(models.TextChoices):
        MELDING = "melding", _("Melding ontvangen")
        APPLICATION = "aanvraag", _("Aanvraag ontvangen")
        DECIDED = "besloten", _("Besloten")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    trajectory = models.ForeignKey("cases.Trajectory", on_delete=models.PROTECT, related_name="procedures")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="procedures")
    law = models.CharField(_("wet"), max_length=10, choices=TermRule.Law.choices)
    status = models.CharField(_("stand"), max_length=12, choices=Status.choices, default=Status.MELDING)
    reported_on = models.DateField(_("datum melding"))
    receipt_confirmed_on = models.DateField(_("ontvangst bevestigd op"), null=True, blank=True)
    personal_plan_on = models.DateField(_("persoonlijk plan ontvangen op"), null=True, blank=True)
    report_sent_on = models.DateField(_("verslag verstrekt op"), null=True, blank=True)
    application_on = models.DateField(_("aanvraag ontvangen op"), null=True, blank=True)
    advance_paid_on = models.DateField(_("voorschot betaald op"), null=True, blank=True)
    notice_of_default_on = models.DateField(_("ingebrekestelling ontvangen op"), null=True, blank=True)
    decided_on = models.DateField(_("besluit bekendgemaakt op"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    decided_outcome = models.CharField(
        _("uitkomst van het besluit"), max_length=10, choices=Outcome.choices, blank=True
    )
    urgent_provision = models.TextField(_("spoedeisende tijdelijke voorziening"), blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wettelijke procedure")
        verbose_name_plural = _("wettelijke procedures")
        indexes = [models.Index(fields=["status", "trajectory"], name="procedure_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_on__isnull=True) | models.Q(application_on__gte=models.F("reported_on")),
                name="procedure_application_after_melding",
                violation_error_message=_("Aanvraag ontvangen op: ligt vóór de melding."),
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True) | models.Q(decided_on__gte=models.F("reported_on")),
                name="procedure_decision_after_melding",
                violation_error_message=_("Besluit bekendgemaakt op: ligt vóór de melding."),
            ),
            models.CheckConstraint(
                condition=models.Q(decided_outcome="") | models.Q(decided_on__isnull=False),
                name="procedure_outcome_when_decided",
                violation_error_message=_("Uitkomst: alleen bij een besluit dat is bekendgemaakt."),
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("reported_on")),
                name="procedure_withdrawn_after_melding",
                violation_error_message=_("Ingetrokken op: ligt vóór de melding."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_law_display()} – {self.get_status_display()}"


class ClockPause(models.Model):
    """Opschorting or verlenging of one clock of a procedure. A pause stops the clock from ``start`` up
    to and including ``end`` (empty: still paused); an extension adds a term, announced to the resident
    on ``notified_on`` (Awb 4:14)."""

    class Kind(models.TextChoices):
        SUSPENSION = "opschorting", _("Opschorting")
        EXTENSION = "verlenging", _("Verlenging")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="pauses")
    clock = models.SlugField(_("termijn"), max_length=40)
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    start = models.DateField(_("van"), null=True, blank=True)
    end = models.DateField(_("tot en met"), null=True, blank=True)
    length = models.PositiveSmallIntegerField(_("verlenging met"), null=True, blank=True)
    unit = models.CharField(_("eenheid"), max_length=10, choices=TermRule.Unit.choices, blank=True)
    notified_on = models.DateField(_("inwoner bericht op"), null=True, blank=True)
    reason = models.CharField(_("reden"), max_length=300)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("opschorting of verlenging")
        verbose_name_plural = _("opschortingen en verlengingen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="opschorting", start__isnull=False, length__isnull=True)
                    | models.Q(kind="verlenging", length__gt=0, notified_on__isnull=False, start__isnull=True)
                ),
                name="clockpause_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="clockpause_period",
            ),
        ]


class Provider(models.Model):
    """A contracted care provider (zorgaanbieder), known in the chain by its AGB code."""

    name = models.CharField(_("naam"), max_length=200)
    agb_code = models.CharField(_("AGB-code"), max_length=8, unique=True)

    class Meta:
        verbose_name = _("zorgaanbieder")
        verbose_name_plural = _("zorgaanbieders")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(agb_code__regex=r"^[0-9]{8}$"), name="provider_agb_8_digits")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agb_code})"


class ProductCategory(models.Model):
    """iStandaarden product categories (WMO020, JZ020), shipped as reference data with their source."""

    law = models.CharField(_("wet"), max_length=10, choices=TermRule.Law.choices)
    code = models.CharField(_("code"), max_length=2)
    name = models.CharField(_("naam"), max_length=200)
    source = models.CharField(_("bron"), max_length=200)

    class Meta:
        verbose_name = _("productcategorie")
        verbose_name_plural = _("productcategorieën")
        ordering = ["law", "code"]
        constraints = [models.UniqueConstraint(fields=["law", "code"], name="productcategory_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Decision(models.Model):
    """A beschikking: the provisions granted, or the refusal, with a snapshot of the household at the
    moment of decision. Above a configured amount a second person approves it before it can be sent."""

    Outcome = Outcome

    class Status(models.TextChoices):
        DRAFT = "concept", _("Concept")
        AWAITING = "ter_akkoord", _("Wacht op akkoord (vier ogen)")
        APPROVED = "akkoord", _("Akkoord")
        SENT = "verzonden", _("Bekendgemaakt")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reasoning = models.TextField(_("motivering"))
    household_snapshot = models.JSONField(_("huishouden op het moment van besluiten"), default=list)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(_("bekendgemaakt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("beschikking")
        verbose_name_plural = _("beschikkingen")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["akkoord", "verzonden"]) | models.Q(approved_at__isnull=False),
                name="decision_approved_before_sent",
                violation_error_message=_("Een beschikking gaat pas de deur uit na akkoord."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verzonden") | models.Q(sent_on__isnull=False), name="decision_sent_on"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.get_status_display()})"


class Provision(models.Model):
    """One granted provision: product, in kind (ZIN, with a provider) or as a personal budget (pgb),
    a volume with unit and frequency or a budget in eurocents, and its period (iWmo/iJw 3.2)."""

    class Delivery(models.TextChoices):
        IN_KIND = "zin", _("Zorg in natura")
        PGB = "pgb", _("Persoonsgebonden budget")

    class Unit(models.TextChoices):  # WJ756
        MINUTE = "01", _("minuut")
        HOUR = "04", _("uur")
        DAY_NIGHT = "14", _("etmaal")
        DAYPART = "16", _("dagdeel (4 uur)")
        PIECES_OUTPUT = "82", _("stuks (output)")
        EUROS = "83", _("euro's")
        PIECES_EFFORT = "84", _("stuks (inspanning)")

    class Frequency(models.TextChoices):  # WMO757
        PER_DAY = "1", _("per dag")
        PER_WEEK = "2", _("per week")
        PER_MONTH = "4", _("per maand")
        TOTAL = "6", _("totaal binnen de geldigheidsduur")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="provisions")
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="+")
    product_code = models.CharField(_("productcode"), max_length=5, blank=True)
    delivery = models.CharField(_("leveringsvorm"), max_length=3, choices=Delivery.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="provisions")
    volume = models.PositiveIntegerField(_("omvang"), null=True, blank=True)
    unit = models.CharField(_("eenheid"), max_length=2, choices=Unit.choices, blank=True)
    frequency = models.CharField(_("frequentie"), max_length=1, choices=Frequency.choices, blank=True)
    budget_cents = models.PositiveIntegerField(_("budget (eurocent)"), null=True, blank=True)
    start_date = models.DateField(_("ingangsdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    # what the provider reported (start 305 / stop 307); never a condition for paying a claim (OP364)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    stopped_on = models.DateField(_("gestopt op"), null=True, blank=True)
    stop_reason = models.CharField(_("reden beëindiging"), max_length=2, blank=True)
    # A provider's request for change (317) granted within the decision: the running assignment ends early
    # (``assigned_until``; the decision itself stays as it was made known) and a new assignment under the
    # same decision, which ``replaces`` it, takes over (reason WMO002/JZ002 code 12).
    change_reason = models.CharField(_("reden wijziging"), max_length=2, blank=True)
    assigned_until = models.DateField(_("toegewezen tot"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replaced_by", verbose_name=_("vervangt")
    )

    class Meta:
        verbose_name = _("toegekende voorziening")
        verbose_name_plural = _("toegekende voorzieningen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="provision_period",
            ),
            models.CheckConstraint(
                condition=models.Q(volume__isnull=False, budget_cents__isnull=True)
                | models.Q(volume__isnull=True, budget_cents__isnull=False),
                name="provision_volume_or_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_cents__isnull=True) | models.Q(budget_cents__lte=99_999_999),
                name="provision_budget_max",
            ),
            models.CheckConstraint(
                condition=~models.Q(delivery="zin") | models.Q(provider__isnull=False), name="provision_zin_provider"
            ),
        ]

    @property
    def assigned_end(self) -> dt.date | None:
        """The last day of the assignment: its decision's end date unless a change ended it earlier."""
        return self.assigned_until or self.end_date


class Objection(models.Model):
    """A bezwaar against a decision: received, decided within six weeks after the objection window (twelve
    with an advisory committee), once extendable by six weeks (Awb 6:7, 7:10). While it is open, the
    dossier is not destroyed."""

    class Outcome(models.TextChoices):
        UPHELD = "gegrond", _("Gegrond")
        PARTLY = "deels_gegrond", _("Deels gegrond")
        REJECTED = "ongegrond", _("Ongegrond")
        INADMISSIBLE = "niet_ontvankelijk", _("Niet-ontvankelijk")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("ontvangen op"))
    committee = models.BooleanField(_("adviescommissie"), default=False)
    extension_notified_on = models.DateField(_("verdaging gemeld op"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("beslist op"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("bezwaar")
        verbose_name_plural = _("bezwaren")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", decided_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(decided_on__isnull=False)),
                name="objection_decided_complete",
            )
        ]
