from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import User
from toegang.cases.models import Note, Trajectory
from toegang.common.forms import DateInput, UtrechtForm
from toegang.people.forms import check_person_fields
from toegang.people.models import Membership
from toegang.people.services import CHANGE_REASONS
from toegang.privacy.models import ProcessingActivity, RetentionRule


class NoteForm(UtrechtForm):
    kind = forms.ChoiceField(label=_("Soort"), choices=Note.Kind.choices)
    channel = forms.ChoiceField(label=_("Contactvorm"), choices=Note.Channel.choices, required=False)
    happened_on = forms.DateField(label=_("Datum"), widget=DateInput())
    text = forms.CharField(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 3}))
    restricted = forms.BooleanField(
        label=_("Alleen zichtbaar voor mijn eigen organisatie"),
        required=False,
        help_text=_("Collega's van andere organisaties zien dan niet dat deze notitie bestaat."),
    )


class ProfessionalChoiceForm(UtrechtForm):
    def __init__(self, *args: Any, professionals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if professionals is not None:
            self.fields["professional"].queryset = professionals  # type: ignore[attr-defined]


class RegisseurForm(ProfessionalChoiceForm):
    professional = forms.ModelChoiceField(label=_("Nieuwe regisseur"), queryset=User.objects.none())
    on = forms.DateField(label=_("Regie over per"), widget=DateInput())


class InvolvementForm(ProfessionalChoiceForm):
    conditional_fields = ("basis",)

    professional = forms.ModelChoiceField(label=_("Professional"), queryset=User.objects.none())
    role = forms.CharField(
        label=_("Rol in traject"),
        max_length=100,
        help_text=_("Bijvoorbeeld: schuldhulpverlener, jeugdhulpverlener, cliëntondersteuner."),
    )
    start_date = forms.DateField(label=_("Betrokken vanaf"), widget=DateInput())
    basis = forms.ModelChoiceField(
        label=_("Grondslag"),
        queryset=ProcessingActivity.objects.order_by("basis", "name"),
        required=False,
        help_text=_(
            "Nodig voor een organisatie buiten het team en buiten de gemeente: een wettelijke grondslag, "
            "of toestemming van het huishouden voor die organisatie."
        ),
    )


class CloseForm(UtrechtForm):
    closed_on = forms.DateField(label=_("Datum afsluiting"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reden afsluiting"), choices=Trajectory.ClosureReason.choices)
    retention_rule = forms.ModelChoiceField(
        label=_("Resultaat (Selectielijst)"),
        queryset=RetentionRule.objects.exclude(code=RetentionRule.SIGNAL).order_by("code"),
        help_text=_("Bepaalt de bewaartermijn: daarna wordt het dossier vernietigd, tenzij er een blokkade is."),
    )
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MemberForm(UtrechtForm):
    conditional_fields = ("voornamen", "geslachtsnaam")

    bsn = forms.CharField(
        label=_("BSN"), max_length=11, required=False, help_text=_("Is de persoon bekend, dan is het BSN genoeg.")
    )
    voornamen = forms.CharField(label=_("Voornamen"), max_length=200, required=False)
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(label=_("Geslachtsnaam"), max_length=200, required=False)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    role = forms.ChoiceField(label=_("Rol in huishouden"), choices=Membership.Role.choices)
    start_date = forms.DateField(label=_("Lid vanaf"), widget=DateInput())
    end_date = forms.DateField(label=_("Lid tot en met"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_person_fields(self, data)
        return data


class PersonChangeForm(UtrechtForm):
    """A person's data as the professional corrects or updates it (the person page's "Gegevens wijzigen")."""

    conditional_fields = ("bsn",)  # needed once recorded: it can be corrected, not emptied

    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        help_text=_("9 cijfers. Wijzig het alleen als het vastgelegde nummer aantoonbaar fout is."),
    )
    voornamen = forms.CharField(label=_("Voornamen"), max_length=200)
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(label=_("Geslachtsnaam"), max_length=200)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    telefoon = forms.CharField(
        label=_("Telefoon"), max_length=30, required=False, help_text=_("Bijvoorbeeld 06-12345678.")
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    straat = forms.CharField(label=_("Straat"), max_length=200, required=False)
    huisnummer = forms.CharField(
        label=_("Huisnummer"), max_length=10, required=False, help_text=_("Bijvoorbeeld 12, 12A of 12-2.")
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    woonplaats = forms.CharField(label=_("Woonplaats"), max_length=100, required=False)
    shown = forms.CharField(widget=forms.HiddenInput, required=False)  # what the form showed, signed (views)
    reason = forms.ChoiceField(
        label=_("Reden van de wijziging"),
        choices=CHANGE_REASONS,
        widget=forms.RadioSelect,
        help_text=_("Komt in het logboek, met de namen van de gewijzigde gegevens."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_person_fields(self, data)
        return data


class StandInForm(UtrechtForm):
    absent = forms.ModelChoiceField(label=_("Afwezig"), queryset=User.objects.none())
    stand_in = forms.ModelChoiceField(
        label=_("Waarnemer"),
        queryset=User.objects.none(),
        help_text=_("Een collega uit het team met dezelfde werkgever; die ziet wat de afwezige collega ziet."),
    )
    start_date = forms.DateField(label=_("Van"), widget=DateInput())
    end_date = forms.DateField(label=_("Tot en met"), widget=DateInput())
    reason = forms.CharField(label=_("Reden"), max_length=100, required=False, help_text=_("Bijvoorbeeld: vakantie."))

    def __init__(self, *args: Any, absent: Any = None, colleagues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = absent  # type: ignore[attr-defined]
        self.fields["stand_in"].queryset = colleagues  # type: ignore[attr-defined]
