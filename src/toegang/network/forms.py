from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Team, User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.network.models import Escalation, TargetGroup
from toegang.plans.models import LifeDomain


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
