from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Team, User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.network.models import Escalation, TargetGroup
from toegang.plans.models import LifeDomain
from toegang.signals.models import Signal


class EscalateForm(UtrechtForm):
    reason = forms.ChoiceField(label=_("Reden"), choices=[("", "—"), *Escalation.Reason.choices])
    question = forms.CharField(
        label=_("Vraag"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Welke beslissing is nodig, en welke oplossingen liggen er? Schrijf zo min mogelijk over de "
            "inwoners zelf: de hogere niveaus zien alleen deze vraag."
        ),
    )
    deadline = forms.DateField(label=_("Besluit nodig uiterlijk"), widget=DateInput())


class DecideForm(UtrechtForm):
    decision = forms.CharField(label=_("Besluit"), widget=forms.Textarea(attrs={"rows": 4}))


class ForwardForm(UtrechtForm):
    reason = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom beslist dit niveau niet zelf?"),
    )


class TransferForm(UtrechtForm):
    to_team = forms.ModelChoiceField(label=_("Naar team"), queryset=Team.objects.none(), empty_label="—")
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Het ontvangende team ziet deze reden en de naam van het huishouden, nog niet het dossier."),
    )

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["to_team"].queryset = teams  # type: ignore[attr-defined]


class AcceptTransferForm(UtrechtForm):
    """The receiving team's professionals are read once and given as a list, so that a page with many
    requests renders the same choices without asking the database again."""

    regisseur = forms.TypedChoiceField(label=_("Nieuwe regisseur"), coerce=int)

    def __init__(self, *args: Any, members: list[User] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        field = self.fields["regisseur"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", "—"), *((member.pk, str(member)) for member in members)]

    def clean_regisseur(self) -> User:
        return self.members[self.cleaned_data["regisseur"]]


class RefuseTransferForm(UtrechtForm):
    refusal = forms.CharField(label=_("Reden weigering"), widget=forms.Textarea(attrs={"rows": 2}))


class ServiceSearchForm(UtrechtForm):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    domain = forms.ModelChoiceField(
        label=_("Leefdomein"), queryset=LifeDomain.objects.order_by("position"), required=False, empty_label="—"
    )
    area = forms.ModelChoiceField(
        label=_("Wijk of kern"), queryset=Area.objects.none(), required=False, empty_label="—"
    )
    group = forms.ModelChoiceField(
        label=_("Doelgroep"), queryset=TargetGroup.objects.order_by("position"), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]


class PartnerSignalForm(UtrechtForm):
    """A partner organisation's signal: who it is about, what worries you, how urgent, how to reach you.
    Only what the Toegang needs to pick it up."""

    voornamen = forms.CharField(label=_("Voornamen"), max_length=200)
    voorvoegsel = forms.CharField(label=_("Voorvoegsel"), max_length=20, required=False)
    geslachtsnaam = forms.CharField(label=_("Geslachtsnaam"), max_length=200)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    postcode = forms.CharField(label=_("Postcode"), max_length=7)
    huisnummer = forms.CharField(label=_("Huisnummer"), max_length=10)
    bsn = forms.CharField(label=_("BSN"), max_length=11, required=False, help_text=_("Alleen als u het BSN kent."))
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Signal.Urgency.choices)
    description = forms.CharField(
        label=_("Wat is er aan de hand?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat ziet u, wat heeft u al gedaan, weet de inwoner van deze melding?"),
    )
    contact = forms.CharField(
        label=_("Hoe bereikt de Toegang u?"), max_length=100, help_text=_("Telefoonnummer of e-mailadres.")
    )


class LadderLevelForm(UtrechtForm):
    title = forms.CharField(label=_("Naam van het niveau"), max_length=100)
    holders = forms.TypedMultipleChoiceField(
        label=_("Aangewezen personen"),
        coerce=int,
        required=False,
        help_text=_("Alleen voor een niveau met aangewezen personen, zoals de ambtelijk opdrachtgever."),
    )

    def __init__(self, *args: Any, users: list[User] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["holders"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101
        field.choices = [(u.pk, f"{u} ({u.get_role_display()})") for u in users]
