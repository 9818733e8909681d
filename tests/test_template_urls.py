"""The ``url`` tag with the shape of a route remembered (common/templatetags/urls.py): every template
gets it, and for every route of the project its URL is ``reverse()``'s, with ids and with everything
that goes through Django's own tag (strings, keyword arguments, a name from a variable, ``as``)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, path, re_path, reverse

from toegang.common.templatetags import urls


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def _view(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


# a URL configuration of this module for the routes the project does not have
urlpatterns = [
    path("huis/<int:pk>/", _view, name="house"),
    re_path(r"^jaar/(?P<year>[0-9]{4})/$", _view, name="year"),  # the markers do not fit: Django's tag
    path("<int:a>/en/<int:b>/", _view, name="two"),
    path("zoek&vind/<int:pk>/", _view, name="ampersand"),
    re_path(r"^groot/(?P<n>[0-9]{19})/$", _view, name="big"),  # the markers fit, the check numbers do not
]


def test_every_template_gets_the_remembered_tag():
    (node,) = engines["django"].engine.from_string("{% url 'caseload' %}").nodelist
    assert type(node) is urls.URLNode


def test_every_route_of_the_project_gives_reverses_url():
    resolver = get_resolver()
    numbers = [0, 7, 12345, 9_223_372_036_854_775_807]
    checked = 0
    for name in [key for key in resolver.reverse_dict if isinstance(key, str)]:
        for _bits, _pattern, _defaults, converters in resolver.reverse_dict.getlist(name):
            count = len(converters)
            source = "{% url '" + name + "'" + "".join(f" a{i}" for i in range(count)) + " %}"
            for first in numbers:
                args = [first + i for i in range(count)]
                try:
                    expected = reverse(name, args=args)
                except NoReverseMatch:
                    with pytest.raises(NoReverseMatch):
                        render(source, **{f"a{i}": arg for i, arg in enumerate(args)})
                    continue
                for _twice in range(2):  # the second time from the remembered shape
                    assert render(source, **{f"a{i}": arg for i, arg in enumerate(args)}) == expected, name
                    checked += 1
    assert checked > 500


@override_settings(ROOT_URLCONF=__name__)
def test_what_goes_through_djangos_own_tag_gives_the_same():
    assert render("{% url 'house' 5 %}") == "/huis/5/"
    assert render("{% url 'house' '5' %}") == "/huis/5/"  # a string
    assert render("{% url 'house' pk=5 %}") == "/huis/5/"  # a keyword argument
    assert render("{% url name 5 %}", name="house") == "/huis/5/"  # the name from a variable
    assert render("{% url 'two' 1 22 %}") == "/1/en/22/"
    assert render("{% url 'year' 2026 %}") == "/jaar/2026/"  # the route's own pattern
    with pytest.raises(NoReverseMatch):
        render("{% url 'year' 20261 %}")
    assert render("{% url 'house' -1 as u %}[{{ u }}]") == "[]"  # Django's tag: no match with as
    assert render("{% url 'house' 9 as u %}<{{ u }}>") == "</huis/9/>"
    with pytest.raises(NoReverseMatch):
        render("{% url 'house' 1 2 %}")


@override_settings(ROOT_URLCONF=__name__)
def test_a_route_that_does_not_fit_the_markers_is_remembered_as_such():
    render("{% url 'year' 2026 %}")
    render("{% url 'house' 3 %}")
    shapes = {key[0]: shape for key, shape in urls._shapes.items() if key[4] == __name__}
    assert shapes == {"year": None, "house": ("/huis/", "/")}


@override_settings(ROOT_URLCONF=__name__)
def test_a_route_whose_check_does_not_reverse_goes_through_djangos_tag():
    number = 1_234_567_890_123_456_789
    for _twice in range(2):
        assert render("{% url 'big' n %}", n=number) == f"/groot/{number}/"
    assert {key[0]: shape for key, shape in urls._shapes.items() if key[4] == __name__} == {"big": None}
    with pytest.raises(NoReverseMatch):
        render("{% url 'big' 5 %}")


def test_a_new_url_configuration_forgets_the_shapes():
    render("{% url 'caseload' %}")
    assert urls._shapes
    with override_settings(ROOT_URLCONF=__name__):
        assert not urls._shapes
        assert render("{% url 'house' 4 %}") == "/huis/4/"
    assert render("{% url 'household' 4 %}") == reverse("household", args=[4])


@override_settings(ROOT_URLCONF=__name__)
def test_the_url_is_escaped_only_where_the_template_escapes():
    for _twice in range(2):
        assert render("{% url 'ampersand' 8 %}") == "/zoek&amp;vind/8/"
        assert render("{% autoescape off %}{% url 'ampersand' 8 %}{% endautoescape %}") == "/zoek&vind/8/"
        assert render("{% url 'ampersand' 8 as u %}{{ u }}") == "/zoek&amp;vind/8/"
