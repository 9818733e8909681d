"""The calls to the ZGW registry, through zgw-consumers: ``build_client(service)`` gives a requests
session (ape-pie) with the service's base URL, authentication (ZGW client-id/secret JWT, API key or OAuth2
client credentials), certificates and timeout, all configured on the ``Service`` row. Every failure
becomes a ``RegistryError`` with a Dutch message for the functional administrator; the registry's own
validation errors (ValidatieFout ``invalidParams``) are reported with the registry's field names and kept
as (name, code) pairs, so that the caller can recognise one (e.g. ``identificatie-niet-uniek``).

Besides the writes, the reads that make a retry safe: a zaak or besluit looked up by its identificatie (GET
zaken?bronorganisatie=…&identificatie=…, GET besluiten?verantwoordelijkeOrganisatie=…&identificatie=…) and a
zaak read by its URL (its resultaat, status and einddatum)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from ape_pie import APIClient
from ape_pie.exceptions import InvalidURLError
from zgw_consumers.client import build_client
from zgw_consumers.models import Service

from toegang.common import outgoing

# the Zaken API requires Content-Crs on writing zaken (zaakgeometrie), also without one; 1.3 also asked Accept-Crs
CRS = "EPSG:4326"
MAX_TEXT = 300
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class RegistryError(Exception):
    def __init__(self, message: str, status: int | None = None, codes: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.codes = codes or []  # (name, code) of every invalidParams entry of a ValidatieFout

    def refused(self, name: str, code: str) -> bool:
        """The registry refused the request with this validation error (field name and code)."""
        return self.status == 400 and (name, code) in self.codes


def _codes(response: requests.Response) -> list[tuple[str, str]]:
    try:
        body = response.json()
    except ValueError:
        return []
    params = body.get("invalidParams") if isinstance(body, dict) else None
    return [(str(p.get("name", "")), str(p.get("code", ""))) for p in params or [] if isinstance(p, dict)]


def _problem(api: str, response: requests.Response) -> str:
    """A readable line from a problem-details answer (Fout / ValidatieFout of the ZGW APIs)."""
    try:
        body = response.json()
    except ValueError:
        text = response.text[:MAX_TEXT].strip()
        return f"{api}: HTTP {response.status_code}" + (f": {text}" if text else "")
    if not isinstance(body, dict):
        return f"{api}: HTTP {response.status_code}"
    params = body.get("invalidParams") or []
    fields = [
        f"{p.get('name', '?')}: {p.get('reason', '')} ({p.get('code', '')})" for p in params if isinstance(p, dict)
    ]
    if fields:
        return f"{api} weigert de gegevens (HTTP {response.status_code}): " + "; ".join(fields)
    detail = body.get("detail") or body.get("title") or ""
    return f"{api}: HTTP {response.status_code}" + (f": {str(detail)[:MAX_TEXT]}" if detail else "")


def _request(
    service: Service,
    api: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
    crs: bool = False,
) -> Any:
    """The answer's JSON of a 200/201; anything else a RegistryError."""
    headers = {"Accept-Crs": CRS} if crs else {}
    if crs and body is not None:
        headers["Content-Crs"] = CRS
    try:
        client: APIClient
        response: requests.Response
        with build_client(service) as client:
            response = client.request(method, path, json=body, params=params, headers=headers, allow_redirects=False)
    except requests.Timeout:
        raise RegistryError(f"{api}: geen antwoord binnen {service.timeout} s.") from None
    except requests.ConnectionError as error:
        why = outgoing.reason(error, urlsplit(service.api_root).netloc)
        raise RegistryError(f"{api}: geen verbinding ({why}).") from None
    except InvalidURLError:
        raise RegistryError(f"{api}: het adres hoort niet bij de ingestelde service ({path}).") from None
    except requests.RequestException as error:
        raise RegistryError(f"{api}: verzenden mislukt ({type(error).__name__}).") from None
    if response.status_code not in (200, 201):
        raise RegistryError(_problem(api, response), response.status_code, _codes(response))
    try:
        return response.json()
    except ValueError:
        raise RegistryError(f"{api}: het antwoord is geen JSON.", response.status_code) from None


def _object(api: str, answer: Any, what: str = "het aangemaakte object") -> dict[str, Any]:
    if not isinstance(answer, dict) or not isinstance(answer.get("url"), str) or not answer["url"]:
        raise RegistryError(f"{api}: het antwoord mist de url van {what}.")
    return answer


def _call(
    service: Service, api: str, method: str, path: str, body: dict[str, Any], *, crs: bool = False
) -> dict[str, Any]:
    return _object(api, _request(service, api, method, path, body=body, crs=crs))


def _find(service: Service, api: str, path: str, params: dict[str, str], *, crs: bool = False) -> dict[str, Any] | None:
    """The one object a list answers for a unique filter (None: there is none). The list is paginated
    ({count, next, previous, results}); a plain array is read as well."""
    answer = _request(service, api, "GET", path, params=params, crs=crs)
    results = answer.get("results") if isinstance(answer, dict) else answer
    if not isinstance(results, list):
        raise RegistryError(f"{api}: het antwoord op de zoekvraag is geen lijst.")
    if len(results) > 1:
        found = ", ".join(str(r.get("url", "?")) for r in results if isinstance(r, dict))
        wanted = ", ".join(f"{key} {value}" for key, value in params.items())
        raise RegistryError(f"{api}: meer dan één object met {wanted}: {found}.")
    return _object(api, results[0], "het gevonden object") if results else None


def create_zaak(service: Service, body: dict[str, Any]) -> str:
    return str(_call(service, "Zaken API", "POST", "zaken", body, crs=True)["url"])


def find_zaak(service: Service, *, bronorganisatie: str, identificatie: str) -> dict[str, Any] | None:
    """The zaak with this identificatie of this bronorganisatie (unique in the Zaken API), or None."""
    params = {"bronorganisatie": bronorganisatie, "identificatie": identificatie}
    return _find(service, "Zaken API", "zaken", params, crs=True)


def read_zaak(service: Service, zaak_url: str) -> dict[str, Any]:
    return _object("Zaken API", _request(service, "Zaken API", "GET", zaak_url, crs=True), "de zaak")


def update_zaak(service: Service, zaak_url: str, body: dict[str, Any]) -> str:
    return str(_call(service, "Zaken API", "PATCH", zaak_url, body, crs=True)["url"])


def create_status(service: Service, *, zaak: str, statustype: str, at: dt.datetime) -> str:
    """``at`` is sent in Europe/Amsterdam (with its offset): the registry dates the zaak's einddatum by it."""
    moment = at.astimezone(AMSTERDAM).isoformat(timespec="seconds")
    body = {"zaak": zaak, "statustype": statustype, "datumStatusGezet": moment}
    return str(_call(service, "Zaken API", "POST", "statussen", body)["url"])


def create_resultaat(service: Service, *, zaak: str, resultaattype: str) -> str:
    return str(_call(service, "Zaken API", "POST", "resultaten", {"zaak": zaak, "resultaattype": resultaattype})["url"])


def create_besluit(service: Service, body: dict[str, Any]) -> str:
    return str(_call(service, "Besluiten API", "POST", "besluiten", body)["url"])


def find_besluit(service: Service, *, verantwoordelijke_organisatie: str, identificatie: str) -> dict[str, Any] | None:
    """The besluit with this identificatie of this organisation (unique in the Besluiten API), or None."""
    params = {"verantwoordelijkeOrganisatie": verantwoordelijke_organisatie, "identificatie": identificatie}
    return _find(service, "Besluiten API", "besluiten", params)
