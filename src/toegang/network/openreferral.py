"""Validation against the official Open Referral HSDS 3.0 JSON Schema, shipped unchanged in
``hsds/schema/`` (provenance in ``hsds/SOURCE.md``). The schema is the contract: a record that does not
validate is reported with the path of the field and the rule it breaks."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds" / "schema"


@cache
def service_validator() -> Validator:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / "service.json").read_text(encoding="utf-8"))
    cls = Draft202012Validator
    return cls(schema, registry=registry, format_checker=FormatChecker())


def validate_service(record: Any) -> list[str]:
    """The schema errors of one HSDS service object, each as ``field.path: rule``; empty when valid."""
    if not isinstance(record, dict):
        return ["dienst: verwacht een JSON-object"]
    problems = []
    for error in sorted(service_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path) or "dienst"
        problems.append(f"{where}: {error.message}")
    return problems[:20]
