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
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("organisatie in Toegang"),
        help_text=_("De organisatie met accounts in Toegang die verwijzingen naar deze dienst beantwoordt."),
    )
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


class CaseConference(models.Model):
    """A case conference (MDO / casusoverleg) about one household: who is invited, the agenda, each
    participant's preparation, the minutes (sections may be kept to one organisation) and the decisions,
    which become actions of the one plan."""

    class Status(models.TextChoices):
        PLANNED = "gepland", _("Gepland")
        HELD = "gehouden", _("Gehouden")
        CANCELLED = "geannuleerd", _("Geannuleerd")

    trajectory = models.ForeignKey("cases.Trajectory", on_delete=models.PROTECT, related_name="conferences")
    held_on = models.DateField(_("datum"))
    starts_at = models.TimeField(_("aanvang"))
    location = models.CharField(_("plaats"), max_length=200)
    purpose = models.TextField(_("doel van het overleg"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("aangemaakt"))

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        indexes = [models.Index(fields=["trajectory", "held_on"], name="conference_trajectory_idx")]

    def __str__(self) -> str:
        return f"Casusoverleg {self.held_on:%d-%m-%Y}"


class Participant(models.Model):
    """Someone invited to a case conference: a user of Toegang (internal or a partner's professional),
    a professional without an account (named, with their organisation), a member of the household, or
    someone of its network."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional met account")
        EXTERNAL = "extern", _("Professional zonder account")
        MEMBER = "lid", _("Lid van het huishouden")
        NETWORK = "netwerk", _("Netwerk van het huishouden")

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="conference_seats"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("naam"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("rol"), max_length=100, blank=True)
    invited = models.BooleanField(_("uitgenodigd"), default=True)
    attended = models.BooleanField(_("aanwezig"), null=True, blank=True)
    preparation = models.TextField(_("voorbereiding"), blank=True)

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="professional") & models.Q(user__isnull=False))
                | (models.Q(kind="extern") & ~models.Q(name="") & models.Q(organisation__isnull=False))
                | (models.Q(kind="lid") & models.Q(person__isnull=False))
                | (models.Q(kind="netwerk") & ~models.Q(name="")),
                name="participant_named",
            ),
            models.UniqueConstraint(
                fields=["conference", "user"], condition=models.Q(user__isnull=False), name="participant_user_once"
            ),
            models.UniqueConstraint(
                fields=["conference", "person"],
                condition=models.Q(person__isnull=False),
                name="participant_person_once",
            ),
        ]

    @property
    def label(self) -> str:
        if self.user is not None:
            return str(self.user)
        if self.person is not None:
            return self.person.full_name
        return self.name


class AgendaItem(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("agendapunt"), max_length=200)
    brought_in_by = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingebracht door"),
    )

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agenda")
        ordering = ["position", "pk"]


class MinutesSection(models.Model):
    """A part of the minutes; a section restricted to an organisation is read only by its people."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="minutes")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("verslag"))
    restricted_to = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alleen voor organisatie"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("geschreven"))

    class Meta:
        verbose_name = _("verslagdeel")
        verbose_name_plural = _("verslag")
        ordering = ["pk"]


class ConferenceDecision(models.Model):
    """A decision of the conference; recorded together with the plan action that carries it out."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("besluit"))
    action = models.OneToOneField("plans.Action", on_delete=models.PROTECT, related_name="conference_decision")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"))

    class Meta:
        verbose_name = _("besluit casusoverleg")
        verbose_name_plural = _("besluiten casusoverleg")
        ordering = ["pk"]


class Referral(models.Model):
    """A referral from a trajectory to a service of the social map or to a partner organisation, in a
    closed loop: the receiving side answers (accepted/declined), reports the start, and gives feedback
    at the end (did the resident arrive, did it help). Each state change is a ReferralEvent."""

    class Status(models.TextChoices):
        PROPOSED = "voorgesteld", _("Voorgesteld")
        SENT = "verstuurd", _("Verstuurd")
        ACCEPTED = "geaccepteerd", _("Geaccepteerd")
        DECLINED = "afgewezen", _("Afgewezen")
        STARTED = "gestart", _("Gestart")
        COMPLETED = "afgerond", _("Afgerond")
        NO_SHOW = "niet_verschenen", _("Niet verschenen")
        WITHDRAWN = "ingetrokken", _("Ingetrokken")

    class Helped(models.TextChoices):
        YES = "ja", _("Ja")
        PARTLY = "deels", _("Deels")
        NO = "nee", _("Nee")

    trajectory = models.ForeignKey("cases.Trajectory", on_delete=models.PROTECT, related_name="referrals")
    goal = models.ForeignKey(
        "plans.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("doel")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("voor wie")
    )
    service = models.ForeignKey(
        CommunityService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("dienst"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="incoming_referrals", verbose_name=_("naar")
    )
    question = models.TextField(_("vraag"))
    handover = models.TextField(_("warme overdracht"), help_text=_("Wat de ontvangende organisatie moet weten."))
    categories = models.JSONField(_("gedeelde gegevens"), default=list)
    legal_basis = models.CharField(_("grondslag"), max_length=200, blank=True)
    consent = models.ForeignKey(
        "privacy.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField(_("voorgesteld op"))
    sent_on = models.DateField(_("verstuurd op"), null=True, blank=True)
    answered_on = models.DateField(_("beantwoord op"), null=True, blank=True)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    feedback_due_on = models.DateField(_("terugkoppeling uiterlijk"), null=True, blank=True)
    reminded_on = models.DateField(_("herinnerd op"), null=True, blank=True)
    arrived = models.BooleanField(_("inwoner gekomen"), null=True, blank=True)
    helped = models.CharField(_("geholpen"), max_length=6, choices=Helped.choices, blank=True)
    feedback = models.TextField(_("terugkoppeling"), blank=True)
    declined_reason = models.TextField(_("reden afwijzing"), blank=True)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        indexes = [
            models.Index(fields=["organisation", "status"], name="referral_incoming_idx"),
            models.Index(fields=["status", "feedback_due_on"], name="referral_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="voorgesteld")
                | models.Q(status="ingetrokken", sent_on__isnull=True)
                | ~models.Q(legal_basis="")
                | models.Q(consent__isnull=False),
                name="referral_sent_with_basis",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="afgerond") | (models.Q(arrived=True) & ~models.Q(helped="")),
                name="referral_completed_with_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"Verwijzing {self.pk} ({self.get_status_display()})"

    @property
    def category_labels(self) -> list[str]:
        from toegang.privacy.models import Consent

        labels = dict(Consent.Category.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class ReferralEvent(models.Model):
    """The history of a referral: each state it entered, when, by whom, with what remark."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=Referral.Status.choices)
    at = models.DateTimeField(_("moment"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    remark = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ContactPerson(models.Model):
    """A named contact person of a partner organisation, for one area (wijk/kern) or, without an area,
    for the whole municipality."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="contact_persons")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="contact_persons"
    )
    name = models.CharField(_("naam"), max_length=200)
    function = models.CharField(_("functie"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["organisation", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(email="") | ~models.Q(phone=""), name="contact_person_reachable")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class PartnerAgreement(models.Model):
    """A service-level agreement between the municipality and a partner organisation, measured from the
    referrals: answer (accept or decline) within N working days, start within N working days of the
    referral, or a capacity of N referrals a month."""

    class Kind(models.TextChoices):
        ANSWER = "beantwoorden", _("Accepteren of afwijzen binnen (werkdagen)")
        START = "starten", _("Starten binnen (werkdagen)")
        CAPACITY = "capaciteit", _("Capaciteit (verwijzingen per maand)")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="agreements")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("afspraak"), max_length=14, choices=Kind.choices)
    value = models.PositiveSmallIntegerField(_("norm"))
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partnerafspraak")
        verbose_name_plural = _("partnerafspraken")
        ordering = ["organisation", "kind", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="agreement_value_positive"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display()} {self.value}"
