"""iWmo / iJw release 3.2 messages between the municipality and its providers, kept whole (the XML as
sent or received) with their status, so that every client has a message history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Direction(models.TextChoices):
        OUT = "uit", _("Verzonden door de gemeente")
        IN = "in", _("Ontvangen van een aanbieder")

    class Status(models.TextChoices):
        PENDING = "klaar", _("Klaar om te verzenden")
        SENT = "verzonden", _("Verzonden")
        ACCEPTED = "verwerkt", _("Verwerkt")
        REJECTED = "afgekeurd", _("Afgekeurd")

    direction = models.CharField(_("richting"), max_length=3, choices=Direction.choices)
    standard = models.CharField(_("standaard"), max_length=4)  # "WMO" or "JW"
    code = models.CharField(_("bericht"), max_length=3)  # "301", "323", …
    identification = models.CharField(_("berichtidentificatie"), max_length=12)
    dated = models.DateField(_("dagtekening"))
    provider = models.ForeignKey("procedures.Provider", on_delete=models.PROTECT, related_name="messages")
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    decision = models.ForeignKey(
        "procedures.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    xml = models.TextField(_("bericht (XML)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden"), null=True, blank=True)
    file_name = models.CharField(_("bestand"), max_length=100, blank=True)
    # the message this one answers: a retour (302, 306, …) its heenbericht, a 301/319 the request (315/317),
    # a 325 its claim (323)
    answers = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answered_by",
        verbose_name=_("antwoord op"),
    )
    # by when an answer is due (iStandaarden response times, DOMAIN.md §2.3), and when it came
    due_on = models.DateField(_("antwoord uiterlijk"), null=True, blank=True)
    answered_on = models.DateField(_("beantwoord op"), null=True, blank=True)
    codes = models.CharField(_("retourcodes"), max_length=200, blank=True)
    summary = models.CharField(_("samenvatting"), max_length=300, blank=True)
    reference = models.CharField(_("referentie"), max_length=36, blank=True)  # declaratienummer, referentie VOW

    class Meta:
        verbose_name = _("iStandaarden-bericht")
        verbose_name_plural = _("iStandaarden-berichten")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "standard", "code", "identification", "provider"], name="message_unique"
            )
        ]
        indexes = [
            models.Index(fields=["direction", "status"], name="message_queue_idx"),
            models.Index(fields=["municipality", "direction", "code", "dated"], name="message_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.identification}"

    @property
    def name(self) -> str:
        return f"{self.standard}{self.code}"

    @property
    def label(self) -> str:
        from toegang.istandaarden.messages import NAMES

        return NAMES.get(self.code, "")


class Request(models.Model):
    """A provider's request: for assignment (verzoek om toewijzing, 315; one per requested product) or
    for change (verzoek om wijziging, 317; one for the whole request). It waits in the work queue until
    the municipality answers with a 301 or a 319 — within five working days (DOMAIN.md §2.3)."""

    class Kind(models.TextChoices):
        VOT = "vot", _("Verzoek om toewijzing")
        VOW = "vow", _("Verzoek om wijziging")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        INVESTIGATING = "onderzoek", _("Aanvraag in onderzoek")
        ASSIGNED = "toegewezen", _("Toegewezen")
        REFUSED = "afgewezen", _("Afgewezen")

    class Refusal(models.TextChoices):  # WJ759
        NEW_APPLICATION = "1", _("Geen wijziging, maar nieuwe aanvraag")
        BUDGET = "2", _("Past niet binnen budget")
        NO_CONTRACT = "3", _("Geen contract")
        CONTRACT = "4", _("Past niet binnen contract")
        OTHER_MUNICIPALITY = "5", _("Andere gemeente")
        STACKING = "6", _("Stapeling")
        CARE_CONTENT = "7", _("Zorginhoudelijke afkeur")
        RESIDENCE = "8", _("Woonplaatsbeginsel")
        AGE_LIMIT = "9", _("Leeftijdsgrens is bereikt")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("soort"), max_length=3, choices=Kind.choices)
    provider = models.ForeignKey("procedures.Provider", on_delete=models.PROTECT, related_name="requests")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    law = models.CharField(_("wet"), max_length=10)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="provider_requests"
    )
    bsn = models.CharField(_("BSN"), max_length=9)
    reference = models.CharField(_("referentie aanbieder"), max_length=36)
    products = models.JSONField(_("gevraagde producten"), default=list)
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("antwoord uiterlijk"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    refusal = models.CharField(_("reden afwijzing"), max_length=2, choices=Refusal.choices, blank=True)
    answer = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("antwoord")
    )
    answered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_on = models.DateField(_("beantwoord op"), null=True, blank=True)

    class Meta:
        verbose_name = _("verzoek van een aanbieder")
        verbose_name_plural = _("verzoeken van aanbieders")
        constraints = [
            models.UniqueConstraint(fields=["provider", "law", "reference"], name="request_reference_unique")
        ]
        indexes = [models.Index(fields=["municipality", "status", "due_on"], name="request_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class ClaimLine(models.Model):
    """One prestatie of a claim (declaratie, 323), checked against its assignment and approved or
    rejected with a return code in the 325. Amounts in eurocents; a credit line reverses an approved
    debit line with the same reference."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="claim_lines")
    provision = models.ForeignKey(
        "procedures.Provision", on_delete=models.CASCADE, null=True, blank=True, related_name="claim_lines"
    )
    bsn = models.CharField(_("BSN"), max_length=9)
    reference = models.CharField(_("referentie"), max_length=20)
    previous_reference = models.CharField(_("vorige referentie"), max_length=20, blank=True)  # a credit's debit
    assignment_number = models.PositiveIntegerField(_("toewijzingnummer"))
    category = models.CharField(_("productcategorie"), max_length=2)
    product_code = models.CharField(_("productcode"), max_length=5)
    period_start = models.DateField(_("begin productperiode"))
    period_end = models.DateField(_("einde productperiode"))
    volume = models.PositiveIntegerField(_("geleverd volume"))
    unit = models.CharField(_("eenheid"), max_length=2)
    rate_cents = models.PositiveIntegerField(_("producttarief (eurocent)"), null=True, blank=True)
    amount_cents = models.PositiveIntegerField(_("ingediend bedrag (eurocent)"))
    credit = models.BooleanField(_("credit"), default=False)
    approved = models.BooleanField(_("toegekend"), default=False)
    codes = models.CharField(_("retourcodes"), max_length=60)

    class Meta:
        verbose_name = _("prestatie")
        verbose_name_plural = _("prestaties")
        indexes = [
            models.Index(fields=["provision", "approved"], name="claimline_provision_idx"),
            models.Index(fields=["reference"], name="claimline_reference_idx"),
            models.Index(fields=["previous_reference"], name="claimline_previous_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.codes})"
