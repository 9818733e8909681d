from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.people.models import Person
from toegang.plans.models import Action, Goal, GoalReview, LifeDomain, Plan, SelfRelianceLevel

NOT_SCORED = [("", _("Niet gescoord"))]
BLANK = [("", _("— kies —"))]


def level_choices(levels: list[SelfRelianceLevel]) -> list[tuple[str, Any]]:
    return NOT_SCORED + [(str(lv.level), str(lv)) for lv in levels]


class ExplorationForm(UtrechtForm):
    held_on = forms.DateField(label=_("Datum gesprek"), widget=DateInput())
    participants = forms.CharField(
        label=_("Aanwezig"),
        max_length=300,
        required=False,
        help_text=_("Leden van het huishouden, netwerk en professionals."),
    )
    summary = forms.CharField(
        label=_("Samenvatting en hulpvraag"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, domains: list[LifeDomain], levels: list[SelfRelianceLevel], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.domains = domains
        for d in domains:
            self.fields[f"d{d.pk}_situation"] = forms.CharField(
                label=_("Situatie"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"d{d.pk}_strengths"] = forms.CharField(
                label=_("Krachten"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"d{d.pk}_concerns"] = forms.CharField(
                label=_("Zorgen"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"d{d.pk}_own"] = forms.CharField(
                label=_("Wat kan het huishouden en netwerk zelf"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"d{d.pk}_level"] = forms.ChoiceField(
                label=_("Zelfredzaamheid"), required=False, choices=level_choices(levels)
            )
        self._apply_widget_classes()

    def domain_groups(self) -> list[tuple[LifeDomain, list[forms.BoundField], bool]]:
        """Per domain its fields and whether anything was entered (that section stays open after an error)."""
        groups = []
        for d in self.domains:
            fields = [self[f"d{d.pk}_{part}"] for part in ("situation", "strengths", "concerns", "own", "level")]
            groups.append((d, fields, any(f.value() for f in fields) or any(f.errors for f in fields)))
        return groups


class PlanForm(UtrechtForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    what_goes_well = forms.CharField(label=_("Wat gaat goed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    household_wishes = forms.CharField(
        label=_("Wat wil het huishouden bereiken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_interval_weeks = forms.IntegerField(label=_("Evaluatie-interval (weken)"), min_value=1, max_value=52)


class GoalForm(UtrechtForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    domain = forms.ModelChoiceField(label=_("Leefdomein"), queryset=LifeDomain.objects.order_by("position"))
    result = forms.CharField(
        label=_("Afgesproken resultaat"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wat is er bereikt, concreet en toetsbaar?"),
    )
    due_on = forms.DateField(label=_("Te bereiken op"), widget=DateInput())


class ActionForm(UtrechtForm):
    conditional_fields = ("member", "network_name", "professional")

    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(label=_("Actie"), max_length=300)
    party = forms.ChoiceField(label=_("Wie"), choices=Action.Party.choices)
    member = forms.ModelChoiceField(
        label=_("Lid van het huishouden"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Nodig als een lid van het huishouden de actie doet."),
    )
    network_name = forms.CharField(
        label=_("Naam netwerk"),
        max_length=150,
        required=False,
        help_text=_("Nodig als iemand uit het netwerk de actie doet."),
    )
    professional = forms.ModelChoiceField(
        label=_("Professional"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Nodig als een betrokken professional de actie doet."),
    )
    due_on = forms.DateField(label=_("Uiterlijk op"), widget=DateInput())

    def __init__(self, *args: Any, members: Any = None, professionals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members  # type: ignore[attr-defined]
        if professionals is not None:
            self.fields["professional"].queryset = professionals  # type: ignore[attr-defined]


class ActionStatusForm(UtrechtForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)


class AgreeForm(UtrechtForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    agreed_on = forms.DateField(label=_("Afgesproken op"), widget=DateInput())
    agreed_how = forms.ChoiceField(label=_("Wijze van akkoord"), choices=BLANK + list(Plan.AgreedHow.choices))


class ReviewForm(UtrechtForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("Datum bespreking"), widget=DateInput())
    summary = forms.CharField(label=_("Samenvatting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(
        label=_("Volgende bespreking"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg laten kan alleen als alle doelen bereikt zijn."),
    )

    def __init__(
        self, *args: Any, goals: list[Goal], domains: list[LifeDomain], levels: list[SelfRelianceLevel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals, self.domains = goals, domains
        for g in goals:
            self.fields[f"goal_{g.pk}"] = forms.ChoiceField(
                label=_("Resultaat doel %(n)s") % {"n": g.position}, choices=BLANK + list(GoalReview.Outcome.choices)
            )
            self.fields[f"goal_{g.pk}_note"] = forms.CharField(label=_("Toelichting"), required=False, max_length=500)
        for d in domains:
            self.fields[f"score_{d.pk}"] = forms.ChoiceField(
                label=d.name, required=False, choices=level_choices(levels)
            )
        self._apply_widget_classes()

    def goal_rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(g, self[f"goal_{g.pk}"], self[f"goal_{g.pk}_note"]) for g in self.goals]

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{d.pk}"] for d in self.domains]
