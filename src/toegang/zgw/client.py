"""The calls to the ZGW registry, through zgw-consumers: ``build_client(service)`` gives a requests
session (ape-pie) with the service's base URL, authentication (ZGW client-id/secret JWT, API key or OAuth2
client credentials), certificates and timeout, all configured on the ``Service`` row. Every failure
becomes a ``RegistryError`` with a Dutch message for the functional administrator; the registry's own
validation errors (ValidatieFout ``invalidParams``) are reported with the registry's field names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from ape_pie import APIClient
from ape_pie.exceptions import InvalidURLError
from zgw_consumers.client import build_client
from zgw_consumers.models import Service

# the Zaken API requires Content-Crs on writing zaken (zaakgeometrie), also without one; 1.3 also asked Accept-Crs
CRS = "EPSG:4326"
MAX_TEXT = 300


class RegistryError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


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


def _call(
    service: Service, api: str, method: str, path: str, body: dict[str, Any], *, crs: bool = False
) -> dict[str, Any]:
    headers = {"Accept-Crs": CRS, "Content-Crs": CRS} if crs else {}
    try:
        client: APIClient
        response: requests.Response
        with build_client(service) as client:
            response = client.request(method, path, json=body, headers=headers, allow_redirects=False)
    except requests.Timeout:
        raise RegistryError(f"{api}: geen antwoord binnen {service.timeout} s.") from None
    except requests.ConnectionError as error:
        raise RegistryError(f"{api}: geen verbinding ({type(error).__name__}).") from None
    except InvalidURLError:
        raise RegistryError(f"{api}: het adres hoort niet bij de ingestelde service ({path}).") from None
    except requests.RequestException as error:
        raise RegistryError(f"{api}: verzenden mislukt ({type(error).__name__}).") from None
    if response.status_code not in (200, 201):
        raise RegistryError(_problem(api, response), response.status_code)
    try:
        answer: Any = response.json()
    except ValueError:
        raise RegistryError(f"{api}: het antwoord is geen JSON.", response.status_code) from None
    if not isinstance(answer, dict) or not isinstance(answer.get("url"), str) or not answer["url"]:
        raise RegistryError(f"{api}: het antwoord mist de url van het aangemaakte object.", response.status_code)
    return answer


def create_zaak(service: Service, body: dict[str, Any]) -> str:
    return str(_call(service, "Zaken API", "POST", "zaken", body, crs=True)["url"])


def update_zaak(service: Service, zaak_url: str, body: dict[str, Any]) -> str:
    return str(_call(service, "Zaken API", "PATCH", zaak_url, body, crs=True)["url"])


def create_status(service: Service, *, zaak: str, statustype: str, at: dt.datetime) -> str:
    body = {"zaak": zaak, "statustype": statustype, "datumStatusGezet": at.astimezone(dt.UTC).isoformat()}
    return str(_call(service, "Zaken API", "POST", "statussen", body)["url"])


def create_resultaat(service: Service, *, zaak: str, resultaattype: str) -> str:
    return str(_call(service, "Zaken API", "POST", "resultaten", {"zaak": zaak, "resultaattype": resultaattype})["url"])


def create_besluit(service: Service, body: dict[str, Any]) -> str:
    return str(_call(service, "Besluiten API", "POST", "besluiten", body)["url"])


def check(service: Service) -> str | None:
    """A GET on the service's root (or its connection-check path): None when it answers, else the problem."""
    try:
        client: APIClient
        response: requests.Response
        with build_client(service) as client:
            response = client.get(service.api_connection_check_path or "", allow_redirects=False)
    except requests.RequestException as error:
        return f"geen verbinding ({type(error).__name__})"
    if response.status_code >= 400 and response.status_code not in (401, 403, 404, 405):
        return f"HTTP {response.status_code}"
    if response.status_code in (401, 403):
        return f"HTTP {response.status_code}: de registratie weigert de authenticatie (client-id/secret?)"
    return None
