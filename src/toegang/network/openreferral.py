"""Validation against the Open Referral HSDS 3.0 JSON Schema files shipped unchanged in ``hsds/schema/``
(a late 3.0 development snapshot of the specification; provenance and the known differences from the
3.0 release in ``hsds/SOURCE.md``). The schema is the contract: a record that does not validate is
reported with the path of the field and the rule it breaks. The schema itself allows fields it does not
know; an import refuses them too (``unknown_fields``), so that a misspelt field is not silently lost."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds" / "schema"


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def service_validator() -> Validator:
    registry = _registry()
    schema = registry.contents("service.json")
    cls = Draft202012Validator
    return cls(schema, registry=registry, format_checker=FormatChecker())


def validate_service(record: Any) -> list[str]:
    """The schema errors of one HSDS service object, each as ``field.path: rule``; empty when valid."""
    return [f"{where}: {rule}" for where, rule in service_problems(record)]


def service_problems(record: Any) -> list[tuple[str, str]]:
    """The schema errors of one HSDS service object as ``(field.path, rule)`` pairs (at most 20): the
    path says where a problem is (``service_areas.0.name``), so that the tabular form can name the file,
    row and column it came from."""
    if not isinstance(record, dict):
        return [("dienst", "verwacht een JSON-object")]
    problems = []
    for error in sorted(service_validator().iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path]):
        where = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":  # the field that is missing, not the object that misses it
            missing = re.search(r"'([^']+)' is a required property", error.message)
            where = ".".join(filter(None, [where, missing.group(1) if missing else ""]))
        problems.append((where or "dienst", _dutch(error)))
    return (problems + _unknown(record, {"$ref": "service.json"}, ""))[:20]


def table_schema(name: str) -> dict[str, Any]:
    """The schema of one HSDS object (``service``, ``service_area``, ...), as shipped in ``hsds/schema/``.
    Its ``path`` is the object's CSV file in the tabular form, its ``datapackage_metadata.order`` the
    file's place in the package, ``required`` plus ``tabular_required`` its required columns."""
    contents = _registry().contents(f"{name}.json")
    if not isinstance(contents, dict):
        raise LookupError(name)
    return contents


def table_columns(name: str) -> list[str]:
    """The columns of an HSDS object's CSV file, in schema order: its fields that hold one value (not
    the lists and objects that the tabular form keeps in files of their own)."""
    properties = table_schema(name).get("properties", {})
    return [key for key, prop in properties.items() if prop.get("type") in ("string", "number", "integer", "boolean")]


def _dutch(error: ValidationError) -> str:
    """The rule a value breaks, in Dutch (the schema library reports in English)."""
    rule = error.validator_value
    match error.validator:
        case "required":
            return "verplicht veld ontbreekt"
        case "enum":
            return f"waarde {error.instance!r} is niet toegestaan; kies uit {', '.join(map(str, rule))}"
        case "type":
            names = {"string": "tekst", "number": "getal", "integer": "geheel getal", "array": "lijst",
                     "object": "object", "boolean": "ja/nee"}  # fmt: skip
            return f"verwacht {names.get(str(rule), str(rule))}, niet {error.instance!r}"
        case "format":
            return f"waarde {error.instance!r} is geen geldige {rule}"
        case "minimum" | "exclusiveMinimum":
            return f"waarde {error.instance!r} is kleiner dan {rule}"
        case "maximum" | "exclusiveMaximum":
            return f"waarde {error.instance!r} is groter dan {rule}"
        case _:
            return f"voldoet niet aan de regel '{error.validator}' van HSDS 3.0"


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if isinstance(reference, str):
        contents = _registry().contents(reference)
        return contents if isinstance(contents, dict) else {}
    return schema


def unknown_fields(record: Any, schema: dict[str, Any] | None = None, where: str = "") -> list[str]:
    """Field names the HSDS schema does not define, at any depth, as ``path: onbekend veld``."""
    schema = schema if schema is not None else {"$ref": "service.json"}
    return [f"{path}: {rule}" for path, rule in _unknown(record, schema, where)]


def _unknown(record: Any, schema: dict[str, Any], where: str) -> list[tuple[str, str]]:
    schema = _resolved(schema)
    problems: list[tuple[str, str]] = []
    if isinstance(record, dict) and isinstance(schema.get("properties"), dict):
        properties = schema["properties"]
        for key, value in record.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in properties:
                problems.append((path, "onbekend veld in HSDS 3.0"))
            else:
                problems += _unknown(value, properties[key], path)
    elif isinstance(record, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(record):
            problems += _unknown(item, schema["items"], f"{where}.{index}")
    return problems
