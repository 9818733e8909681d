"""Every id in a URL is an ``<id:…>`` (common/converters.py): a number beyond the id columns' range is a
404 like any id that does not exist. As ``<int:…>`` it reached the view, and SQLite raised an
OverflowError (a 500) on the staff pages and the resident portal."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from toegang.common.converters import BIGINT_MAX, IdConverter

SENTINEL = 7_654_321


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _patterns(entry, prefix + (f"{entry.namespace}:" if entry.namespace else ""))
        elif entry.name:
            found.append((prefix + entry.name, entry))
    return found


def _id_urls() -> list[tuple[str, str]]:
    """(name, URL with SENTINEL for each id) of every named pattern whose only parameters are ids."""
    urls = []
    for name, pattern in _patterns(get_resolver()):
        converters = pattern.pattern.converters
        if converters and all(isinstance(c, IdConverter) for c in converters.values()):
            urls.append((name, reverse(name, kwargs=dict.fromkeys(converters, SENTINEL))))
    return urls


def test_no_url_takes_an_unbounded_number():
    names = {name for name, _url in _id_urls()}
    assert {"household", "procedure", "portal-person", "portal-decisions"} <= names  # staff pages and the portal
    for name, pattern in _patterns(get_resolver()):
        kinds = {type(c).__name__ for c in pattern.pattern.converters.values()}
        assert "IntConverter" not in kinds, name


@pytest.mark.parametrize("number", ["9" * 20, str(BIGINT_MAX + 1)])
def test_an_id_beyond_the_range_is_a_404(client, world, number):
    client.force_login(world.professional)
    for name, url in _id_urls():
        beyond = url.replace(str(SENTINEL), number)
        with pytest.raises(Resolver404):
            resolve(beyond)
        assert client.get(beyond).status_code == 404, name
        assert resolve(url.replace(str(SENTINEL), str(BIGINT_MAX))).url_name == name.rsplit(":", 1)[-1]
