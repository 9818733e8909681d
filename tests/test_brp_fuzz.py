"""Arbitrary JSON never makes the BRP fake's request validation or the client's answer parser fail with an
unhandled exception: the fake answers 400 (or a valid answer), the client raises BrpError or gets persons."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toegang.people.brp.client import RAADPLEEG_BSN, ZOEK_POSTCODE, BrpError, parse_personen, problem_message
from toegang.people.brp.fake import answer, validate_query

SCALARS = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=12)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "type",
        "fields",
        "burgerservicenummer",
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "inclusiefOverledenPersonen",
        "gemeenteVanInschrijving",
        "geboortedatum",
        "geslachtsnaam",
    ]
)
VALUES = (
    JSON
    | st.sampled_from([RAADPLEEG_BSN, ZOEK_POSTCODE, "9999XA", "9999 xb", 12, 3, "A", True, "0363"])
    | st.lists(
        st.sampled_from(["999990007", "999990044", "12", "naam", "geboorte.datum", "verblijfplaats"]), max_size=4
    )
)
QUERIES = st.dictionaries(KEYS, VALUES, max_size=6)

# Person-shaped answers reach the parser's inner branches more often than wholly random JSON.
DATES = JSON | st.fixed_dictionaries(
    {"type": st.sampled_from(["Datum", "JaarDatum", "X"]), "datum": JSON | st.dates().map(str)}
)
PERSONS = st.fixed_dictionaries(
    {},
    optional={
        "burgerservicenummer": st.sampled_from(["999990007", "12345", ""]) | JSON,
        "naam": st.dictionaries(
            st.sampled_from(["voornamen", "voorvoegsel", "geslachtsnaam"]), JSON | st.text(max_size=250)
        )
        | JSON,
        "geboorte": st.fixed_dictionaries({}, optional={"datum": DATES}) | JSON,
        "verblijfplaats": st.fixed_dictionaries(
            {"type": st.sampled_from(["Adres", "Locatie"]) | JSON},
            optional={
                "verblijfadres": st.dictionaries(
                    st.sampled_from(["huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats"]),
                    JSON | st.integers(0, 100_000),
                )
            },
        )
        | JSON,
    },
)
ANSWERS = JSON | st.fixed_dictionaries(
    {"type": st.sampled_from([RAADPLEEG_BSN, ZOEK_POSTCODE]) | JSON, "personen": st.lists(PERSONS, max_size=3) | JSON}
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, QUERIES))
def test_the_fake_validates_any_json_without_failing(body):
    problems = validate_query(body)
    assert isinstance(problems, list)
    for name, code, reason in problems:
        assert isinstance(name, str) and isinstance(code, str) and isinstance(reason, str)
    if not problems:  # a query the fake accepts gets an answer of the right type
        result = answer(body, today=dt.date(2026, 11, 26))
        assert result["type"] == body["type"] and isinstance(result["personen"], list)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS, st.sampled_from([RAADPLEEG_BSN, ZOEK_POSTCODE]))
def test_the_client_parses_any_json_or_raises_brp_error(data, query_type):
    try:
        persons = parse_personen(data, query_type=query_type)
    except BrpError as error:
        assert error.message.startswith("De BRP gaf een onverwacht antwoord")
    else:
        for person in persons:
            assert len(person.bsn) == 9 and len(person.huisnummer) <= 10
            assert person.geboortedatum is None or isinstance(person.geboortedatum, dt.date)


@given(st.integers(100, 599), JSON)
def test_any_error_answer_gets_a_dutch_message(status, body):
    error = problem_message(status, body)
    assert error.message.startswith("De BRP") and len(error.message) <= 300
