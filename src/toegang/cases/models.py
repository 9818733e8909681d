"""Trajectories (casussen) per household: one regisseur at a time, involved professionals, notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Organisation, Team
from toegang.people.models import Household


class Trajectory(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Lopend")
        CLOSED = "gesloten", _("Afgesloten")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "doelen_bereikt", _("Doelen bereikt")
        SELF_RELIANT = "zelfredzaam", _("Huishouden redt het zelf met eigen netwerk")
        REFERRED = "overgedragen", _("Overgedragen aan andere organisatie of voorziening")
        MOVED = "verhuisd", _("Verhuisd naar andere gemeente")
        DECLINED = "afgezien", _("Huishouden ziet af van ondersteuning")
        OTHER = "anders", _("Anders")

    # indexed with the team by ``trajectory_household_team_idx`` below
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="trajectories", db_index=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="trajectories")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    started_on = models.DateField(_("gestart op"))
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    closure_reason = models.CharField(_("reden afsluiting"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(_("toelichting afsluiting"), blank=True)
    retention_rule = models.ForeignKey(
        "privacy.RetentionRule",
        verbose_name=_("resultaat (Selectielijst)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archive_action_date = models.DateField(_("vernietigen vanaf"), null=True, blank=True, db_index=True)
    legal_hold = models.BooleanField(_("juridische blokkade"), default=False)
    legal_hold_reason = models.CharField(_("reden blokkade"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="open"),
                name="trajectory_one_open_per_household",
                violation_error_message=_("Dit huishouden heeft al een lopend traject."),
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("started_on")),
                name="trajectory_closed_after_start",
                violation_error_message=_("Datum afsluiting ligt vóór de startdatum."),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="trajectory_team_status_idx"),
            # the access predicate's "a trajectory of the user's team in this household" from the index alone
            models.Index(fields=["household", "team"], name="trajectory_household_team_idx"),
        ]

    def __str__(self) -> str:
        return f"Traject {self.pk}"


class RegisseurAssignment(models.Model):
    """Who is the regisseur of a trajectory from when to when; the open row is the current one."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="regisseur_assignments")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("regisseur")
        verbose_name_plural = _("regisseurs")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory"],
                condition=models.Q(end_date__isnull=True),
                name="trajectory_one_current_regisseur",
                violation_error_message=_("Een traject heeft precies één regisseur tegelijk."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="regisseur_end_after_start",
            ),
        ]
        # a professional's current assignments (caseload, workload, the access predicate's stand-in):
        # partial, so that it holds only the current ones and answers from the index alone
        indexes = [
            models.Index(
                fields=["professional", "trajectory"],
                condition=models.Q(end_date__isnull=True),
                name="regisseur_current_idx",
            )
        ]


class Involvement(models.Model):
    """A professional involved in a trajectory, with the organisation they act for and their role."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="involvements")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="involvements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("rol in traject"), max_length=100)
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    legal_basis = models.CharField(_("grondslag"), max_length=200, blank=True, default="")
    consent = models.ForeignKey(
        "privacy.Consent",
        verbose_name=_("toestemming"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
    )

    class Meta:
        verbose_name = _("betrokken professional")
        verbose_name_plural = _("betrokken professionals")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "professional"],
                condition=models.Q(end_date__isnull=True),
                name="involvement_one_active",
                violation_error_message=_("Deze professional is al betrokken bij dit traject."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="involvement_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["professional", "end_date"], name="involvement_professional_idx")]


class Note(models.Model):
    class Kind(models.TextChoices):
        NOTE = "notitie", _("Notitie")
        CONTACT = "contact", _("Contactmoment")

    class Channel(models.TextChoices):
        NONE = "", _("—")
        HOME_VISIT = "huisbezoek", _("Huisbezoek")
        OFFICE = "kantoor", _("Gesprek op kantoor")
        PHONE = "telefoon", _("Telefoon")
        VIDEO = "video", _("Beeldbellen")
        MAIL = "mail", _("E-mail / bericht")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    channel = models.CharField(_("contactvorm"), max_length=12, choices=Channel.choices, blank=True)
    happened_on = models.DateField(_("datum"))
    text = models.TextField(_("tekst"))
    restricted_to = models.ForeignKey(
        Organisation,
        verbose_name=_("alleen zichtbaar voor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        indexes = [models.Index(fields=["trajectory", "-happened_on"], name="note_trajectory_idx")]


class Document(models.Model):
    """A file kept with a trajectory (a signed plan, a letter). Stored outside the web root under a
    random name and served only through an access-checked view."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(_("soort"), max_length=50)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("controlegetal"), max_length=64)
    stored_name = models.CharField(max_length=80, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("toegevoegd"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["-uploaded_at", "-id"]


class StandIn(models.Model):
    """Waarneming: while a professional is away, a colleague of the same team takes over their cases
    as regisseur for a period. Whatever the stand-in does in those dossiers is logged as done on
    behalf of the absent colleague (NEN 7513: the user on whose behalf one acts)."""

    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stood_in_for", verbose_name=_("afwezig")
    )
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="standing_in", verbose_name=_("waarnemer")
    )
    start_date = models.DateField(_("van"))
    end_date = models.DateField(_("tot en met"))
    reason = models.CharField(_("reden"), max_length=100, blank=True)
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    arranged_at = models.DateTimeField(_("geregeld op"))
    withdrawn_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("waarneming")
        verbose_name_plural = _("waarnemingen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="standin_period",
                violation_error_message=_("Tot en met: ligt vóór de begindatum."),
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("stand_in")),
                name="standin_not_self",
                violation_error_message=_("Waarnemer: iemand kan niet voor zichzelf waarnemen."),
            ),
        ]
        indexes = [models.Index(fields=["stand_in", "end_date"], name="standin_active_idx")]
