"""Django's ``i18n`` tags, with ``{% translate "literal" %}`` remembered per language.

A ``{% translate %}`` costs about 16 µs in Django: the literal goes through a lazy translation object,
then through ``render_value_in_context`` and the percent-sign restoration, on every row of a list
(the caseload about 70 times, the household page about 110). For a literal text without filters,
``noop`` or ``context``, the output depends only on the text, the active language and autoescaping, so
it is kept per those three after Django's tag has made it once. Everything else goes through Django's
tag unchanged. The memory is emptied when the settings Django's translations depend on change (tests)
and when a ``.mo`` file changes under the development server, as Django does with its own catalogues.

A template builtin (settings.TEMPLATES) that carries every tag and filter of Django's ``i18n`` library,
so templates do not ``{% load i18n %}``: a load would put Django's own tag back in that template.
tests/test_template_translations.py holds the output against Django's tag for every literal in the
templates, in both languages, and checks that no template loads ``i18n``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.templatetags import i18n
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# (literal, language, autoescape) -> the tag's output
_outputs: dict[tuple[str, str | None, bool], str] = {}


@receiver(setting_changed)
def _forget_on_settings(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _outputs.clear()


@receiver(file_changed)
def _forget_on_catalogue(*, file_path: Path, **kwargs: Any) -> None:
    if Path(file_path).suffix == ".mo":
        _outputs.clear()


class TranslateNode(i18n.TranslateNode):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        var = self.filter_expression.var
        self.literal: str | None = (
            var.literal
            if isinstance(var, Variable)
            and isinstance(var.literal, str)
            and not self.filter_expression.filters
            and not self.noop
            and self.message_context is None
            else None
        )

    def render(self, context: template.Context) -> str:
        if self.literal is None:
            return super().render(context)
        key = (self.literal, get_language(), context.autoescape)
        value = _outputs.get(key)
        if value is None:
            if self.asvar:
                super().render(context)
                value = context[self.asvar]
            else:
                value = super().render(context)
            _outputs[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: template.base.Parser, token: template.base.Token) -> TranslateNode:
    node = i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
