from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.common.forms import DateInput, UtrechtForm, refuse_future_dates
from toegang.people.forms import check_person_fields
from toegang.plans.models import LifeDomain
from toegang.signals.models import Signal

BLANK = [("", _("— kies —"))]


class SignalForm(UtrechtForm):
    conditional_fields = ("voornamen", "geslachtsnaam")

    bsn = forms.CharField(
        label=_("BSN van de inwoner"),
        max_length=11,
        required=False,
        help_text=_("9 cijfers. Is de inwoner bekend, dan vult u alleen het BSN in."),
    )
    voornamen = forms.CharField(
        label=_("Voornamen"), max_length=200, required=False, help_text=_("Nodig als de inwoner nog niet bekend is.")
    )
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(
        label=_("Geslachtsnaam"),
        max_length=200,
        required=False,
        help_text=_("Nodig als de inwoner nog niet bekend is."),
    )
    geboortedatum = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    huisnummer = forms.CharField(label=_("Huisnummer"), max_length=10, required=False)
    other_bsns = forms.CharField(
        label=_("Andere betrokken personen (BSN)"),
        max_length=200,
        required=False,
        help_text=_("BSN's van andere bekende personen om wie de melding ook gaat, gescheiden door komma's."),
    )
    source = forms.ChoiceField(label=_("Bron"), choices=BLANK + list(Signal.Source.choices))
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_person_fields(self, data)
        refuse_future_dates(self, data, "received_on")
        return data


class TriageForm(UtrechtForm):
    conditional_fields = ("note", "referred_to", "regisseur")

    outcome = forms.ChoiceField(label=_("Uitkomst triage"), choices=Signal.Outcome.choices, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Datum triage"), widget=DateInput())
    note = forms.CharField(
        label=_("Toelichting / gegeven advies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nodig bij direct beantwoord / advies."),
    )
    referred_to = forms.CharField(
        label=_("Doorverwezen naar (voorliggend veld)"),
        max_length=200,
        required=False,
        help_text=_("Nodig bij doorverwijzing naar het voorliggend veld."),
    )
    regisseur = forms.ModelChoiceField(
        label=_("Regisseur bij intake"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Kies een regisseur…"),
        help_text=_("Alleen nodig als er nog geen lopend traject is."),
    )

    def __init__(self, *args: Any, colleagues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            self.fields["regisseur"].queryset = colleagues  # type: ignore[attr-defined]
