from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.plans.models import LifeDomain
from toegang.signals.models import Signal


class SignalForm(UtrechtForm):
    bsn = forms.CharField(
        label=_("BSN van de inwoner"),
        max_length=11,
        required=False,
        help_text=_("9 cijfers. Is de inwoner bekend, dan vult u alleen het BSN in."),
    )
    voornamen = forms.CharField(label=_("Voornamen"), max_length=200, required=False)
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(label=_("Geslachtsnaam"), max_length=200, required=False)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    huisnummer = forms.CharField(label=_("Huisnummer"), max_length=10, required=False)
    other_bsns = forms.CharField(
        label=_("Andere betrokken personen (BSN)"),
        max_length=200,
        required=False,
        help_text=_("BSN's van andere bekende personen om wie de melding ook gaat, gescheiden door komma's."),
    )
    source = forms.ChoiceField(label=_("Bron"), choices=Signal.Source.choices)
    channel = forms.ChoiceField(label=_("Kanaal"), choices=Signal.Channel.choices)
    received_on = forms.DateField(label=_("Datum melding"), widget=DateInput())
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Signal.Urgency.choices)
    reporter = forms.CharField(label=_("Melder (naam, organisatie)"), max_length=200, required=False)
    life_domains = forms.ModelMultipleChoiceField(
        label=_("Leefdomeinen"),
        queryset=LifeDomain.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Omschrijving van de vraag of zorg"), widget=forms.Textarea(attrs={"rows": 4})
    )


class TriageForm(UtrechtForm):
    outcome = forms.ChoiceField(label=_("Uitkomst triage"), choices=Signal.Outcome.choices, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Datum triage"), widget=DateInput())
    note = forms.CharField(
        label=_("Toelichting / gegeven advies"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referred_to = forms.CharField(label=_("Doorverwezen naar (voorliggend veld)"), max_length=200, required=False)
    regisseur = forms.ModelChoiceField(
        label=_("Regisseur bij intake"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Alleen nodig als er nog geen lopend traject is."),
    )

    def __init__(self, *args: Any, colleagues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            self.fields["regisseur"].queryset = colleagues  # type: ignore[attr-defined]
