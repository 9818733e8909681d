"""Choice labels from a table per field and language.

Django's ``get_<field>_display()`` rebuilds a dict of all of a field's choices on every call, and
hashing each lazy label translates it: a list of 200 signals with two labels per row spent a fifth of
its time there. ``install()`` (at start-up, common/apps.py) points the models' ``get_<field>_display``
at ``display``, which builds that dict once per field and language and then only looks the value up.
Same answers: the label as a string, an unknown value as it is.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_NOT_A_CHOICE = object()
_labels: dict[tuple[models.Field[Any, Any], str | None], dict[Any, Any]] = {}


def display(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(instance, field.attname)
    key = (field, get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = {make_hashable(k): force_str(v, strings_only=True) for k, v in field.flatchoices}
    try:
        label = labels.get(value, _NOT_A_CHOICE)
    except TypeError:  # an unhashable value (a list, a dict)
        label = labels.get(make_hashable(value), _NOT_A_CHOICE)
    return force_str(value, strings_only=True) if label is _NOT_A_CHOICE else label


def install() -> int:
    """Point every model's Django-made ``get_<field>_display`` at ``display``; returns how many."""
    count = 0
    for model in apps.get_models(include_auto_created=True):
        for name, attribute in list(vars(model).items()):
            if isinstance(attribute, partialmethod) and attribute.func is models.Model._get_FIELD_display:  # type: ignore[attr-defined]
                setattr(model, name, partialmethod(display, **attribute.keywords))
                count += 1
    return count
