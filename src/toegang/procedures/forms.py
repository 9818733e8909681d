from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import DateInput, UtrechtForm
from toegang.people.models import Person
from toegang.procedures.decisions import DISCARD_REASONS
from toegang.procedures.models import Objection, Outcome, ProductCategory, Provider, Provision, TermRule

LAWS = [(TermRule.Law.WMO, _("Wmo 2015")), (TermRule.Law.JEUGD, _("Jeugdwet")), (TermRule.Law.PW, _("Participatiewet"))]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """A former member (``current`` False, annotated) is marked with the day they left the household."""
        if getattr(obj, "current", True) or obj.left_on is None:
            return str(obj.full_name)
        return _("%(name)s (woonde hier tot en met %(day)s)") % {
            "name": obj.full_name,
            "day": f"{obj.left_on:%-d-%-m-%Y}",
        }


class StartForm(UtrechtForm):
    person = MemberChoiceField(
        label=_("Inwoner om wie het gaat"), queryset=Person.objects.none(), empty_label=_("Kies een inwoner…")
    )
    law = forms.ChoiceField(label=_("Wet"), choices=LAWS, widget=forms.RadioSelect)
    reported_on = forms.DateField(
        label=_("Datum melding"),
        widget=DateInput(),
        help_text=_("Bij de Jeugdwet de datum van de hulpvraag. De termijnen lopen vanaf de dag erna."),
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]


class StepForm(UtrechtForm):
    conditional_fields = ("outcome",)  # needed with the decision's step
    step = forms.ChoiceField(
        label=_("Stap"),
        error_messages={
            "invalid_choice": _(
                "kies een stap uit de lijst; een stap volgt op de stap ervoor (eerst de aanvraag, dan het besluit)."
            )
        },
    )
    day = forms.DateField(label=_("Datum"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[("", _("– alleen bij een besluit –")), *Outcome.choices],
        required=False,
        help_text=_(
            "Bij 'Besluit bekendgemaakt op' voor een besluit dat buiten Toegang is genomen. Een beschikking in "
            "Toegang maakt u bekend bij die beschikking."
        ),
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("Kies een stap…")), *(steps or [])]  # type: ignore[attr-defined]


class ClockChoiceForm(UtrechtForm):
    clock = forms.ChoiceField(
        label=_("Termijn"),
        error_messages={"invalid_choice": _("kies een termijn uit de lijst; de stand van de termijnen is gewijzigd.")},
    )

    def __init__(self, *args: Any, clocks: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = clocks or []  # type: ignore[attr-defined]


class SuspendForm(ClockChoiceForm):
    start = forms.DateField(label=_("Opgeschort vanaf"), widget=DateInput())
    reason = forms.CharField(label=_("Reden"), max_length=300)


class ResumeForm(ClockChoiceForm):
    end = forms.DateField(label=_("Opgeschort tot en met"), widget=DateInput())


class ExtendForm(ClockChoiceForm):
    length = forms.IntegerField(label=_("Verlengen met"), min_value=1, max_value=26)
    unit = forms.ChoiceField(label=_("Eenheid"), choices=TermRule.Unit.choices)
    notified_on = forms.DateField(
        label=_("Inwoner bericht op"),
        widget=DateInput(),
        help_text=_("De verlenging wordt de inwoner gemeld (Awb 4:14)."),
    )
    reason = forms.CharField(label=_("Reden"), max_length=300)


class DecisionForm(UtrechtForm):
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[("toegekend", _("Toekennen")), ("afgewezen", _("Afwijzen"))],
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarom u zo besluit, in begrijpelijke taal: deze tekst komt in de brief (Awb 3:46)."),
    )


class ProvisionForm(UtrechtForm):
    conditional_fields = ("provider", "volume", "unit", "frequency", "budget_euros", "end_date", "product_code")

    category = forms.ModelChoiceField(label=_("Productcategorie"), queryset=ProductCategory.objects.none())
    product_code = forms.CharField(
        label=_("Productcode"), max_length=5, required=False, help_text=_("Bijvoorbeeld 01A01.")
    )
    delivery = forms.ChoiceField(label=_("Leveringsvorm"), choices=Provision.Delivery.choices, widget=forms.RadioSelect)
    provider = forms.ModelChoiceField(
        label=_("Zorgaanbieder"),
        queryset=Provider.objects.all(),
        required=False,
        help_text=_("Nodig bij zorg in natura."),
    )
    volume = forms.IntegerField(
        label=_("Omvang"), required=False, min_value=1, help_text=_("Of een budget, niet allebei.")
    )
    unit = forms.ChoiceField(label=_("Eenheid"), choices=[("", "—"), *Provision.Unit.choices], required=False)
    frequency = forms.ChoiceField(
        label=_("Frequentie"), choices=[("", "—"), *Provision.Frequency.choices], required=False
    )
    budget_euros = forms.DecimalField(
        label=_("Budget in euro's"), required=False, min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    start_date = forms.DateField(label=_("Ingangsdatum"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Einddatum"), widget=DateInput(), required=False, help_text=_("Verplicht bij een budget of per week.")
    )

    def __init__(self, *args: Any, law: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProductCategory.objects.filter(law=law)  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        euros = data.pop("budget_euros")
        data["budget_cents"] = int(euros * 100) if euros is not None else None
        return data


class WithdrawForm(UtrechtForm):
    prefix = "intrekken"  # the page has other forms with a date field "on"
    on = forms.DateField(
        label=_("Ingetrokken op"),
        widget=DateInput(),
        help_text=_("De dag dat de inwoner de melding of aanvraag introk; de termijnen stoppen die dag."),
    )


class DiscardForm(UtrechtForm):
    reason = forms.ChoiceField(label=_("Reden"), choices=list(DISCARD_REASONS.items()), widget=forms.RadioSelect)


class SendForm(UtrechtForm):
    on = forms.DateField(
        label=_("Bekendgemaakt op"), widget=DateInput(), help_text=_("De dag dat de brief verstuurd is.")
    )


class ObjectionForm(UtrechtForm):
    received_on = forms.DateField(label=_("Bezwaar ontvangen op"), widget=DateInput())
    committee = forms.BooleanField(label=_("Advies van de bezwaarcommissie (beslistermijn 12 weken)"), required=False)


class ObjectionDecisionForm(UtrechtForm):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=Objection.Outcome.choices)
    decided_on = forms.DateField(label=_("Beslist op"), widget=DateInput())
