from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toegang.common.forms import DateInput, UtrechtForm
from toegang.people.models import Person
from toegang.procedures.models import Procedure, TermRule

LAWS = [(TermRule.Law.WMO, _("Wmo 2015")), (TermRule.Law.JEUGD, _("Jeugdwet")), (TermRule.Law.PW, _("Participatiewet"))]


class StartForm(UtrechtForm):
    person = forms.ModelChoiceField(label=_("Inwoner om wie het gaat"), queryset=Person.objects.none())
    law = forms.ChoiceField(label=_("Wet"), choices=LAWS, widget=forms.RadioSelect)
    reported_on = forms.DateField(
        label=_("Datum melding"),
        widget=DateInput(),
        help_text=_("Bij de Jeugdwet de datum van de hulpvraag. De termijnen lopen vanaf de dag erna."),
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]


class StepForm(UtrechtForm):
    step = forms.ChoiceField(label=_("Stap"))
    day = forms.DateField(label=_("Datum"), widget=DateInput())

    def __init__(self, *args: Any, steps: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            (s, str(getattr(Procedure._meta.get_field(s), "verbose_name", s)).capitalize()) for s in steps or []
        ]


class ClockChoiceForm(UtrechtForm):
    clock = forms.ChoiceField(label=_("Termijn"))

    def __init__(self, *args: Any, clocks: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = clocks or []  # type: ignore[attr-defined]


class SuspendForm(ClockChoiceForm):
    start = forms.DateField(label=_("Opgeschort vanaf"), widget=DateInput())
    reason = forms.CharField(label=_("Reden"), max_length=300)


class ResumeForm(ClockChoiceForm):
    end = forms.DateField(label=_("Opgeschort tot en met"), widget=DateInput())


class ExtendForm(ClockChoiceForm):
    length = forms.IntegerField(label=_("Verlengen met"), min_value=1, max_value=26)
    unit = forms.ChoiceField(label=_("Eenheid"), choices=TermRule.Unit.choices)
    notified_on = forms.DateField(
        label=_("Inwoner bericht op"),
        widget=DateInput(),
        help_text=_("De verlenging wordt de inwoner gemeld (Awb 4:14)."),
    )
    reason = forms.CharField(label=_("Reden"), max_length=300)
