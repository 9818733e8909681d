"""API tokens bound to a user: issued by the functional administrator, shown once, stored as a digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A token acts as its user: it sees exactly what that user sees in the application, narrowed by its
    scopes. The secret itself is never stored, only its SHA-256 digest; ``prefix`` finds the row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("omschrijving"), max_length=100)
    prefix = models.CharField(_("kenmerk"), max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("bevoegdheden"), default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt op"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
