from __future__ import annotations

from typing import Any

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

    def __init__(self, *args: Any, kind: str = Request.Kind.VOW, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == Request.Kind.VOT:  # "geen wijziging, maar nieuwe aanvraag" answers a request for change only
            field = self.fields["refusal"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101
            reasons = [c for c in Request.Refusal.choices if c[0] != Request.Refusal.NEW_APPLICATION]
            field.choices = [("", "—"), *reasons]


class ConfirmChangeForm(UtrechtForm):
    within_decision = forms.BooleanField(
        label=_("De gevraagde wijziging past binnen de beschikking van de inwoner."),
        error_messages={"required": _("vink dit aan om te bevestigen, of zet het verzoek in onderzoek.")},
        help_text=_(
            "Past de wijziging niet binnen de beschikking? Zet het verzoek in onderzoek en neem een nieuw besluit."
        ),
    )
