"""A local fake of the Haal Centraal BRP API Personen v2, for the demo and the tests (docs/brp.md).

Mounted at ``/fake/haalcentraal/api/brp/personen`` only when ``TOEGANG_BRP_FAKE=1`` (default on with
``TOEGANG_DEMO=1`` and in the tests, off in production). It serves the synthetic persons of
``fake_personen.json`` and, in the demo, the persons of the demo seed (TOEGANG_BRP_FAKE_DEMO_PERSONS).
It implements the two queries Toegang uses, ``RaadpleegMetBurgerservicenummer`` and
``ZoekMetPostcodeEnHuisnummer``, and validates a request as the specification does
(BRP-API/Haal-Centraal-BRP-bevragen ``specificatie/resolved/openapi.yaml`` 2.6.0 and the fout-cases in
``docs/v2/features/``): a required ``type`` and ``fields`` array, unknown parameters and unknown or
automatically delivered field paths give 400 with problem details and ``invalidParams``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from toegang.people.brp.client import RAADPLEEG_BSN, ZOEK_POSTCODE

DATA_FILE = Path(__file__).with_name("fake_personen.json")
PROBLEM_TYPE_400 = "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1"

_FIELD = re.compile(r"^[a-zA-Z0-9\._]{1,200}$")
_BSN = re.compile(r"^[0-9]{9}$")
_POSTCODE = re.compile(r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$")
_HUISLETTER = re.compile(r"^[a-zA-Z]{1}$")
_TOEVOEGING = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")
_GEMEENTE = re.compile(r"^[0-9]{4}$")

AUTOMATIC = ("inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie")

_NAAM = ("naam", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "naam.voorletters", "naam.volledigeNaam")
_BASIS = (
    "burgerservicenummer",
    *_NAAM,
    "naam.adellijkeTitelPredicaat",
    "geboorte",
    "geboorte.datum",
    "geslacht",
    "geslacht.code",
    "geslacht.omschrijving",
    "leeftijd",
    "adressering",
    "adressering.adresregel1",
    "adressering.adresregel2",
    "adressering.adresregel3",
    "adressering.land",
)
# The field paths this fake knows, per answer type (Persoon / PersoonBeperkt of the specification).
FIELDS_BEPERKT = frozenset((*_BASIS, "overlijden", "overlijden.indicatieOverleden"))
FIELDS_PERSOON = frozenset(
    (
        *_BASIS,
        "naam.aanduidingNaamgebruik",
        "geboorte.plaats",
        "geboorte.land",
        "overlijden",
        "overlijden.datum",
        "overlijden.plaats",
        "overlijden.land",
        "verblijfplaats",
        "verblijfplaats.type",
        "verblijfplaats.datumVan",
        "verblijfplaats.verblijfadres",
        *(
            "verblijfplaats.verblijfadres." + name
            for name in (
                "officieleStraatnaam",
                "korteStraatnaam",
                "huisnummer",
                "huisletter",
                "huisnummertoevoeging",
                "postcode",
                "woonplaats",
            )
        ),
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "nationaliteiten",
        "partners",
        "kinderen",
        "ouders",
        "aNummer",
        "adressering.aanhef",
        "adressering.aanschrijfwijze",
        "adressering.gebruikInLopendeTekst",
    )
)

PARAMETERS = {
    RAADPLEEG_BSN: {"type", "fields", "gemeenteVanInschrijving", "burgerservicenummer"},
    ZOEK_POSTCODE: {
        "type",
        "fields",
        "gemeenteVanInschrijving",
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "inclusiefOverledenPersonen",
        "geboortedatum",
        "geslachtsnaam",
    },
}
OTHER_TYPES = (
    "ZoekMetGeslachtsnaamEnGeboortedatum",
    "ZoekMetNaamEnGemeenteVanInschrijving",
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
    "ZoekMetNummeraanduidingIdentificatie",
    "ZoekMetAdresseerbaarObjectIdentificatie",
)


class FakeState:
    """What the tests look at and steer: the number of requests served, and a forced error status."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.fail_with: int | None = None
        self.last_body: Any = None

    def reset(self) -> None:
        with self.lock:
            self.requests, self.fail_with, self.last_body = 0, None, None


STATE = FakeState()

Invalid = tuple[str, str, str]  # name, code, reason (the specification's invalidParams)


def _required(name: str) -> Invalid:
    return (name, "required", "Parameter is verplicht.")


def _pattern(name: str, pattern: re.Pattern[str]) -> Invalid:
    return (name, "pattern", f"Waarde voldoet niet aan patroon {pattern.pattern}.")


def validate_fields(value: Any, known: frozenset[str]) -> list[Invalid]:
    if value is None or value == "":
        return [_required("fields")]
    if not isinstance(value, list):
        return [("fields", "array", "Parameter is geen array.")]
    if not value:
        return [("fields", "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > 130:
        return [("fields", "maxItems", "Array bevat meer dan 130 items.")]
    problems: list[Invalid] = []
    for i, path in enumerate(value):
        name = f"fields[{i}]"
        if not isinstance(path, str) or not _FIELD.match(path):
            problems.append((name, "pattern", f"Waarde voldoet niet aan patroon {_FIELD.pattern}."))
        elif path not in known or path.split(".")[0] in AUTOMATIC or path.split(".")[-1] in AUTOMATIC:
            problems.append((name, "fields", "Parameter bevat een niet bestaande veldnaam."))
    return problems


def validate_query(body: Any) -> list[Invalid]:
    """The invalidParams of a request body; empty when the fake can answer it. Never raises."""
    if not isinstance(body, dict):
        return [("body", "object", "Het verzoek is geen JSON-object.")]
    query_type = body.get("type")
    if query_type is None or query_type == "":
        return [_required("type")]
    if query_type in OTHER_TYPES:
        return [("type", "notImplemented", "Dit zoektype ondersteunt de lokale fake niet.")]
    if not isinstance(query_type, str) or query_type not in PARAMETERS:
        return [("type", "value", "Waarde heeft geen geldige waarde uit de enumeratie.")]
    problems = [
        (str(name)[:30], "unknownParam", "Parameter is niet verwacht.")
        for name in body
        if name not in PARAMETERS[query_type]
    ]
    problems += validate_fields(body.get("fields"), FIELDS_PERSOON if query_type == RAADPLEEG_BSN else FIELDS_BEPERKT)
    gemeente = body.get("gemeenteVanInschrijving")
    if gemeente is not None and not (isinstance(gemeente, str) and _GEMEENTE.match(gemeente)):
        problems.append(_pattern("gemeenteVanInschrijving", _GEMEENTE))
    if query_type == RAADPLEEG_BSN:
        problems += _validate_bsns(body.get("burgerservicenummer"))
    else:
        problems += _validate_address(body)
    return problems


def _validate_bsns(value: Any) -> list[Invalid]:
    if value is None or value == "":
        return [_required("burgerservicenummer")]
    if not isinstance(value, list):
        return [("burgerservicenummer", "array", "Parameter is geen array.")]
    if not value:
        return [("burgerservicenummer", "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > 20:
        return [("burgerservicenummer", "maxItems", "Array bevat meer dan 20 items.")]
    return [
        _pattern(f"burgerservicenummer[{i}]", _BSN)
        for i, bsn in enumerate(value)
        if not (isinstance(bsn, str) and _BSN.match(bsn))
    ]


def _validate_address(body: dict[str, Any]) -> list[Invalid]:
    problems: list[Invalid] = []
    postcode = body.get("postcode")
    if postcode is None or postcode == "":
        problems.append(_required("postcode"))
    elif not (isinstance(postcode, str) and _POSTCODE.match(postcode)):
        problems.append(_pattern("postcode", _POSTCODE))
    number = body.get("huisnummer")
    if number is None or number == "":
        problems.append(_required("huisnummer"))
    elif not isinstance(number, int) or isinstance(number, bool):
        problems.append(("huisnummer", "integer", "Waarde is geen geldig getal."))
    elif number < 1:
        problems.append(("huisnummer", "minimum", "Waarde is lager dan minimum 1."))
    elif number > 99999:
        problems.append(("huisnummer", "maximum", "Waarde is hoger dan maximum 99999."))
    for name, pattern in (("huisletter", _HUISLETTER), ("huisnummertoevoeging", _TOEVOEGING)):
        value = body.get(name)
        if value is not None and not (isinstance(value, str) and pattern.match(value)):
            problems.append(_pattern(name, pattern))
    overleden = body.get("inclusiefOverledenPersonen")
    if overleden is not None and not isinstance(overleden, bool):
        problems.append(("inclusiefOverledenPersonen", "boolean", "Waarde is geen boolean."))
    return problems


# --- the persons ---------------------------------------------------------------------------------------------


@cache
def bundled_persons() -> tuple[dict[str, Any], ...]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(data["personen"])


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")  # fmt: skip


def _datum(day: dt.date) -> dict[str, Any]:
    return {"type": "Datum", "datum": day.isoformat(), "langFormaat": f"{day.day} {MONTHS[day.month - 1]} {day.year}"}


def _demo_persons(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Persons of the demo seed in the shape of the specification (only with TOEGANG_BRP_FAKE_DEMO_PERSONS)."""
    from toegang.common.errors import DomainError
    from toegang.people.models import Person
    from toegang.people.services import parse_huisnummer

    qs = Person.objects.filter(bsn__startswith="9999")
    if query["type"] == RAADPLEEG_BSN:
        qs = qs.filter(bsn__in=[b for b in query["burgerservicenummer"] if isinstance(b, str)])
    else:
        qs = qs.filter(postcode=str(query["postcode"]).replace(" ", "").upper())  # the number: _matches below
    persons = []
    for p in qs.order_by("geboortedatum", "pk")[:500]:
        naam = {"voornamen": p.voornamen, "geslachtsnaam": p.geslachtsnaam}
        if p.voorvoegsel:
            naam["voorvoegsel"] = p.voorvoegsel
        person: dict[str, Any] = {"burgerservicenummer": p.bsn, "naam": naam}
        if p.geboortedatum:
            person["geboorte"] = {"datum": _datum(p.geboortedatum)}
        try:  # "3A", "12-2": number, huisletter and toevoeging as the BRP keeps them apart
            number, letter, addition = parse_huisnummer(p.huisnummer)
        except DomainError:
            number, letter, addition = 0, "", ""
        if p.postcode and number:
            person["verblijfplaats"] = {
                "type": "Adres",
                "verblijfadres": {
                    k: v
                    for k, v in {
                        "officieleStraatnaam": p.straat,
                        "huisnummer": number,
                        "huisletter": letter,
                        "huisnummertoevoeging": addition,
                        "postcode": p.postcode,
                        "woonplaats": p.woonplaats,
                    }.items()
                    if v
                },
            }
        persons.append(person)
    return [person for person in persons if _matches(person, query)][:50]


def _age(person: dict[str, Any], on: dt.date) -> int | None:
    datum = person.get("geboorte", {}).get("datum", {})
    if datum.get("type") != "Datum":
        return None
    born = dt.date.fromisoformat(datum["datum"])
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _matches(person: dict[str, Any], query: dict[str, Any]) -> bool:
    if query["type"] == RAADPLEEG_BSN:
        return person.get("burgerservicenummer") in query["burgerservicenummer"]
    adres = person.get("verblijfplaats", {}).get("verblijfadres", {})
    if adres.get("postcode", "").upper() != query["postcode"].replace(" ", "").upper():
        return False
    if adres.get("huisnummer") != query["huisnummer"]:
        return False
    for name in ("huisletter", "huisnummertoevoeging"):
        if name in query and str(adres.get(name, "")).lower() != query[name].lower():
            return False
    return not (person.get("overlijden", {}).get("indicatieOverleden") and not query.get("inclusiefOverledenPersonen"))


def select_fields(obj: Any, paths: list[list[str]]) -> Any:
    """Keep only the requested paths; a path that ends at an object keeps all of it. The ``type`` of a
    polymorphic object (verblijfplaats, a date) stays with any part of it, as in the specification."""
    if not isinstance(obj, dict):
        return obj
    if any(not p for p in paths):
        return obj
    out: dict[str, Any] = {}
    for key in dict.fromkeys(p[0] for p in paths):
        if key in obj:
            value = select_fields(obj[key], [p[1:] for p in paths if p[0] == key])
            if value not in ({}, None):
                out[key] = value
    if out and "type" in obj:
        out = {"type": obj["type"], **out}
    return out


def answer(query: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The 200 answer to a valid query."""
    candidates = [p for p in bundled_persons() if _matches(p, query)]
    if settings.BRP_FAKE_DEMO_PERSONS:
        seen = {p["burgerservicenummer"] for p in candidates}
        candidates += [p for p in _demo_persons(query) if p["burgerservicenummer"] not in seen]
    if query["type"] == RAADPLEEG_BSN and query.get("gemeenteVanInschrijving"):
        candidates = []  # the synthetic persons have no gemeente of inschrijving: a filter finds no one
    paths = [f.split(".") for f in query["fields"]]
    personen = []
    for person in candidates:
        full = dict(person)
        age = _age(person, today)
        if age is not None:
            full["leeftijd"] = age
        if query["type"] == ZOEK_POSTCODE:  # PersoonBeperkt: no verblijfplaats
            full.pop("verblijfplaats", None)
        selected = select_fields(full, paths)
        if selected:
            personen.append(selected)
    return {"type": query["type"], "personen": personen}


# --- the view ------------------------------------------------------------------------------------------------


def problem(
    request: HttpRequest, status: int, title: str, *, code: str, detail: str = "", **extra: Any
) -> JsonResponse:
    body = {
        "type": PROBLEM_TYPE_400 if status == 400 else "https://datatracker.ietf.org/doc/html/rfc7231",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "code": code,
        **extra,
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


@csrf_exempt
def personen(request: HttpRequest) -> JsonResponse:
    if not settings.BRP_FAKE:
        raise Http404
    with STATE.lock:
        STATE.requests += 1
        fail_with = STATE.fail_with
    if fail_with:
        return problem(request, fail_with, "Interne server fout.", code="serverError")
    if request.method != "POST":
        return problem(request, 405, "Methode niet toegestaan.", code="methodNotAllowed")
    if settings.BRP_API_KEY and request.headers.get("X-API-KEY") != settings.BRP_API_KEY:
        return problem(request, 401, "Niet correct geauthenticeerd.", code="authentication")
    if not (request.content_type or "").startswith("application/json"):
        return problem(request, 415, "Media Type wordt niet ondersteund.", code="unsupported")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested thousands deep
        return problem(request, 400, "Het verzoek is geen geldige JSON.", code="paramsValidation")
    with STATE.lock:
        STATE.last_body = body
    invalid = validate_query(body)
    if invalid:
        names = ", ".join(dict.fromkeys(name for name, _code, _reason in invalid))
        return problem(
            request,
            400,
            "Een of meerdere parameters zijn niet correct.",
            code="paramsValidation",
            detail=f"De foutieve parameter(s) zijn: {names}.",
            invalidParams=[
                {"type": PROBLEM_TYPE_400, "name": name, "code": code, "reason": reason}
                for name, code, reason in invalid
            ],
        )
    return JsonResponse(answer(body, today=timezone.localdate()))
