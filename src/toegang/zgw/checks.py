"""Checking a municipality's ZGW configuration: every problem as a Dutch line naming the field.

``problems_by_field`` checks what can be checked without the registry: the addresses, the RSIN, that every
catalogue address lies under the Catalogi API of the catalogue and points to the right kind of type, and, when
registering is on, that everything needed is there, including a resultaattype for every result a trajectory
can be closed with (Open Zaak refuses the closing status of a zaak without a resultaat). ``connection_problems``
(`manage.py zgw controleren --verbinding`, "Verbinding controleren" on the screen) asks the registry: whether
each API answers at its address (a 404 is a wrong address, not a success) and whether each catalogue address
answers with a published type of the zaaktype it is configured for (the registry refuses a status, resultaat
or besluit of another zaaktype than the zaak's)."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

import requests
from ape_pie import APIClient
from django.conf import settings
from stdnum.nl import bsn
from zgw_consumers.client import build_client
from zgw_consumers.constants import APITypes
from zgw_consumers.models import Service

from toegang.common import outgoing
from toegang.zgw.models import LAWS, STATUS_STEPS, Configuration

URL_FIELDS = [
    "catalogus",
    "zaaktype_trajectory",
    "statustype_trajectory_started",
    "statustype_trajectory_closed",
    "zaaktype_wmo",
    "zaaktype_jeugd",
    "zaaktype_pw",
    *(f"statustype_{step}_{law}" for law in LAWS for step in STATUS_STEPS),
    "besluittype_wmo",
    "besluittype_jeugd",
    "besluittype_pw",
]
REQUIRED_WHEN_ACTIVE = ["zaaktype_trajectory", "statustype_trajectory_started", "statustype_trajectory_closed"]
# the resource of the Catalogi API each address must point into: {root}{resource}/{uuid}
RESOURCE = {
    "catalogus": "catalogussen",
    "zaaktype_trajectory": "zaaktypen",
    "statustype_trajectory_started": "statustypen",
    "statustype_trajectory_closed": "statustypen",
    "zaaktype_wmo": "zaaktypen",
    "zaaktype_jeugd": "zaaktypen",
    "zaaktype_pw": "zaaktypen",
    **{f"statustype_{step}_{law}": "statustypen" for law in LAWS for step in STATUS_STEPS},
    "besluittype_wmo": "besluittypen",
    "besluittype_jeugd": "besluittypen",
    "besluittype_pw": "besluittypen",
}
RESOURCE_NAME = {
    "catalogussen": "een catalogus",
    "zaaktypen": "een zaaktype",
    "statustypen": "een statustype",
    "resultaattypen": "een resultaattype",
    "besluittypen": "een besluittype",
}


_label = Configuration.label_of


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


# The ZGW components by the first part of their conventional address (…/zaken/api/v1/, as Open Zaak serves them)
COMPONENTS = {
    "zaken": "Zaken API",
    "besluiten": "Besluiten API",
    "catalogi": "Catalogi API",
    "documenten": "Documenten API",
    "autorisaties": "Autorisaties API",
    "notificaties": "Notificaties API",
}


def scheme_problem(label: str, value: str) -> str | None:
    """http:// is refused unless ZGW_ALLOW_HTTP: the token and the data would cross the network unencrypted."""
    if urlsplit(value).scheme == "http" and not settings.ZGW_ALLOW_HTTP:
        return (
            f"{label}: gebruik een https-adres; over http gaan het token en de gegevens onversleuteld over het "
            "netwerk (de technisch beheerder kan http toestaan met TOEGANG_ZGW_ALLOW_HTTP)."
        )
    return None


def component_problem(label: str, root: str, expected: str) -> str | None:
    """An API's address that by its path is plainly another ZGW component (the Catalogi API's address in the Zaken
    API's field): the registry would answer its root, so the connection check would pass and every registration
    fail. Addresses without a component in their path are not judged."""
    segments = [part for part in urlsplit(root).path.lower().split("/") if part]
    named = [part for part in segments if part in COMPONENTS]
    if named and expected not in named:
        return (
            f"{label}: dit is het adres van de {COMPONENTS[named[-1]]}; vul het adres van de {COMPONENTS[expected]} "
            f"in (…/{expected}/api/v1/)."
        )
    return None


def catalogi_root(config: Configuration) -> str:
    """The Catalogi API's root, from the catalogue's address (…/catalogi/api/v1/catalogussen/<uuid>); '' without."""
    marker = "/catalogussen/"
    if not config.catalogus or marker not in config.catalogus:
        return ""
    return config.catalogus.split(marker, 1)[0] + "/"


def closing_codes() -> list[str]:
    """The results (privacy.RetentionRule codes) a trajectory can be closed with: every retention rule except the
    one for a melding handled without a trajectory (cases/forms.py CloseForm offers the same list)."""
    from toegang.privacy.models import RetentionRule

    return sorted(set(RetentionRule.objects.values_list("code", flat=True)) - {RetentionRule.SIGNAL})


def procedure_result_codes(law: str) -> list[str]:
    """The results (RetentionRule codes) a procedure of the law can end with, as the registration closes its zaak:
    the law's own (granted), geweigerd (refused), afgebroken (withdrawn)."""
    from toegang.zgw.registration import LAW_RESULT, REFUSED_RESULT, WITHDRAWN_RESULT

    return sorted({LAW_RESULT.get(law, law), REFUSED_RESULT, WITHDRAWN_RESULT})


def problems(config: Configuration) -> list[str]:
    """What is wrong or missing; an inactive configuration is only checked for what is filled in."""
    return [message for _field, message in problems_by_field(config)]


class _Found(list[tuple[str, str]]):
    def add(self, field: str, message: str) -> None:
        self.append((field, message))


def _check_place(found: _Found, field: str, label: str, value: str, root: str, resource: str) -> None:
    """An address of the catalogue: under the Catalogi API of the catalogue, pointing to the right resource."""
    path = urlsplit(value).path
    if f"/{resource}/" not in path or path.endswith(f"/{resource}/"):
        found.add(field, f"{label}: het adres wijst niet naar {RESOURCE_NAME[resource]} (…/{resource}/<uuid>).")
    elif root and not value.startswith(root):
        found.add(field, f"{label}: het adres ligt niet onder de Catalogi API van de catalogus ({root}).")


def _check_mapping(
    found: _Found, field: str, mapping: object, codes: set[str], root: str, *, usable: bool = False
) -> dict[str, str]:
    """A map of result codes to resultaattypen: each value an address of a resultaattype (under the Catalogi API);
    each code one of ``codes`` (``usable``: the codes this map is used for, named in the message). Returns the
    map, or {} when it is not one."""
    label = _label(field)
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and is_url(v) for k, v in mapping.items()
    ):
        found.add(field, f"{label}: geef per resultaatcode een adres (https://…).")
        return {}
    unknown = sorted(set(mapping) - codes)
    if unknown:
        used = f" (gebruikt worden: {', '.join(sorted(codes))})" if usable else ""
        found.add(field, f"{label}: onbekende resultaatcodes {', '.join(unknown)}{used}.")
    for code, url in sorted(mapping.items()):
        problem = scheme_problem(f"{label} ({code})", url)
        if problem:
            found.add(field, problem)
        elif code in codes:
            _check_place(found, field, f"{label} ({code})", url, root, "resultaattypen")
    return mapping


def _check_roles(found: _Found, config: Configuration) -> None:
    """One catalogue address in two roles that must differ: an eindstatus that is also the first status (the zaak
    would be closed at its start, without resultaat: refused), a procedure's zaaktype that is the trajectory's."""

    def same(field: str, other: str, why: str) -> None:
        value = getattr(config, field)
        if value and value == getattr(config, other):
            found.add(field, f"{_label(field)}: is hetzelfde adres als {_label(other)}; {why}")

    closing = "de eindstatus moet een andere status zijn dan de eerste (anders sluit de zaak bij de start)."
    same("statustype_trajectory_closed", "statustype_trajectory_started", closing)
    for law in LAWS:
        same(
            f"zaaktype_{law}",
            "zaaktype_trajectory",
            "de zaak van een procedure is een deelzaak met een eigen zaaktype.",
        )
        same(f"statustype_closed_{law}", f"statustype_received_{law}", closing)
        for step in STATUS_STEPS:
            for of_trajectory in ("statustype_trajectory_started", "statustype_trajectory_closed"):
                same(f"statustype_{step}_{law}", of_trajectory, "een statustype hoort bij één zaaktype.")


def problems_by_field(config: Configuration) -> list[tuple[str, str]]:
    """(field, message) for everything wrong or missing, the message starting with the field's label."""
    from toegang.privacy.models import RetentionRule

    found = _Found()
    if config.zaken_service is not None and config.zaken_service.api_type != APITypes.zrc:
        found.add("zaken_service", f"{_label('zaken_service')}: de gekozen service is geen Zaken API (type zrc).")
    if config.besluiten_service is not None and config.besluiten_service.api_type != APITypes.brc:
        found.add(
            "besluiten_service", f"{_label('besluiten_service')}: de gekozen service is geen Besluiten API (type brc)."
        )
    for field, component in (("zaken_service", "zaken"), ("besluiten_service", "besluiten")):
        service = getattr(config, field)
        if service is not None:
            label = COMPONENTS[component]
            problem = scheme_problem(label, service.api_root) or component_problem(label, service.api_root, component)
            if problem:
                found.add(field, problem)
    if config.rsin and not bsn.is_valid(config.rsin):
        found.add("rsin", f"{_label('rsin')}: geen geldig RSIN (9 cijfers die de elfproef doorstaan).")
    root = catalogi_root(config)
    for field in URL_FIELDS:
        value = getattr(config, field)
        if value and not is_url(value):
            found.add(field, f"{_label(field)}: dit is geen geldig adres (https://…).")
        elif value and scheme_problem(_label(field), value):
            found.add(field, str(scheme_problem(_label(field), value)))
        elif value:
            _check_place(found, field, _label(field), value, "" if field == "catalogus" else root, RESOURCE[field])
    _check_roles(found, config)
    codes = set(RetentionRule.objects.values_list("code", flat=True))  # the one query of the check
    mapping = _check_mapping(found, "resultaattypen", config.resultaattypen, codes, root)
    law_mappings = {
        law: _check_mapping(
            found, Configuration.resultaattypen_field(law), getattr(config, Configuration.resultaattypen_field(law)),
            set(procedure_result_codes(law)), root, usable=True,
        )
        for law in LAWS
    }  # fmt: skip
    if config.active:
        if config.zaken_service is None:
            found.add("zaken_service", f"{_label('zaken_service')}: vul het adres in om te kunnen registreren.")
        if not config.rsin:
            found.add("rsin", f"{_label('rsin')}: vul het RSIN van de gemeente in.")
        for field in REQUIRED_WHEN_ACTIVE:
            if not getattr(config, field):
                found.add(field, f"{_label(field)}: vul het adres in.")
        if not (config.zaaktype_wmo or config.zaaktype_jeugd or config.zaaktype_pw):
            found.add(
                "zaaktype_wmo", "Zaaktypen aanvraag: vul ten minste één zaaktype in (Wmo, Jeugdwet of Participatiewet)."
            )
        if (config.besluittype_wmo or config.besluittype_jeugd or config.besluittype_pw) and (
            config.besluiten_service is None
        ):
            found.add(
                "besluiten_service",
                f"{_label('besluiten_service')}: vul het adres in om besluiten te registreren.",
            )
        label = _label("resultaattypen")
        missing = sorted((codes - {RetentionRule.SIGNAL}) - set(mapping))
        if missing:
            found.add(
                "resultaattypen",
                f"{label}: geen resultaattype voor {', '.join(missing)}. Een traject dat met dat resultaat wordt "
                "afgesloten, kan niet als afgesloten zaak worden geregistreerd (de zaakregistratie weigert de "
                "eindstatus van een zaak zonder resultaat).",
            )
        for law in LAWS:
            if config.zaaktype_for(law) and not config.statustype_for(law, "closed"):
                field = f"statustype_closed_{law}"
                found.add(field, f"{_label(field)}: vul het adres in (de eindstatus van de zaak van een procedure).")
            field = Configuration.resultaattypen_field(law)
            missing = sorted(set(procedure_result_codes(law)) - set(law_mappings[law]))
            if config.zaaktype_for(law) and missing:
                found.add(
                    field,
                    f"{_label(field)}: geen resultaattype voor {', '.join(missing)}. Een procedure die zo eindigt, "
                    "kan niet als afgesloten zaak worden geregistreerd, en de zaak van haar traject dan ook niet.",
                )
    return found


# --- asking the registry (--verbinding) -------------------------------------------------------------------------


def _answer_problem(response: requests.Response, what: str) -> str | None:
    """None when the address answered as an existing resource does; else the problem in words."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status in (301, 302, 303, 307, 308):
        target = response.headers.get("Location", "?")
        return f"het adres verwijst door naar {target} (HTTP {status}); vul het adres in waar het naar verwijst."
    if status in (401, 403):
        return (
            f"de toegang wordt geweigerd (HTTP {status}): kloppen de client-id en het secret, en heeft de "
            f"client-id rechten op {what}?"
        )
    if status in (404, 410):
        return f"het adres bestaat niet (HTTP {status}): controleer het adres."
    return f"antwoordt met HTTP {status}."


def _api_problem(service: Service, label: str) -> str | None:
    """A GET on the API's root (or its connection-check path): it must answer 2xx (or 405 at the bare root)."""
    client: APIClient
    response: requests.Response
    try:
        with build_client(service) as client:
            response = client.get(service.api_connection_check_path or "", allow_redirects=False)
    except requests.RequestException as error:
        why = outgoing.reason(error, urlsplit(service.api_root).netloc)
        return f"{label} ({service.api_root}): geen verbinding ({why})."
    if response.status_code == 405 and not service.api_connection_check_path:
        return None  # the root exists but answers no GET
    problem = _answer_problem(response, f"de {label}")
    return f"{label} ({service.api_root}): {problem}" if problem else None


def _reader(config: Configuration, url: str) -> tuple[Service | None, str]:
    """How to read a catalogue address: the configured service of that API when there is one, else the Zaken
    API's credentials when the address is on the same host (one Open Zaak), else without credentials (Toegang
    never sends its credentials to another host). Returns the service (None: anonymous) and its root."""
    configured = Service.get_service(url)
    if configured is not None:
        return configured, configured.api_root
    parts = urlsplit(url)
    root = catalogi_root(config)
    if not root or not url.startswith(root):
        root = f"{parts.scheme}://{parts.netloc}/"
    zaken = config.zaken_service
    if zaken is not None and urlsplit(zaken.api_root).netloc == parts.netloc:
        reader = copy.copy(zaken)
        reader.api_root = root
        reader.api_connection_check_path = ""
        return reader, root
    return None, root


def _owners(config: Configuration) -> dict[str, tuple[str, str]]:
    """Per catalogue field, the zaaktype its type must belong to (the registry refuses a status, resultaat or
    besluit whose type is of another zaaktype than the zaak's): (zaaktype URL, the zaaktype field's label)."""
    owners: dict[str, tuple[str, str]] = {}
    for field in ("statustype_trajectory_started", "statustype_trajectory_closed", "resultaattypen"):
        owners[field] = (config.zaaktype_trajectory, _label("zaaktype_trajectory"))
    for law in LAWS:
        owner = (config.zaaktype_for(law), _label(f"zaaktype_{law}"))
        for step in STATUS_STEPS:
            owners[f"statustype_{step}_{law}"] = owner
        owners[Configuration.resultaattypen_field(law)] = owner
        owners[f"besluittype_{law}"] = owner
    return owners


def _owner_problem(label: str, body: dict[str, Any], owner: tuple[str, str]) -> str | None:
    """A statustype or resultaattype names its zaaktype (``zaaktype``), a besluittype its zaaktypen."""
    zaaktype, owner_label = owner
    if not zaaktype:
        return None
    if "zaaktypen" in body:
        listed = body.get("zaaktypen")
        if isinstance(listed, list) and zaaktype not in listed:
            return f"{label}: hoort niet bij {owner_label} ({zaaktype}); de zaakregistratie weigert het besluit."
        return None
    found = body.get("zaaktype")
    if isinstance(found, str) and found and found != zaaktype:
        return (
            f"{label}: hoort bij een ander zaaktype ({found}) dan {owner_label} ({zaaktype}); de zaakregistratie "
            "weigert het."
        )
    return None


def _type_problem(config: Configuration, label: str, url: str, owner: tuple[str, str] | None = None) -> str | None:
    service, _root = _reader(config, url)
    client: APIClient
    response: requests.Response
    try:
        if service is None:
            timeout = config.zaken_service.timeout if config.zaken_service is not None else 10
            response = requests.get(url, timeout=timeout, allow_redirects=False)
        else:
            with build_client(service) as client:
                response = client.get(url, allow_redirects=False)
    except requests.RequestException as error:
        host = urlsplit(url).netloc
        return f"{label}: geen verbinding met {host} ({outgoing.reason(error, host)})."
    problem = _answer_problem(response, "de Catalogi API (catalogi.lezen)")
    if problem:
        return f"{label}: {problem}"
    try:
        body: Any = response.json()
    except ValueError:
        return f"{label}: het antwoord is geen JSON; is dit een adres in de Catalogi API?"
    if isinstance(body, dict) and body.get("concept") is True:
        return f"{label}: staat nog in concept in de catalogus; publiceer het eerst (de zaakregistratie weigert het)."
    if isinstance(body, dict) and owner is not None:
        return _owner_problem(label, body, owner)
    return None


def connection_problems(config: Configuration) -> list[str]:
    """Ask the registry: does each API answer at its address, and does each catalogue address answer? Every
    problem as a line naming the field; a host that gave no connection is not asked again (one line names what
    was therefore not checked)."""
    found: list[str] = []
    unreachable: dict[str, list[str]] = {}  # host -> the fields not checked
    for service, field in ((config.zaken_service, "zaken_service"), (config.besluiten_service, "besluiten_service")):
        if service is not None and (problem := _api_problem(service, _label(field))):
            found.append(problem)
            if "geen verbinding" in problem:
                unreachable.setdefault(urlsplit(service.api_root).netloc, [])
    owners = _owners(config)
    addresses = [(_label(f), getattr(config, f), owners.get(f)) for f in URL_FIELDS]
    for field in ("resultaattypen", *(Configuration.resultaattypen_field(law) for law in LAWS)):
        mapping = getattr(config, field)
        if isinstance(mapping, dict):
            addresses += [
                (f"{_label(field)} ({code})", str(url), owners[field]) for code, url in sorted(mapping.items())
            ]
    for name, url, owner in addresses:
        if not url or not is_url(url):
            continue  # missing or malformed: problems_by_field names it
        host = urlsplit(url).netloc
        if host in unreachable:
            unreachable[host].append(name)
            continue
        problem = _type_problem(config, name, url, owner)
        if problem:
            found.append(problem)
            if "geen verbinding" in problem:
                unreachable[host] = []
    for host, names in unreachable.items():
        if names:
            found.append(f"Niet gecontroleerd (geen verbinding met {host}): {', '.join(names)}.")
    return found
