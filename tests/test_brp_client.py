"""The BRP client against the local fake over real HTTP (live_server): field lists, parsing, the cache,
and every way the BRP can fail ending in a BrpError with a Dutch message."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import brp_support
from tests.brp_support import API_KEY, closed_port_url
from toegang.people.brp.client import (
    FIELDS_MEMBER,
    FIELDS_PERSON,
    FIELDS_RESIDENTS,
    RAADPLEEG_BSN,
    BrpClient,
    BrpError,
    BrpPerson,
    parse_personen,
)

pytestmark = pytest.mark.django_db
brp = brp_support.brp  # the fixture


def test_raadpleeg_sends_the_explicit_field_list_and_parses_the_person(brp):
    result = BrpClient.from_settings().raadpleeg(["999990044"], fields=FIELDS_PERSON)
    assert brp.last_body == {"type": RAADPLEEG_BSN, "burgerservicenummer": ["999990044"], "fields": list(FIELDS_PERSON)}
    assert result.persons == [
        BrpPerson(
            bsn="999990044",
            voornamen="Fatima",
            geslachtsnaam="El Voorbeeld",
            geboortedatum=dt.date(1975, 1, 30),
            huisnummer="3A",
            postcode="9999XB",
        )
    ]
    assert not result.from_cache
    assert result.fields == FIELDS_PERSON


def test_a_partly_unknown_birth_date_and_a_house_number_addition(brp):
    person = BrpClient.from_settings().raadpleeg(["999990081"], fields=FIELDS_PERSON).persons[0]
    assert person.geboortedatum is None  # JaarMaandDatum: no full date to fill in
    assert person.huisnummer == "7-bis"


def test_the_member_field_list_asks_no_address(brp):
    person = BrpClient.from_settings().raadpleeg(["999990007"], fields=FIELDS_MEMBER).persons[0]
    assert brp.last_body["fields"] == list(FIELDS_MEMBER)
    assert (person.postcode, person.huisnummer, person.straat) == ("", "", "")
    assert person.full_name == "Jan Pieter de Proef"


def test_residents_of_an_address(brp):
    result = BrpClient.from_settings().zoek_postcode_huisnummer(
        postcode="9999XB", huisnummer=3, huisletter="A", fields=FIELDS_RESIDENTS
    )
    assert brp.last_body == {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "9999XB",
        "huisnummer": 3,
        "huisletter": "A",
        "fields": list(FIELDS_RESIDENTS),
    }
    assert [p.bsn for p in result.persons] == ["999990044", "999990056"]


def test_the_second_identical_question_comes_from_the_cache(brp):
    client = BrpClient.from_settings()
    first = client.raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    second = client.raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    assert brp.requests == 1
    assert second.from_cache and second.persons == first.persons
    assert second.retrieved_at == first.retrieved_at  # the moment the BRP gave the value, not of the cache hit
    client.raadpleeg(["999990007"], fields=FIELDS_PERSON)  # another field list is another question
    assert brp.requests == 2


def test_the_cache_can_be_switched_off(brp, settings):
    settings.BRP_CACHE_SECONDS = 0
    client = BrpClient.from_settings()
    client.raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    client.raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    assert brp.requests == 2


def test_an_unreachable_brp_is_a_brp_error_with_a_dutch_message(brp):
    with pytest.raises(BrpError) as caught:
        BrpClient.from_settings(base_url=closed_port_url()).raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    assert caught.value.message.startswith("De BRP is niet bereikbaar")
    assert "vul de gegevens zelf in" in caught.value.message


def test_a_server_error_is_a_brp_error_and_is_not_cached(brp):
    brp.fail_with = 500
    with pytest.raises(BrpError) as caught:
        BrpClient.from_settings().raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    assert caught.value.status == 500
    assert "status 500" in caught.value.message
    brp.fail_with = None
    assert BrpClient.from_settings().raadpleeg(["999990007"], fields=FIELDS_MEMBER).persons
    assert brp.requests == 2  # the error was not cached


def test_a_refused_question_names_the_parameter(brp):
    with pytest.raises(BrpError) as caught:
        BrpClient.from_settings().raadpleeg(["999990007"], fields=("naam.bestaatNiet",))
    assert caught.value.status == 400
    assert caught.value.code == "paramsValidation"
    assert caught.value.message == (
        "De BRP weigerde de vraag: Een of meerdere parameters zijn niet correct. (fields[0]). Vul de gegevens zelf in."
    )


def test_a_wrong_api_key_is_a_brp_error(brp, settings):
    client = BrpClient.from_settings()
    settings.BRP_API_KEY = API_KEY + "-anders"  # the fake now expects another key than the client sends
    with pytest.raises(BrpError) as caught:
        client.raadpleeg(["999990007"], fields=FIELDS_MEMBER)
    assert caught.value.status == 401
    assert "functioneel beheerder" in caught.value.message


def test_an_answer_that_is_not_the_api_is_a_brp_error(brp, settings):
    with pytest.raises(BrpError) as caught:  # the application's own login page, not a BRP
        BrpClient(base_url=settings.BRP_URL.replace("/fake/haalcentraal/api/brp", "/inloggen")).raadpleeg(
            ["999990007"], fields=FIELDS_MEMBER
        )
    assert caught.value.message.startswith("De BRP gaf")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"type": "ZoekMetPostcodeEnHuisnummer", "personen": []},
        {"type": RAADPLEEG_BSN, "personen": {}},
        {"type": RAADPLEEG_BSN, "personen": [{"burgerservicenummer": 999990007}]},
        {"type": RAADPLEEG_BSN, "personen": [{"burgerservicenummer": "999990007", "naam": "Jan"}]},
        {"type": RAADPLEEG_BSN, "personen": [{"burgerservicenummer": "999990007", "geboorte": {"datum": "1980"}}]},
        {
            "type": RAADPLEEG_BSN,
            "personen": [{"burgerservicenummer": "999990007", "geboorte": {"datum": {"type": "Datum", "datum": "x"}}}],
        },
        {
            "type": RAADPLEEG_BSN,
            "personen": [
                {
                    "burgerservicenummer": "999990007",
                    "verblijfplaats": {"type": "Adres", "verblijfadres": {"huisnummer": "12"}},
                }
            ],
        },
    ],
)
def test_answers_outside_the_specification_are_refused(data):
    with pytest.raises(BrpError):
        parse_personen(data, query_type=RAADPLEEG_BSN)


def test_an_address_abroad_fills_in_no_address():
    person = parse_personen(
        {
            "type": RAADPLEEG_BSN,
            "personen": [
                {
                    "burgerservicenummer": "999990007",
                    "verblijfplaats": {"type": "VerblijfplaatsBuitenland", "verblijfadres": {}},
                }
            ],
        },
        query_type=RAADPLEEG_BSN,
    )[0]
    assert (person.postcode, person.huisnummer) == ("", "")
