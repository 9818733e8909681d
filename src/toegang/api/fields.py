"""The fields of the API's input, with their messages in Dutch.

DRF's own Dutch catalogue is not loaded (rest_framework is not an installed app, settings.py says why),
so its fields would answer in English ("This field may not be null."). These subclasses give each rule
a Dutch message; the problem body names the field (api/problems.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator


class _Dutch:
    default_error_messages = {
        "required": _("Dit veld is verplicht."),
        "null": _("Dit veld mag niet null zijn."),
    }


class CharField(_Dutch, serializers.CharField):
    default_error_messages = {
        "invalid": _("Geef tekst."),
        "blank": _("Dit veld mag niet leeg zijn."),
        "max_length": _("Hoogstens {max_length} tekens."),
        "min_length": _("Minstens {min_length} tekens."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:  # a lone surrogate ("\ud800") is valid JSON, not valid text
            if isinstance(validator, ProhibitSurrogateCharactersValidator):
                validator.message = _("Ongeldig teken in de tekst: U+{code_point:X}.")


class TextField(CharField):
    """Only a JSON string: DRF's CharField takes a number too, and a BSN sent as a number would lose a
    leading zero without anyone noticing."""

    default_error_messages = {"not_text": _("Geef tekst (een JSON-string), geen getal of ander type.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return str(super().to_internal_value(data))


class IntegerField(_Dutch, serializers.IntegerField):
    default_error_messages = {
        "invalid": _("Geef een geheel getal."),
        "max_value": _("Hoogstens {max_value}."),
        "min_value": _("Minstens {min_value}."),
        "max_string_length": _("Het getal is te lang."),
    }


class DateField(_Dutch, serializers.DateField):
    default_error_messages = {
        "invalid": _("Geef een datum als JJJJ-MM-DD."),
        "datetime": _("Geef een datum zonder tijd (JJJJ-MM-DD)."),
    }


class ChoiceField(_Dutch, serializers.ChoiceField):
    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(choices, **kwargs)
        allowed = ", ".join(str(key) for key in self.choices)
        # DRF fills in {input}; the allowed values are known here
        self.error_messages["invalid_choice"] = _("'{input}' is geen geldige keuze; kies uit: %(allowed)s.") % {
            "allowed": allowed
        }


class ListField(_Dutch, serializers.ListField):
    default_error_messages = {
        "not_a_list": _("Geef een lijst (een JSON-array)."),
        "empty": _("De lijst mag niet leeg zijn."),
        "max_length": _("Hoogstens {max_length} elementen."),
        "min_length": _("Minstens {min_length} element(en)."),
    }
