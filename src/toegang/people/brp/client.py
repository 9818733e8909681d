"""A typed client for the Haal Centraal BRP API Personen, version 2 (docs/brp.md).

Specification: BRP-API/Haal-Centraal-BRP-bevragen, ``specificatie/resolved/openapi.yaml`` (info.version 2.6.0,
EUPL-1.2), with the functional rules in ``docs/v2/features/`` of the same repository:

- ``POST {base}/personen`` with a JSON body whose ``type`` names the query; ``fields`` is required (1-130
  dot-separated paths, pattern ``^[a-zA-Z0-9\\._]{1,200}$``), an optional ``gemeenteVanInschrijving``
  (4 digits) narrows the answer;
- ``RaadpleegMetBurgerservicenummer``: ``burgerservicenummer`` is an array of 1-20 strings of 9 digits;
  the answer's ``personen`` are ``Persoon`` objects;
- ``ZoekMetPostcodeEnHuisnummer``: ``postcode`` (``^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$``), ``huisnummer``
  (integer 1-99999), optional ``huisletter``, ``huisnummertoevoeging``, ``inclusiefOverledenPersonen``;
  the answer's ``personen`` are ``PersoonBeperkt`` objects (no ``verblijfplaats``);
- the answer is ``{"type": <query type>, "personen": [...]}``; dates are objects with a ``type``
  (``Datum`` with ``datum`` in ISO 8601, or ``JaarDatum``/``JaarMaandDatum``/``DatumOnbekend``); an address
  is ``verblijfplaats`` of ``type: "Adres"`` with a ``verblijfadres`` (``officieleStraatnaam``,
  ``huisnummer``, ``huisletter``, ``huisnummertoevoeging``, ``postcode``, ``woonplaats``);
- errors are problem details (``application/problem+json``: ``type``, ``title``, ``status``, ``detail``,
  ``instance``, ``code``, and for 400 ``invalidParams`` with ``name``, ``code``, ``reason``);
- the API key goes in the ``X-API-KEY`` header (``docs/v2/getting-started.md``); production access also
  uses mutual TLS with a PKIoverheid certificate.

Answers are cached with Django's cache framework (``BRP_CACHE_SECONDS``, default 15 minutes), keyed by a hash
of the URL and the whole request body (query and field list); errors are never cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

RAADPLEEG_BSN = "RaadpleegMetBurgerservicenummer"
ZOEK_POSTCODE = "ZoekMetPostcodeEnHuisnummer"

# Field lists per use: only what the screen shows or stores (data minimisation, docs/brp.md).
_NAAM = ("naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam")
_ADRES = "verblijfplaats.verblijfadres."
# A Persoon's ``overlijden.datum`` (any kind of date, also an unknown one) says the person has died: a
# deceased person is not registered as a resident or a member (RaadpleegMetBurgerservicenummer also
# answers for the deceased; PersoonBeperkt's indicatieOverleden is for the searches, which leave them out).
_OVERLIJDEN = "overlijden.datum"
FIELDS_PERSON = (  # registering a resident with a melding: name, birth date, postcode and house number
    "burgerservicenummer",
    *_NAAM,
    "geboorte.datum",
    _OVERLIJDEN,
    _ADRES + "huisnummer",
    _ADRES + "huisletter",
    _ADRES + "huisnummertoevoeging",
    _ADRES + "postcode",
)
FIELDS_MEMBER = ("burgerservicenummer", *_NAAM, "geboorte.datum", _OVERLIJDEN)  # adding a household member
FIELDS_CORRECTION = (  # bringing a known person up to date on their page: the address in full
    *FIELDS_PERSON,
    _ADRES + "officieleStraatnaam",
    _ADRES + "woonplaats",
)
FIELDS_RESIDENTS = ("burgerservicenummer", *_NAAM, "geboorte.datum")  # who lives at an address

CACHE_PREFIX = "toegang:brp:"
_BSN = re.compile(r"^[0-9]{9}$")


class BrpError(Exception):
    """The BRP could not answer; ``message`` is Dutch and meant for the user, who can type the data instead."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass(frozen=True)
class BrpPerson:
    """The part of a BRP person that Toegang uses, as plain values in the shape of people.Person."""

    bsn: str
    voornamen: str = ""
    voorvoegsel: str = ""
    geslachtsnaam: str = ""
    geboortedatum: dt.date | None = None
    straat: str = ""
    huisnummer: str = ""
    postcode: str = ""
    woonplaats: str = ""
    deceased: bool = False  # the BRP gave a date of death (asked only where it matters; not a person field)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)

    def values(self) -> dict[str, str]:
        """The non-empty values as text, by people.Person field name (for prefill and provenance)."""
        raw = {
            "bsn": self.bsn,
            "voornamen": self.voornamen,
            "voorvoegsel": self.voorvoegsel,
            "geslachtsnaam": self.geslachtsnaam,
            "geboortedatum": self.geboortedatum.isoformat() if self.geboortedatum else "",
            "straat": self.straat,
            "huisnummer": self.huisnummer,
            "postcode": self.postcode,
            "woonplaats": self.woonplaats,
        }
        return {k: v for k, v in raw.items() if v}


@dataclass(frozen=True)
class BrpResult:
    query_type: str
    persons: list[BrpPerson]
    retrieved_at: dt.datetime
    fields: tuple[str, ...]
    from_cache: bool = False
    request_body: dict[str, Any] = field(default_factory=dict, repr=False)


# --- parsing the answer ------------------------------------------------------------------------------------

_INVALID = "De BRP gaf een onverwacht antwoord ({what}). Vul de gegevens zelf in of probeer het later opnieuw."


def _invalid(what: str) -> BrpError:
    return BrpError(_INVALID.format(what=what), code="invalidResponse")


def _text(obj: dict[str, Any], key: str, *, max_length: int, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise _invalid(f"{where}.{key}")
    return value.strip()


def _object(obj: dict[str, Any], key: str, *, where: str) -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"{where}.{key}")
    return value


def parse_date(value: Any, *, where: str = "geboorte.datum") -> dt.date | None:
    """A BRP date object: a full ``Datum`` becomes a date; a partly or wholly unknown date is None."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise _invalid(where)
    if value["type"] != "Datum":
        return None  # JaarDatum, JaarMaandDatum, DatumOnbekend: no full date to fill in
    text = value.get("datum")
    if not isinstance(text, str):
        raise _invalid(where)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _invalid(where) from None


def parse_person(data: Any) -> BrpPerson:
    if not isinstance(data, dict):
        raise _invalid("persoon")
    bsn = data.get("burgerservicenummer")
    if not isinstance(bsn, str) or not _BSN.match(bsn):
        raise _invalid("burgerservicenummer")
    naam = _object(data, "naam", where="persoon")
    geboorte = _object(data, "geboorte", where="persoon")
    verblijfplaats = _object(data, "verblijfplaats", where="persoon")
    overlijden = _object(data, "overlijden", where="persoon")
    adres: dict[str, Any] = {}
    if verblijfplaats:
        if not isinstance(verblijfplaats.get("type"), str):
            raise _invalid("verblijfplaats.type")
        if verblijfplaats["type"] == "Adres":  # abroad, a location or unknown: no Dutch address to fill in
            adres = _object(verblijfplaats, "verblijfadres", where="verblijfplaats")
    huisnummer = adres.get("huisnummer")
    if huisnummer is not None and (
        not isinstance(huisnummer, int) or isinstance(huisnummer, bool) or not 1 <= huisnummer <= 99999
    ):
        raise _invalid("verblijfadres.huisnummer")
    number = ""
    if huisnummer is not None:
        letter = _text(adres, "huisletter", max_length=1, where="verblijfadres")
        addition = _text(adres, "huisnummertoevoeging", max_length=4, where="verblijfadres")
        number = f"{huisnummer}{letter}" + (f"-{addition}" if addition else "")
    postcode = _text(adres, "postcode", max_length=7, where="verblijfadres").replace(" ", "").upper()
    return BrpPerson(
        bsn=bsn,
        voornamen=_text(naam, "voornamen", max_length=200, where="naam"),
        voorvoegsel=_text(naam, "voorvoegsel", max_length=20, where="naam"),
        geslachtsnaam=_text(naam, "geslachtsnaam", max_length=200, where="naam"),
        geboortedatum=parse_date(geboorte.get("datum")),
        straat=_text(adres, "officieleStraatnaam", max_length=200, where="verblijfadres"),
        huisnummer=number[:10],
        postcode=postcode,
        woonplaats=_text(adres, "woonplaats", max_length=100, where="verblijfadres"),
        deceased="datum" in overlijden or bool(overlijden.get("indicatieOverleden")),
    )


def parse_personen(data: Any, *, query_type: str) -> list[BrpPerson]:
    """The persons of an answer, or BrpError when the answer is not what the specification promises."""
    if not isinstance(data, dict):
        raise _invalid("geen JSON-object")
    if data.get("type") != query_type:
        raise _invalid("type")
    personen = data.get("personen", [])
    if not isinstance(personen, list):
        raise _invalid("personen")
    return [parse_person(p) for p in personen]


# --- the client ----------------------------------------------------------------------------------------------

UNREACHABLE = "De BRP is niet bereikbaar ({reason}). Probeer het later opnieuw of vul de gegevens zelf in."


def problem_message(status: int, body: Any) -> BrpError:
    """A Dutch message for an error answer, from its problem details when it has them (RFC 7807/9457)."""
    problem: dict[str, Any] = body if isinstance(body, dict) else {}
    title = str(problem["title"]) if isinstance(problem.get("title"), str) else ""
    code = str(problem["code"]) if isinstance(problem.get("code"), str) else ""
    params = problem.get("invalidParams")
    names = [
        str(p["name"])
        for p in (params if isinstance(params, list) else [])
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    ]
    if status == 400:
        what = f" ({', '.join(names[:5])})" if names else ""
        text = f"De BRP weigerde de vraag: {title or 'ongeldige vraag'}{what}. Vul de gegevens zelf in."
    elif status in (401, 403):
        text = (
            "De BRP weigert de toegang (sleutel, certificaat of autorisatie klopt niet). Meld dit aan de "
            "functioneel beheerder en vul de gegevens zelf in."
        )
    elif status == 429:
        text = "De BRP krijgt nu te veel vragen. Probeer het over een minuut opnieuw of vul de gegevens zelf in."
    else:
        text = f"De BRP gaf een fout (status {status}). Probeer het later opnieuw of vul de gegevens zelf in."
    return BrpError(text[:300], status=status, code=code[:25])


class BrpClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str = "",
        cert: tuple[str, str] | str | None = None,
        verify: bool | str = True,
        timeout: float = 10.0,
        cache_seconds: int = 900,
        session: requests.Session | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/personen"
        self.api_key = api_key
        self.cert = cert
        self.verify = verify
        self.timeout = (min(3.05, timeout), timeout)  # connect, read
        self.cache_seconds = cache_seconds
        self.session = session or requests.Session()

    @classmethod
    def from_settings(cls, *, base_url: str | None = None) -> BrpClient:
        cert: tuple[str, str] | str | None = None
        if settings.BRP_CLIENT_CERT:
            cert = (
                (settings.BRP_CLIENT_CERT, settings.BRP_CLIENT_KEY)
                if settings.BRP_CLIENT_KEY
                else settings.BRP_CLIENT_CERT
            )
        return cls(
            base_url=base_url if base_url is not None else settings.BRP_URL,
            api_key=settings.BRP_API_KEY,
            cert=cert,
            verify=settings.BRP_CA_BUNDLE or True,
            timeout=settings.BRP_TIMEOUT_SECONDS,
            cache_seconds=settings.BRP_CACHE_SECONDS,
        )

    def raadpleeg(self, bsns: list[str], *, fields: tuple[str, ...]) -> BrpResult:
        """RaadpleegMetBurgerservicenummer: 1-20 BSNs, already checked by the caller (people.bsn)."""
        if not 1 <= len(bsns) <= 20:
            raise ValueError("1-20 BSNs")
        return self._post({"type": RAADPLEEG_BSN, "burgerservicenummer": list(bsns), "fields": list(fields)})

    def zoek_postcode_huisnummer(
        self,
        *,
        postcode: str,
        huisnummer: int,
        fields: tuple[str, ...],
        huisletter: str = "",
        huisnummertoevoeging: str = "",
    ) -> BrpResult:
        body: dict[str, Any] = {
            "type": ZOEK_POSTCODE,
            "postcode": postcode,
            "huisnummer": huisnummer,
            "fields": list(fields),
        }
        if huisletter:
            body["huisletter"] = huisletter
        if huisnummertoevoeging:
            body["huisnummertoevoeging"] = huisnummertoevoeging
        return self._post(body)

    def _cache_key(self, body: dict[str, Any]) -> str:
        raw = json.dumps([self.url, body], sort_keys=True, separators=(",", ":"))
        return CACHE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()

    def _post(self, body: dict[str, Any]) -> BrpResult:
        query_type = str(body["type"])
        fields = tuple(body["fields"])
        key = self._cache_key(body)
        cached = cache.get(key) if self.cache_seconds > 0 else None
        if isinstance(cached, dict):
            try:
                retrieved_at = dt.datetime.fromisoformat(cached["retrieved_at"])
                persons = parse_personen(cached["data"], query_type=query_type)
            except (KeyError, TypeError, ValueError, BrpError):
                cache.delete(key)
            else:
                return BrpResult(query_type, persons, retrieved_at, fields, from_cache=True, request_body=body)
        data = self._send(body)
        persons = parse_personen(data, query_type=query_type)  # an invalid answer is never cached
        retrieved_at = timezone.now()
        if self.cache_seconds > 0:
            cache.set(key, {"data": data, "retrieved_at": retrieved_at.isoformat()}, self.cache_seconds)
        return BrpResult(query_type, persons, retrieved_at, fields, request_body=body)

    def _send(self, body: dict[str, Any]) -> Any:
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        if self.api_key:
            headers["X-API-KEY"] = self.api_key
        try:
            response = self.session.post(
                self.url,
                data=json.dumps(body).encode(),
                headers=headers,
                timeout=self.timeout,
                cert=self.cert,
                verify=self.verify,
                allow_redirects=False,
            )
        except requests.Timeout:
            logger.warning("BRP: timeout (%s)", body.get("type"))
            raise BrpError(UNREACHABLE.format(reason="geen antwoord binnen de wachttijd"), code="timeout") from None
        except requests.RequestException as error:
            logger.warning("BRP: %s (%s)", type(error).__name__, body.get("type"))
            raise BrpError(UNREACHABLE.format(reason="geen verbinding"), code="unreachable") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200:
            refused = problem_message(response.status_code, payload)
            logger.warning("BRP: status %s code %s (%s)", response.status_code, refused.code, body.get("type"))
            raise refused
        if payload is None:
            raise _invalid("geen JSON")
        return payload
