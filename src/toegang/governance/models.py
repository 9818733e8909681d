"""The organisation-form decision (issue 8): decision projects with their criteria and alternatives, stakeholder
groups and participants with their judgements, the business case per alternative and the governance map of the
chosen form.

The MCDA core (``mcda``) stores nothing: ``analysis.problem_for(project)`` turns these rows into its JSON problem.
Money is stored in whole cents (``*_cents``, the project's rule); forms take whole euros.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionProject(models.Model):
    """One decision on the organisation form of the Toegang, run by a facilitator in four phases."""

    class Template(models.TextChoices):
        DELFT = "delft", _("Delft: criteria met belanghebbenden, sturen op het wat")
        DEVENTER = "deventer", _("Deventer: drie modellen, zeven aspecten")
        EMPTY = "leeg", _("Leeg: eigen criteria en alternatieven")

    class Phase(models.TextChoices):
        CRITERIA = "criteria", _("1. Criteria")
        COMPARISON = "vergelijking", _("2. Principes en vergelijking")
        FORM = "vorm", _("3. Vorm en business case")
        DECISION = "besluit", _("4. Besluit")

    class Weighting(models.TextChoices):
        PAIRWISE = "pairwise", _("Paarsgewijs vergelijken (AHP, schaal 1-9)")
        POINTS = "points", _("Punten verdelen (100 punten)")
        SWING = "swing", _("SWING (belangrijkste verschil 100 punten)")
        ROC = "roc", _("Rangorde (rank order centroid)")
        RANK_SUM = "rank_sum", _("Rangorde (rank sum)")

    class Method(models.TextChoices):
        WEIGHTED_SUM = "weighted_sum", _("Gewogen som")
        AHP = "ahp", _("AHP-synthese")
        TOPSIS = "topsis", _("TOPSIS")
        PROMETHEE = "promethee_ii", _("PROMETHEE II")
        VIKOR = "vikor", _("VIKOR")

    class Aggregation(models.TextChoices):
        AIJ = "aij", _("AIJ: oordelen samenvoegen (gewogen meetkundig gemiddelde)")
        AIP_GEOMETRIC = "aip_geometric", _("AIP: prioriteiten samenvoegen (meetkundig gemiddelde)")
        AIP_ARITHMETIC = "aip_arithmetic", _("AIP: prioriteiten samenvoegen (rekenkundig gemiddelde)")

    class Prioritisation(models.TextChoices):
        EIGENVECTOR = "eigenvector", _("Eigenvector (Saaty)")
        GEOMETRIC_MEAN = "geometric_mean", _("Meetkundig rijgemiddelde (RGMM)")

    class RandomIndex(models.TextChoices):
        SAATY1980 = "saaty1980", _("Saaty 1980")
        SAATY2005 = "saaty2005", _("Saaty 2005")

    class Synthesis(models.TextChoices):
        DISTRIBUTIVE = "distributive", _("Distributief")
        IDEAL = "ideal", _("Ideaal")

    class Normalisation(models.TextChoices):
        VECTOR = "vector", _("Vector")
        MINMAX = "minmax", _("Min-max")
        SUM = "sum", _("Som")
        MAX = "max", _("Maximum")

    class Discount(models.TextChoices):
        NONE = "0", _("0 % (nominaal)")
        STANDARD = "2.25", _("2,25 % (standaard discontovoet)")
        OWN = "eigen", _("Eigen percentage")

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=150)
    template = models.CharField(_("sjabloon"), max_length=10, choices=Template.choices)
    phase = models.CharField(_("fase"), max_length=15, choices=Phase.choices, default=Phase.CRITERIA)
    weighting = models.CharField(_("wegingsmethode"), max_length=10, choices=Weighting.choices)
    method = models.CharField(_("hoofdmethode"), max_length=15, choices=Method.choices, default=Method.WEIGHTED_SUM)
    extra_methods = models.JSONField(_("tweede meningen"), default=list, blank=True)
    aggregation = models.CharField(_("groepsaggregatie"), max_length=15, choices=Aggregation.choices)
    prioritisation = models.CharField(
        _("prioritering"), max_length=15, choices=Prioritisation.choices, default=Prioritisation.EIGENVECTOR
    )
    random_index = models.CharField(
        _("random-indextabel"), max_length=10, choices=RandomIndex.choices, default=RandomIndex.SAATY1980
    )
    synthesis = models.CharField(_("AHP-synthese"), max_length=12, choices=Synthesis.choices, default="distributive")
    normalisation = models.CharField(
        _("normalisatie TOPSIS"), max_length=10, choices=Normalisation.choices, default=Normalisation.VECTOR
    )
    steers_on_what = models.BooleanField(_("de gemeente stuurt op het wat, niet op het hoe"), default=False)
    cost_from_business_case = models.BooleanField(_("kostencriterium uit de business case"), default=False)
    discount = models.CharField(_("contante waarde"), max_length=5, choices=Discount.choices, default=Discount.NONE)
    own_rate = models.DecimalField(_("eigen discontovoet (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    mc_samples = models.PositiveIntegerField(_("Monte-Carlo-trekkingen"), default=2000)
    mc_seed = models.PositiveIntegerField(_("Monte-Carlo-startwaarde"), default=2026)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("procesbegeleider"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    chosen_alternative = models.ForeignKey(
        "Alternative",
        verbose_name=_("gekozen vorm"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_motivation = models.TextField(_("motivering van het besluit"), blank=True)
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)

    class Meta:
        verbose_name = _("besluitvormingsproject")
        verbose_name_plural = _("besluitvormingsprojecten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(discount="eigen") | models.Q(own_rate__isnull=False),
                name="project_own_rate_given",
            ),
            models.CheckConstraint(
                condition=models.Q(mc_samples__gte=100, mc_samples__lte=20000), name="project_mc_samples_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    class Direction(models.TextChoices):
        MAX = "max", _("Hoger is beter")
        MIN = "min", _("Lager is beter")

    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("toelichting"), blank=True)
    direction = models.CharField(_("richting"), max_length=3, choices=Direction.choices, default=Direction.MAX)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    is_cost = models.BooleanField(_("kostencriterium"), default=False)

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="criterion_unique_name"),
            models.UniqueConstraint(fields=["project"], condition=models.Q(is_cost=True), name="criterion_one_cost"),
        ]

    def __str__(self) -> str:
        return self.name


class LegalForm(models.TextChoices):
    """The organisation forms of DOMAIN.md §4.7; what they imply for the btw-compensatiefonds and the Vpb (§4.4)."""

    IN_HOUSE = "gemeente", _("In eigen beheer (gemeente)")
    GR = "gr", _("Gemeenschappelijke regeling")
    COVENANT = "convenant", _("Projectorganisatie / convenant")
    MAIN_CONTRACTOR = "hoofdaannemer", _("Hoofdaanbieder met onderaannemers")
    TENDER = "aanbesteding", _("Aanbesteding / opdracht")
    BV = "bv", _("BV (100 % gemeente)")
    FOUNDATION = "stichting", _("Stichting")
    COOPERATIVE = "cooperatie", _("Coöperatie")
    ENTITY = "entiteit", _("Aparte juridische entiteit")
    OTHER = "overig", _("Anders")


class Alternative(models.Model):
    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="alternatives")
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("toelichting"), blank=True)
    legal_form = models.CharField(_("rechtsvorm"), max_length=15, choices=LegalForm.choices, default=LegalForm.OTHER)
    steers_how = models.BooleanField(_("de gemeente stuurt ook op het hoe"), default=False)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        verbose_name = _("alternatief")
        verbose_name_plural = _("alternatieven")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="alternative_unique_name")]

    def __str__(self) -> str:
        return self.name


class Principle(models.Model):
    """An organisation principle of phase 2, with where it comes from (the comparison with similar municipalities,
    a stakeholder session)."""

    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="principles")
    text = models.CharField(_("principe"), max_length=300)
    source = models.CharField(_("herkomst"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        ordering = ["position", "id"]


class StakeholderGroup(models.Model):
    class Kind(models.TextChoices):
        PROFESSIONALS = "professionals", _("Professionals")
        PARTNERS = "partners", _("Partnerorganisaties")
        FINANCE = "financien", _("Financiën en control")
        CLIENT_COUNCIL = "adviesraad", _("Cliëntenraad / adviesraad sociaal domein")
        POLICY = "beleid", _("Beleid")
        EMPLOYEES = "medewerkers", _("Medewerkers")
        OTHER = "overig", _("Anders")

    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("soort"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=100)
    weight = models.DecimalField(_("groepsgewicht"), max_digits=6, decimal_places=2, default=1)
    weight_decided_by = models.CharField(_("gewicht vastgesteld door"), max_length=150, blank=True)
    weight_reason = models.TextField(_("motivering van het gewicht"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        verbose_name = _("belanghebbendengroep")
        verbose_name_plural = _("belanghebbendengroepen")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="group_unique_name"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="group_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """Someone who gives judgements through a personal link; usually not a user of the system. Only the SHA-256
    of the link's token is stored: the facilitator sees the link once and can make a new one."""

    group = models.ForeignKey(StakeholderGroup, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("naam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    excluded = models.BooleanField(_("buiten de berekening"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(_("laatst opgeslagen"), null=True, blank=True)

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PairwiseJudgement(models.Model):
    """``value`` on the signed Saaty scale: 0 equal, +k ``first`` is k+1 times as important as ``second``,
    -k the other way round (k = 1..8)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairwise")
    first = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "first", "second"], name="pairwise_unique"),
            models.CheckConstraint(condition=~models.Q(first=models.F("second")), name="pairwise_two_criteria"),
            models.CheckConstraint(condition=models.Q(value__gte=-8, value__lte=8), name="pairwise_saaty_scale"),
        ]

    @property
    def ratio(self) -> float:
        """a(first, second) on the Saaty scale 1/9..9."""
        return float(self.value + 1) if self.value >= 0 else 1.0 / (1 - self.value)


class WeightJudgement(models.Model):
    """Points (points allocation), swing points or a rank (1 = most important), by the project's weighting."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "criterion"], name="weight_unique")]


class ScoreJudgement(models.Model):
    """A participant's score of an alternative on a criterion, 1..5 (see ``catalogue.SCORE_SCALE``)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "alternative", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="score_scale"),
        ]


# ---- Business case ---------------------------------------------------------------------------------------------


class Parameter(models.Model):
    """A fact or default of the business case with its source (copied from ``catalogue.PARAMETERS`` when the
    project is created; the facilitator may change value and source)."""

    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="parameters")
    code = models.SlugField(max_length=30)
    label = models.CharField(_("naam"), max_length=150)
    value = models.DecimalField(_("waarde"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("eenheid"), max_length=20)
    source = models.TextField(_("bron"))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="parameter_unique_code")]


class BusinessCase(models.Model):
    """Per alternative: the inputs of the derived fiscal lines (btw outside the BCF, btw on secondments) and the
    Vpb question; the amounts themselves are ``CostLine`` and ``StaffLine`` rows."""

    alternative = models.OneToOneField(Alternative, on_delete=models.CASCADE, related_name="business_case")
    taxed_purchases_low_cents = models.BigIntegerField(default=0)
    taxed_purchases_expected_cents = models.BigIntegerField(default=0)
    taxed_purchases_high_cents = models.BigIntegerField(default=0)
    secondment_low_cents = models.BigIntegerField(default=0)
    secondment_expected_cents = models.BigIntegerField(default=0)
    secondment_high_cents = models.BigIntegerField(default=0)
    market_activity = models.BooleanField(_("marktactiviteiten"), default=False)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    taxed_purchases_low_cents__gte=0,
                    taxed_purchases_low_cents__lte=models.F("taxed_purchases_expected_cents"),
                    taxed_purchases_expected_cents__lte=models.F("taxed_purchases_high_cents"),
                ),
                name="businesscase_purchases_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    secondment_low_cents__gte=0,
                    secondment_low_cents__lte=models.F("secondment_expected_cents"),
                    secondment_expected_cents__lte=models.F("secondment_high_cents"),
                ),
                name="businesscase_secondment_range",
            ),
        ]


HORIZON = 5  # years t0..t5


class CostLine(models.Model):
    """An amount per year from ``first_year`` to ``last_year`` (t0..t5) as a range low/expected/high."""

    class Block(models.TextChoices):
        ONE_OFF = "eenmalig", _("Eenmalige kosten")
        FRICTION = "frictie", _("Frictiekosten")
        STRUCTURAL = "structureel", _("Structurele kosten")
        BENEFIT = "baten", _("Baten")

    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="cost_lines")
    block = models.CharField(_("blok"), max_length=12, choices=Block.choices)
    category = models.CharField(_("post"), max_length=25)
    label = models.CharField(_("omschrijving"), max_length=150, blank=True)
    first_year = models.PositiveSmallIntegerField(_("vanaf jaar"))
    last_year = models.PositiveSmallIntegerField(_("tot en met jaar"))
    low_cents = models.BigIntegerField()
    expected_cents = models.BigIntegerField()
    high_cents = models.BigIntegerField()

    class Meta:
        ordering = ["block", "first_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year"), last_year__lte=HORIZON),
                name="costline_years",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    low_cents__gte=0,
                    low_cents__lte=models.F("expected_cents"),
                    expected_cents__lte=models.F("high_cents"),
                ),
                name="costline_range",
            ),
        ]


class StaffLine(models.Model):
    """A row of the staffing table: FTE (low/expected/high) x annual gross salary per FTE at a scale of a CAO x
    (1 + employer charges)."""

    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="staff_lines")
    function = models.CharField(_("functie"), max_length=100)
    cao = models.CharField(_("cao"), max_length=20)
    scale = models.CharField(_("schaal"), max_length=20)
    fte_low = models.DecimalField(_("fte laag"), max_digits=7, decimal_places=2)
    fte = models.DecimalField(_("fte verwacht"), max_digits=7, decimal_places=2)
    fte_high = models.DecimalField(_("fte hoog"), max_digits=7, decimal_places=2)
    salary_cents = models.BigIntegerField(_("bruto jaarsalaris per fte"))
    charges_pct = models.DecimalField(_("werkgeverslasten (%)"), max_digits=5, decimal_places=2)
    first_year = models.PositiveSmallIntegerField(_("vanaf jaar"), default=1)
    last_year = models.PositiveSmallIntegerField(_("tot en met jaar"), default=HORIZON)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year"), last_year__lte=HORIZON),
                name="staffline_years",
            ),
            models.CheckConstraint(
                condition=models.Q(fte_low__gte=0, fte_low__lte=models.F("fte"), fte__lte=models.F("fte_high")),
                name="staffline_fte_range",
            ),
            models.CheckConstraint(
                condition=models.Q(salary_cents__gte=0, charges_pct__gte=0, charges_pct__lte=100),
                name="staffline_amounts",
            ),
        ]


# ---- Governance map --------------------------------------------------------------------------------------------


class ConnectedParty(models.Model):
    """A verbonden partij (or the chosen form) with the data of the BBV art. 15 paragraph."""

    class Category(models.TextChoices):
        GR = "gr", _("Gemeenschappelijke regeling")
        COMPANY = "vennootschap", _("Vennootschap of coöperatie")
        FOUNDATION = "stichting", _("Stichting of vereniging")
        OTHER = "overig", _("Overige verbonden partij")

    project = models.ForeignKey(DecisionProject, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("naam"), max_length=150)
    alternative = models.ForeignKey(
        Alternative, verbose_name=_("vorm"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("soort (BBV)"), max_length=15, choices=Category.choices)
    year = models.PositiveSmallIntegerField(_("begrotingsjaar"))
    public_interest = models.TextField(_("openbaar belang"), blank=True)
    policy = models.TextField(_("visie en beleidsvoornemens"), blank=True)
    administrative_interest = models.TextField(_("bestuurlijk belang"), blank=True)
    financial_interest_cents = models.BigIntegerField(_("financieel belang"), null=True, blank=True)
    financial_interest_note = models.TextField(_("toelichting financieel belang"), blank=True)
    equity_start_cents = models.BigIntegerField(_("eigen vermogen begin"), null=True, blank=True)
    equity_end_cents = models.BigIntegerField(_("eigen vermogen eind"), null=True, blank=True)
    liabilities_start_cents = models.BigIntegerField(_("vreemd vermogen begin"), null=True, blank=True)
    liabilities_end_cents = models.BigIntegerField(_("vreemd vermogen eind"), null=True, blank=True)
    result_cents = models.BigIntegerField(_("verwacht resultaat"), null=True, blank=True)
    risks = models.TextField(_("risico's"), blank=True)
    regisseur_name = models.CharField(_("regisseur (ambtelijk opdrachtgever)"), max_length=150, blank=True)
    regisseur_function = models.CharField(_("functie regisseur"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("verbonden partij")
        verbose_name_plural = _("verbonden partijen")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="party_unique_name")]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """One of the municipality's four roles towards a connected party, held by a portfolio holder (bestuurlijk)
    and an official (ambtelijk)."""

    class Role(models.TextChoices):
        CLIENT = "opdrachtgever", _("Opdrachtgever")
        OWNER = "eigenaar", _("Eigenaar")
        CONTRACTOR = "opdrachtnemer", _("Opdrachtnemer")
        EXECUTOR = "uitvoerder", _("Uitvoerder")

    party = models.ForeignKey(ConnectedParty, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("rol"), max_length=15, choices=Role.choices)
    portfolio_holder = models.CharField(_("wethouder"), max_length=150, blank=True)
    portfolio = models.CharField(_("portefeuille"), max_length=150, blank=True)
    official = models.CharField(_("ambtenaar"), max_length=150, blank=True)
    official_function = models.CharField(_("functie ambtenaar"), max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party", "role"], name="role_unique")]


class EscalationStep(models.Model):
    party = models.ForeignKey(ConnectedParty, on_delete=models.CASCADE, related_name="escalation_steps")
    position = models.PositiveSmallIntegerField(_("trede"))
    municipal_side = models.CharField(_("gemeente"), max_length=200)
    party_side = models.CharField(_("partij"), max_length=200)
    subject = models.TextField(_("wat hier wordt besproken of besloten"), blank=True)

    class Meta:
        ordering = ["position", "id"]


class ServiceAgreement(models.Model):
    party = models.ForeignKey(ConnectedParty, on_delete=models.CASCADE, related_name="agreements")
    name = models.CharField(_("naam"), max_length=150)
    parties = models.CharField(_("partijen"), max_length=300)
    subject = models.TextField(_("onderwerp"))
    indicators = models.TextField(_("indicatoren"), blank=True)
    starts_on = models.DateField(_("ingangsdatum"))
    ends_on = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_term",
            )
        ]
