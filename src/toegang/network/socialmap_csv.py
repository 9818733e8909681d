"""The social map in the tabular form of Open Referral HSDS 3.0: a Tabular Data Package, one CSV file per
HSDS object (``services.csv``, ``organizations.csv``, ``service_areas.csv``, ...) with the objects linked
by id columns (``organization_id``, ``service_id``, ``link_id``, ``taxonomy_term_id``), and a
``datapackage.json`` that describes them, together in one ZIP file.

The form carries exactly what the JSON form carries, no more: the export flattens the service objects of
``socialmap.export`` into rows, the import assembles rows into the same service objects and hands them to
the same check and the same all-or-nothing write as the JSON import (``socialmap.import_records``). File
names, columns, required columns and types come from the shipped HSDS schema files (each schema's
``path``, its one-valued fields in order, ``required`` plus ``tabular_required``), the way the
specification generates its own ``datapackage.json`` (see docs/network.md for the sources).

An import refuses, with a Dutch message naming the file, row and column: a file that is not a ZIP, a ZIP
that unpacks to too much (``MAX_MEMBERS``, ``MAX_UNPACKED_BYTES``), a missing ``services.csv`` or
``organizations.csv``, a file that is not UTF-8 or not CSV, an unknown file or column, a duplicate id, a
row that points at an id its target file does not have, and a cell that a spreadsheet would run as a
formula (CSV injection). Rows count as in a spreadsheet: the header is row 1."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from toegang.accounts.models import Municipality
from toegang.network import openreferral, socialmap

MAX_MEMBERS = 50  # files in the ZIP (the whole HSDS package has 23 tables)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all files together, unpacked
MAX_ERRORS = 200  # lines reported from reading the package; the rest is counted
PACKAGE_FILE = "datapackage.json"


@dataclass(frozen=True)
class Link:
    """How an HSDS object nests in its parent in the JSON form, and which column links them in the CSV
    form: ``many`` objects (a list under ``key``) point at their parent with ``column``; a single object
    (under ``key``) is the row the parent's ``column`` points at."""

    key: str
    table: str
    column: str
    many: bool


# The nesting of socialmap.to_hsds: what the social map carries of HSDS, and nothing else.
ROOT = "service"
LINKS: dict[str, tuple[Link, ...]] = {
    "service": (
        Link("organization", "organization", "organization_id", many=False),
        Link("service_areas", "service_area", "service_id", many=True),
        Link("phones", "phone", "service_id", many=True),
        Link("schedules", "schedule", "service_id", many=True),
        Link("cost_options", "cost_option", "service_id", many=True),
        Link("attributes", "attribute", "link_id", many=True),
    ),
    "attribute": (Link("taxonomy_term", "taxonomy_term", "taxonomy_term_id", many=False),),
}
REQUIRED_FILES = ("service", "organization")


def _tables() -> list[str]:
    """Every table of the form, in the order of the HSDS data package."""
    names = {ROOT} | {link.table for links in LINKS.values() for link in links}
    return sorted(names, key=lambda name: openreferral.table_schema(name)["datapackage_metadata"]["order"])


def file_name(table: str) -> str:
    return str(openreferral.table_schema(table)["path"])


def _link_columns(table: str) -> set[str]:
    """The id columns a row of this table needs in Toegang's form: the links to its parent and to the
    single objects it points at."""
    columns = {link.column for link in LINKS.get(table, ()) if not link.many}
    columns |= {link.column for links in LINKS.values() for link in links if link.many and link.table == table}
    return columns


def _required_columns(table: str) -> set[str]:
    schema = openreferral.table_schema(table)
    return {"id", *schema.get("required", []), *schema.get("tabular_required", []), *_link_columns(table)}


# --- cells -----------------------------------------------------------------------------------------------
# A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula. The
# export puts an apostrophe before such text (the usual escape; a spreadsheet shows the text, not the
# apostrophe) and the import takes exactly that apostrophe off again. Plain numbers and phone numbers
# (+31 20 123 45 67, -3) are not formulas.

_FORMULA = re.compile(r"[=@\t\r]|[+\-](?![\d\s().\-/]*\Z)")
_ESCAPED = re.compile(r"'+(?:[=@\t\r]|[+\-](?![\d\s().\-/]*\Z))")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", re.ASCII)


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA.match(text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) or _ESCAPED.match(text) else text


def _value(text: str, prop: dict[str, Any]) -> tuple[bool, Any]:
    """A cell as a JSON value of its HSDS field: (False, None) for an empty cell that means 'absent'.
    Text that is not a number (or not true/false) stays text, so that the schema names the rule."""
    kind = prop.get("type")
    if text == "":
        return (kind == "string" and "format" not in prop, "")  # empty text is text; an empty id is absent
    number = _NUMBER.fullmatch(text) if kind in ("number", "integer") else None
    if number:
        parsed = float(text) if number.group(1) or number.group(2) else int(text)
        return (True, parsed if math.isfinite(parsed) else text)
    if kind == "boolean" and text in ("true", "false"):
        return (True, text == "true")
    if kind == "string" and _ESCAPED.match(text):
        return (True, text[1:])
    return (True, text)


# --- export ----------------------------------------------------------------------------------------------


def tables(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """HSDS service objects as the rows of their tables (objects shared by services, an organisation or a
    taxonomy term, become one row)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _tables()}
    seen: dict[str, set[Any]] = {name: set() for name in rows}

    def walk(table: str, record: dict[str, Any], parent: tuple[str, Any] | None) -> None:
        row: dict[str, Any] = {}
        links = {link.key: link for link in LINKS.get(table, ())}
        for key, value in record.items():
            link = links.get(key)
            if link is None:
                if isinstance(value, dict | list):  # a nested object this form does not know: a programming error
                    raise ValueError(f"{table}.{key}: no table for it in socialmap_csv.LINKS")
                row[key] = value
            elif link.many:
                for child in value:
                    walk(link.table, child, (link.column, record["id"]))
            else:
                row[link.column] = value["id"]
                walk(link.table, value, None)
        if parent is not None:
            row[parent[0]] = parent[1]
        if row["id"] not in seen[table]:
            seen[table].add(row["id"])
            rows[table].append(row)

    for record in records:
        walk(ROOT, record, None)
    return rows


def _columns(table: str, rows: list[dict[str, Any]]) -> list[str]:
    """The table's columns that the rows use, and its required ones, in schema order."""
    used = {key for row in rows for key in row} | _required_columns(table)
    return [column for column in openreferral.table_columns(table) if column in used]


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # RFC 4180: comma, double quotes where needed, CRLF
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue().encode("utf-8")


def datapackage(municipality: Municipality, columns: dict[str, list[str]]) -> dict[str, Any]:
    """The package descriptor, made from the HSDS schemas the way the specification makes its own
    ``datapackage.json`` (fields with their type, format and constraints; id as primary key; foreign keys
    along the links), limited to the files and columns in the package."""
    resources = []
    for table, names in columns.items():
        schema = openreferral.table_schema(table)
        properties = schema["properties"]
        required = _required_columns(table)
        fields = []
        for name in names:
            prop = properties[name]
            constraints: dict[str, Any] = {"required": name in required, "unique": name == "id"}
            if "enum" in prop:
                constraints["enum"] = prop["enum"]
            entry = {"name": name, "type": prop["type"], "title": prop.get("title", name)}
            if prop.get("format") in ("uuid", "email", "uri"):
                entry["format"] = prop["format"]
            fields.append({**entry, "constraints": constraints})
        foreign_keys = [
            {"fields": link.column, "reference": {"resource": link.table, "fields": "id"}}
            for link in LINKS.get(table, ())
            if not link.many
        ] + [
            {"fields": link.column, "reference": {"resource": parent, "fields": "id"}}
            for parent, links in LINKS.items()
            for link in links
            if link.many and link.table == table and link.column != "link_id"  # link_id may point at any object
        ]
        table_schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
        if foreign_keys:
            table_schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table,
                "path": file_name(table),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"toegang-sociale-kaart-{municipality.code}",
        "title": f"Sociale kaart {municipality.name} (Open Referral HSDS 3.0)",
        "sources": [
            {
                "title": "Human Services Data Specification (HSDS) 3.0: an Open Referral resource",
                "path": "https://github.com/openreferral/specification",
            }
        ],
        "resources": resources,
    }


def export_zip(municipality: Municipality) -> bytes:
    """The municipality's social map as an HSDS 3.0 Tabular Data Package in a ZIP file."""
    rows = tables(socialmap.export(municipality))
    columns = {table: _columns(table, table_rows) for table, table_rows in rows.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for table, table_rows in rows.items():
            package.writestr(file_name(table), _csv(columns[table], table_rows))
        descriptor = json.dumps(datapackage(municipality, columns), ensure_ascii=False, indent=2)
        package.writestr(PACKAGE_FILE, descriptor + "\n")
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as in a spreadsheet: the header is row 1
    cells: dict[str, str]


@dataclass
class Package:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class _TooLarge(Exception):
    pass


def _unpack(data: bytes, errors: list[str]) -> dict[str, bytes]:
    """The files of the ZIP by name, read with a limit on their number and unpacked size (a ZIP bomb's
    headers can lie about the size, so the limit holds while reading)."""
    limit = f"het pakket is te groot: samen hoogstens {MAX_UNPACKED_BYTES // (1024 * 1024)} MB uitgepakt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                errors.append(f"bestand: het ZIP-bestand bevat {len(members)} bestanden; hoogstens {MAX_MEMBERS}")
                return {}
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                errors.append(f"bestand: {limit}")
                return {}
            files: dict[str, bytes] = {}
            left = MAX_UNPACKED_BYTES
            for member in members:
                path = PurePosixPath(member.filename)
                if member.is_dir() or "__MACOSX" in path.parts or path.name.startswith("."):
                    continue  # folders and the bookkeeping files of macOS
                if path.name in files:
                    errors.append(f"{path.name}: komt twee keer voor in het ZIP-bestand")
                    continue
                with package.open(member) as stream:
                    content = stream.read(left + 1)
                if len(content) > left:
                    raise _TooLarge
                left -= len(content)
                files[path.name] = content
            return files
    except _TooLarge:
        errors.append(f"bestand: {limit}")
    except RuntimeError:  # an encrypted member
        errors.append("bestand: het ZIP-bestand is met een wachtwoord beveiligd; lever het zonder wachtwoord")
    except NotImplementedError:
        errors.append("bestand: het ZIP-bestand gebruikt een compressie die Toegang niet kent; gebruik 'deflate'")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, ValueError, OSError):
        errors.append(
            "bestand: geen (geldig) ZIP-bestand; een HSDS-CSV-pakket is een ZIP met één CSV-bestand per tabel"
        )
    return {}


def _read_table(table: str, name: str, content: bytes, errors: list[str]) -> list[Row] | None:
    try:
        text = content.decode("utf-8-sig")  # a spreadsheet's byte order mark is not part of the header
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        errors.append(
            f"{name} regel {line}: geen UTF-8 (byte 0x{content[error.start]:02x}); sla het bestand op als 'CSV UTF-8'"
        )
        return None
    columns = openreferral.table_columns(table)
    rows: list[Row] = []
    number = 0
    header: list[str] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), strict=True), start=1):
            if number == 1:
                header = [value.strip() for value in values]
                if not _check_header(table, name, header, columns, errors):
                    return None
                continue
            if not any(values):
                continue  # an empty line
            if len(values) > len(header):
                errors.append(f"{name} rij {number}: {len(values)} waarden, maar {len(header)} kolommen")
                continue
            cells = dict(zip(header, values, strict=False))
            for column, value in cells.items():
                if looks_like_formula(value):
                    errors.append(
                        f'{name} rij {number}, veld "{column}": begint met {value[:1]!r} en zou in een spreadsheet '
                        "als formule werken (CSV-injectie); zet er een apostrof (') voor als het gewone tekst is"
                    )
            rows.append(Row(number, cells))
    except csv.Error as error:
        detail = "een veld is te lang" if "field larger" in str(error) else "aanhalingstekens kloppen niet"
        errors.append(f"{name} rij {number + 1}: geen geldige CSV ({detail})")
        return None
    if not header:
        errors.append(f"{name}: leeg bestand; verwacht een kopregel met de kolomnamen")
        return None
    return rows


def _check_header(table: str, name: str, header: list[str], columns: list[str], errors: list[str]) -> bool:
    before = len(errors)
    if len(header) == 1 and ";" in header[0]:
        errors.append(f"{name} rij 1: de kolommen zijn gescheiden door puntkomma's; HSDS-CSV gebruikt komma's")
        return False
    for position, column in enumerate(header):
        if column in header[:position]:
            errors.append(f'{name} rij 1, veld "{column}": deze kolom komt twee keer voor')
        elif not column:
            errors.append(f"{name} rij 1: kolom {position + 1} heeft geen naam")
        elif column not in columns:
            errors.append(f'{name} rij 1, veld "{column}": onbekende kolom; HSDS 3.0 kent die niet in {name}')
    missing = sorted(({"id"} | _link_columns(table)) - set(header))
    errors.extend(f'{name}: kolom "{column}" ontbreekt' for column in missing)
    return len(errors) == before


def read_package(data: bytes) -> Package:
    """The rows of each table of an HSDS CSV package, or the problems that stop reading it."""
    package = Package()
    errors = package.errors
    files = _unpack(data, errors)
    if errors:
        return package
    known = {file_name(table): table for table in _tables()}
    other = _other_hsds_files()
    for name, content in files.items():
        if name == PACKAGE_FILE:
            continue  # the descriptor is information for people and tools; the HSDS schema is the contract
        table = known.get(name)
        if table is None:
            if name in other:
                errors.append(
                    f"{name}: Toegang neemt deze HSDS-tabel niet over; de sociale kaart bestaat uit " + ", ".join(known)
                )
            else:
                errors.append(f"{name}: onbekend bestand; een HSDS-CSV-pakket bevat {', '.join(known)}")
            continue
        rows = _read_table(table, name, content, errors)
        if rows is not None:
            package.rows[table] = rows
    for table in REQUIRED_FILES:
        if file_name(table) not in files:
            errors.append(f"{file_name(table)}: dit bestand ontbreekt in het ZIP-bestand")
    return package


def _other_hsds_files() -> set[str]:
    names = set()
    for path in openreferral.SCHEMA_DIR.glob("*.json"):
        schema = openreferral.table_schema(path.stem)
        if isinstance(schema.get("path"), str):
            names.add(schema["path"])
    return names


@dataclass
class Assembly:
    records: list[dict[str, Any]] = field(default_factory=list)
    origins: list[dict[str, tuple[str, int]]] = field(default_factory=list)  # path prefix -> (file, row)
    errors: list[str] = field(default_factory=list)


def assemble(package: Package) -> Assembly:
    """The service objects of the JSON form, built from the rows, each with where its parts came from.
    Duplicate ids and ids that point at nothing are reported here."""
    result = Assembly()
    by_id: dict[str, dict[str, Row]] = {}
    for table in _tables():
        name = file_name(table)
        index: dict[str, Row] = {}
        for row in package.rows.get(table, []):
            key = row.cells.get("id", "")
            if key and key in index:
                result.errors.append(
                    f'{name} rij {row.number}, veld "id": {key!r} staat ook in rij {index[key].number}'
                )
            elif key:
                index[key] = row
        by_id[table] = index
    children: dict[tuple[str, str], list[Row]] = {}
    parents = {(link.table, link.column): parent for parent, links in LINKS.items() for link in links if link.many}
    for (table, column), parent in parents.items():
        name = file_name(table)
        for row in package.rows.get(table, []):
            target = row.cells.get(column, "")
            if target in by_id[parent]:
                children.setdefault((table, target), []).append(row)
            else:
                result.errors.append(_broken(name, row, column, target, parent))

    def build(table: str, row: Row, path: str, origins: dict[str, tuple[str, int]]) -> dict[str, Any]:
        origins[path] = (file_name(table), row.number)
        properties = openreferral.table_schema(table)["properties"]
        record: dict[str, Any] = {}
        for column, text in row.cells.items():
            present, value = _value(text, properties[column])
            if present:
                record[column] = value
        prefix = f"{path}." if path else ""
        for link in LINKS.get(table, ()):
            if link.many:
                rows = children.get((link.table, row.cells.get("id", "")), [])
                if rows:
                    record[link.key] = [
                        build(link.table, child, f"{prefix}{link.key}.{i}", origins) for i, child in enumerate(rows)
                    ]
            else:
                target = row.cells.get(link.column, "")
                found = by_id[link.table].get(target)
                if found is None:
                    result.errors.append(_broken(file_name(table), row, link.column, target, link.table))
                else:
                    record[link.key] = build(link.table, found, f"{prefix}{link.key}", origins)
        return record

    for row in package.rows.get(ROOT, []):
        origins: dict[str, tuple[str, int]] = {}
        result.records.append(build(ROOT, row, "", origins))
        result.origins.append(origins)
    return result


_NAMES = {
    "service": "dienst",
    "organization": "organisatie",
    "taxonomy_term": "term",
}


def _broken(name: str, row: Row, column: str, target: str, table: str) -> str:
    if not target:
        return f'{name} rij {row.number}, veld "{column}": verplicht; de rij hoort bij een {_NAMES[table]}'
    return (
        f'{name} rij {row.number}, veld "{column}": verwijst naar {_NAMES[table]} {target!r}, '
        f"die niet in {file_name(table)} staat"
    )


def _limited(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], f"… en nog {len(errors) - MAX_ERRORS} fout(en)"]


def import_zip(data: bytes, municipality: Municipality) -> socialmap.ImportResult:
    """Import an HSDS 3.0 CSV package (a ZIP): the rows become the service objects of the JSON form and go
    through the same check and the same all-or-nothing write. Nothing is stored when any file, row or
    record has a problem."""
    package = read_package(data)
    if package.errors:
        return socialmap.ImportResult(errors=_limited(package.errors))
    assembly = assemble(package)
    if assembly.errors:
        return socialmap.ImportResult(errors=_limited(assembly.errors))

    def where(index: int, path: str) -> str:
        origins = assembly.origins[index]
        prefix = max(
            (p for p in origins if p == "" or path == p or path.startswith(p + ".")),
            key=len,
            default="",
        )
        name, number = origins.get(prefix, (file_name(ROOT), 0))
        column = path[len(prefix) :].lstrip(".")
        return f'{name} rij {number}, veld "{column}"' if column else f"{name} rij {number}"

    result = socialmap.import_records(assembly.records, municipality, where=where)
    result.errors = _limited(list(dict.fromkeys(result.errors)))  # a shared row is in several records
    return result
