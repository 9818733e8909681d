from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Organisation
from toegang.cases.models import Trajectory
from toegang.common.forms import DateInput, UtrechtForm
from toegang.people.models import Person
from toegang.privacy.models import Consent, EmergencyAccess, ProcessingActivity, RightsRequest


class EmergencyForm(UtrechtForm):
    bsn = forms.CharField(label=_("BSN van de inwoner"), max_length=11)
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom moet u nu handelen en kan het niet wachten op de regisseur of het team?"),
    )


class ReviewForm(UtrechtForm):
    conditional_fields = ("note",)

    verdict = forms.ChoiceField(label=_("Oordeel"), choices=EmergencyAccess.Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij onterecht."),
    )


class ConsentForm(UtrechtForm):
    conditional_fields = ("representative_name",)

    person = forms.ModelChoiceField(label=_("Inwoner om wie het gaat"), queryset=Person.objects.none())
    activity = forms.ModelChoiceField(
        label=_("Doel"), queryset=ProcessingActivity.objects.filter(basis=ProcessingActivity.Basis.CONSENT)
    )
    given_by = forms.ChoiceField(label=_("Gegeven door"), choices=Consent.GivenBy.choices, widget=forms.RadioSelect)
    representative_name = forms.CharField(
        label=_("Naam vertegenwoordiger"),
        max_length=200,
        required=False,
        help_text=_("Nodig als een wettelijk vertegenwoordiger toestemming gaf."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Gegevenscategorieën"), choices=Consent.Category.choices, widget=forms.CheckboxSelectMultiple
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisaties"),
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.MUNICIPALITY),
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = forms.DateField(label=_("Gegeven op"), widget=DateInput())
    valid_until = forms.DateField(label=_("Geldig tot en met"), widget=DateInput())

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["person"].queryset = members  # type: ignore[attr-defined]


class RequestForm(UtrechtForm):
    bsn = forms.CharField(label=_("BSN van de inwoner"), max_length=11)
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=RightsRequest.Kind.choices)
    received_on = forms.DateField(label=_("Ontvangen op"), widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _trajectory_label(t: Trajectory) -> str:
    period = f"{t.started_on:%d-%m-%Y} – {t.closed_on:%d-%m-%Y}" if t.closed_on else f"{t.started_on:%d-%m-%Y}"
    hold = " · juridische blokkade" if t.legal_hold else ""
    return f"{t.household.name}: {period} ({t.get_closure_reason_display()}){hold}"


class CloseRequestForm(UtrechtForm):
    conditional_fields = ("outcome", "trajectories", "no_exception")

    status = forms.ChoiceField(
        label=_("Afhandeling"),
        choices=[(RightsRequest.Status.DONE, _("Afgehandeld")), (RightsRequest.Status.REFUSED, _("Afgewezen"))],
        widget=forms.RadioSelect,
    )
    handled_on = forms.DateField(label=_("Afgehandeld op"), widget=DateInput())
    outcome = forms.CharField(
        label=_("Uitkomst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij afwijzing: noem de wettelijke uitzondering."),
    )
    trajectories = forms.ModelMultipleChoiceField(
        label=_("Te vernietigen trajecten"),
        queryset=Trajectory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nodig als u het verzoek inwilligt. Afgesloten trajecten van de huishoudens van deze inwoner; een "
            "lopend traject sluit u eerst af. Vernietigen kan niet ongedaan worden gemaakt."
        ),
    )
    no_exception = forms.BooleanField(
        label=_("Geen wettelijke uitzondering"),
        required=False,
        help_text=_(
            "Nodig als u het verzoek inwilligt: geen aanmerkelijk belang van een ander en geen wettelijk voorschrift "
            "verzet zich tegen vernietiging (Jeugdwet art. 7.3.9)."
        ),
    )

    def __init__(self, *args: Any, destructible: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if destructible is None:  # only a request for destruction destroys anything
            del self.fields["trajectories"], self.fields["no_exception"]
        else:
            field = self.fields["trajectories"]
            field.queryset = destructible  # type: ignore[attr-defined]
            if not destructible.exists():
                field.help_text = _("Deze inwoner heeft geen afgesloten trajecten; er valt nu niets te vernietigen.")
            field.label_from_instance = _trajectory_label  # type: ignore[attr-defined]
