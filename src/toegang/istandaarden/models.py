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

    class Meta:
        verbose_name = _("iStandaarden-bericht")
        verbose_name_plural = _("iStandaarden-berichten")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "standard", "code", "identification", "provider"], name="message_unique"
            )
        ]
        indexes = [models.Index(fields=["direction", "status"], name="message_queue_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.identification}"

    @property
    def name(self) -> str:
        return f"{self.standard}{self.code}"
