"""Statutory terms as configuration: per law and clock a default with its legal source, which a
municipality may override (for example the Jeugdwet term from its verordening)."""

from __future__ import annotations

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


def term_rule(*, code: str, municipality_id: int | None) -> TermRule:
    """The municipality's own rule for this clock, else the national default (one query)."""
    rule = (
        TermRule.objects.filter(code=code)
        .filter(models.Q(municipality_id=municipality_id) | models.Q(municipality__isnull=True))
        .order_by(models.F("municipality_id").asc(nulls_last=True))
        .first()
    )
    if rule is None:
        raise TermRule.DoesNotExist(code)
    return rule


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
