from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import DateInput, UtrechtForm
from toegang.network.models import Escalation


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
