from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import UtrechtForm
from toegang.istandaarden.models import Request


class RefuseForm(UtrechtForm):
    refusal = forms.ChoiceField(
        label=_("Reden afwijzing"),
        choices=[("", "—"), *Request.Refusal.choices],
        help_text=_("De reden gaat mee in het antwoordbericht (319) aan de aanbieder."),
    )


class ConfirmChangeForm(UtrechtForm):
    within_decision = forms.BooleanField(
        label=_("De gevraagde wijziging past binnen de beschikking van de inwoner."),
        help_text=_(
            "Past de wijziging niet binnen de beschikking? Zet het verzoek in onderzoek en neem een nieuw besluit."
        ),
    )
