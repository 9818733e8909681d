"""Exploration, self-reliance scores, the one support plan, goals, actions and progress reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.cases.models import Trajectory
from toegang.people.models import Household, Person


class LifeDomain(models.Model):
    """A life domain (leefdomein). Names are reference data with their source (ZRM 2017, 13 domains)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("leefdomein")
        verbose_name_plural = _("leefdomeinen")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class SelfRelianceLevel(models.Model):
    """The 5 level labels of the self-reliance scale; only names, never the matrix criteria."""

    level = models.PositiveSmallIntegerField(_("niveau"), unique=True)
    label = models.CharField(_("omschrijving"), max_length=100)
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("zelfredzaamheidsniveau")
        verbose_name_plural = _("zelfredzaamheidsniveaus")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level} – {self.label}"


class Exploration(models.Model):
    """The verkenning / keukentafelgesprek with the household."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="explorations")
    held_on = models.DateField(_("datum gesprek"))
    participants = models.CharField(_("aanwezig"), max_length=300, blank=True)
    summary = models.TextField(_("samenvatting en hulpvraag"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("verkenning")
        verbose_name_plural = _("verkenningen")


class DomainFinding(models.Model):
    """Per relevant life domain: situation, strengths, concerns and what the household can do itself."""

    exploration = models.ForeignKey(Exploration, on_delete=models.CASCADE, related_name="findings")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, related_name="+")
    situation = models.TextField(_("situatie"), blank=True)
    strengths = models.TextField(_("krachten"), blank=True)
    concerns = models.TextField(_("zorgen"), blank=True)
    own_capacity = models.TextField(_("wat kan het huishouden en netwerk zelf"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exploration", "domain"], name="finding_unique_domain")]


class SelfRelianceScore(models.Model):
    """A score on one relevant domain at intake or at a review; not scoring a domain is allowed."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="scores")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(SelfRelianceLevel, on_delete=models.PROTECT, related_name="+")
    scored_on = models.DateField(_("datum"))
    exploration = models.ForeignKey(Exploration, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    review = models.ForeignKey("Review", on_delete=models.CASCADE, null=True, blank=True, related_name="scores")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exploration__isnull=False, review__isnull=True)
                | models.Q(exploration__isnull=True, review__isnull=False),
                name="score_from_exploration_or_review",
            ),
        ]
        indexes = [models.Index(fields=["trajectory", "domain", "scored_on"], name="score_trajectory_idx")]


class Plan(models.Model):
    """The one support plan (ondersteuningsplan) of a household, versioned.

    ``version`` counts agreed versions (1, 2, ...); ``revision`` is the optimistic-concurrency
    counter that every change to the plan or its goals and actions raises by one.
    """

    class Status(models.TextChoices):
        DRAFT = "concept", _("Concept")
        AGREED = "akkoord", _("Afgesproken met huishouden")
        SUPERSEDED = "vervangen", _("Vervangen door nieuwe versie")
        CLOSED = "gesloten", _("Afgesloten")

    class AgreedHow(models.TextChoices):
        SIGNED = "ondertekend", _("Ondertekend door huishouden")
        VERBAL = "mondeling", _("Mondeling akkoord in gesprek")
        DIGITAL = "digitaal", _("Digitaal akkoord")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="plans")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField(_("versie"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    what_goes_well = models.TextField(_("wat gaat goed"), blank=True)
    household_wishes = models.TextField(_("wat wil het huishouden bereiken"), blank=True)
    agreed_on = models.DateField(_("afgesproken op"), null=True, blank=True)
    agreed_how = models.CharField(_("wijze van akkoord"), max_length=12, choices=AgreedHow.choices, blank=True)
    review_interval_weeks = models.PositiveSmallIntegerField(_("evaluatie-interval (weken)"), default=12)
    next_review_on = models.DateField(_("volgende evaluatie"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ondersteuningsplan")
        verbose_name_plural = _("ondersteuningsplannen")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="concept"),
                name="plan_one_draft_per_household",
                violation_error_message=_("Dit huishouden heeft al een plan in concept."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="akkoord"),
                name="plan_one_agreed_per_household",
                violation_error_message=_("Dit huishouden heeft al een afgesproken plan."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="akkoord") | models.Q(agreed_on__isnull=False),
                name="plan_agreed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_on"], name="plan_review_idx")]

    def __str__(self) -> str:
        return f"Plan v{self.version}"


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACHIEVED = "bereikt", _("Bereikt")
        DROPPED = "vervallen", _("Vervallen")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, related_name="+")
    result = models.TextField(_("afgesproken resultaat"))
    due_on = models.DateField(_("te bereiken op"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        ordering = ["position", "id"]


class Action(models.Model):
    class Party(models.TextChoices):
        MEMBER = "lid", _("Lid van het huishouden")
        NETWORK = "netwerk", _("Netwerk")
        PROFESSIONAL = "professional", _("Professional / organisatie")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "gedaan", _("Gedaan")
        CANCELLED = "vervallen", _("Vervallen")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("actie"), max_length=300)
    party = models.CharField(_("wie"), max_length=12, choices=Party.choices)
    member = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    network_name = models.CharField(_("naam netwerk"), max_length=150, blank=True)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_actions"
    )
    due_on = models.DateField(_("uiterlijk op"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(party="lid") & models.Q(member__isnull=False))
                | (models.Q(party="netwerk") & ~models.Q(network_name=""))
                | (models.Q(party="professional") & models.Q(professional__isnull=False)),
                name="action_party_named",
                violation_error_message=_("Wie: noem het lid, het netwerk of de professional die de actie doet."),
            ),
        ]
        indexes = [
            models.Index(fields=["professional", "status", "due_on"], name="action_owner_idx"),
            models.Index(fields=["status", "due_on"], name="action_due_idx"),
        ]

    @property
    def party_label(self) -> str:
        if self.party == self.Party.MEMBER and self.member is not None:
            return self.member.full_name
        if self.party == self.Party.NETWORK:
            return self.network_name
        if self.professional is not None:
            return str(self.professional)
        return ""


class Review(models.Model):
    """A voortgangsbespreking: each goal scored, scores re-taken where used, the next date set."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("datum bespreking"))
    summary = models.TextField(_("samenvatting"), blank=True)
    next_review_on = models.DateField(_("volgende bespreking"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("voortgangsbespreking")
        verbose_name_plural = _("voortgangsbesprekingen")
        ordering = ["-held_on", "-id"]


class GoalReview(models.Model):
    class Outcome(models.TextChoices):
        ACHIEVED = "bereikt", _("Bereikt")
        PARTLY = "deels", _("Deels bereikt")
        NOT_ACHIEVED = "niet", _("Niet bereikt")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="goal_reviews")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(_("resultaat"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="goalreview_unique")]
