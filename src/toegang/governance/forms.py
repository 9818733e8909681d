"""Forms of the governance workbench. They parse input; the rules live in services (DomainError names the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.governance import catalogue
from toegang.governance.models import (
    HORIZON,
    Alternative,
    ConnectedParty,
    CostLine,
    Criterion,
    DecisionProject,
    LegalForm,
    RoleAssignment,
    StakeholderGroup,
)

YEAR_CHOICES = [(t, f"t{t}") for t in range(HORIZON + 1)]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.get_username()} ({obj.get_role_display()})"


class ProjectForm(UtrechtForm):
    name = forms.CharField(label=_("Naam van het project"), max_length=150)
    template = forms.ChoiceField(
        label=_("Sjabloon"),
        choices=DecisionProject.Template.choices,
        widget=forms.RadioSelect,
        help_text=_("Criteria, alternatieven en wegingsmethode van het sjabloon zijn daarna allemaal aan te passen."),
    )
    facilitator = UserChoiceField(
        label=_("Procesbegeleider"), queryset=User.objects.none(), required=False, help_text=_("Leeg: uzelf.")
    )

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["facilitator"].queryset = candidates  # type: ignore[attr-defined]


class SettingsForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150)
    weighting = forms.ChoiceField(label=_("Wegingsmethode"), choices=DecisionProject.Weighting.choices)
    method = forms.ChoiceField(label=_("Hoofdmethode"), choices=DecisionProject.Method.choices)
    extra_methods = forms.MultipleChoiceField(
        label=_("Tweede meningen"),
        choices=DecisionProject.Method.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("De ranglijst volgens deze methoden staat naast die van de hoofdmethode."),
    )
    aggregation = forms.ChoiceField(
        label=_("Groepsaggregatie"),
        choices=DecisionProject.Aggregation.choices,
        help_text=_(
            "AIJ als de groepen als één besluitvormend orgaan werken; AIP als zij hun eigen identiteit "
            "houden. Rekenkundig middelen van paarsgewijze oordelen kan niet (niet reciprook)."
        ),
    )
    prioritisation = forms.ChoiceField(label=_("Prioritering"), choices=DecisionProject.Prioritisation.choices)
    random_index = forms.ChoiceField(label=_("Random-indextabel"), choices=DecisionProject.RandomIndex.choices)
    synthesis = forms.ChoiceField(label=_("AHP-synthese"), choices=DecisionProject.Synthesis.choices)
    normalisation = forms.ChoiceField(label=_("Normalisatie TOPSIS"), choices=DecisionProject.Normalisation.choices)
    steers_on_what = forms.BooleanField(
        label=_("De gemeente stuurt op het wat, niet op het hoe"),
        required=False,
        help_text=_("Aan: vormen waarin de gemeente ook op het hoe stuurt, vallen af."),
    )
    cost_from_business_case = forms.BooleanField(
        label=_("Kostencriterium uit de business case"),
        required=False,
        help_text=_(
            "Aan: het kostencriterium krijgt de verwachte contante waarde van de kosten; deelnemers "
            "scoren het dan niet."
        ),
    )
    mc_samples = forms.IntegerField(label=_("Monte-Carlo-trekkingen"), min_value=100, max_value=20000)
    mc_seed = forms.IntegerField(label=_("Monte-Carlo-startwaarde"), min_value=0, max_value=2**31 - 1)
    facilitator = UserChoiceField(label=_("Procesbegeleider"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["facilitator"].queryset = candidates  # type: ignore[attr-defined]


class PhaseForm(UtrechtForm):
    phase = forms.ChoiceField(label=_("Fase"), choices=DecisionProject.Phase.choices)


class CriterionForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150)
    description = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    direction = forms.ChoiceField(label=_("Richting"), choices=Criterion.Direction.choices)
    is_cost = forms.BooleanField(
        label=_("Kostencriterium (kan zijn waarde uit de business case nemen)"), required=False
    )


class AlternativeForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150)
    description = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_form = forms.ChoiceField(label=_("Rechtsvorm"), choices=LegalForm.choices)
    steers_how = forms.BooleanField(label=_("De gemeente stuurt in deze vorm ook op het hoe"), required=False)


class PrincipleForm(UtrechtForm):
    text = forms.CharField(label=_("Principe"), max_length=300)
    source = forms.CharField(
        label=_("Herkomst"),
        max_length=300,
        required=False,
        help_text=_("Bijvoorbeeld: vergelijking met gemeenten van vergelijkbare omvang."),
    )


class DecisionForm(UtrechtForm):
    alternative = forms.ModelChoiceField(label=_("Gekozen vorm"), queryset=Alternative.objects.none())
    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(label=_("Besloten op"), widget=DateInput())

    def __init__(self, *args: Any, alternatives: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if alternatives is not None:
            self.fields["alternative"].queryset = alternatives  # type: ignore[attr-defined]


class GroupForm(UtrechtForm):
    kind = forms.ChoiceField(label=_("Soort"), choices=StakeholderGroup.Kind.choices)
    name = forms.CharField(label=_("Naam"), max_length=100, required=False, help_text=_("Leeg: de soort."))
    weight = forms.DecimalField(
        label=_("Groepsgewicht"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        help_text=_("Relatief: 2 telt twee keer zo zwaar als 1."),
    )
    weight_decided_by = forms.CharField(
        label=_("Gewicht vastgesteld door"), max_length=150, help_text=_("Bijvoorbeeld: stuurgroep, 12 maart.")
    )
    weight_reason = forms.CharField(
        label=_("Motivering van het gewicht"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Het groepsgewicht is een politieke keuze: leg vast waarom."),
    )


class ParticipantForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), required=False)


class CostLineForm(UtrechtForm):
    block = forms.ChoiceField(label=_("Blok"), choices=CostLine.Block.choices)
    category = forms.ChoiceField(
        label=_("Post"),
        choices=[(str(CostLine.Block(b).label), list(items)) for b, items in catalogue.CATEGORIES.items()],
    )
    label = forms.CharField(label=_("Omschrijving"), max_length=150, required=False)
    first_year = forms.TypedChoiceField(label=_("Vanaf jaar"), choices=YEAR_CHOICES, coerce=int)
    last_year = forms.TypedChoiceField(label=_("Tot en met jaar"), choices=YEAR_CHOICES, coerce=int)
    low = forms.IntegerField(label=_("Laag (€ per jaar)"), min_value=0)
    expected = forms.IntegerField(label=_("Verwacht (€ per jaar)"), min_value=0)
    high = forms.IntegerField(label=_("Hoog (€ per jaar)"), min_value=0)


class StaffLineForm(UtrechtForm):
    function = forms.CharField(label=_("Functie"), max_length=100)
    cao = forms.ChoiceField(label=_("Cao"), choices=[(c.code, f"{c.name} ({c.pension_fund})") for c in catalogue.CAOS])
    scale = forms.CharField(label=_("Schaal"), max_length=20)
    fte_low = forms.DecimalField(label=_("Fte laag"), max_digits=7, decimal_places=2, min_value=0)
    fte = forms.DecimalField(label=_("Fte verwacht"), max_digits=7, decimal_places=2, min_value=0)
    fte_high = forms.DecimalField(label=_("Fte hoog"), max_digits=7, decimal_places=2, min_value=0)
    salary = forms.IntegerField(
        label=_("Bruto jaarsalaris per fte (€)"),
        min_value=0,
        help_text=_("Uit de salaristabel van de cao, inclusief vakantiegeld en eindejaarsuitkering of IKB."),
    )
    charges_pct = forms.DecimalField(
        label=_("Werkgeverslasten (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Leeg: het percentage uit de parameters."),
    )
    first_year = forms.TypedChoiceField(label=_("Vanaf jaar"), choices=YEAR_CHOICES, coerce=int, initial=1)
    last_year = forms.TypedChoiceField(label=_("Tot en met jaar"), choices=YEAR_CHOICES, coerce=int, initial=HORIZON)


class FiscalForm(UtrechtForm):
    purchases_low = forms.IntegerField(label=_("Btw-belaste inkopen per jaar, laag (€)"), min_value=0, initial=0)
    purchases_expected = forms.IntegerField(
        label=_("Btw-belaste inkopen per jaar, verwacht (€)"), min_value=0, initial=0
    )
    purchases_high = forms.IntegerField(label=_("Btw-belaste inkopen per jaar, hoog (€)"), min_value=0, initial=0)
    secondment_low = forms.IntegerField(label=_("Detachering per jaar, laag (€)"), min_value=0, initial=0)
    secondment_expected = forms.IntegerField(label=_("Detachering per jaar, verwacht (€)"), min_value=0, initial=0)
    secondment_high = forms.IntegerField(label=_("Detachering per jaar, hoog (€)"), min_value=0, initial=0)
    market_activity = forms.BooleanField(label=_("De rechtspersoon heeft marktactiviteiten"), required=False)
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ParameterForm(UtrechtForm):
    value = forms.DecimalField(label=_("Waarde (%)"), max_digits=9, decimal_places=2)
    source = forms.CharField(label=_("Bron"), widget=forms.Textarea(attrs={"rows": 2}))


class DiscountForm(UtrechtForm):
    discount = forms.ChoiceField(
        label=_("Contante waarde"), choices=DecisionProject.Discount.choices, widget=forms.RadioSelect
    )
    own_rate = forms.DecimalField(label=_("Eigen discontovoet (%)"), max_digits=5, decimal_places=2, required=False)
    conditional_fields = ("own_rate",)


class PartyForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150, help_text=_("Bijvoorbeeld: Toegang Sociaal Domein BV."))
    alternative = forms.ModelChoiceField(label=_("Vorm"), queryset=Alternative.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Soort (BBV)"), choices=ConnectedParty.Category.choices)
    year = forms.IntegerField(label=_("Begrotingsjaar"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, alternatives: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if alternatives is not None:
            self.fields["alternative"].queryset = alternatives  # type: ignore[attr-defined]


class PartyDataForm(UtrechtForm):
    public_interest = forms.CharField(
        label=_("Openbaar belang"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    policy = forms.CharField(
        label=_("Visie en beleidsvoornemens"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    administrative_interest = forms.CharField(
        label=_("Bestuurlijk belang"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Zetel of stem in het bestuur of de aandeelhoudersvergadering."),
    )
    financial_interest = forms.IntegerField(
        label=_("Financieel belang (€)"),
        required=False,
        min_value=0,
        help_text=_("Het bedrag dat de gemeente kwijt is bij faillissement, of waarvoor zij aansprakelijk is."),
    )
    financial_interest_note = forms.CharField(label=_("Toelichting financieel belang"), required=False)
    equity_start = forms.IntegerField(label=_("Eigen vermogen begin jaar (€)"), required=False)
    equity_end = forms.IntegerField(label=_("Eigen vermogen eind jaar (€)"), required=False)
    liabilities_start = forms.IntegerField(label=_("Vreemd vermogen begin jaar (€)"), required=False)
    liabilities_end = forms.IntegerField(label=_("Vreemd vermogen eind jaar (€)"), required=False)
    result = forms.IntegerField(label=_("Verwacht resultaat (€)"), required=False)
    risks = forms.CharField(label=_("Risico's"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    regisseur_name = forms.CharField(label=_("Regisseur (ambtelijk opdrachtgever)"), max_length=150, required=False)
    regisseur_function = forms.CharField(label=_("Functie regisseur"), max_length=150, required=False)


class RoleForm(UtrechtForm):
    role = forms.ChoiceField(label=_("Rol"), choices=RoleAssignment.Role.choices, widget=forms.HiddenInput)
    portfolio_holder = forms.CharField(label=_("Wethouder"), max_length=150, required=False)
    portfolio = forms.CharField(label=_("Portefeuille"), max_length=150, required=False)
    official = forms.CharField(label=_("Ambtenaar"), max_length=150, required=False)
    official_function = forms.CharField(label=_("Functie ambtenaar"), max_length=150, required=False)


class StepForm(UtrechtForm):
    municipal_side = forms.CharField(label=_("Gemeente"), max_length=200)
    party_side = forms.CharField(label=_("Partij"), max_length=200)
    subject = forms.CharField(
        label=_("Wat hier wordt besproken of besloten"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=150, help_text=_("Bijvoorbeeld: DVO PIOFACH 2027."))
    parties = forms.CharField(label=_("Partijen"), max_length=300)
    subject = forms.CharField(label=_("Onderwerp"), widget=forms.Textarea(attrs={"rows": 2}))
    indicators = forms.CharField(
        label=_("Indicatoren"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Eén per regel.")
    )
    starts_on = forms.DateField(label=_("Ingangsdatum"), widget=DateInput())
    ends_on = forms.DateField(label=_("Einddatum"), required=False, widget=DateInput())


PAIR_CHOICES = [(str(v), str(v)) for v in range(-8, 9)]


class JudgementForm(UtrechtForm):
    """A participant's judgements: one radio row per pair of criteria (pairwise weighting) or a number per
    criterion (points, swing points, rank), and a score 1..5 per alternative and criterion. Everything may be left
    open and filled in later; what is filled in must be on its scale."""

    def __init__(
        self,
        *args: Any,
        project: DecisionProject,
        criteria: list[Criterion],
        alternatives: list[Alternative],
        scored: list[Criterion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pairs: list[tuple[Criterion, Criterion]] = []
        weighting = project.weighting
        if weighting == DecisionProject.Weighting.PAIRWISE:
            for i, first in enumerate(criteria):
                for second in criteria[i + 1 :]:
                    self.pairs.append((first, second))
                    self.fields[f"pair_{first.pk}_{second.pk}"] = forms.ChoiceField(
                        label=f"Vergelijking {first.name} - {second.name}",
                        choices=PAIR_CHOICES,
                        required=False,
                        widget=forms.RadioSelect,
                    )
        else:
            labels: dict[str, tuple[str, int]] = {
                DecisionProject.Weighting.POINTS: ("Punten voor", 100),
                DecisionProject.Weighting.SWING: ("Swingpunten voor", 100),
            }
            label, top = labels.get(weighting, ("Rang van", len(criteria)))
            for criterion in criteria:
                self.fields[f"weight_{criterion.pk}"] = forms.IntegerField(
                    label=f"{label} {criterion.name}", required=False, min_value=1, max_value=top
                )
        for alternative in alternatives:
            for criterion in scored:
                self.fields[f"score_{alternative.pk}_{criterion.pk}"] = forms.IntegerField(
                    label=f"Score {alternative.name} op {criterion.name}", required=False, min_value=1, max_value=5
                )
        self._apply_widget_classes()

    def judgements(
        self,
    ) -> tuple[dict[tuple[int, int], int | None], dict[int, int | None], dict[tuple[int, int], int | None]]:  # noqa: E501
        pairwise: dict[tuple[int, int], int | None] = {}
        weights: dict[int, int | None] = {}
        scores: dict[tuple[int, int], int | None] = {}
        for name, value in self.cleaned_data.items():
            kind, *ids = name.split("_")
            if kind == "pair":
                pairwise[(int(ids[0]), int(ids[1]))] = int(value) if value not in (None, "") else None
            elif kind == "weight":
                weights[int(ids[0])] = value
            elif kind == "score":
                scores[(int(ids[0]), int(ids[1]))] = value
        return pairwise, weights, scores
