"""Numbers typed in a form or carried by a link: "¹" and "²" count as digits for ``str.isdigit`` but
``int`` refuses them, and a number longer than a bigint fails only in the database. Each place that reads
one gives a clear answer instead of a server error (common/numbers.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from toegang.common.errors import DomainError
from toegang.common.numbers import whole_number
from toegang.people.bsn import normalise_bsn
from toegang.people.services import normalise_postcode

ODD = ["¹", "²⁰²⁶", "１２", "9" * 30, "-3", "3.0", ""]


def test_whole_numbers_are_ascii_digits_of_bounded_length():
    assert whole_number("42") == 42 and whole_number("2026", digits=4) == 2026
    assert all(whole_number(text) is None for text in ODD)
    assert whole_number("12345", digits=4) is None


def test_a_bsn_or_postcode_with_unusual_digits_is_refused_by_name():
    with pytest.raises(DomainError, match="BSN"):
        normalise_bsn("¹²³⁴⁵⁶⁷⁸⁹")
    with pytest.raises(DomainError):
        normalise_postcode("¹²³⁴AB")


@pytest.mark.parametrize("text", ODD)
def test_pages_that_read_a_number_from_the_link_answer_without_an_error(client, world, text):
    client.force_login(world.manager)
    assert client.get(reverse("steering", args=["manager"]), {"gebied": text, "team": text}).status_code == 200
    assert client.get(reverse("steering-gmsd"), {"jaar": text}).status_code in (200, 302)  # 302: back, with why
    client.force_login(world.professional)
    assert client.get(reverse("social-map"), {"traject": text}).status_code == 200
    client.force_login(world.privacy)
    assert client.get(reverse("audit-user"), {"before": text}).status_code in (200, 400)  # 400: no user chosen
