"""Forms of the network administration: contact persons and partner agreements. The choices (organisations,
areas) are read once per page and handed in as lists, so that a page with many forms asks the database
nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Organisation
from toegang.common.forms import DateInput, UtrechtForm
from toegang.network.models import PartnerAgreement


class _OrganisationChoice(UtrechtForm):
    organisation = forms.TypedChoiceField(label=_("Organisatie"), coerce=int)

    def __init__(self, *args: Any, organisations: list[Organisation] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.organisations = {org.pk: org for org in organisations}
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", "—"), *((org.pk, org.name) for org in organisations)]

    def clean_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


class ContactPersonForm(_OrganisationChoice):
    area = forms.TypedChoiceField(
        label=_("Wijk of kern"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leeg laten: contactpersoon voor de hele gemeente."),
    )
    name = forms.CharField(label=_("Naam"), max_length=200)
    function = forms.CharField(label=_("Functie"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Telefoon"), max_length=30, required=False, help_text=_("E-mail of telefoon: ten minste één van beide.")
    )
    conditional_fields = ("email", "phone")

    def __init__(self, *args: Any, areas: list[Area] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.areas = {area.pk: area for area in areas}
        field = self.fields["area"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", _("Hele gemeente")), *((area.pk, area.name) for area in areas)]
        self._apply_widget_classes()

    def clean_area(self) -> Area | None:
        chosen = self.cleaned_data["area"]
        return None if chosen is None else self.areas[chosen]


class AgreementForm(_OrganisationChoice):
    kind = forms.ChoiceField(label=_("Afspraak"), choices=[("", "—"), *PartnerAgreement.Kind.choices])
    value = forms.IntegerField(
        label=_("Norm"),
        min_value=1,
        max_value=999,
        help_text=_("Werkdagen voor beantwoorden en starten; verwijzingen per maand voor capaciteit."),
    )
    valid_from = forms.DateField(label=_("Geldig vanaf"), widget=DateInput())
    valid_until = forms.DateField(label=_("Geldig tot en met"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)


class EndAgreementForm(UtrechtForm):
    valid_until = forms.DateField(label=_("Geldig tot en met"), widget=DateInput())
