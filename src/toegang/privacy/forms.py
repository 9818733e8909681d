from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import UtrechtForm
from toegang.privacy.models import EmergencyAccess


class EmergencyForm(UtrechtForm):
    bsn = forms.CharField(label=_("BSN van de inwoner"), max_length=11)
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom moet u nu handelen en kan het niet wachten op de regisseur of het team?"),
    )


class ReviewForm(UtrechtForm):
    verdict = forms.ChoiceField(label=_("Oordeel"), choices=EmergencyAccess.Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij onterecht."),
    )
