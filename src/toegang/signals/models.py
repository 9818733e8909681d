"""Signals (meldingen) about residents and their triage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Municipality, Team
from toegang.cases.models import Trajectory
from toegang.people.models import Person
from toegang.plans.models import LifeDomain


class Signal(models.Model):
    class Source(models.TextChoices):
        RESIDENT = "zelfmelder", _("Inwoner zelf")
        GP = "huisarts", _("Huisarts")
        JGZ = "jgz", _("Jeugdgezondheidszorg")
        SCHOOL = "school", _("School")
        POLICE = "politie", _("Politie")
        WELFARE = "welzijn", _("Welzijn / voorliggend veld")
        HOUSING = "woningcorporatie", _("Woningcorporatie")
        VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
        NETWORK = "netwerk", _("Familie, buren of netwerk")
        OTHER = "overig", _("Anders")

    class Channel(models.TextChoices):
        PHONE = "telefoon", _("Telefoon")
        DESK = "balie", _("Balie / inloop")
        FORM = "formulier", _("Webformulier")
        MAIL = "mail", _("E-mail / brief")
        PARTNER = "partner", _("Via partnerorganisatie")
        OUTREACH = "outreachend", _("Outreachend (huisbezoek)")

    class Urgency(models.TextChoices):
        NORMAL = "normaal", _("Normaal")
        HIGH = "hoog", _("Hoog")
        CRISIS = "crisis", _("Crisis – direct oppakken")

    class Status(models.TextChoices):
        NEW = "nieuw", _("Nieuw")
        TRIAGED = "getriageerd", _("Getriageerd")

    class Outcome(models.TextChoices):
        ADVICE = "advies", _("Direct beantwoord / advies")
        COMMUNITY = "voorliggend", _("Doorverwezen naar voorliggend veld")
        INTAKE = "intake", _("Intake: traject gestart")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="signals")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="signals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="signals")
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices)
    channel = models.CharField(_("kanaal"), max_length=12, choices=Channel.choices)
    received_on = models.DateField(_("datum melding"))
    urgency = models.CharField(_("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter = models.CharField(_("melder (naam, organisatie)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"))
    main_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("om wie het vooral gaat")
    )
    persons = models.ManyToManyField(Person, related_name="signals", verbose_name=_("betrokken personen"))
    life_domains = models.ManyToManyField(LifeDomain, related_name="+", blank=True, verbose_name=_("leefdomeinen"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(_("uitkomst triage"), max_length=12, choices=Outcome.choices, blank=True)
    triage_note = models.TextField(_("toelichting triage"), blank=True)
    referred_to = models.CharField(_("doorverwezen naar"), max_length=200, blank=True)
    triaged_on = models.DateField(_("getriageerd op"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, null=True, blank=True, related_name="signals")

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="nieuw", outcome="")
                | (models.Q(status="getriageerd") & ~models.Q(outcome="")),
                name="signal_outcome_when_triaged",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="intake") | models.Q(trajectory__isnull=False),
                name="signal_intake_has_trajectory",
            ),
        ]
        indexes = [models.Index(fields=["team", "status", "received_on"], name="signal_queue_idx")]

    def __str__(self) -> str:
        return f"Melding {self.pk}"
