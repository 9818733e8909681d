"""A local stub of a ZGW registry for the tests (docs/zgw.md, "Contract tests"): an HTTP server on
127.0.0.1 in a thread, serving the Zaken API under /zaken/api/v1/ and the Besluiten API under
/besluiten/api/v1/. Every request body is validated against the request schema of its operation in the
published OpenAPI specification (tests/fixtures/zgw/, $refs resolved), the required headers are checked
and the ZGW JWT (client-id/secret, HS256) is verified; a request that breaks the contract (including a query
parameter the operation does not list) is recorded in ``violations`` and answered as a registry would (400
ValidatieFout). Every answer is validated against the response schema before it is sent, so the client is tested
on spec-valid answers only.

It keeps the rules of Open Zaak that Toegang must respect: the identificatie of a zaak is unique per
bronorganisatie and that of a besluit per verantwoordelijkeOrganisatie (400 ``identificatie-niet-uniek``); a zaak
has one resultaat (400 ``unique``); the eindstatus (a statustype in ``end_statustypes``) needs a resultaat (400
``resultaat-does-not-exist``) and, for a hoofdzaak, every deelzaak closed with a resultaat (400
``deelzaken-not-closed``, ``deelzaak-resultaat-does-not-exist``; Open Zaak's test_hoofdzaak_afsluiting.py); it
sets the einddatum, after which the zaak refuses statuses, resultaten and changes (403). Lists are filtered on
the query parameters Toegang uses (bronorganisatie + identificatie; verantwoordelijkeOrganisatie +
identificatie).

Faults, for the writes (POST, PATCH) in the order they come: ``script`` holds one entry per write: None (answer
as usual), a status code (503, 500, …: refused, nothing made), ("invalid", field, reason) for a 400 with
invalidParams, or ("after", fault) where the registry makes the object and the answer is lost: fault is a status
code (a gateway's 5xx), "no-url" (a 201 without the url, as a broken gateway gives) or ("slow", seconds) (the
answer comes after the client gave up). ``scripts`` holds such entries per operation ("POST /besluiten"), used
before ``script``; ``down`` maps an operation ("POST /statussen") to the status code it answers until it is
removed."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import jwt
import yaml
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

TEST_SECRET = "geheim-van-de-test-van-minstens-32-tekens"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
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

    def query_parameters(self, path: str, method: str) -> dict[str, dict[str, Any]]:
        return {
            p["name"]: p["schema"] for p in self.operation(path, method).get("parameters", []) if p["in"] == "query"
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
    def __init__(
        self, *, client_id: str = "toegang", secret: str = TEST_SECRET, script=(), end_statustypes=(), zaaktype_of=None
    ) -> None:
        self.client_id = client_id
        self.secret = secret
        self.script: list[Any] = list(script)
        self.scripts: dict[str, list[Any]] = {}
        self.down: dict[str, int] = {}
        self.end_statustypes: set[str] = set(end_statustypes)
        # the catalogue: the zaaktype each statustype and resultaattype belongs to; a status or resultaat whose type
        # is of another zaaktype than the zaak's is refused, as Open Zaak does (zaaktype-mismatch)
        self.zaaktype_of: dict[str, str] = dict(zaaktype_of or {})
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.created: dict[str, list[dict[str, Any]]] = {
            "zaken": [],
            "statussen": [],
            "resultaten": [],
            "besluiten": [],
        }
        self.zaken: dict[str, dict[str, Any]] = {}
        self.besluiten: dict[str, dict[str, Any]] = {}
        self.statussen: dict[str, dict[str, Any]] = {}  # url -> status as answered
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the name http.server calls
                stub.handle(self, "post")

            def do_PATCH(self):  # noqa: N802
                stub.handle(self, "patch")

            def do_GET(self):  # noqa: N802 - the reads, and the connection check on the API root
                stub.handle(self, "get")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client_address: None  # a client that left (a timeout)
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

    # --- what the registry holds -----------------------------------------------------------------------------

    def zaak(self, url: str) -> dict[str, Any]:
        return self.zaken[url.rstrip("/").rsplit("/", 1)[-1]]

    def statussen_of(self, zaak_url: str) -> list[dict[str, Any]]:
        """The statuses of a zaak in the order they were received."""
        return [s for s in self.statussen.values() if s["zaak"] == zaak_url]

    # --- the HTTP side ---------------------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting

    def _route(self, path: str, method: str) -> tuple[Spec, str, str | None] | None:
        m = re.fullmatch(r"/zaken/api/v1/(zaken|statussen|resultaten)(?:/([0-9a-f-]{36}))?", path)
        if m:
            resource, object_uuid = m.group(1), m.group(2)
            allowed = {"get", "patch"} if object_uuid else ({"get", "post"} if resource == "zaken" else {"post"})
            if method in allowed:
                return ZAKEN, "/" + resource + ("/{uuid}" if object_uuid else ""), object_uuid
        if path == "/besluiten/api/v1/besluiten" and method in ("get", "post"):
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
        parts = urlsplit(handler.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        write = method != "get"  # the script is for the writes
        with self.lock:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            self.requests.append(
                {"method": method.upper(), "path": path, "query": query, "headers": dict(handler.headers),
                 "body": body}
            )  # fmt: skip
        route = self._route(path, method)
        if route is None:
            if method == "get" and path in ("/zaken/api/v1/", "/besluiten/api/v1/"):
                self.answer(handler, 200, {})  # the connection check
                return
            self.violations.append(f"{method.upper()} {path}: geen operatie in de specificatie")
            self.answer(handler, 404, self._fout(404, "Niet gevonden"))
            return
        spec, op_path, object_uuid = route
        problems = self._check(handler, spec, op_path, method, body, query)
        if problems:
            with self.lock:
                self.violations.extend(f"{method.upper()} {op_path}: {f}: {m}" for f, m in problems)
            self.answer(handler, 400, self._fout(400, "Ongeldige gegevens", [(f, "invalid", m) for f, m in problems]))
            return
        refused = self.down.get(f"{method.upper()} {op_path}")
        if refused is not None:
            self.answer(handler, refused, self._fout(refused, "Storing"))
            return
        with self.lock:
            own = self.scripts.get(f"{method.upper()} {op_path}")
            step = own.pop(0) if own else (self.script.pop(0) if write and self.script else None)
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
        status, answer = self._make(op_path, method, body, object_uuid, query)
        if status in (200, 201):
            problems = errors_of(spec.response_validator(op_path, method, status), answer)
            assert not problems, f"de stub geeft een antwoord buiten de specificatie: {problems}"  # noqa: S101
        if isinstance(step, tuple) and step[0] == "after" and status in (200, 201):
            fault = step[1]
            if isinstance(fault, int):
                self.answer(handler, fault, self._fout(fault, "Bad Gateway"))
            elif fault == "no-url":
                self.answer(handler, 201, {k: v for k, v in answer.items() if k != "url"})
            else:
                time.sleep(fault[1])  # made, but the answer comes after the client gave up
                self.answer(handler, status, answer)
            return
        self.answer(handler, status, answer)

    def _check(
        self, handler, spec: Spec, op_path: str, method: str, body: Any, query: dict[str, list[str]]
    ) -> list[tuple[str, str]]:
        problems = []
        if method != "get" and not handler.headers.get("Content-Type", "").startswith("application/json"):
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
        known = spec.query_parameters(op_path, method)
        for name, values in query.items():
            if name not in known:  # as Open Zaak: unknown-parameters
                problems.append((name, "onbekende query-parameter"))
            elif known[name].get("type") == "integer" and not all(v.isdigit() for v in values):
                problems.append((name, "geen geheel getal"))
        if method != "get":
            problems.extend(errors_of(spec.request_validator(op_path, method), body))
        return problems

    def _page(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {"count": len(rows), "next": None, "previous": None, "results": rows}

    def _make(self, op_path, method, body, object_uuid, query) -> tuple[int, dict[str, Any]]:
        new = str(uuid.uuid4())
        one = {name: values[-1] for name, values in query.items()}
        with self.lock:
            if op_path == "/zaken" and method == "get":
                rows = [
                    z for z in self.zaken.values()
                    if all(z.get(f) == one[f] for f in ("bronorganisatie", "identificatie") if f in one)
                ]  # fmt: skip
                return 200, self._page(rows)
            if op_path == "/besluiten" and method == "get":
                rows = [
                    b for b in self.besluiten.values()
                    if all(b.get(f) == one[f] for f in ("verantwoordelijkeOrganisatie", "identificatie") if f in one)
                ]  # fmt: skip
                return 200, self._page(rows)
            if op_path == "/zaken/{uuid}" and method == "get":
                if object_uuid not in self.zaken:
                    return 404, self._fout(404, "Niet gevonden")
                return 200, self.zaken[object_uuid]
            if op_path == "/zaken":
                identificatie = body.get("identificatie") or f"ZAAK-{len(self.zaken) + 1}"
                if any(
                    z["bronorganisatie"] == body["bronorganisatie"] and z["identificatie"] == identificatie
                    for z in self.zaken.values()
                ):
                    return 400, self._fout(400, "Ongeldige gegevens", [
                        ("identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al voor deze "
                         "bronorganisatie")])  # fmt: skip
                url = f"{self.zaken_root}zaken/{new}"
                zaak = {
                    **body, "url": url, "uuid": new,
                    "identificatie": identificatie, "einddatum": None, "status": None,
                    "resultaat": None, "betalingsindicatieWeergave": "", "deelzaken": [], "eigenschappen": [],
                    "rollen": [], "zaakinformatieobjecten": [], "zaakobjecten": [],
                    "archiefstatus": "nog_te_archiveren",
                }  # fmt: skip
                self.zaken[new] = zaak
                if body.get("hoofdzaak"):
                    hoofdzaak = self.zaken.get(body["hoofdzaak"].rstrip("/").rsplit("/", 1)[-1])
                    if hoofdzaak is not None:
                        hoofdzaak["deelzaken"].append(url)
                self.created["zaken"].append(body)
                return 201, zaak
            if op_path == "/besluiten":
                identificatie = body.get("identificatie") or f"BESLUIT-{new[:8]}"
                if any(
                    b["verantwoordelijkeOrganisatie"] == body["verantwoordelijkeOrganisatie"]
                    and b["identificatie"] == identificatie
                    for b in self.besluiten.values()
                ):
                    return 400, self._fout(400, "Ongeldige gegevens", [
                        ("identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al voor deze "
                         "verantwoordelijke organisatie")])  # fmt: skip
                besluit = {**body, "url": f"{self.besluiten_root}besluiten/{new}", "identificatie": identificatie}
                self.besluiten[new] = besluit
                self.created["besluiten"].append(body)
                return 201, besluit
            zaak_uuid = (object_uuid or body["zaak"]).rstrip("/").rsplit("/", 1)[-1]
            zaak = self.zaken.get(zaak_uuid)
            if zaak is None:
                return 400, self._fout(400, "Ongeldige gegevens", [("zaak", "does_not_exist", "Onbekende zaak")])
            if zaak["einddatum"] is not None:  # Open Zaak: a closed zaak is not changed (without a forcing scope)
                return 403, self._fout(403, "Deze zaak is afgesloten en kan niet meer worden gewijzigd")
            if op_path == "/zaken/{uuid}":
                zaak.update(body)
                return 200, zaak
            mismatch = self._zaaktype_mismatch(
                zaak, body, "resultaattype" if op_path == "/resultaten" else "statustype"
            )
            if mismatch:
                return 400, mismatch
            if op_path == "/resultaten":
                if zaak["resultaat"] is not None:
                    return 400, self._fout(400, "Ongeldige gegevens", [("zaak", "unique", "De zaak heeft al een "
                                                                        "resultaat")])  # fmt: skip
                url = f"{self.zaken_root}resultaten/{new}"
                zaak["resultaat"] = url
                self.created["resultaten"].append(body)
                return 201, {**body, "url": url, "uuid": new}
            # /statussen
            if body["statustype"] in self.end_statustypes:
                refused = self._refuse_closing(zaak)
                if refused:
                    return 400, self._fout(400, "Ongeldige gegevens", [("nonFieldErrors", refused, refused)])
            url = f"{self.zaken_root}statussen/{new}"
            status = {**body, "url": url, "uuid": new, "zaakinformatieobjecten": []}
            self.created["statussen"].append(body)
            self.statussen[url] = status
            zaak["status"] = url
            if body["statustype"] in self.end_statustypes:
                moment = dt.datetime.fromisoformat(body["datumStatusGezet"].replace("Z", "+00:00"))
                zaak["einddatum"] = moment.astimezone(AMSTERDAM).date().isoformat()
            return 201, status

    def _zaaktype_mismatch(self, zaak: dict[str, Any], body: dict[str, Any], field: str) -> dict[str, Any] | None:
        owner = self.zaaktype_of.get(str(body.get(field, "")))
        if owner is None or owner == zaak["zaaktype"]:
            return None
        self.violations.append(f"{field} {body[field]} hoort niet bij zaaktype {zaak['zaaktype']}")
        return self._fout(400, "Ongeldige gegevens", [
            (field, "zaaktype-mismatch", "De referentie hoort niet bij het zaaktype van de zaak.")])  # fmt: skip

    def _refuse_closing(self, zaak: dict[str, Any]) -> str | None:
        """Open Zaak's rules for the eindstatus: the zaak has a resultaat, its deelzaken are closed with one."""
        if zaak["resultaat"] is None:
            return "resultaat-does-not-exist"
        deelzaken = [self.zaak(url) for url in zaak["deelzaken"]]
        if any(d["einddatum"] is None for d in deelzaken):
            return "deelzaken-not-closed"
        if any(d["resultaat"] is None for d in deelzaken):
            return "deelzaak-resultaat-does-not-exist"
        return None
