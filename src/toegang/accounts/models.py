"""Municipalities, areas, organisations, teams and the people who log in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A gemeente served by this installation, identified by its CBS gemeentecode (4 digits)."""

    code = models.CharField(_("CBS-gemeentecode"), max_length=4, unique=True)
    name = models.CharField(_("naam"), max_length=100)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A wijk or kern of a municipality; teams work per area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(_("naam"), max_length=100)

    class Meta:
        verbose_name = _("gebied")
        verbose_name_plural = _("gebieden")
        ordering = ["municipality__name", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "gemeente", _("Gemeente")
        WELFARE = "welzijn", _("Welzijn / voorliggend veld")
        YOUTH_CARE = "jeugdhulp", _("Jeugdhulp")
        MENTAL_HEALTH = "ggz", _("GGZ")
        DEBT = "schuldhulp", _("Schuldhulpverlening")
        MEE = "mee", _("MEE / cliëntondersteuning")
        YOUTH_HEALTH = "jgz", _("Jeugdgezondheidszorg")
        OTHER = "overig", _("Overig")

    name = models.CharField(_("naam"), max_length=150, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    cao = models.CharField(_("cao"), max_length=150, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("naam"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A professional, team lead, manager, functional administrator or privacy officer; or a resident
    who logged in to the portal with DigiD.

    Seconded professionals are ordinary users whose employer is a partner organisation. A resident's
    account is made at their first DigiD login (portal/oidc.py): it has their BSN, no password, no
    organisation, and reaches only the portal's pages (/mijn/, common/middleware.py).
    """

    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        TEAM_LEAD = "teamleider", _("Teamleider")
        MANAGER = "manager", _("Manager")
        FUNCTIONAL_ADMIN = "beheerder", _("Functioneel beheerder")
        PRIVACY_OFFICER = "privacy", _("Privacyfunctionaris")
        REPORTER = "melder", _("Partnermedewerker (melden en verwijzingen)")
        CLIENT = "opdrachtgever", _("Opdrachtgever sociaal domein (alleen stuurinformatie)")
        RESIDENT = "inwoner", _("Inwoner (portaal, DigiD)")

    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.PROFESSIONAL)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("werkgever"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    job_title = models.CharField(_("functie"), max_length=100, blank=True)
    bsn = models.CharField(_("BSN (alleen inwoners)"), max_length=9, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["professional", "teamleider"]) | models.Q(team__isnull=False),
                name="user_case_roles_have_team",
                violation_error_message=_("Een professional of teamleider hoort bij een team."),
            ),
            models.CheckConstraint(  # a BSN belongs to a resident's account, and a resident's account has one
                condition=models.Q(role="inwoner", bsn__isnull=False)
                | (~models.Q(role="inwoner") & models.Q(bsn=None)),
                name="user_resident_has_bsn",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_resident(self) -> bool:
        return self.role == self.Role.RESIDENT

    @property
    def is_seconded(self) -> bool:
        """True when the employer is not a municipality (a gedetacheerde professional)."""
        return self.organisation is not None and self.organisation.kind != Organisation.Kind.MUNICIPALITY
