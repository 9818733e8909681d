import pytest
from hypothesis import given
from hypothesis import strategies as st

from toegang.common.errors import DomainError
from toegang.people.bsn import is_valid_bsn, normalise_bsn, nth_test_range_bsn


def elfproef(digits: str) -> bool:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def test_known_valid_numbers():
    assert normalise_bsn("999900006") == "999900006"  # the iStandaarden example number
    assert normalise_bsn("123456782") == "123456782"  # the DOMAIN.md worked example
    assert normalise_bsn(" 9999.00.006 ") == "999900006"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "vul een burgerservicenummer in"),
        ("12345678a", "alleen uit cijfers"),
        ("1234567", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("000000000", "geen geldig"),
        ("123456781", "elfproef"),
    ],
)
def test_invalid_numbers_name_field_and_rule(value, rule):
    with pytest.raises(DomainError) as excinfo:
        normalise_bsn(value)
    assert excinfo.value.field == "bsn"
    assert excinfo.value.message.startswith("BSN:")
    assert rule in excinfo.value.message


def test_eight_digits_are_left_padded():
    # 012345672 passes the elfproef; written without its leading zero it is accepted as the same number
    assert elfproef("012345672")
    assert normalise_bsn("12345672") == "012345672"


@given(st.text(max_size=20))
def test_never_raises_anything_but_domain_error(value):
    try:
        result = normalise_bsn(value)
    except DomainError:
        return
    assert len(result) == 9 and result.isdigit() and elfproef(result)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_agrees_with_independent_elfproef(number):
    text = f"{number:09d}"
    assert is_valid_bsn(text) == (elfproef(text) and text != "000000000")


def test_test_range_numbers_are_valid_and_in_range():
    first = [nth_test_range_bsn(i) for i in range(3)]
    assert first[0] == "999900006"
    assert all(b.startswith("9999") and is_valid_bsn(b) for b in first)
    assert len(set(first)) == 3
