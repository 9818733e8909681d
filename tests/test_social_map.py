"""The social map: search by words, life domain, area and target group; exchange in Open Referral HSDS
3.0 JSON, validated against the official schema; an import with a bad record stores nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.querycount import page_queries
from toegang.accounts.models import Area
from toegang.network import openreferral, socialmap
from toegang.network.models import CommunityService, TargetGroup
from toegang.plans.models import LifeDomain


def add_service(world, name: str, *, domain: str, group: str, area: Area | None = None, **extra) -> CommunityService:
    service = CommunityService.objects.create(
        hsds_id=uuid.uuid4(),
        municipality=world.gemeente,
        organization_id=uuid.uuid4(),
        organization_name=extra.pop("organization_name", "Welzijn Test"),
        name=name,
        description=extra.pop("description", ""),
        **extra,
    )
    service.domains.add(LifeDomain.objects.get(code=domain))
    service.target_groups.add(TargetGroup.objects.get(code=group))
    service.areas.add(area or world.area)
    return service


@pytest.fixture
def services(world):
    south = Area.objects.create(municipality=world.gemeente, name="Zuiderkern")
    domains = list(LifeDomain.objects.order_by("position").values_list("code", flat=True))
    return {
        "coffee": add_service(
            world, "Koffieochtend", domain=domains[0], group="ouderen", description="Ontmoeting in de wijk"
        ),
        "money": add_service(world, "Formulierenhulp", domain=domains[1], group="schulden", area=south, free=True),
        "closed": add_service(world, "Oude inloop", domain=domains[0], group="ouderen", status="inactive"),
        "elsewhere": CommunityService.objects.create(
            hsds_id=uuid.uuid4(), municipality=world.other_gemeente, organization_id=uuid.uuid4(),
            organization_name="Elders", name="Koffieochtend elders",
        ),
        "south": south,
        "domains": domains,
    }  # fmt: skip


PINNED = 10  # session, user, 2FA, search, 3 prefetches, 3 filter lists


def names(queryset) -> list[str]:
    return [s.name for s in queryset]


def test_search_filters_by_words_domain_area_and_group(world, services):
    g = world.gemeente.pk
    assert names(socialmap.search(g)) == ["Formulierenhulp", "Koffieochtend"]  # active, own municipality
    assert names(socialmap.search(g, text="koffie")) == ["Koffieochtend"]
    assert names(socialmap.search(g, text="wijk ontmoeting")) == ["Koffieochtend"]  # every word, any field
    domain = LifeDomain.objects.get(code=services["domains"][1])
    assert names(socialmap.search(g, domain_id=domain.pk)) == ["Formulierenhulp"]
    assert names(socialmap.search(g, area_id=services["south"].pk)) == ["Formulierenhulp"]
    group = TargetGroup.objects.get(code="ouderen")
    assert names(socialmap.search(g, target_group_id=group.pk)) == ["Koffieochtend"]


def test_the_page_searches_with_a_flat_query_count(client, world, services):
    client.force_login(world.professional)
    page = client.get(reverse("social-map"), {"q": "koffie"}).content.decode()
    assert "Koffieochtend" in page and "elders" not in page
    few = page_queries(client, reverse("social-map") + "?q=", audit_rows=0)
    for i in range(5):
        add_service(world, f"Dienst {i}", domain=services["domains"][2], group="jongeren")
    assert page_queries(client, reverse("social-map") + "?q=", audit_rows=0) == few == PINNED


def test_export_is_valid_hsds_and_imports_back_unchanged(world, services, tmp_path):
    exported = socialmap.export(world.gemeente)
    assert len(exported) == 3 and all(openreferral.validate_service(record) == [] for record in exported)
    CommunityService.objects.filter(municipality=world.gemeente).delete()
    result = socialmap.import_hsds(json.dumps(exported).encode(), world.gemeente)
    assert (result.created, result.errors) == (3, [])
    assert socialmap.export(world.gemeente) == exported


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda r: r.update(status="open"), "status: waarde 'open' is niet toegestaan"),
        (lambda r: r.pop("name"), "name: verplicht veld ontbreekt"),
        (lambda r: r.update(id="geen-uuid"), "id: waarde 'geen-uuid' is geen geldige uuid"),
        (lambda r: r["service_areas"].append({"id": str(uuid.uuid4()), "name": "Atlantis"}), "Atlantis"),
        (lambda r: r.update(minimum_age=-3), "minimum_age"),
        (lambda r: r.update(openingstijden="ma–vr"), "openingstijden: onbekend veld"),
        (lambda r: r["organization"].update(naam="X"), "organization.naam: onbekend veld"),
        (lambda r: r.update(description="Koffie\x00"), "description: bevat een onzichtbaar stuurteken (NUL)"),
    ],
)
def test_a_bad_record_is_reported_and_nothing_is_imported(world, services, damage, needle):
    exported = socialmap.export(world.gemeente)
    damage(exported[1])
    before = CommunityService.objects.count()
    result = socialmap.import_hsds(json.dumps(exported).encode(), world.gemeente)
    assert result.created == 0 and any(needle in e and e.startswith("dienst 2") for e in result.errors), result.errors
    assert CommunityService.objects.count() == before


def test_duplicates_and_broken_json_are_reported(world, services):
    exported = socialmap.export(world.gemeente)
    result = socialmap.import_hsds(json.dumps([exported[0], exported[0]]).encode(), world.gemeente)
    assert any("twee keer" in e for e in result.errors)
    assert socialmap.import_hsds(b"{niet", world.gemeente).errors[0].startswith("bestand: geen geldige JSON")
    assert "lijst" in socialmap.import_hsds(b"{}", world.gemeente).errors[0]


def test_the_command_exports_and_imports(world, services, tmp_path, capsys):
    target = tmp_path / "kaart.json"
    call_command("sociale_kaart", "export", "--gemeente", world.gemeente.code, "--out", str(target))
    data = json.loads(target.read_text())
    data[0]["name"] = "Koffieochtend (nieuw)"
    target.write_text(json.dumps(data))
    call_command("sociale_kaart", "import", str(target), "--gemeente", world.gemeente.code)
    assert "0 dienst(en) toegevoegd, 3 bijgewerkt." in capsys.readouterr().out
    assert CommunityService.objects.filter(name="Koffieochtend (nieuw)").exists()


def test_every_service_on_first_visit_and_a_clear_message_for_a_bad_filter(client, world, services):
    client.force_login(world.professional)
    first = client.get(reverse("social-map")).content.decode()
    assert "Koffieochtend" in first and "Formulierenhulp" in first
    bad = client.get(reverse("social-map"), {"domain": "99999"})
    assert bad.status_code == 200 and "Leefdomein:" in bad.content.decode()


def test_the_map_and_its_download_answer_only_get_and_head(client, world, services):
    from django.urls import reverse

    client.force_login(world.professional)
    for name in ("social-map", "social-map-export-csv"):
        assert client.post(reverse(name)).status_code == 405
        assert client.head(reverse(name)).status_code == 200
