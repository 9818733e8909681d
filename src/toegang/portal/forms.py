"""Forms of the resident portal and of the team's representation record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Municipality, Organisation
from toegang.common.dates import add_months, today
from toegang.common.forms import DateInput, UtrechtForm
from toegang.plans.models import LifeDomain
from toegang.portal.models import Representation
from toegang.privacy.models import Consent, ProcessingActivity, RightsRequest

# Life domains in words a resident uses (the portal only; staff screens keep the ZRM names, DOMAIN.md §3.1).
# By code: a domain a municipality added or whose code is not here shows its own name.
RESIDENT_DOMAIN_LABELS = {
    "tijdsbesteding": _("Invulling van de dag (dagritme, bezigheden)"),
    "middelengebruik": _("Alcohol, drugs of medicijnen"),
    "basale-adl": _("Dagelijkse zelfzorg (wassen, aankleden, eten)"),
    "instrumentele-adl": _("Huishouden en regelzaken (boodschappen, post en administratie, vervoer)"),
    "maatschappelijke-participatie": _("Meedoen in de samenleving (vrijwilligerswerk, vereniging, buurt)"),
    "werk-opleiding": _("Werk en opleiding"),
}


def resident_domain_label(domain: LifeDomain) -> str:
    return str(RESIDENT_DOMAIN_LABELS.get(domain.code, domain.name))


class ResidentDomainsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LifeDomain) -> str:
        return resident_domain_label(obj)


class ConsentPurposeField(forms.ModelChoiceField):
    """A purpose by its name: the legal basis behind it (always consent here) is the register's business."""

    def label_from_instance(self, obj: ProcessingActivity) -> str:
        return obj.name


class SignalForm(UtrechtForm):
    description = forms.CharField(
        label=_("Waar heeft u hulp bij nodig?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vertel in uw eigen woorden wat er speelt en wat u zou willen. Ten hoogste 4000 tekens."),
    )
    life_domains = ResidentDomainsField(
        label=_("Waar gaat het over?"),
        queryset=LifeDomain.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class FirstSignalForm(SignalForm):
    """A melding from a resident we hold nothing about: who they are, where they live, their question."""

    field_order = ["voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "telefoon", "email", "municipality"]
    voornamen = forms.CharField(label=_("Voornamen"), max_length=200)
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(label=_("Achternaam"), max_length=200)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), widget=DateInput())
    telefoon = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        help_text=_("Zodat een medewerker u kan bellen over uw vraag."),
    )
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente waar u woont"), queryset=Municipality.objects.order_by("name"), empty_label=None
    )


class ConsentForm(UtrechtForm):
    activity = ConsentPurposeField(
        label=_("Waarvoor"),
        queryset=ProcessingActivity.objects.filter(basis=ProcessingActivity.Basis.CONSENT).order_by("name"),
        empty_label=_("Kies waarvoor…"),
    )
    categories = forms.MultipleChoiceField(
        label=_("Welke gegevens"), choices=Consent.Category.choices, widget=forms.CheckboxSelectMultiple
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Met welke organisaties"),
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.MUNICIPALITY).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = forms.DateField(label=_("Geldig tot en met"), widget=DateInput())  # help text: __init__ (the day)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = settings.CONSENT_MAX_YEARS
        latest = add_months(today(), 12 * years)
        field = self.fields["valid_until"]
        field.help_text = gettext(
            "Ten hoogste %(n)s jaar vanaf vandaag, dus uiterlijk %(day)s; daarna vragen wij het u opnieuw. "
            "U kunt uw toestemming altijd eerder intrekken; dat werkt meteen."
        ) % {"n": years, "day": latest.strftime("%d-%m-%Y")}
        field.widget.attrs["max"] = latest.isoformat()


class RequestForm(UtrechtForm):
    kind = forms.ChoiceField(
        label=_("Wat wilt u vragen?"),
        choices=[
            (RightsRequest.Kind.ACCESS, _("Volledige inzage: alle gegevens, ook de werkaantekeningen")),
            (RightsRequest.Kind.CORRECTION, _("Correctie: een gegeven klopt niet")),
            (RightsRequest.Kind.OBJECTION, _("Bezwaar tegen het gebruik van mijn gegevens")),
        ],
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Toelichting"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bij correctie: welk gegeven en wat het moet zijn. Ten hoogste 2000 tekens."),
    )


class RepresentationForm(UtrechtForm):
    kind = forms.ChoiceField(label=_("Soort vertegenwoordiging"), choices=Representation.Kind.choices)
    representative_name = forms.CharField(label=_("Naam vertegenwoordiger"), max_length=200)
    representative_bsn = forms.CharField(
        label=_("BSN vertegenwoordiger"),
        max_length=11,
        help_text=_("Met dit BSN logt de vertegenwoordiger in op het portaal (DigiD)."),
    )
    source = forms.CharField(
        label=_("Bron"),
        max_length=300,
        help_text=_("Waaruit blijkt de vertegenwoordiging, bijvoorbeeld: gezagsregister, uittreksel van 12-11-2026."),
    )
    start_date = forms.DateField(label=_("Vanaf"), widget=DateInput())
    end_date = forms.DateField(label=_("Tot en met"), widget=DateInput(), required=False)
