"""Break-the-glass (noodtoegang) and the in-app messages that announce it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
