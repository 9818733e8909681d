"""The social map in the tabular form of HSDS 3.0: a ZIP with one CSV file per table and a datapackage.json.
Exported and imported back it gives the same services as the JSON form; every kind of bad package is
reported in Dutch with its file, row and column, and stores nothing."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_user
from tests.test_social_map import add_service
from toegang.accounts.models import Area, Municipality, User
from toegang.network import openreferral, socialmap, socialmap_csv, socialmap_views
from toegang.network.models import CommunityService
from toegang.plans.models import LifeDomain

TABLES = [
    "organizations.csv",
    "services.csv",
    "attributes.csv",
    "phones.csv",
    "schedules.csv",
    "cost_options.csv",
    "service_areas.csv",
    "taxonomy_terms.csv",
]


@pytest.fixture
def services(world):
    south = Area.objects.create(municipality=world.gemeente, name="Zuiderkern")
    domains = list(LifeDomain.objects.order_by("position").values_list("code", flat=True))
    coffee = add_service(
        world, "Koffieochtend", domain=domains[0], group="ouderen", description='Ontmoeting, "gezellig"\nin de wijk',
        phone="+31 20 123 45 67", opening_hours="ma–vr 9:00–12:00", url="https://example.org/koffie",
        email="koffie@example.org", minimum_age=55, eligibility="Voor ouderen uit 's-Hertogenbosch",
    )  # fmt: skip
    coffee.domains.add(LifeDomain.objects.get(code=domains[2]))
    money = add_service(
        world, "=HYPERLINK(\"http://x\")", domain=domains[1], group="schulden", area=south, free=True,
        description="-- lijst\n- één", fees="'=gratis",
    )  # fmt: skip
    closed = add_service(world, "Oude inloop", domain=domains[0], group="ouderen", status="inactive", free=False)
    closed.areas.add(south)
    return {"coffee": coffee, "money": money, "closed": closed, "south": south, "domains": domains}


def unpack(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist()}


def pack(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write(table: list[dict[str, str]], columns: list[str] | None = None) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns or list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def normalised(value):
    """The JSON form without empty texts and lists: the CSV form cannot tell an empty cell from a missing
    field where the JSON form leaves it out."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items() if item not in ("", [], None)}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


def test_the_package_has_one_csv_per_table_and_a_descriptor(world, services):
    files = unpack(socialmap_csv.export_zip(world.gemeente))
    assert sorted(files) == sorted([*TABLES, "datapackage.json"])
    assert all(
        "\r\n" in text and not text.startswith("\ufeff") for name, text in files.items() if name != "datapackage.json"
    )
    service_rows = rows(files["services.csv"])
    assert [row["name"] for row in service_rows] == ['\'=HYPERLINK("http://x")', "Koffieochtend", "Oude inloop"]
    assert {row["organization_id"] for row in service_rows} <= {row["id"] for row in rows(files["organizations.csv"])}
    assert len(rows(files["attributes.csv"])) == 7 and len(rows(files["service_areas.csv"])) == 4
    assert len(rows(files["taxonomy_terms.csv"])) == 5  # three domains and two target groups, each once
    assert rows(files["phones.csv"])[0]["number"] == "+31 20 123 45 67"  # a phone number is not a formula
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["profile"] == "tabular-data-package"
    by_path = {resource["path"]: resource for resource in descriptor["resources"]}
    assert sorted(by_path) == sorted(TABLES)
    for path, resource in by_path.items():
        header = next(csv.reader(io.StringIO(files[path])))
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        assert set(header) <= set(openreferral.table_columns(resource["name"]))  # HSDS columns only
    assert {"fields": "service_id", "reference": {"resource": "service", "fields": "id"}} in by_path[
        "service_areas.csv"
    ]["schema"]["foreignKeys"]
    status = next(f for f in by_path["services.csv"]["schema"]["fields"] if f["name"] == "status")
    assert status["constraints"] == {
        "required": True,
        "unique": False,
        "enum": ["active", "inactive", "defunct", "temporarily closed"],
    }


def test_the_rows_assemble_into_the_records_of_the_json_form(world, services):
    package = socialmap_csv.read_package(socialmap_csv.export_zip(world.gemeente))
    assembly = socialmap_csv.assemble(package)
    assert package.errors == [] and assembly.errors == []
    assert normalised(assembly.records) == normalised(socialmap.export(world.gemeente))


def test_export_and_import_give_the_same_services(world, services):
    exported = socialmap.export(world.gemeente)
    data = socialmap_csv.export_zip(world.gemeente)
    CommunityService.objects.filter(municipality=world.gemeente).delete()
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert (result.created, result.updated, result.errors) == (3, 0, [])
    assert socialmap.export(world.gemeente) == exported
    again = socialmap_csv.import_zip(data, world.gemeente)  # known ids are updated, nothing doubles
    assert (again.created, again.updated, again.errors) == (0, 3, [])
    assert socialmap.export(world.gemeente) == exported


def test_a_clean_municipality_gets_the_same_services(world, services):
    exported = socialmap.export(world.gemeente)
    data = socialmap_csv.export_zip(world.gemeente)
    for name in ("Noord", "Zuiderkern"):
        Area.objects.create(municipality=world.other_gemeente, name=name)
    taken = socialmap_csv.import_zip(data, world.other_gemeente)
    assert taken.created == 0 and any("andere gemeente" in e for e in taken.errors)  # hsds ids are global
    clean = Municipality.objects.create(code="9903", name="Schone gemeente")
    for name in ("Noord", "Zuiderkern"):
        Area.objects.create(municipality=clean, name=name)
    CommunityService.objects.filter(municipality=world.gemeente).delete()
    result = socialmap_csv.import_zip(data, clean)
    assert (result.created, result.errors) == (3, [])

    def without_area_ids(records):  # a service area's id derives from the area's row in the database
        return [{**r, "service_areas": [{**a, "id": None} for a in r["service_areas"]]} for r in records]

    assert without_area_ids(socialmap.export(clean)) == without_area_ids(exported)


def package_with(world, change) -> bytes:
    files: dict[str, str | bytes] = dict(unpack(socialmap_csv.export_zip(world.gemeente)))
    change(files)
    return pack(files)


def edit(name: str, change):
    """Change the rows of one file (a list of dicts, the header from the first row's keys)."""

    def apply(files):
        table = rows(files[name])
        columns = list(table[0]) if table else next(csv.reader(io.StringIO(files[name])))
        change(table, columns)
        files[name] = write(table, columns)

    return apply


def cell(name: str, row: int, column: str, value: str):
    def change(table, columns):
        if column not in columns:
            columns.append(column)
        table[row][column] = value

    return edit(name, change)


BAD = {
    "unknown column": (
        cell("services.csv", 1, "openingstijden", "ma–vr"),
        'services.csv rij 1, veld "openingstijden": onbekende kolom; HSDS 3.0 kent die niet in services.csv',
    ),
    "broken reference": (
        cell("service_areas.csv", 0, "service_id", str(uuid.UUID(int=7))),
        'service_areas.csv rij 2, veld "service_id": verwijst naar dienst '
        "'00000000-0000-0000-0000-000000000007', die niet in services.csv staat",
    ),
    "broken term": (
        cell("attributes.csv", 2, "taxonomy_term_id", str(uuid.UUID(int=8))),
        "die niet in taxonomy_terms.csv staat",
    ),
    "broken organisation": (
        cell("services.csv", 0, "organization_id", ""),
        'services.csv rij 2, veld "organization_id": verplicht; de rij hoort bij een organisatie',
    ),
    "duplicate id": (
        edit("services.csv", lambda table, columns: table.append(dict(table[0]))),
        'services.csv rij 5, veld "id": ',
    ),
    "missing file": (lambda files: files.pop("services.csv"), "services.csv: dit bestand ontbreekt in het ZIP-bestand"),
    "missing column": (
        edit("phones.csv", lambda table, columns: columns.remove("service_id") or [r.pop("service_id") for r in table]),
        'phones.csv: kolom "service_id" ontbreekt',
    ),
    "not utf-8": (
        lambda files: files.update({"services.csv": files["services.csv"].replace("Oude", "Oudé").encode("latin-1")}),
        "services.csv regel 3: geen UTF-8 (byte 0xe9); sla het bestand op als 'CSV UTF-8'",
    ),
    "formula": (
        cell("services.csv", 1, "description", "=1+1"),
        "services.csv rij 3, veld \"description\": begint met '=' en zou in een spreadsheet als formule werken",
    ),
    "formula with a plus": (cell("schedules.csv", 0, "description", "+cmd|' /C calc'!A0"), "begint met '+'"),
    "schema rule": (
        cell("services.csv", 2, "status", "open"),
        "services.csv rij 4, veld \"status\": waarde 'open' is niet toegestaan",
    ),
    "required field of a nested object": (
        edit(
            "organizations.csv",
            lambda table, columns: columns.remove("description") or [r.pop("description") for r in table],
        ),
        'organizations.csv rij 2, veld "description": verplicht veld ontbreekt',
    ),
    "not a number": (
        cell("services.csv", 1, "minimum_age", "twaalf"),
        "services.csv rij 3, veld \"minimum_age\": verwacht getal, niet 'twaalf'",
    ),
    "Toegang's rule": (
        cell("service_areas.csv", 0, "name", "Atlantis"),
        "service_areas.csv rij 2, veld \"name\": 'Atlantis' is geen wijk of kern van Testgemeente",
    ),
    "unknown domain": (
        cell("taxonomy_terms.csv", 0, "code", "XX"),
        'taxonomy_terms.csv rij 2, veld "code": ',
    ),
    "other HSDS table": (
        lambda files: files.update({"locations.csv": "id,name\n"}),
        "locations.csv: Toegang neemt deze HSDS-tabel niet over",
    ),
    "unknown file": (lambda files: files.update({"notities.txt": "hoi"}), "notities.txt: onbekend bestand"),
    "semicolons": (
        lambda files: files.update({"phones.csv": files["phones.csv"].replace(",", ";")}),
        "phones.csv rij 1: de kolommen zijn gescheiden door puntkomma's; HSDS-CSV gebruikt komma's",
    ),
    "too many cells": (
        lambda files: files.update({"phones.csv": files["phones.csv"].rstrip("\r\n") + ",extra\r\n"}),
        "phones.csv rij 2: 4 waarden, maar 3 kolommen",
    ),
    "broken quotes": (
        lambda files: files.update({"schedules.csv": files["schedules.csv"] + '"a"b,c\r\n'}),
        "schedules.csv rij 3: geen geldige CSV (aanhalingstekens kloppen niet)",
    ),
    "empty file": (lambda files: files.update({"phones.csv": ""}), "phones.csv: leeg bestand"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_package_is_reported_and_nothing_changes(world, services, case):
    change, needle = BAD[case]
    data = package_with(world, change)
    before = socialmap.export(world.gemeente)
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert (result.created, result.updated) == (0, 0)
    assert any(needle in error for error in result.errors), result.errors
    assert socialmap.export(world.gemeente) == before


def test_the_same_change_is_stored_when_the_package_is_good(world, services):
    data = package_with(world, cell("services.csv", 1, "name", "Koffieochtend (nieuw)"))
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert (result.created, result.updated, result.errors) == (0, 3, [])
    assert CommunityService.objects.filter(name="Koffieochtend (nieuw)").exists()


def test_an_escaped_formula_is_text_and_comes_back_unchanged(world, services):
    data = package_with(world, cell("services.csv", 1, "description", "'=1+1"))
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert result.errors == []
    assert CommunityService.objects.get(pk=services["coffee"].pk).description == "=1+1"
    money = CommunityService.objects.get(pk=services["money"].pk)
    assert (money.name, money.fees, money.description) == ('=HYPERLINK("http://x")', "'=gratis", "-- lijst\n- één")


def test_a_folder_in_the_zip_and_a_byte_order_mark_are_fine(world, services):
    files = unpack(socialmap_csv.export_zip(world.gemeente))
    data = pack({f"kaart/{name}": ("\ufeff" + text).encode() for name, text in files.items()} | {"kaart/": ""})
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert (result.updated, result.errors) == (3, [])


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"dit is geen zip", "bestand: geen (geldig) ZIP-bestand"),
        (b"PK\x03\x04" + b"\x00" * 40, "bestand: geen (geldig) ZIP-bestand"),
        (b"", "bestand: geen (geldig) ZIP-bestand"),
        (pack({f"bestand{i}.csv": "" for i in range(60)}), "het ZIP-bestand bevat 60 bestanden; hoogstens 50"),
        (pack({"services.csv": b"\0" * (60 * 1024 * 1024)}), "het pakket is te groot: samen hoogstens 50 MB uitgepakt"),
    ],
    ids=["text", "truncated", "empty", "many files", "zip bomb"],
)
def test_not_a_zip_and_zip_bombs_are_refused(world, services, data, needle):
    before = socialmap.export(world.gemeente)
    result = socialmap_csv.import_zip(data, world.gemeente)
    assert result.errors == [needle] or needle in result.errors[0], result.errors
    assert socialmap.export(world.gemeente) == before


def test_a_zip_bomb_that_lies_about_its_size_is_stopped_while_reading(world, services, monkeypatch):
    monkeypatch.setattr(socialmap_csv, "MAX_UNPACKED_BYTES", 1000)
    data = bytearray(pack({"services.csv": "id\r\n" + "x" * 5000}))
    for start in (data.find(b"PK\x03\x04") + 22, data.find(b"PK\x01\x02") + 24):  # the uncompressed size, twice
        data[start : start + 4] = (10).to_bytes(4, "little")
    result = socialmap_csv.import_zip(bytes(data), world.gemeente)
    assert result.created == 0 and len(result.errors) == 1 and result.errors[0].startswith("bestand: ")


def test_many_errors_are_counted_after_the_first_two_hundred(world, services):
    def change(files):
        files["services.csv"] += "".join(f"=x{i},,,,,,,,\r\n" for i in range(300))

    result = socialmap_csv.import_zip(package_with(world, change), world.gemeente)
    assert len(result.errors) == 201 and result.errors[-1].startswith("… en nog ")


def test_the_command_exports_and_imports_csv(world, services, tmp_path, capsys):
    target = tmp_path / "kaart.zip"
    call_command("sociale_kaart", "export", "--gemeente", world.gemeente.code, "--formaat", "csv", "--out", str(target))
    assert "geschreven naar" in capsys.readouterr().out
    CommunityService.objects.filter(municipality=world.gemeente).delete()
    call_command("sociale_kaart", "import", str(target), "--gemeente", world.gemeente.code, "--formaat", "csv")
    assert "3 dienst(en) toegevoegd, 0 bijgewerkt." in capsys.readouterr().out


def test_the_command_reports_problems_on_stderr_and_exits_non_zero(world, services, tmp_path, capsys):
    bad = tmp_path / "kaart.zip"
    bad.write_bytes(package_with(world, cell("services.csv", 0, "status", "open")))
    with pytest.raises(SystemExit) as exit_:
        call_command("sociale_kaart", "import", str(bad), "--gemeente", world.gemeente.code, "--formaat", "csv")
    out, err = capsys.readouterr()
    assert exit_.value.code == 1 and out == ""
    assert err.splitlines() == [
        "services.csv rij 2, veld \"status\": waarde 'open' is niet toegestaan; kies uit active, inactive, defunct, "
        "temporarily closed",
        "1 fout(en): er is niets ingelezen.",
    ]
    not_zip = tmp_path / "kaart.json"
    not_zip.write_text("[]")
    with pytest.raises(SystemExit) as exit_:
        call_command("sociale_kaart", "import", str(not_zip), "--gemeente", world.gemeente.code, "--formaat", "csv")
    assert exit_.value.code == 1 and "geen (geldig) ZIP-bestand" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # a ZIP to the screen: no
        call_command("sociale_kaart", "export", "--gemeente", world.gemeente.code, "--formaat", "csv")
    assert exit_.value.code == 2 and capsys.readouterr().err.startswith("--out: ")
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "sociale_kaart", "export", "--gemeente", world.gemeente.code, "--formaat", "csv",
            "--out", str(tmp_path / "geen-map" / "kaart.zip"),
        )  # fmt: skip
    assert exit_.value.code == 1 and "kan niet worden geschreven" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # the JSON form reports on stderr too
        call_command("sociale_kaart", "import", str(bad), "--gemeente", world.gemeente.code)
    assert exit_.value.code == 1 and capsys.readouterr().err.startswith("bestand: geen geldige JSON")


def test_the_json_form_stays_the_default(world, services, tmp_path, capsys):
    target = tmp_path / "kaart.json"
    call_command("sociale_kaart", "export", "--gemeente", world.gemeente.code, "--out", str(target))
    assert len(json.loads(target.read_text())) == 3


def test_the_download_view(world, services):
    request = RequestFactory().get("/sociale-kaart/export.zip")
    request.user = world.professional
    response = socialmap_views.export_csv(request)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="sociale-kaart-9901-hsds-csv.zip"' in response["Content-Disposition"]
    assert "services.csv" in unpack(response.content)
    request.user = make_user("los", User.Role.MANAGER, org=world.partner_org, team=None)  # no municipality
    with pytest.raises(PermissionDenied):
        socialmap_views.export_csv(request)


# --- fuzz ------------------------------------------------------------------------------------------------

cells = st.text(alphabet=st.sampled_from(list("ab,\"'\r\n=+-@ 0123456789.é\t;") + ["\x00", "\ufeff"]), max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=80), text=cells, table=st.sampled_from(TABLES), column=st.integers(0, 12), value=cells)
def test_no_package_raises_and_a_bad_one_stores_nothing(world, services, raw, text, table, column, value):
    exported = unpack(socialmap_csv.export_zip(world.gemeente))
    header = next(csv.reader(io.StringIO(exported[table])))
    name = header[column % len(header)]
    table_rows = rows(exported[table]) or [dict.fromkeys(header, "")]
    table_rows[0][name] = value
    candidates = [
        raw,
        pack({"services.csv": raw, "organizations.csv": text}),
        pack({**exported, table: text}),
        pack({**exported, table: write(table_rows, header)}),
    ]
    for data in candidates:
        before = socialmap.export(world.gemeente)
        result = socialmap_csv.import_zip(data, world.gemeente)
        assert all(isinstance(error, str) and error for error in result.errors)
        if result.errors:
            assert socialmap.export(world.gemeente) == before
