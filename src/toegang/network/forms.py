from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.accounts.models import Area, Organisation, Team, User
from toegang.common.forms import DateInput, UtrechtForm
from toegang.network.models import Escalation, Participant, Referral, TargetGroup
from toegang.people.forms import check_person_fields
from toegang.plans.models import Action, LifeDomain
from toegang.privacy.models import Consent, ProcessingActivity
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_person_fields(self, data)
        return data


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


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def _choices(rows: Any, label: Any = str) -> list[tuple[Any, str]]:
    return [("", "—"), *((row.pk, label(row)) for row in rows)]


class RowChoiceForm(UtrechtForm):
    """Choice fields filled from rows the page read once (so a page with many forms asks the database
    nothing more); cleaning gives back the chosen row, or None, instead of its id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: dict[str, dict[int, Any]] = {}

    def set_rows(self, name: str, rows: Any, label: Any = str) -> None:
        self.rows[name] = {row.pk: row for row in rows}
        field = self.fields[name]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = _choices(rows, label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, rows in self.rows.items():
            data[name] = rows.get(data[name]) if data.get(name) else None
        return data


class ConferenceForm(UtrechtForm):
    held_on = forms.DateField(label=_("Datum"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Aanvang"), widget=TimeInput(), input_formats=["%H:%M", "%H.%M"])
    location = forms.CharField(label=_("Plaats"), max_length=200, help_text=_("Adres, ruimte of 'videobellen'."))
    purpose = forms.CharField(
        label=_("Doel van het overleg"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Welke vraag moet het overleg beantwoorden? Wie zonder grondslag deelneemt, ziet dit niet."),
    )


class InviteForm(RowChoiceForm):
    conditional_fields = ("user", "person", "name", "organisation")

    kind = forms.ChoiceField(label=_("Soort deelnemer"), choices=Participant.Kind.choices)
    user = forms.TypedChoiceField(
        label=_("Professional met account"),
        coerce=int,
        required=False,
        help_text=_("Bij een professional met account."),
    )
    person = forms.TypedChoiceField(
        label=_("Lid van het huishouden"), coerce=int, required=False, help_text=_("Bij een lid van het huishouden.")
    )
    name = forms.CharField(
        label=_("Naam"), max_length=200, required=False, help_text=_("Bij een professional zonder account of netwerk.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="—",
        help_text=_("Bij een professional zonder account."),
    )
    role = forms.CharField(label=_("Rol in het overleg"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        users: list[User] = (),  # type: ignore[assignment]
        persons: Any = (),
        organisations: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.set_rows("user", users, lambda u: f"{u} ({u.organisation})" if u.organisation else str(u))
        self.set_rows("person", persons, lambda p: p.full_name)


class ParticipantChoiceForm(RowChoiceForm):
    """A form that names one participant of the conference (from the list the page already read)."""

    participant_field = "participant"

    def __init__(self, *args: Any, participants: list[Participant] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.set_rows(self.participant_field, participants, lambda p: p.label)


class UninviteForm(ParticipantChoiceForm):
    participant = forms.TypedChoiceField(label=_("Deelnemer"), coerce=int)


class AgendaItemForm(ParticipantChoiceForm):
    participant_field = "brought_in_by"

    title = forms.CharField(label=_("Agendapunt"), max_length=200)
    brought_in_by = forms.TypedChoiceField(label=_("Ingebracht door"), coerce=int, required=False)


class PreparationForm(ParticipantChoiceForm):
    participant = forms.TypedChoiceField(label=_("Voor deelnemer"), coerce=int)
    text = forms.CharField(
        label=_("Voorbereiding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat wilt u inbrengen, wat ziet u, wat is uw vraag aan de anderen?"),
        required=False,
    )


class MinutesForm(RowChoiceForm):
    agenda_item = forms.TypedChoiceField(label=_("Bij agendapunt"), coerce=int, required=False)
    text = forms.CharField(label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 5}))
    restricted_to = forms.TypedChoiceField(
        label=_("Alleen voor organisatie"),
        coerce=int,
        required=False,
        help_text=_("Leeg: alle deelnemers met grondslag lezen mee. Gekozen: alleen die organisatie (en u)."),
    )

    def __init__(self, *args: Any, items: Any = (), organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_rows("agenda_item", items, lambda i: f"{i.position}. {i.title}")
        self.set_rows("restricted_to", organisations)


class ConferenceDecisionForm(RowChoiceForm):
    conditional_fields = (
        "goal",
        "new_goal_domain",
        "new_goal_result",
        "new_goal_due_on",
        "member",
        "network_name",
        "professional",
    )

    text = forms.CharField(label=_("Besluit"), widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.TypedChoiceField(
        label=_("Bij doel"),
        coerce=int,
        required=False,
        help_text=_("Een open doel van het plan, of vul een nieuw doel in."),
    )
    new_goal_domain = forms.ModelChoiceField(
        label=_("Nieuw doel: leefdomein"),
        queryset=LifeDomain.objects.order_by("position"),
        required=False,
        empty_label="—",
        help_text=_("Alleen als het besluit bij een nieuw doel hoort."),
    )
    new_goal_result = forms.CharField(label=_("Nieuw doel: resultaat"), max_length=500, required=False)
    new_goal_due_on = forms.DateField(label=_("Nieuw doel: te bereiken op"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Actie"), max_length=300)
    party = forms.ChoiceField(label=_("Wie doet het"), choices=[("", "—"), *Action.Party.choices])
    member = forms.TypedChoiceField(
        label=_("Lid van het huishouden"), coerce=int, required=False, help_text=_("Als een lid de actie doet.")
    )
    network_name = forms.CharField(
        label=_("Naam netwerk"),
        max_length=150,
        required=False,
        help_text=_("Als iemand uit het netwerk de actie doet."),
    )
    professional = forms.TypedChoiceField(
        label=_("Professional"), coerce=int, required=False, help_text=_("Een bij het traject betrokken professional.")
    )
    due_on = forms.DateField(label=_("Uiterlijk op"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        goals: Any = (),
        persons: Any = (),
        professionals: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_rows("goal", goals, lambda g: f"{g.domain.name}: {g.result}"[:120])
        self.set_rows("member", persons, lambda p: p.full_name)
        self.set_rows("professional", professionals, lambda u: f"{u} ({u.organisation})" if u.organisation else str(u))


class CloseConferenceForm(UtrechtForm):
    attended = forms.TypedMultipleChoiceField(
        label=_("Aanwezig"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, participants: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101
        field.choices = [(p.pk, p.label) for p in participants]


class CancelConferenceForm(UtrechtForm):
    reason = forms.CharField(label=_("Reden"), max_length=300)


class ReferralForm(RowChoiceForm):
    conditional_fields = ("organisation", "goal")

    person = forms.TypedChoiceField(label=_("Voor wie"), coerce=int)
    organisation = forms.TypedChoiceField(
        label=_("Naar partnerorganisatie"),
        coerce=int,
        required=False,
        help_text=_("Alleen als u niet naar een dienst van de sociale kaart verwijst."),
    )
    goal = forms.TypedChoiceField(label=_("Voor doel"), coerce=int, required=False)
    question = forms.CharField(label=_("Vraag"), widget=forms.Textarea(attrs={"rows": 3}))
    handover = forms.CharField(
        label=_("Warme overdracht"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat moet de ontvanger weten om te beginnen? Alleen wat nodig is."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Gedeelde gegevens"),
        choices=Consent.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Deze soorten gegevens gaan mee; bij delen op toestemming moet de toestemming ze dekken."),
    )

    def __init__(self, *args: Any, persons: Any = (), organisations: Any = (), goals: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_rows("person", persons, lambda p: p.full_name)
        self.set_rows("organisation", organisations, str)
        self.set_rows("goal", goals, lambda g: f"{g.domain.name}: {g.result}"[:120])


class SendReferralForm(UtrechtForm):
    basis = forms.ModelChoiceField(
        label=_("Grondslag"),
        queryset=ProcessingActivity.objects.order_by("basis", "name"),
        empty_label="—",
        help_text=_("Een wettelijke grondslag uit het register, of toestemming van een lid van het huishouden."),
    )


class AnswerReferralForm(UtrechtForm):
    remark = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Verplicht bij afwijzen: waarom niet, en wat de inwoner wel kan doen."),
    )


class StartReferralForm(UtrechtForm):
    on = forms.DateField(label=_("Datum"), widget=DateInput())
    remark = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CompleteReferralForm(UtrechtForm):
    helped = forms.ChoiceField(
        label=_("Heeft het geholpen?"), choices=Referral.Helped.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label=_("Terugkoppeling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kort: wat is er gedaan en wat leverde het op? Geen details die de regisseur niet nodig heeft."),
    )
    on = forms.DateField(label=_("Afgerond op"), widget=DateInput())


class WithdrawReferralForm(UtrechtForm):
    reason = forms.CharField(label=_("Reden"), max_length=300)
