"""The outbox and its deliveries (docs/events.md).

An ``Event`` is written by ``services.publish`` in the transaction of the change it reports, so a change
that rolls back publishes nothing. The worker turns each event into one ``Delivery`` per matching active
``Subscription`` of the event's municipality and sends it, signed, to the subscription's callback URL,
retrying with backoff until the receiver answers 2xx or the attempts run out."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One CloudEvents 1.0 event. Its id is the CloudEvents ``id``; ``data`` holds references only
    (ids, URLs, state codes, dates), never names, BSNs, notes, life domains or health information."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("soort"), max_length=100)
    source = models.CharField(_("bron"), max_length=200)
    subject = models.CharField(_("onderwerp"), max_length=200)
    time = models.DateTimeField(_("tijdstip"), default=timezone.now)
    data = models.JSONField(_("gegevens"), default=dict)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatched = models.BooleanField(_("verdeeld over abonnementen"), default=False)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        indexes = [
            models.Index(fields=["time"], condition=Q(dispatched=False), name="event_undispatched_idx"),
            models.Index(fields=["municipality", "-time"], name="event_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class Subscription(models.Model):
    """A webhook of one municipality: which event types go to which URL, signed with a secret that is
    shown once and stored encrypted (events/secrets.py)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=100)
    callback_url = models.CharField(_("callback-URL"), max_length=500)
    event_types = models.JSONField(_("soorten gebeurtenissen"), default=list)
    secret_encrypted = models.TextField(_("geheim (versleuteld)"))
    active = models.BooleanField(_("actief"), default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")
        indexes = [models.Index(fields=["municipality", "active"], name="subscription_active_idx")]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One event to one subscription: waiting, delivered, failed (retried later) or given up."""

    class State(models.TextChoices):
        WAITING = "wachtend", _("Wachtend")
        DELIVERED = "afgeleverd", _("Afgeleverd")
        FAILED = "mislukt", _("Mislukt, volgt opnieuw")
        GIVEN_UP = "opgegeven", _("Opgegeven")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(_("stand"), max_length=12, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("laatste poging"), null=True, blank=True)
    last_status = models.PositiveIntegerField(_("laatste HTTP-status"), null=True, blank=True)
    last_error = models.CharField(_("laatste fout"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aflevering")
        verbose_name_plural = _("afleveringen")
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="delivery_once_per_event")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state__in=["wachtend", "mislukt"]), name="delivery_due_idx"
            ),
            models.Index(fields=["subscription", "-id"], name="delivery_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} ({self.state})"

    @property
    def pending(self) -> bool:
        return self.state in (self.State.WAITING, self.State.FAILED)
