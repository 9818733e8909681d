"""Choice labels from a table (common/choices.py): the same answers as Django's own
``get_<field>_display`` for every choice of every model, and for a value that is not a choice."""

from __future__ import annotations

import uuid

from django.apps import apps
from django.db import models
from django.utils import translation

from toegang.common import choices
from toegang.signals.models import Signal


def choice_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.choices and f"get_{field.name}_display" in vars(model):
                yield model, field


def test_the_models_use_the_table():
    assert vars(Signal)["get_urgency_display"].func is choices.display
    assert sum(1 for _ in choice_fields()) > 50
    assert all(vars(model)[f"get_{field.name}_display"].func is choices.display for model, field in choice_fields())


def test_every_label_and_an_unknown_value_come_out_as_django_gives_them():
    checked = 0
    for language in ("nl", "en"):
        with translation.override(language):
            for model, field in choice_fields():
                values = [value for value, _label in field.flatchoices]
                unknown = 987_654 if isinstance(values[0], int) else "geen-keuze"
                for value in [*values, unknown]:
                    instance = model(**{field.attname: value})
                    shown = getattr(instance, f"get_{field.name}_display")()
                    django_gives = models.Model._get_FIELD_display(instance, field)
                    assert (shown, type(shown)) == (django_gives, type(django_gives)), (model, field.name, value)
                    checked += 1
    assert checked > 400


def test_a_value_of_another_type_comes_out_as_django_gives_it():
    field = Signal._meta.get_field("urgency")
    for value in (uuid.UUID(int=7513), b"crisis", None, ["hoog"]):
        signal = Signal(urgency=value)
        assert signal.get_urgency_display() == models.Model._get_FIELD_display(signal, field)
