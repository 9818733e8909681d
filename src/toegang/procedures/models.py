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
