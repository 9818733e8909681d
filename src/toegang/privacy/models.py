"""Break-the-glass (noodtoegang) and the in-app messages that announce it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.common.dates import add_months
from toegang.people.models import Household


class EmergencyAccess(models.Model):
    """A professional without access opened a household's dossier because they had to act at once.
    Limited in time, announced to the privacy officer and the regisseur, reviewed afterwards."""

    class Verdict(models.TextChoices):
        JUSTIFIED = "terecht", _("Terecht")
        UNJUSTIFIED = "onterecht", _("Onterecht")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.TextField(_("reden"))
    started_at = models.DateTimeField(_("begonnen"))
    expires_at = models.DateTimeField(_("verloopt"))
    verdict = models.CharField(_("oordeel"), max_length=10, choices=Verdict.choices, blank=True)
    review_note = models.TextField(_("toelichting beoordeling"), blank=True)
    reviewed_at = models.DateTimeField(_("beoordeeld"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("noodtoegang")
        verbose_name_plural = _("noodtoegangen")
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("started_at")), name="emergency_expires"),
            models.CheckConstraint(
                condition=models.Q(verdict="", reviewed_at__isnull=True)
                | (~models.Q(verdict="") & models.Q(reviewed_at__isnull=False)),
                name="emergency_review_complete",
            ),
        ]
        indexes = [models.Index(fields=["user", "expires_at"], name="emergency_user_idx")]


class Message(models.Model):
    """A message for one user inside the application (no e-mail leaves the system)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    text = models.CharField(_("bericht"), max_length=500)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("verstuurd"))
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread_idx")]


class ProcessingActivity(models.Model):
    """An entry of the register of processing activities (verwerkingsactiviteiten): purpose and basis."""

    class Basis(models.TextChoices):
        LAW = "wet", _("Wettelijke grondslag")
        CONSENT = "toestemming", _("Toestemming")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    purpose = models.TextField(_("doel"))
    basis = models.CharField(_("soort grondslag"), max_length=12, choices=Basis.choices)
    reference = models.CharField(_("grondslag"), max_length=200)
    source = models.CharField(_("bron"), max_length=300)
    partner_kinds = models.JSONField(
        _("delen met soorten organisaties"),
        default=list,
        blank=True,
        help_text=_(
            "Bij een wettelijke grondslag: met welke soorten partnerorganisaties (Organisation.Kind) op deze "
            "grondslag gedeeld mag worden, omdat zij die wettelijke taak uitvoeren. Leeg: met geen enkele."
        ),
    )

    class Meta:
        verbose_name = _("verwerkingsactiviteit")
        verbose_name_plural = _("verwerkingsactiviteiten")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"


class Consent(models.Model):
    """Consent of a resident (or their legal representative) to share data with named organisations
    for one purpose. Withdrawal takes effect at once: access that rests on it stops."""

    class GivenBy(models.TextChoices):
        RESIDENT = "inwoner", _("De inwoner zelf")
        REPRESENTATIVE = "vertegenwoordiger", _("Wettelijk vertegenwoordiger")

    class Category(models.TextChoices):
        CONTACT = "contact", _("Contact- en persoonsgegevens")
        HOUSEHOLD = "huishouden", _("Samenstelling huishouden")
        PLAN = "plan", _("Ondersteuningsplan en voortgang")
        HEALTH = "gezondheid", _("Gezondheid")
        YOUTH = "jeugd", _("Opvoeden en opgroeien")
        MONEY = "financien", _("Financiën en schulden")
        JUSTICE = "justitie", _("Justitie")
        NOTES = "notities", _("Notities en contactmomenten")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.PROTECT, related_name="consents", verbose_name=_("doel")
    )
    given_by = models.CharField(_("gegeven door"), max_length=20, choices=GivenBy.choices)
    representative_name = models.CharField(_("naam vertegenwoordiger"), max_length=200, blank=True)
    categories = models.JSONField(_("gegevenscategorieën"), default=list)
    organisations = models.ManyToManyField(
        "accounts.Organisation", related_name="consents", verbose_name=_("organisaties")
    )
    given_on = models.DateField(_("gegeven op"))
    valid_until = models.DateField(_("geldig tot en met"))
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"))

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("given_on")), name="consent_period"),
            models.CheckConstraint(
                condition=~models.Q(given_by="vertegenwoordiger") | ~models.Q(representative_name=""),
                name="consent_representative_named",
            ),
        ]

    @property
    def category_labels(self) -> list[str]:
        labels = dict(self.Category.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class RightsRequest(models.Model):
    """A request of a resident under the AVG or the Jeugdwet, tracked against its statutory term."""

    class Kind(models.TextChoices):
        ACCESS = "inzage", _("Inzage (AVG art. 15)")
        CORRECTION = "correctie", _("Correctie (AVG art. 16)")
        OBJECTION = "bezwaar", _("Bezwaar tegen verwerking (AVG art. 21)")
        DESTRUCTION = "vernietiging", _("Vernietiging op verzoek (Jeugdwet art. 7.3.9)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "afgehandeld", _("Afgehandeld")
        REFUSED = "afgewezen", _("Afgewezen")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(_("soort verzoek"), max_length=15, choices=Kind.choices)
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("uiterlijk afhandelen op"))
    description = models.TextField(_("omschrijving"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    handled_on = models.DateField(_("afgehandeld op"), null=True, blank=True)
    outcome = models.TextField(_("uitkomst"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("verzoek van een inwoner")
        verbose_name_plural = _("verzoeken van inwoners")
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("received_on")), name="request_due"),
            models.CheckConstraint(
                condition=models.Q(status="open", handled_on__isnull=True)
                | (~models.Q(status="open") & models.Q(handled_on__isnull=False)),
                name="request_handled_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="request_due_idx")]


class RetentionRule(models.Model):
    """A result of the Selectielijst with its retention term: when a closed dossier is destroyed."""

    SIGNAL = "melding"  # the term of a signal triaged without a trajectory (migration 0007), not for dossiers

    code = models.SlugField(_("code"), max_length=40, unique=True)
    result = models.CharField(_("resultaat"), max_length=200)
    years = models.PositiveSmallIntegerField(_("jaren"), default=0)
    days = models.PositiveSmallIntegerField(_("dagen"), default=0)
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(years__gt=0) | models.Q(days__gt=0), name="retention_has_term")
        ]

    def __str__(self) -> str:
        term = f"{self.years} jaar" if self.years else f"{self.days} dagen"
        return f"{self.result} ({term})"

    def term_ends(self, start: dt.date) -> dt.date:
        """The day the term ends when it runs from ``start`` (a dossier's closing day, a procedure's end, a
        signal's triage): the archiefactiedatum, from which the data may be destroyed."""
        return add_months(start, 12 * self.years) + dt.timedelta(days=self.days)


class DeletionRecord(models.Model):
    """The deletion register: one row per batch of destroyed dossiers; no personal data."""

    executed_at = models.DateTimeField(_("uitgevoerd"))
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    category = models.CharField(_("categorie"), max_length=100)
    count = models.PositiveIntegerField(_("aantal"))

    class Meta:
        verbose_name = _("vernietigingsregel")
        verbose_name_plural = _("vernietigingsregister")
        ordering = ["-executed_at", "-id"]
