"""Django's ``url`` tag, with the shape of a route remembered for whole-number arguments.

``{% url 'household' h.pk %}`` costs about 30 µs through ``reverse()``: the resolver walks the route's
candidates, fills them in, checks the result against the route's pattern and quotes it. A list page
repeats the same route for every row (the team queue about 185 times, some 5 ms of its 50). For a
route name written in the template and arguments that are all non-negative ``int`` (ids), the URL is
the route's fixed text with the numbers in between. That text is learned once per route, number of
arguments, namespace, script prefix and URL configuration: ``reverse()`` with marker numbers, split
at the markers, and kept only when filling in other numbers gives exactly what ``reverse()`` gives.
Anything else (keyword arguments, strings, a name from a variable, a route that does not split
cleanly) goes through Django's own tag. Registered as a template builtin under Django's own name
(settings.TEMPLATES); tests/test_template_urls.py holds it against ``reverse()`` for every route of the
project.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Marker numbers that cannot occur in a route's own text by accident; a second, short set checks the split.
_MARKERS = tuple(9_100_000_000_000_000_000 + i for i in range(12))  # 19 digits, as the largest bigint
_CHECK = tuple(range(3, 15))

# (route name, number of arguments, namespace, script prefix, URL configuration) -> the route's text
# between the arguments, or None where the route does not split cleanly (then Django's tag, always)
# The key holds no language: the project has no translated URL patterns (i18n_patterns).
_shapes: dict[tuple[str, int, str | None, str, Any], tuple[str, ...] | None] = {}
_UNKNOWN: Any = object()


def _shape(name: str, count: int, current_app: str | None, key: tuple) -> tuple[str, ...] | None:
    shape: tuple[str, ...] | None = None
    try:
        url = reverse(name, args=_MARKERS[:count], current_app=current_app)
    except NoReverseMatch:
        url = ""
    parts: list[str] = []
    rest = url
    for marker in _MARKERS[:count]:
        before, found, rest = rest.partition(str(marker))
        if not found or str(marker) in rest:
            break
        parts.append(before)
    else:
        parts.append(rest)
        try:
            check = reverse(name, args=_CHECK[:count], current_app=current_app)
        except NoReverseMatch:
            check = None
        if url and _fill(tuple(parts), _CHECK[:count]) == check:
            shape = tuple(parts)
    _shapes[key] = shape
    return shape


def _fill(shape: tuple[str, ...], args: tuple[int, ...] | list[int]) -> str:
    text = shape[0]
    for arg, part in zip(args, shape[1:], strict=True):
        text += str(arg) + part
    return text


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _shapes.clear()


class URLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        name = self.view_name.var
        if self.kwargs or self.view_name.filters or not isinstance(name, str) or len(self.args) > len(_MARKERS):
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return super().render(context)
        try:  # the namespace as Django's tag finds it
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        key = (name, len(args), current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        shape = _shapes.get(key, _UNKNOWN)
        if shape is _UNKNOWN:
            shape = _shape(name, len(args), current_app, key)
        if shape is None:
            return super().render(context)
        url = _fill(shape, args)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
