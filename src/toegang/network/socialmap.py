"""The social map (sociale kaart): searching services of the voorliggend veld, and exchanging them in the
Open Referral HSDS 3.0 format (JSON: a list of service objects with their organization, service areas,
schedules, phones and attributes). An import is checked record by record against the HSDS schema and
against Toegang's own rules, and is stored whole or not at all."""

from __future__ import annotations

import json
import uuid
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


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value: Any, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else ""
    return text[:limit] if limit else text


def import_hsds(data: bytes, municipality: Municipality) -> ImportResult:
    """Import HSDS 3.0 service objects (a JSON list). Every record is checked first — against the HSDS
    schema, for duplicates in the file, for areas, domains and target groups Toegang knows — and the
    errors are reported per record; only a file without errors is stored, in one transaction."""
    result = ImportResult()
    try:
        records = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        result.errors.append(f"bestand: geen geldige JSON ({error})")
        return result
    if not isinstance(records, list):
        result.errors.append("bestand: verwacht een lijst van HSDS-diensten (een JSON-array)")
        return result
    areas = {area.name.casefold(): area for area in Area.objects.filter(municipality=municipality)}
    domains = {d.code: d for d in LifeDomain.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    seen: set[str] = set()
    planned: list[tuple[dict[str, Any], list[Area], list[LifeDomain], list[TargetGroup]]] = []
    for position, record in enumerate(records, start=1):
        label = f"dienst {position}"
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            label += f" ({record['id']})"
        problems = openreferral.validate_service(record)
        if not problems and isinstance(record, dict):
            if record["id"] in seen:
                problems.append("id: komt twee keer voor in het bestand")
            seen.add(record["id"])
            organization = record.get("organization") or {}
            if not (record.get("organization_id") or organization.get("id")):
                problems.append("organization_id: de aanbieder van de dienst ontbreekt")
            for key in ("minimum_age", "maximum_age"):
                age = record.get(key)
                if age is not None and (not float(age).is_integer() or not 0 <= age <= 120):
                    problems.append(f"{key}: een leeftijd in hele jaren van 0 tot en met 120")
            found_areas = []
            for entry in record.get("service_areas", []):
                area = areas.get(_text(entry.get("name")).casefold())
                if area is None:
                    problems.append(
                        f"service_areas: '{entry.get('name')}' is geen wijk of kern van {municipality.name}"
                    )
                else:
                    found_areas.append(area)
            found_domains, found_groups = [], []
            for entry in record.get("attributes", []):
                term = entry.get("taxonomy_term") or {}
                code = _text(term.get("code"))
                if term.get("taxonomy") == DOMAIN_TAXONOMY:
                    if code in domains:
                        found_domains.append(domains[code])
                    else:
                        problems.append(f"attributes: leefdomein '{code}' is onbekend")
                elif term.get("taxonomy") == AUDIENCE_TAXONOMY:
                    if code in groups:
                        found_groups.append(groups[code])
                    else:
                        problems.append(f"attributes: doelgroep '{code}' is onbekend")
            if not problems:
                planned.append((record, found_areas, found_domains, found_groups))
        result.errors += [f"{label}: {problem}" for problem in problems]
    if result.errors:
        return result
    with transaction.atomic():
        existing = {
            str(s.hsds_id): s
            for s in CommunityService.objects.filter(
                hsds_id__in=[r["id"] for r, *_ in planned], municipality=municipality
            )
        }
        for record, found_areas, found_domains, found_groups in planned:
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
            service = existing.get(record["id"])
            if service is None:
                service = CommunityService.objects.create(hsds_id=record["id"], municipality=municipality, **values)
                result.created += 1
            else:
                for name, value in values.items():
                    setattr(service, name, value)
                service.save()
                result.updated += 1
            service.areas.set(found_areas)
            service.domains.set(found_domains)
            service.target_groups.set(found_groups)
    return result
