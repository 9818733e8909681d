"""The local BRP fake answers as the Haal Centraal BRP API Personen v2 specification says (docs/brp.md):
both query types, field selection, problem details with invalidParams for bad requests."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests.conftest import next_bsn
from toegang.people.brp.client import FIELDS_MEMBER, FIELDS_PERSON, FIELDS_RESIDENTS, RAADPLEEG_BSN, ZOEK_POSTCODE
from toegang.people.brp.fake import STATE, bundled_persons
from toegang.people.bsn import is_valid_bsn

URL = "/fake/haalcentraal/api/brp/personen"


@pytest.fixture
def api():
    STATE.reset()
    return Client()


def post(api: Client, body, *, content_type: str = "application/json", **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return api.post(URL, data=data, content_type=content_type, headers=headers)


def bsn_query(*bsns: str, fields=("burgerservicenummer",), **extra):
    return {"type": RAADPLEEG_BSN, "burgerservicenummer": list(bsns), "fields": list(fields), **extra}


def address_query(postcode="9999XA", huisnummer=12, fields=FIELDS_RESIDENTS, **extra):
    return {"type": ZOEK_POSTCODE, "postcode": postcode, "huisnummer": huisnummer, "fields": list(fields), **extra}


def test_the_bundled_persons_are_synthetic_test_range_bsns():
    persons = bundled_persons()
    assert len(persons) >= 8
    for person in persons:
        assert person["burgerservicenummer"].startswith("9999")
        assert is_valid_bsn(person["burgerservicenummer"])


def test_raadpleeg_returns_only_the_requested_fields(api):
    response = post(api, bsn_query("999990007", fields=("naam.voornamen", "naam.geslachtsnaam")))
    assert response.status_code == 200
    assert response.json() == {
        "type": RAADPLEEG_BSN,
        "personen": [{"naam": {"voornamen": "Jan Pieter", "geslachtsnaam": "Proef"}}],
    }


def test_raadpleeg_with_the_prefill_fields_keeps_the_type_of_polymorphic_objects(api):
    person = post(api, bsn_query("999990044", fields=FIELDS_PERSON)).json()["personen"][0]
    assert person["geboorte"] == {"datum": {"type": "Datum", "datum": "1975-01-30", "langFormaat": "30 januari 1975"}}
    assert person["verblijfplaats"] == {
        "type": "Adres",
        "verblijfadres": {"huisnummer": 3, "huisletter": "A", "postcode": "9999XB"},
    }
    assert "adressering" not in person and "geslacht" not in person


def test_several_bsns_and_an_unknown_bsn(api):
    body = post(api, bsn_query("999990007", "999990019", "999990135")).json()
    assert [p["burgerservicenummer"] for p in body["personen"]] == ["999990007", "999990019"]
    assert post(api, bsn_query("999990135")).json() == {"type": RAADPLEEG_BSN, "personen": []}


def test_zoek_met_postcode_en_huisnummer_lists_the_residents(api):
    body = post(api, address_query()).json()
    assert body["type"] == ZOEK_POSTCODE
    assert sorted(p["burgerservicenummer"] for p in body["personen"]) == [
        "999990007",
        "999990019",
        "999990020",
        "999990032",
    ]
    assert set(body["personen"][0]) == {"burgerservicenummer", "naam", "geboorte"}
    assert post(api, address_query(postcode="9999 xa")).json()["personen"] == body["personen"]


def test_deceased_residents_only_on_request(api):
    living = post(api, address_query(postcode="9999XB", huisnummer=3, huisletter="A")).json()["personen"]
    assert [p["burgerservicenummer"] for p in living] == ["999990044", "999990056"]
    everyone = post(
        api, address_query(postcode="9999XB", huisnummer=3, huisletter="A", inclusiefOverledenPersonen=True)
    ).json()["personen"]
    assert "999990068" in [p["burgerservicenummer"] for p in everyone]
    assert post(api, address_query(postcode="9999XB", huisnummer=3, huisletter="B")).json()["personen"] == []


def test_a_search_answers_persoon_beperkt_without_verblijfplaats(api):
    response = post(api, address_query(fields=("verblijfplaats.verblijfadres.postcode",)))
    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {
            "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
            "name": "fields[0]",
            "code": "fields",
            "reason": "Parameter bevat een niet bestaande veldnaam.",
        }
    ]


BAD_BODIES = [
    ({"type": RAADPLEEG_BSN, "burgerservicenummer": ["999990007"]}, "fields", "required"),
    (bsn_query("999990007", fields=[]), "fields", "minItems"),
    ({**bsn_query("999990007"), "fields": "burgerservicenummer,naam"}, "fields", "array"),
    (bsn_query("999990007", fields=["naam.bestaatNiet"]), "fields[0]", "fields"),
    (bsn_query("999990007", fields=["inOnderzoek"]), "fields[0]", "fields"),
    (bsn_query("999990007", fields=["naam;drop"]), "fields[0]", "pattern"),
    (bsn_query("999990007", fields=["x"] * 131), "fields", "maxItems"),
    (bsn_query("999990007", voornamen="Pietje"), "voornamen", "unknownParam"),
    (bsn_query("12345678"), "burgerservicenummer[0]", "pattern"),
    (bsn_query(*["999990007"] * 21), "burgerservicenummer", "maxItems"),
    ({"type": RAADPLEEG_BSN, "fields": ["naam"]}, "burgerservicenummer", "required"),
    (bsn_query("999990007", gemeenteVanInschrijving="36"), "gemeenteVanInschrijving", "pattern"),
    ({"burgerservicenummer": ["999990007"], "fields": ["naam"]}, "type", "required"),
    ({**bsn_query("999990007"), "type": "RaadpleegMetNaam"}, "type", "value"),
    (address_query(postcode="0628HJ"), "postcode", "pattern"),
    (address_query(huisnummer="twee"), "huisnummer", "integer"),
    (address_query(huisnummer=0), "huisnummer", "minimum"),
    (address_query(huisnummer=100000), "huisnummer", "maximum"),
    (address_query(huisletter="1"), "huisletter", "pattern"),
    ({"type": ZOEK_POSTCODE, "huisnummer": 12, "fields": ["naam"]}, "postcode", "required"),
    (address_query(inclusiefOverledenPersonen="ja"), "inclusiefOverledenPersonen", "boolean"),
]


@pytest.mark.parametrize(("body", "name", "code"), BAD_BODIES)
def test_an_invalid_request_gets_400_with_problem_details(api, body, name, code):
    response = post(api, body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Een of meerdere parameters zijn niet correct."
    assert problem["status"] == 400
    assert problem["code"] == "paramsValidation"
    assert problem["instance"] == URL
    assert name in problem["detail"]
    assert {"name": name, "code": code} in [{"name": p["name"], "code": p["code"]} for p in problem["invalidParams"]]


def test_not_json_wrong_media_type_and_wrong_method(api):
    assert post(api, "{niet json").status_code == 400
    assert post(api, "[" * 5000 + "]" * 5000).status_code == 400
    assert post(api, "{}", content_type="text/plain").status_code == 415
    response = api.get(URL)
    assert response.status_code == 405
    assert response.json()["code"] == "methodNotAllowed"


def test_the_api_key_is_checked_when_one_is_configured(api, settings):
    settings.BRP_API_KEY = "sleutel-123"
    assert post(api, bsn_query("999990007")).status_code == 401
    assert post(api, bsn_query("999990007"), **{"X-API-KEY": "fout"}).status_code == 401
    assert post(api, bsn_query("999990007"), **{"X-API-KEY": "sleutel-123"}).status_code == 200


def test_the_fake_answers_nothing_when_switched_off(api, settings):
    settings.BRP_FAKE = False
    response = post(api, bsn_query("999990007", fields=FIELDS_MEMBER))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")  # no longer public


def test_the_fake_needs_no_login_but_the_application_does(api):
    assert post(api, bsn_query("999990007")).status_code == 200
    assert api.get("/mijn-caseload/").status_code == 302


@pytest.mark.django_db
def test_in_the_demo_the_fake_also_knows_the_seeded_persons(api, settings, world):
    from toegang.people import services as people_services

    settings.BRP_FAKE_DEMO_PERSONS = True
    person = people_services.register_person(
        actor=world.professional,
        bsn="999999990",
        voornamen="Demo",
        voorvoegsel="van",
        geslachtsnaam="Seed",
        geboortedatum=dt.date(1970, 2, 3),
        postcode="9999YY",
        huisnummer="8",
    )
    body = post(api, bsn_query(person.bsn, fields=FIELDS_PERSON)).json()
    assert body["personen"] == [
        {
            "burgerservicenummer": "999999990",
            "naam": {"voornamen": "Demo", "voorvoegsel": "van", "geslachtsnaam": "Seed"},
            "geboorte": {"datum": {"type": "Datum", "datum": "1970-02-03", "langFormaat": "3 februari 1970"}},
            "verblijfplaats": {"type": "Adres", "verblijfadres": {"huisnummer": 8, "postcode": "9999YY"}},
        }
    ]
    found = post(api, address_query(postcode="9999YY", huisnummer=8)).json()["personen"]
    assert [p["burgerservicenummer"] for p in found] == ["999999990"]
    # a house number with a letter and an addition, as 170 persons of the demo seed have
    lettered = people_services.register_person(
        actor=world.professional,
        bsn=next_bsn(),
        voornamen="Letter",
        geslachtsnaam="Seed",
        postcode="9999YY",
        huisnummer="3A-2",
    )
    answer = post(api, bsn_query(lettered.bsn, fields=FIELDS_PERSON)).json()["personen"][0]
    assert answer["verblijfplaats"]["verblijfadres"] == {
        "huisnummer": 3,
        "huisletter": "A",
        "huisnummertoevoeging": "2",
        "postcode": "9999YY",
    }
    for query in ({"huisnummer": 3}, {"huisnummer": 3, "huisletter": "a"}):
        found = post(api, address_query(postcode="9999YY", **query)).json()["personen"]
        assert [p["burgerservicenummer"] for p in found] == [lettered.bsn], query
    assert post(api, address_query(postcode="9999YY", huisnummer=3, huisletter="B")).json()["personen"] == []
    settings.BRP_FAKE_DEMO_PERSONS = False
    assert post(api, bsn_query(person.bsn)).json()["personen"] == []
