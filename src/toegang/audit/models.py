"""The append-only access and change log (NEN 7513 style: who, as what, did what, to whom, when)."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@functools.cache
def _role_labels() -> dict[str, Any]:
    """Role code -> its (lazy) label, made once: a log page names the role of each of its rows."""
    from toegang.accounts.models import User

    return {role.value: role.label for role in User.Role}


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("Ingezien")
        CREATE = "create", _("Aangemaakt")
        UPDATE = "update", _("Gewijzigd")
        DELETE = "delete", _("Verwijderd")
        SEARCH = "search", _("Gezocht")
        EXPORT = "export", _("Geëxporteerd / afgedrukt")
        LOGIN = "login", _("Ingelogd")
        LOGOUT = "logout", _("Uitgelogd")
        LOGIN_FAILED = "login_failed", _("Inloggen mislukt")
        DENIED = "denied", _("Toegang geweigerd")

    at = models.DateTimeField(_("moment"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )  # indexed by audit_actor_at_idx
    actor_name = models.CharField(_("gebruiker"), max_length=150)
    organisation_name = models.CharField(_("organisatie"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=20, blank=True)
    on_behalf_of = models.CharField(_("namens"), max_length=150, blank=True)
    action = models.CharField(_("handeling"), max_length=12, choices=Action.choices)
    object_type = models.CharField(_("soort gegeven"), max_length=50)
    object_id = models.CharField(_("gegeven-id"), max_length=50, blank=True)
    detail = models.CharField(_("toelichting"), max_length=300, blank=True)
    legal_basis = models.CharField(_("grondslag of toestemming"), max_length=150, blank=True)
    emergency = models.BooleanField(_("noodtoegang"), default=False)
    chain_hash = models.CharField(_("ketenwaarde"), max_length=64)

    class Meta:
        verbose_name = _("logregel")
        verbose_name_plural = _("logregels")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"], name="audit_actor_at_idx")]

    @property
    def object_label(self) -> str:
        from toegang.audit.labels import object_label

        return object_label(self.object_type)

    @property
    def role_label(self) -> str:
        """The role as the screens name it ("Privacyfunctionaris"); the stored code when it is no longer
        a role (the log keeps what was true at the time)."""
        label = _role_labels().get(self.role)
        return str(label) if label is not None else self.role


class AuditSubject(models.Model):
    """One person whose data an audit entry touched: the index for "who saw person X"."""

    # Indexed by auditsubject_unique. No foreign-key constraint in PostgreSQL: the subjects are written
    # in the same statement as their entry (audit/services.py), the chain covers them and the table
    # refuses deletes, while a constraint check per subject row made long lists 40 % slower to log.
    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="subjects", db_index=False, db_constraint=False
    )
    person_id = models.BigIntegerField(_("persoon-id"), db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "person_id"], name="auditsubject_unique")]


class AuditAnchor(models.Model):
    """Where the chain starts after the oldest entries were removed at the end of their retention:
    the hash of the last removed entry, so that `audit verify` can check the rest."""

    created_at = models.DateTimeField(_("moment"))
    through_id = models.BigIntegerField(_("tot en met logregel"))
    chain_hash = models.CharField(_("ketenwaarde"), max_length=64)
    removed = models.PositiveIntegerField(_("verwijderd"))
    last_at = models.DateTimeField(_("moment laatste verwijderde regel"))
    mac = models.CharField(_("echtheidswaarde"), max_length=64)

    class Meta:
        verbose_name = _("ankerpunt logboek")
        verbose_name_plural = _("ankerpunten logboek")


class AuditPruneGate(models.Model):
    """Present only inside the transaction that removes entries past their retention; the SQLite
    triggers refuse deletes from the log whenever this table is empty."""

    opened_at = models.DateTimeField()
