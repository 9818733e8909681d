"""A local stub of a ZGW registry for the tests (docs/zgw.md, "Contract tests"): an HTTP server on
127.0.0.1 in a thread, serving the Zaken API under /zaken/api/v1/ and the Besluiten API under
/besluiten/api/v1/. Every request body is validated against the request schema of its operation in the
published OpenAPI specification (tests/fixtures/zgw/, $refs resolved), the required headers are checked
and the ZGW JWT (client-id/secret, HS256) is verified; a request that breaks the contract is recorded in
``violations`` and answered as a registry would (400 ValidatieFout). Every answer is validated against the
response schema before it is sent, so the client is tested on spec-valid answers only. ``script`` makes the
next answers fail: a status code (503, 500, …) or ("invalid", field, reason) for a 400 with invalidParams."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import yaml
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

TEST_SECRET = "geheim-van-de-test-van-minstens-32-tekens"
FIXTURES = Path(__file__).parent / "fixtures" / "zgw"
DROP = {"description", "title", "example", "externalDocs", "discriminator", "min_length", "max_length", "readOnly",
        "writeOnly", "nullable"}  # fmt: skip


def openapi_to_jsonschema(schema: Any, direction: str) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema, for a "request" or a "response" body."""
    if isinstance(schema, list):
        return [openapi_to_jsonschema(item, direction) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROP or value is None:
            continue
        if key == "properties":
            props = {}
            for name, prop in value.items():
                hidden = prop.get("readOnly") if direction == "request" else prop.get("writeOnly")
                props[name] = {"not": {}} if hidden else openapi_to_jsonschema(prop, direction)
            out[key] = props
        elif key == "required":
            props = schema.get("properties", {})
            flag = "readOnly" if direction == "request" else "writeOnly"
            out[key] = [name for name in value if not props.get(name, {}).get(flag)]
        elif key in ("items", "not", "allOf", "oneOf", "anyOf", "additionalProperties"):
            out[key] = openapi_to_jsonschema(value, direction)
        else:
            out[key] = value
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    dt.date.fromisoformat(value)
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and parsed.tzinfo is not None


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value


FORMATS = FormatChecker(formats=())
FORMATS.checks("date", raises=ValueError)(_is_date)
FORMATS.checks("date-time", raises=ValueError)(_is_datetime)
FORMATS.checks("uri")(_is_uri)
FORMATS.checks("uuid", raises=ValueError)(_is_uuid)


class Spec:
    """One API's excerpt, with a validator per operation and direction."""

    def __init__(self, filename: str) -> None:
        self.document = yaml.safe_load((FIXTURES / filename).read_text())
        self.version = self.document["info"]["version"]
        self.registry: Registry = Registry()
        for direction in ("request", "response"):
            schemas = self.document["components"]["schemas"]
            converted = {
                "components": {"schemas": {n: openapi_to_jsonschema(v, direction) for n, v in schemas.items()}}
            }
            self.registry = self.registry.with_resource(
                f"urn:{filename}:{direction}", Resource.from_contents(converted, default_specification=DRAFT7)
            )
        self.filename = filename

    def operation(self, path: str, method: str) -> dict[str, Any]:
        return self.document["paths"][path][method]

    def validator(self, ref: str, direction: str) -> Draft7Validator:
        schema = {"$ref": f"urn:{self.filename}:{direction}{ref}"}
        return Draft7Validator(schema, registry=self.registry, format_checker=FORMATS)

    def request_validator(self, path: str, method: str) -> Draft7Validator:
        ref = self.operation(path, method)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return self.validator(ref, "request")

    def response_validator(self, path: str, method: str, status: int) -> Draft7Validator:
        content = self.operation(path, method)["responses"][str(status)]["content"]
        ref = next(iter(content.values()))["schema"]["$ref"]
        return self.validator(ref, "response")

    def required_headers(self, path: str, method: str) -> dict[str, list[str]]:
        return {
            p["name"]: p["schema"].get("enum", [])
            for p in self.operation(path, method).get("parameters", [])
            if p["in"] == "header" and p.get("required")
        }


ZAKEN = Spec("zaken-api.yaml")
BESLUITEN = Spec("besluiten-api.yaml")


def errors_of(validator: Draft7Validator, body: Any) -> list[tuple[str, str]]:
    """(field, message) for every violation, the field as the registry names it (a dotted path)."""
    found = []
    for error in validator.iter_errors(body):
        field = ".".join(str(p) for p in error.absolute_path) or "nonFieldErrors"
        found.append((field, error.message))
    return found


class StubRegistry:
    def __init__(self, *, client_id: str = "toegang", secret: str = TEST_SECRET, script=()) -> None:
        self.client_id = client_id
        self.secret = secret
        self.script: list[Any] = list(script)
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.created: dict[str, list[dict[str, Any]]] = {
            "zaken": [],
            "statussen": [],
            "resultaten": [],
            "besluiten": [],
        }
        self.zaken: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the name http.server calls
                stub.handle(self, "post")

            def do_PATCH(self):  # noqa: N802
                stub.handle(self, "patch")

            def do_GET(self):  # noqa: N802 - the connection check
                stub.answer(self, 200, {})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.zaken_root = f"{self.base}/zaken/api/v1/"
        self.besluiten_root = f"{self.base}/besluiten/api/v1/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubRegistry:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the HTTP side ---------------------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _route(self, path: str, method: str) -> tuple[Spec, str, str | None] | None:
        m = re.fullmatch(r"/zaken/api/v1/(zaken|statussen|resultaten)(?:/([0-9a-f-]{36}))?", path)
        if m and (m.group(2) is None) == (method == "post"):
            return ZAKEN, "/" + m.group(1) + ("/{uuid}" if m.group(2) else ""), m.group(2)
        if path == "/besluiten/api/v1/besluiten" and method == "post":
            return BESLUITEN, "/besluiten", None
        return None

    def _fout(self, status: int, title: str, invalid: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "https://stub/fout", "code": "invalid" if invalid else "error", "title": title,
                                "status": status, "detail": title, "instance": f"urn:uuid:{uuid.uuid4()}"}  # fmt: skip
        if invalid is not None:
            body["invalidParams"] = [{"name": n, "code": c, "reason": r} for n, c, r in invalid]
        return body

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        path = urlsplit(handler.path).path
        with self.lock:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            self.requests.append(
                {"method": method.upper(), "path": path, "headers": dict(handler.headers), "body": body}
            )
            step = self.script.pop(0) if self.script else None
        route = self._route(path, method)
        if route is None:
            self.violations.append(f"{method.upper()} {path}: geen operatie in de specificatie")
            self.answer(handler, 404, self._fout(404, "Niet gevonden"))
            return
        spec, op_path, object_uuid = route
        problems = self._check(handler, spec, op_path, method, body)
        if problems:
            with self.lock:
                self.violations.extend(f"{method.upper()} {op_path}: {f}: {m}" for f, m in problems)
            self.answer(handler, 400, self._fout(400, "Ongeldige gegevens", [(f, "invalid", m) for f, m in problems]))
            return
        if isinstance(step, int):
            status = step
            fout = self._fout(status, "Storing")
            if status in (400,):
                fout = self._fout(status, "Ongeldige gegevens", [("nonFieldErrors", "invalid", "Storing")])
            self.answer(handler, status, fout)
            return
        if isinstance(step, tuple) and step[0] == "invalid":
            self.answer(handler, 400, self._fout(400, "Ongeldige gegevens", [(step[1], "invalid", step[2])]))
            return
        status, answer = self._make(spec, op_path, method, body, object_uuid)
        problems = errors_of(spec.response_validator(op_path, method, status), answer)
        assert not problems, f"de stub geeft een antwoord buiten de specificatie: {problems}"  # noqa: S101
        self.answer(handler, status, answer)

    def _check(self, handler, spec: Spec, op_path: str, method: str, body: Any) -> list[tuple[str, str]]:
        problems = []
        if not handler.headers.get("Content-Type", "").startswith("application/json"):
            problems.append(("Content-Type", "verwacht application/json"))
        for name, allowed in spec.required_headers(op_path, method).items():
            value = handler.headers.get(name)
            if value is None or (allowed and value not in allowed):
                problems.append((name, f"verplichte header ontbreekt of is ongeldig: {value!r}"))
        auth = handler.headers.get("Authorization", "")
        try:
            claims = jwt.decode(auth.removeprefix("Bearer "), self.secret, algorithms=["HS256"])
            if claims.get("client_id") != self.client_id or claims.get("iss") != self.client_id:
                problems.append(("Authorization", "onbekende client_id"))
        except jwt.PyJWTError as error:
            problems.append(("Authorization", f"geen geldig ZGW-JWT: {error}"))
        problems.extend(errors_of(spec.request_validator(op_path, method), body))
        return problems

    def _make(self, spec, op_path, method, body, object_uuid) -> tuple[int, dict[str, Any]]:
        new = str(uuid.uuid4())
        with self.lock:
            if op_path == "/zaken":
                zaak = {
                    **body, "url": f"{self.zaken_root}zaken/{new}", "uuid": new,
                    "identificatie": f"ZAAK-{len(self.zaken) + 1}", "einddatum": None, "status": None,
                    "resultaat": None, "betalingsindicatieWeergave": "", "deelzaken": [], "eigenschappen": [],
                    "rollen": [], "zaakinformatieobjecten": [], "zaakobjecten": [],
                    "archiefstatus": "nog_te_archiveren",
                }  # fmt: skip
                self.zaken[new] = zaak
                self.created["zaken"].append(body)
                return 201, zaak
            if op_path == "/zaken/{uuid}":
                zaak = self.zaken[object_uuid]
                zaak.update(body)
                return 200, zaak
            if op_path == "/statussen":
                self.created["statussen"].append(body)
                zaak_uuid = body["zaak"].rstrip("/").rsplit("/", 1)[-1]
                url = f"{self.zaken_root}statussen/{new}"
                if zaak_uuid in self.zaken:
                    self.zaken[zaak_uuid]["status"] = url
                return 201, {**body, "url": url, "uuid": new, "zaakinformatieobjecten": []}
            if op_path == "/resultaten":
                self.created["resultaten"].append(body)
                return 201, {**body, "url": f"{self.zaken_root}resultaten/{new}", "uuid": new}
            self.created["besluiten"].append(body)
            return 201, {**body, "url": f"{self.besluiten_root}besluiten/{new}", "identificatie": f"BESLUIT-{new[:8]}"}
