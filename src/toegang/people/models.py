"""Persons, households and dated memberships."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Municipality


class Person(models.Model):
    bsn = models.CharField(_("BSN"), max_length=9, unique=True, null=True, blank=True)
    voornamen = models.CharField(_("voornamen"), max_length=200)
    voorvoegsel = models.CharField(_("voorvoegsel"), max_length=20, blank=True)
    geslachtsnaam = models.CharField(_("geslachtsnaam"), max_length=200)
    geboortedatum = models.DateField(_("geboortedatum"), null=True, blank=True)
    telefoon = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, db_index=True)
    huisnummer = models.CharField(_("huisnummer"), max_length=10, blank=True)
    straat = models.CharField(_("straat"), max_length=200, blank=True)
    woonplaats = models.CharField(_("woonplaats"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        indexes = [
            models.Index(fields=["geslachtsnaam", "voornamen"], name="person_name_idx"),
            models.Index(fields=["postcode", "huisnummer"], name="person_address_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    # what ``full_name`` (and ``str``) reads: a list that shows names only loads these (``only``)
    NAME_FIELDS = ("voornamen", "voorvoegsel", "geslachtsnaam")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if part)

    def age_on(self, day: dt.date) -> int | None:
        if self.geboortedatum is None:
            return None
        born = self.geboortedatum
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Household(models.Model):
    """The unit of "één gezin, één plan, één regisseur"; belongs to one municipality and one area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="households")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="households")
    name = models.CharField(_("naam huishouden"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    huisnummer = models.CharField(_("huisnummer"), max_length=10, blank=True)
    straat = models.CharField(_("straat"), max_length=200, blank=True)
    woonplaats = models.CharField(_("woonplaats"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("huishouden")
        verbose_name_plural = _("huishoudens")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        PARENT = "ouder", _("Ouder/verzorger")
        CHILD = "kind", _("Kind")
        PARTNER = "partner", _("Partner")
        OTHER = "overig", _("Overig")

    # indexed by ``membership_person_idx`` below, which also holds what a search needs of the row
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("Einddatum ligt vóór de begindatum."),
            ),
        ]
        indexes = [
            models.Index(fields=["household", "end_date"], name="membership_household_idx"),
            # a person's memberships with their household, start and id: the person search walks surnames
            # and reads this for each one without visiting the table (docs/performance.md, session 25)
            models.Index(fields=["person", "household", "start_date", "id"], name="membership_person_idx"),
        ]

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class PersonSource(models.Model):
    """Where a value of a person came from: fetched from the BRP (Haal Centraal BRP API Personen, docs/brp.md)
    at a moment, or typed by hand. One row per person and field: the latest prefill of that field.

    ``value`` is always the value as the BRP gave it; when the professional changed it before saving, the
    source is "handmatig" and the person holds the typed value, so both stay visible."""

    class Source(models.TextChoices):
        BRP = "brp", _("uit de BRP")
        MANUAL = "handmatig", _("handmatig")

    FIELDS = (
        ("bsn", _("BSN")),
        ("voornamen", _("voornamen")),
        ("voorvoegsel", _("voorvoegsel")),
        ("geslachtsnaam", _("geslachtsnaam")),
        ("geboortedatum", _("geboortedatum")),
        ("straat", _("straat")),
        ("huisnummer", _("huisnummer")),
        ("postcode", _("postcode")),
        ("woonplaats", _("woonplaats")),
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sources")
    field = models.CharField(_("veld"), max_length=20, choices=FIELDS)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    value = models.CharField(_("waarde volgens de BRP"), max_length=200, blank=True)
    retrieved_at = models.DateTimeField(_("opgehaald"))
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("herkomst van een gegeven")
        verbose_name_plural = _("herkomst van gegevens")
        constraints = [models.UniqueConstraint(fields=["person", "field"], name="personsource_one_per_field")]

    def __str__(self) -> str:
        return f"{self.person_id}.{self.field}: {self.source}"
