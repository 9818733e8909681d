"""The social map (sociale kaart): searching services of the voorliggend veld, and exchanging them in the
Open Referral HSDS 3.0 format (JSON: a list of service objects with their organization, service areas,
schedules, phones and attributes). An import is checked record by record against the HSDS schema and
against Toegang's own rules, and is stored whole or not at all."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from toegang.accounts.models import Area, Municipality
from toegang.network import openreferral
from toegang.network.models import CommunityService, TargetGroup
from toegang.plans.models import LifeDomain

DOMAIN_TAXONOMY = "Toegang leefdomeinen (ZRM 2017)"
AUDIENCE_TAXONOMY = "Toegang doelgroepen"
NAMESPACE = uuid.UUID("6f1c7f1e-2d53-4c8e-9a77-0d2f1b3c5a10")  # ids of sub-records, derived from their parent


def search(
    municipality_id: int,
    *,
    text: str = "",
    domain_id: int | None = None,
    area_id: int | None = None,
    target_group_id: int | None = None,
    active_only: bool = True,
) -> QuerySet[CommunityService]:
    """Services of one municipality, filtered by life domain, area and target group (each an EXISTS on its
    link table) and by words in name, organisation or description."""
    services = CommunityService.objects.filter(municipality_id=municipality_id)
    if active_only:
        services = services.filter(status=CommunityService.Status.ACTIVE)
    through = CommunityService
    if domain_id:
        services = services.filter(
            Exists(through.domains.through.objects.filter(communityservice_id=OuterRef("pk"), lifedomain_id=domain_id))
        )
    if area_id:
        services = services.filter(
            Exists(through.areas.through.objects.filter(communityservice_id=OuterRef("pk"), area_id=area_id))
        )
    if target_group_id:
        services = services.filter(
            Exists(
                through.target_groups.through.objects.filter(
                    communityservice_id=OuterRef("pk"), targetgroup_id=target_group_id
                )
            )
        )
    for word in text.split()[:5]:
        services = services.filter(
            Q(name__icontains=word) | Q(organization_name__icontains=word) | Q(description__icontains=word)
        )
    return services.order_by("name", "pk")


# --- HSDS export -----------------------------------------------------------------------------------------


def _sub_id(parent: uuid.UUID, kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{parent}/{kind}/{key}"))


def _term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term/{taxonomy}/{code}"))


def to_hsds(service: CommunityService) -> dict[str, Any]:
    """One service as an HSDS 3.0 service object (the related rows must be prefetched)."""
    sid = service.hsds_id

    def attribute(taxonomy: str, link_type: str, code: str, name: str) -> dict[str, Any]:
        term = _term_id(taxonomy, code)
        return {
            "id": _sub_id(sid, "attribute", term),
            "link_id": str(sid),
            "link_type": link_type,
            "link_entity": "service",
            "taxonomy_term_id": term,
            "taxonomy_term": {"id": term, "code": code, "name": name, "description": name, "taxonomy": taxonomy},
        }

    record: dict[str, Any] = {
        "id": str(sid),
        "organization_id": str(service.organization_id),
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "organization": {"id": str(service.organization_id), "name": service.organization_name, "description": ""},
        "service_areas": [
            {"id": _sub_id(sid, "area", str(area.pk)), "service_id": str(sid), "name": area.name}
            for area in service.areas.all()
        ],
        "attributes": [
            *(attribute(DOMAIN_TAXONOMY, "domain", d.code, d.name) for d in service.domains.all()),
            *(attribute(AUDIENCE_TAXONOMY, "audience", g.code, g.name) for g in service.target_groups.all()),
        ],
    }
    if service.url:
        record["url"] = service.url
    if service.email:
        record["email"] = service.email
    if service.eligibility:
        record["eligibility_description"] = service.eligibility
    if service.minimum_age is not None:
        record["minimum_age"] = service.minimum_age
    if service.maximum_age is not None:
        record["maximum_age"] = service.maximum_age
    record["fees_description"] = service.fees or ("Gratis" if service.free else "")
    if service.free:
        record["cost_options"] = [
            {
                "id": _sub_id(sid, "cost", "free"),
                "service_id": str(sid),
                "amount": 0,
                "currency": "EUR",
                "option": "gratis",
            }
        ]
    if service.phone:
        record["phones"] = [
            {"id": _sub_id(sid, "phone", service.phone), "service_id": str(sid), "number": service.phone}
        ]
    if service.opening_hours:
        record["schedules"] = [
            {"id": _sub_id(sid, "schedule", "main"), "service_id": str(sid), "description": service.opening_hours}
        ]
    return record


def export(municipality: Municipality) -> list[dict[str, Any]]:
    services = (
        CommunityService.objects.filter(municipality=municipality)
        .prefetch_related("areas", "domains", "target_groups")
        .order_by("name", "pk")
    )
    return [to_hsds(service) for service in services.iterator(chunk_size=2000)]


# --- HSDS import -----------------------------------------------------------------------------------------
# One path for both forms: the JSON import parses a list of service objects, the CSV import
# (socialmap_csv.py) assembles the same objects from its tables; both then go through check_records
# (schema and Toegang's own rules, problems per record and field) and store_records (all or nothing).


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class PlannedService:
    record: dict[str, Any]
    areas: list[Area]
    domains: list[LifeDomain]
    groups: list[TargetGroup]


Problem = tuple[int, str, str]  # the record's place in the list (from 0), the field's path, the rule broken


def _text(value: Any, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """The paths of the strings that hold a NUL character: no text column can store one (PostgreSQL
    refuses it outright), and no human typed it."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nul_paths(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [p for number, item in enumerate(value) for p in _nul_paths(item, f"{path}.{number}")]
    return []


def check_records(records: list[Any], municipality: Municipality) -> tuple[list[PlannedService], list[Problem]]:
    """Check HSDS service objects before anything is stored: against the HSDS schema, for duplicates in
    the file, for ids that belong to another municipality's social map, and for areas, domains and target
    groups Toegang knows. Returns what to store and the problems, each with the path of its field
    (``service_areas.1.name``), so that each form can say where it is in its own terms."""
    areas = {area.name.casefold(): area for area in Area.objects.filter(municipality=municipality)}
    domains = {d.code: d for d in LifeDomain.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    seen: set[str] = set()
    planned: dict[int, PlannedService] = {}
    problems: list[Problem] = []
    for index, record in enumerate(records):
        found = openreferral.service_problems(record)
        found += [(where, "bevat een onzichtbaar stuurteken (NUL); verwijder het") for where in _nul_paths(record)]
        if not found and isinstance(record, dict):
            key = str(uuid.UUID(record["id"]))  # the schema checked the format; one spelling per id
            if key in seen:
                found.append(("id", "komt twee keer voor in het bestand"))
            seen.add(key)
            organization = record.get("organization") or {}
            if not (record.get("organization_id") or organization.get("id")):
                found.append(("organization_id", "de aanbieder van de dienst ontbreekt"))
            for name in ("minimum_age", "maximum_age"):
                age = record.get(name)
                if age is not None and ((isinstance(age, float) and not age.is_integer()) or not 0 <= age <= 120):
                    found.append((name, "een leeftijd in hele jaren van 0 tot en met 120"))
            found_areas = []
            for number, entry in enumerate(record.get("service_areas", [])):
                area = areas.get(_text(entry.get("name")).casefold())
                if area is None:
                    found.append(
                        (
                            f"service_areas.{number}.name",
                            f"'{entry.get('name')}' is geen wijk of kern van {municipality.name}",
                        )
                    )
                else:
                    found_areas.append(area)
            found_domains, found_groups = [], []
            for number, entry in enumerate(record.get("attributes", [])):
                term = entry.get("taxonomy_term") or {}
                code = _text(term.get("code"))
                where = f"attributes.{number}.taxonomy_term.code"
                if term.get("taxonomy") == DOMAIN_TAXONOMY:
                    if code in domains:
                        found_domains.append(domains[code])
                    else:
                        found.append((where, f"leefdomein '{code}' is onbekend"))
                elif term.get("taxonomy") == AUDIENCE_TAXONOMY:
                    if code in groups:
                        found_groups.append(groups[code])
                    else:
                        found.append((where, f"doelgroep '{code}' is onbekend"))
            if not found:
                planned[index] = PlannedService(record, found_areas, found_domains, found_groups)
        problems += [(index, where, rule) for where, rule in found]
    elsewhere = {
        str(hsds_id)
        for hsds_id in CommunityService.objects.filter(hsds_id__in=[p.record["id"] for p in planned.values()])
        .exclude(municipality=municipality)
        .values_list("hsds_id", flat=True)
    }
    for index, plan in list(planned.items()):
        if str(uuid.UUID(plan.record["id"])) in elsewhere:  # hsds_id is unique over all municipalities
            problems.append((index, "id", "deze dienst staat al op de sociale kaart van een andere gemeente"))
            del planned[index]
    problems.sort(key=lambda problem: problem[0])
    return list(planned.values()), problems


@transaction.atomic
def store_records(planned: list[PlannedService], municipality: Municipality) -> ImportResult:
    """Store checked services in one transaction: new ids are created, known ids updated."""
    result = ImportResult()
    existing = {
        s.hsds_id: s
        for s in CommunityService.objects.filter(
            hsds_id__in=[p.record["id"] for p in planned], municipality=municipality
        )
    }
    for plan in planned:
        record = plan.record
        organization = record.get("organization") or {}
        costs = record.get("cost_options") or []
        values = {
            "organization_id": record.get("organization_id") or organization.get("id"),
            "organization_name": _text(organization.get("name"), 200) or "—",
            "name": _text(record.get("name"), 200),
            "description": _text(record.get("description")),
            "status": record["status"],
            "email": _text(record.get("email"), 254),
            "url": _text(record.get("url"), 200),
            "phone": _text(((record.get("phones") or [{}])[0]).get("number"), 30),
            "eligibility": _text(record.get("eligibility_description")),
            "minimum_age": record.get("minimum_age"),
            "maximum_age": record.get("maximum_age"),
            "free": any(c.get("amount") == 0 for c in costs)
            or _text(record.get("fees_description")).lower() == "gratis",
            "fees": _text(record.get("fees_description")),
            "opening_hours": _text(((record.get("schedules") or [{}])[0]).get("description")),
        }
        service = existing.get(uuid.UUID(record["id"]))
        if service is None:
            service = CommunityService.objects.create(hsds_id=record["id"], municipality=municipality, **values)
            result.created += 1
        else:
            for name, value in values.items():
                setattr(service, name, value)
            service.save()
            result.updated += 1
        service.areas.set(plan.areas)
        service.domains.set(plan.domains)
        service.target_groups.set(plan.groups)
    return result


def import_records(records: list[Any], municipality: Municipality, *, where: Callable[[int, str], str]) -> ImportResult:
    """Check the records and store them only when none has a problem. ``where(index, path)`` says in the
    terms of the file's form where a problem is (``dienst 2 (id): name`` or ``services.csv rij 3, veld
    "name"``)."""
    planned, problems = check_records(records, municipality)
    if problems:
        return ImportResult(errors=[f"{where(index, path)}: {rule}" for index, path, rule in problems])
    return store_records(planned, municipality)


def import_hsds(data: bytes, municipality: Municipality) -> ImportResult:
    """Import HSDS 3.0 service objects (a JSON list). Every record is checked first — against the HSDS
    schema, for duplicates in the file, for areas, domains and target groups Toegang knows — and the
    errors are reported per record; only a file without errors is stored, in one transaction."""
    try:
        records = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return ImportResult(errors=[f"bestand: geen geldige JSON ({error})"])
    except RecursionError:
        return ImportResult(errors=["bestand: de JSON is te diep genest"])
    if not isinstance(records, list):
        return ImportResult(errors=["bestand: verwacht een lijst van HSDS-diensten (een JSON-array)"])

    def where(index: int, path: str) -> str:
        record = records[index]
        label = f"dienst {index + 1}"
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            label += f" ({record['id']})"
        return f"{label}: {path}"

    return import_records(records, municipality, where=where)
