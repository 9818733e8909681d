from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import DateInput, UtrechtForm


class PeriodForm(UtrechtForm):
    start = forms.DateField(label=_("Vanaf"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Tot en met: de einddatum ligt vóór de begindatum."))
        return data


class PersonLogForm(PeriodForm):
    bsn = forms.CharField(label=_("BSN van de inwoner"), max_length=11)
    field_order = ["bsn", "start", "end"]


class UserLogForm(PeriodForm):
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    field_order = ["username", "start", "end"]
