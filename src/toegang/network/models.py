"""The network around the Toegang. First part: the escalation ladder (doorzettingsmacht). When a case
stalls, the regisseur puts a question with a deadline to the first level of the municipality's ladder;
each level decides or passes it up, and the decision goes back into the dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationLevel(models.Model):
    """One rung of a municipality's ladder, for example teamleider → manager Toegang → ambtelijk
    opdrachtgever → portefeuillehouder. Who holds it follows from the trajectory (its team's team leads,
    the municipality's managers) or is named."""

    class Holder(models.TextChoices):
        TEAM_LEAD = "teamleider", _("De teamleiders van het team van het traject")
        MANAGER = "manager", _("De managers van de gemeente")
        NAMED = "aangewezen", _("Aangewezen personen")

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="escalation_levels"
    )
    rank = models.PositiveSmallIntegerField(_("niveau"))
    title = models.CharField(_("naam"), max_length=100)
    holder = models.CharField(_("wie beslist"), max_length=12, choices=Holder.choices)
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="escalation_levels", verbose_name=_("aangewezen")
    )

    class Meta:
        verbose_name = _("escalatieniveau")
        verbose_name_plural = _("escalatieladder")
        ordering = ["municipality", "rank"]
        constraints = [models.UniqueConstraint(fields=["municipality", "rank"], name="escalation_level_unique")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


class Escalation(models.Model):
    class Reason(models.TextChoices):
        DISAGREE = "onenigheid", _("Partners zijn het niet eens")
        NO_ACTION = "geen_actie", _("Een partner komt niet in actie")
        WAITING_LIST = "wachtlijst", _("Wachtlijst")
        OUTSIDE_RULES = "buiten_regels", _("Een oplossing buiten de regels is nodig")
        OTHER = "anders", _("Anders")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "besloten", _("Besloten")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    trajectory = models.ForeignKey("cases.Trajectory", on_delete=models.PROTECT, related_name="escalations")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField(_("geëscaleerd op"))
    reason = models.CharField(_("reden"), max_length=14, choices=Reason.choices)
    question = models.TextField(_("vraag"))
    deadline = models.DateField(_("besluit nodig uiterlijk"))
    level = models.ForeignKey(EscalationLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("niveau"))
    arrived_on = models.DateField(_("op dit niveau sinds"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    decision = models.TextField(_("besluit"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalatie")
        verbose_name_plural = _("escalaties")
        indexes = [models.Index(fields=["status", "level"], name="escalation_open_idx")]

    def __str__(self) -> str:
        return f"Escalatie {self.pk} ({self.get_status_display()})"


class EscalationStep(models.Model):
    """The escalation's way up the ladder: per level when it arrived, when it left and what was done."""

    class Outcome(models.TextChoices):
        DECIDED = "besluit", _("Besloten")
        FORWARDED = "doorgezet", _("Doorgezet naar het volgende niveau")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    level = models.ForeignKey(EscalationLevel, on_delete=models.PROTECT, related_name="+")
    arrived_on = models.DateField(_("aangekomen"))
    left_on = models.DateField(_("afgehandeld"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=12, choices=Outcome.choices, blank=True)
    text = models.TextField(_("toelichting"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("stap")
        verbose_name_plural = _("stappen")
        ordering = ["arrived_on", "pk"]

    def __str__(self) -> str:
        return f"{self.level}: {self.get_outcome_display() or 'open'}"


class Transfer(models.Model):
    """A trajectory handed over to another team (of the same or another organisation): requested by the
    regisseur or the team lead, accepted with a new regisseur or refused with a reason by the receiving
    team's lead. The history stays in these rows and in the regisseur assignments."""

    class Status(models.TextChoices):
        REQUESTED = "aangevraagd", _("Aangevraagd")
        ACCEPTED = "geaccepteerd", _("Geaccepteerd")
        REFUSED = "geweigerd", _("Geweigerd")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    trajectory = models.ForeignKey("cases.Trajectory", on_delete=models.PROTECT, related_name="transfers")
    from_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("van team")
    )
    to_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("naar team")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("aangevraagd op"))
    reason = models.TextField(_("reden"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("beslist op"), null=True, blank=True)
    new_regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal = models.TextField(_("reden weigering"), blank=True)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory"], condition=models.Q(status="aangevraagd"), name="transfer_one_open"
            )
        ]
        indexes = [models.Index(fields=["to_team", "status"], name="transfer_incoming_idx")]

    def __str__(self) -> str:
        return f"Overdracht {self.pk} ({self.get_status_display()})"


class TargetGroup(models.Model):
    """Who a community service is for (reference data; the social map's own list)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        verbose_name = _("doelgroep")
        verbose_name_plural = _("doelgroepen")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class CommunityService(models.Model):
    """A service of the voorliggend veld on the social map (sociale kaart), shaped after the Open Referral
    HSDS 3.0 service: who offers it, for whom, on which life domains, where (wijken/kernen), at what cost,
    how to reach it and when it is open."""

    class Status(models.TextChoices):  # HSDS service.status
        ACTIVE = "active", _("Actief")
        INACTIVE = "inactive", _("Niet actief")
        DEFUNCT = "defunct", _("Opgeheven")
        CLOSED = "temporarily closed", _("Tijdelijk gesloten")

    hsds_id = models.UUIDField(_("HSDS-id"), unique=True)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    organization_id = models.UUIDField(_("HSDS-id organisatie"))
    organization_name = models.CharField(_("organisatie"), max_length=200)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    eligibility = models.TextField(_("voor wie / voorwaarden"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("vanaf leeftijd"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("tot en met leeftijd"), null=True, blank=True)
    free = models.BooleanField(_("gratis"), default=True)
    fees = models.TextField(_("kosten"), blank=True)
    opening_hours = models.TextField(_("openingstijden"), blank=True)
    areas = models.ManyToManyField(
        "accounts.Area", blank=True, related_name="services", verbose_name=_("wijken/kernen")
    )
    domains = models.ManyToManyField("plans.LifeDomain", blank=True, related_name="+", verbose_name=_("leefdomeinen"))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="+", verbose_name=_("doelgroepen"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dienst (sociale kaart)")
        verbose_name_plural = _("sociale kaart")
        indexes = [models.Index(fields=["municipality", "status", "name"], name="service_search_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_name})"
