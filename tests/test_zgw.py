"""ZGW registration (issue 9, point 3; docs/zgw.md): trajectories, procedures and decisions registered as
zaken and besluiten through zgw-consumers, against a local stub registry that validates every request and
answer against the published OpenAPI specifications of the Zaken and Besluiten APIs (tests/zgw_stub.py,
tests/fixtures/zgw/). The registry is never called during case work: when it is down, fails or refuses,
the case work goes on, the registration waits and is retried, and nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from tests.conftest import make_trajectory, make_user, wmo_rule
from tests.processes import free_port
from tests.querycount import page_queries
from tests.zgw_stub import BESLUITEN, TEST_SECRET, ZAKEN, StubRegistry, errors_of
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.procedures import clocks, decisions
from toegang.procedures import services as procedure_services
from toegang.procedures.models import ProductCategory, Provider
from toegang.zgw import registration, services
from toegang.zgw.models import Configuration, Registration

CATALOGUS = "https://catalogi.gemeente.example/catalogi/api/v1/catalogussen/1c8e36be-338c-4c07-ac5e-1adf55bec04a"
CT = "https://catalogi.gemeente.example/catalogi/api/v1"
RSIN = "002220647"
SECRET = TEST_SECRET  # a valid RSIN (elfproef)
State = Registration.State
# the eindstatussen of the catalogue: traject afgesloten (2) and procedure afgerond (5); the stub refuses them
# without a resultaat and, for a hoofdzaak, while a deelzaak is open (as Open Zaak does)
END_STATUSTYPES = (f"{CT}/statustypen/2", f"{CT}/statustypen/5", f"{CT}/statustypen/jeugd-afgerond")
ZAAKTYPE_TRAJECT = f"{CT}/zaaktypen/0119dd4e-7be9-477e-bccf-75023b1453c1"
# the catalogue's types and their zaaktype (the stub refuses a status or resultaat of another zaaktype)
ZAAKTYPE_OF = {
    **{f"{CT}/statustypen/{n}": ZAAKTYPE_TRAJECT for n in (1, 2)},
    **{f"{CT}/statustypen/{n}": f"{CT}/zaaktypen/wmo" for n in (3, 4, 5)},
    **{f"{CT}/statustypen/jeugd-{step}": f"{CT}/zaaktypen/jeugd" for step in ("ontvangen", "besloten", "afgerond")},
    **{
        f"{CT}/resultaattypen/aanvraag-wmo-{c}": f"{CT}/zaaktypen/wmo" for c in ("toegekend", "geweigerd", "afgebroken")
    },
    **{
        f"{CT}/resultaattypen/aanvraag-jeugd-{c}": f"{CT}/zaaktypen/jeugd"
        for c in ("toegekend", "geweigerd", "afgebroken")
    },
}
RESULT_CODES = ("wmo", "jeugd", "participatie", "afgebroken", "geweigerd")  # privacy.RetentionRule of a trajectory


def make_service(label: str, api_type: str, root: str, *, secret: str = SECRET) -> Service:
    return Service.objects.create(
        label=label, slug=label.lower().replace(" ", "-"), api_type=api_type, api_root=root,
        auth_type=AuthTypes.zgw, client_id="toegang", secret=secret, timeout=2,
    )  # fmt: skip


def configure(world, stub: StubRegistry | None, *, zaken_root: str | None = None, **extra) -> Configuration:
    zaken = make_service("Open Zaak zaken", APITypes.zrc, zaken_root or (stub.zaken_root if stub else "http://x/"))
    besluiten = make_service("Open Zaak besluiten", APITypes.brc, stub.besluiten_root if stub else "http://y/")
    fields = {
        "active": True,
        "zaken_service": zaken,
        "besluiten_service": besluiten,
        "rsin": RSIN,
        "catalogus": CATALOGUS,
        "zaaktype_trajectory": ZAAKTYPE_TRAJECT,
        "statustype_trajectory_started": f"{CT}/statustypen/1",
        "statustype_trajectory_closed": f"{CT}/statustypen/2",
        "resultaattypen": {code: f"{CT}/resultaattypen/{code}" for code in RESULT_CODES},
        "zaaktype_wmo": f"{CT}/zaaktypen/wmo",
        "statustype_received_wmo": f"{CT}/statustypen/3",
        "statustype_decided_wmo": f"{CT}/statustypen/4",
        "statustype_closed_wmo": f"{CT}/statustypen/5",
        "resultaattypen_wmo": {
            "wmo": f"{CT}/resultaattypen/aanvraag-wmo-toegekend",
            "geweigerd": f"{CT}/resultaattypen/aanvraag-wmo-geweigerd",
            "afgebroken": f"{CT}/resultaattypen/aanvraag-wmo-afgebroken",
        },
        "besluittype_wmo": f"{CT}/besluittypen/wmo",
        **extra,
    }
    return Configuration.objects.create(municipality=world.gemeente, **fields)


@pytest.fixture
def stub():
    with StubRegistry(end_statustypes=END_STATUSTYPES, zaaktype_of=ZAAKTYPE_OF) as registry:
        yield registry


def run_case(world, *, close: bool = True):
    """Case work as a professional does it: trajectory, Wmo procedure, a granted decision, closing."""
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.select_related("person").first().person
    procedure = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo",
        reported_on=today() - dt.timedelta(days=10),
    )  # fmt: skip
    procedure = procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=10)
    )
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Beperkingen door ziekte"
    )
    decisions.add_provision(
        actor=world.professional, decision=decision, category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01a01", delivery="zin", provider=Provider.objects.create(name="Thuiszorg", agb_code="98765432"),
        volume=3, unit="04", frequency="2", start_date=today(), end_date=today() + dt.timedelta(days=365),
    )  # fmt: skip
    decision = decisions.submit(actor=world.professional, decision=decision)
    decision = decisions.send(actor=world.professional, decision=decision, on=today())
    if close:
        trajectory = case_services.close_trajectory(
            actor=world.professional, trajectory=trajectory, closed_on=today(), reason="doelen_bereikt",
            retention_rule=wmo_rule(), note="Klaar",
        )  # fmt: skip
    return trajectory, procedure, decision


def make_due() -> None:
    Registration.objects.exclude(state=State.REGISTERED).update(next_attempt_at=timezone.now())


# --- the outbox: written with the change, never blocking it ------------------------------------------------


def test_nothing_is_registered_when_the_municipality_has_no_active_configuration(world):
    make_trajectory(world)
    assert Registration.objects.count() == 0
    Configuration.objects.create(municipality=world.gemeente, active=False)
    make_trajectory(world)
    assert Registration.objects.count() == 0


def test_the_registration_is_written_in_the_transaction_of_the_change_and_rolls_back_with_it(world):
    configure(world, None)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_trajectory(world)
        assert Registration.objects.filter(kind=Registration.Kind.TRAJECTORY_STARTED).count() == 1
        raise RuntimeError("de wijziging mislukt")
    assert Registration.objects.count() == 0


def test_only_the_municipality_of_the_change_registers(world):
    configure(world, None)
    Configuration.objects.create(municipality=world.other_gemeente, active=False)
    trajectory = make_trajectory(world)
    other = make_trajectory(world, team=world.other_team, regisseur=world.outsider)
    assert list(Registration.objects.values_list("object_id", "municipality_id")) == [
        (trajectory.pk, world.gemeente.pk)
    ]
    assert other.pk != trajectory.pk


def test_each_change_writes_one_registration(world):
    configure(world, None)
    trajectory, procedure, decision = run_case(world)
    kinds = list(Registration.objects.order_by("id").values_list("kind", "object_id", "state"))
    assert kinds == [
        ("traject_gestart", trajectory.pk, "wachtend"),
        ("procedure_gestart", procedure.pk, "wachtend"),
        ("procedure_afgerond", procedure.pk, "wachtend"),  # the decision made known ends the procedure
        ("besluit_bekendgemaakt", decision.pk, "wachtend"),
        ("traject_afgesloten", trajectory.pk, "wachtend"),
    ]


# --- the registration against the stub: the contract -------------------------------------------------------


def test_a_whole_case_is_registered_as_spec_valid_zaken_statussen_and_besluit(world, stub):
    configure(world, stub)
    trajectory, procedure, decision = run_case(world)
    done = registration.register_due()
    assert (done.registered, done.failed, done.given_up) == (5, 0, 0)
    assert stub.violations == []
    rows = {r.kind: r for r in Registration.objects.all()}
    assert all(r.state == State.REGISTERED and r.attempts == 1 and r.last_error == "" for r in rows.values())

    traject_zaak, procedure_zaak = stub.created["zaken"]
    assert traject_zaak["zaaktype"].endswith("/zaaktypen/0119dd4e-7be9-477e-bccf-75023b1453c1")
    assert traject_zaak["bronorganisatie"] == RSIN and traject_zaak["startdatum"] == trajectory.started_on.isoformat()
    assert traject_zaak["kenmerken"] == [{"kenmerk": f"traject-{trajectory.pk}", "bron": "Toegang"}]
    assert procedure_zaak["zaaktype"].endswith("/zaaktypen/wmo")
    assert procedure_zaak["hoofdzaak"] == rows["traject_gestart"].zaak_url  # the deelzaak of the hoofdzaak
    assert rows["procedure_gestart"].zaak_url.startswith(stub.zaken_root + "zaken/")

    besluit = stub.created["besluiten"][0]
    assert besluit["zaak"] == rows["procedure_gestart"].zaak_url
    assert besluit["besluittype"].endswith("/besluittypen/wmo")
    assert besluit["datum"] == besluit["verzenddatum"] == today().isoformat()
    assert besluit["uiterlijkeReactiedatum"] == clocks.objection_window_end(today()).isoformat()
    assert rows["besluit_bekendgemaakt"].besluit_url.startswith(stub.besluiten_root + "besluiten/")

    assert stub.created["resultaten"] == [
        {"zaak": rows["procedure_gestart"].zaak_url, "resultaattype": f"{CT}/resultaattypen/aanvraag-wmo-toegekend"},
        {"zaak": rows["traject_gestart"].zaak_url, "resultaattype": f"{CT}/resultaattypen/wmo"},
    ]
    trajectory.refresh_from_db()
    archived = stub.zaken[rows["traject_gestart"].zaak_url.rsplit("/", 1)[-1]]
    assert archived["archiefnominatie"] == "vernietigen"
    assert archived["archiefactiedatum"] == trajectory.archive_action_date.isoformat()
    assert [s["statustype"].rsplit("/", 1)[-1] for s in stub.created["statussen"]] == ["1", "3", "4", "5", "2"]
    assert archived["einddatum"] == today().isoformat()  # closed, after its deelzaak

    # no personal data leaves Toegang: no names, BSNs or texts in anything sent
    sent = json.dumps([r["body"] for r in stub.requests])
    for membership in trajectory.household.memberships.select_related("person"):
        person = membership.person
        assert person.geslachtsnaam not in sent and person.voornamen not in sent and person.bsn not in sent
    assert "Beperkingen" not in sent and "Klaar" not in sent


def test_the_jobs_dispatcher_sends_after_the_commit(world, stub, django_capture_on_commit_callbacks):
    configure(world, stub)
    with django_capture_on_commit_callbacks(execute=True):
        trajectory = make_trajectory(world)
    row = Registration.objects.get(object_id=trajectory.pk)
    assert row.state == State.REGISTERED and row.zaak_url and stub.violations == []


def test_the_contract_check_is_not_vacuous():
    """The stub's validator rejects what the specification forbids (otherwise the contract tests prove nothing)."""
    zaak = ZAKEN.request_validator("/zaken", "post")
    good = {"bronorganisatie": RSIN, "verantwoordelijkeOrganisatie": RSIN, "zaaktype": f"{CT}/zaaktypen/x",
            "startdatum": "2026-01-05"}  # fmt: skip
    assert errors_of(zaak, good) == []
    assert {f for f, _m in errors_of(zaak, {**good, "bronorganisatie": "0022206470"})} == {"bronorganisatie"}
    assert {f for f, _m in errors_of(zaak, {**good, "startdatum": "5-1-2026"})} == {"startdatum"}
    assert {f for f, _m in errors_of(zaak, {**good, "zaaktype": ""})} == {"zaaktype"}  # minLength 1
    assert {f for f, _m in errors_of(zaak, {**good, "archiefnominatie": "bewaren"})} == {"archiefnominatie"}
    assert errors_of(zaak, {**good, "archiefnominatie": None}) == []
    missing = {k: v for k, v in good.items() if k != "zaaktype"}
    assert any("zaaktype" in m for _f, m in errors_of(zaak, missing))
    besluit = BESLUITEN.request_validator("/besluiten", "post")
    no_start = {"verantwoordelijkeOrganisatie": RSIN, "besluittype": f"{CT}/b", "datum": "2026-01-05"}
    assert any("ingangsdatum" in m for _f, m in errors_of(besluit, no_start))
    answer = ZAKEN.response_validator("/zaken", "post", 201)
    assert {f for f, _m in errors_of(answer, {**good, "url": "niet-een-url"})} == {"url"}  # format uri


# --- faults: the registry down, failing or refusing ---------------------------------------------------------


def test_when_the_registry_is_down_the_case_work_goes_on_and_nothing_is_lost(world, stub):
    config = configure(world, None, zaken_root=f"http://127.0.0.1:{free_port()}/zaken/api/v1/")
    trajectory, procedure, decision = run_case(world)  # every service succeeds
    assert trajectory.status == "gesloten" and decision.status == "verzonden"
    done = registration.register_due()
    rows = {r.kind: r for r in Registration.objects.all()}
    assert done.failed == 1 and done.deferred == 4  # the others wait for the trajectory's zaak
    started = rows["traject_gestart"]
    assert started.state == State.FAILED and started.attempts == 1 and "geen verbinding" in started.last_error
    assert started.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert all(r.attempts == 0 and r.state == State.WAITING for k, r in rows.items() if k != "traject_gestart")

    # the registry comes back (here: the stub at the configured address)
    config.zaken_service.api_root = stub.zaken_root
    config.zaken_service.save()
    config.besluiten_service.api_root = stub.besluiten_root
    config.besluiten_service.save()
    make_due()
    done = registration.register_due()
    assert done.registered == 5 and stub.violations == []
    assert set(Registration.objects.values_list("state", flat=True)) == {State.REGISTERED}
    assert len(stub.created["zaken"]) == 2 and len(stub.created["besluiten"]) == 1


def test_a_503_is_retried_with_backoff_and_a_retry_goes_on_from_the_failed_step(world, stub, settings):
    settings.ZGW_RETRY_BASE_SECONDS = 60
    configure(world, stub)
    stub.script = [None, 503]  # the zaak is made, setting its status fails
    trajectory = make_trajectory(world)
    before = timezone.now()
    registration.register_due()
    row = Registration.objects.get(object_id=trajectory.pk)
    assert row.state == State.FAILED and row.last_status == 503 and row.attempts == 1
    assert "Zaken API: HTTP 503" in row.last_error and row.zaak_url  # the zaak is kept
    assert before + dt.timedelta(seconds=60) <= row.next_attempt_at <= timezone.now() + dt.timedelta(seconds=76)

    assert registration.register_due().registered == 0  # not yet due
    make_due()
    assert registration.register_due().registered == 1
    row.refresh_from_db()
    assert row.state == State.REGISTERED and row.attempts == 2 and row.last_error == "" and row.status_url
    assert len(stub.created["zaken"]) == 1  # no second zaak
    assert stub.violations == []


def test_validation_errors_name_the_registrys_fields_and_are_given_up_after_the_last_attempt(world, stub, settings):
    settings.ZGW_MAX_ATTEMPTS = 3
    configure(world, stub)
    stub.script = [("invalid", "zaaktype", "Het zaaktype is nog niet gepubliceerd.")] * 3
    trajectory = make_trajectory(world)
    waits = []
    for _attempt in range(3):
        registration.register_due()
        row = Registration.objects.get(object_id=trajectory.pk)
        waits.append((row.next_attempt_at - timezone.now()).total_seconds())
        make_due()
    row = Registration.objects.get(object_id=trajectory.pk)
    assert row.state == State.GIVEN_UP and row.attempts == 3 and row.last_status == 400
    assert (
        "Zaken API weigert de gegevens (HTTP 400): zaaktype: Het zaaktype is nog niet gepubliceerd." in row.last_error
    )
    assert 55 < waits[0] < 80 and 115 < waits[1] < 155  # 1, 2 minutes (+ up to 25 % jitter)
    assert registration.register_due().registered == 0  # given up: no more attempts

    # the functional administrator tries it again from the start of a new series
    with pytest.raises(DomainError):
        services.retry_registration(actor=world.professional, registration=row)
    services.retry_registration(actor=world.admin, registration=row)
    assert registration.register_due().registered == 1
    row.refresh_from_db()
    assert row.state == State.REGISTERED and row.attempts == 1


def test_a_procedure_of_a_law_without_a_zaaktype_is_not_registered(world, stub):
    """A municipality may register only some laws: a procedure of a law without a zaaktype aanvraag writes no
    registration, nor does its decision, and the trajectory's zaak closes all the same. Before, each such
    procedure was given up as impossible, its decision and closing waited on it for good."""
    configure(world, stub, zaaktype_wmo="")
    run_case(world)
    for _ in range(4):
        make_due()
        registration.register_due()
    rows = {r.kind: r for r in Registration.objects.all()}
    assert set(rows) == {"traject_gestart", "traject_afgesloten"}
    assert all(row.state == State.REGISTERED for row in rows.values()), [r.last_error for r in rows.values()]
    assert len(stub.zaken) == 1 and stub.besluiten == {} and stub.violations == []


def test_an_answer_without_url_is_a_failed_attempt(world, settings):
    """The parser accepts spec-valid answers only as far as it needs them: an answer without the object's
    url cannot be linked and is a failure, not a silent success."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the look-up by identificatie finds nothing
            payload = b'{"count": 0, "next": null, "previous": null, "results": []}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            payload = b'{"uuid": "x"}'
            self.send_response(201)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        configure(world, None, zaken_root=f"http://127.0.0.1:{server.server_port}/zaken/api/v1/")
        trajectory = make_trajectory(world)
        registration.register_due()
        row = Registration.objects.get(object_id=trajectory.pk)
        assert row.state == State.FAILED and "mist de url" in row.last_error
    finally:
        server.shutdown()
        server.server_close()


# --- the command ----------------------------------------------------------------------------------------------


def test_zgw_controleren_names_the_fields_that_are_wrong(world, stub, capsys):
    configure(world, stub)
    call_command("zgw", "controleren")  # --verbinding (also the catalogue's addresses): tests/test_zgw_settings.py
    assert "9901 Testgemeente (registratie aan): in orde." in capsys.readouterr().out

    Configuration.objects.filter(municipality=world.gemeente).update(
        rsin="123456789", zaaktype_trajectory="", resultaattypen={"onbekend": "https://x.example/r"}
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("zgw", "controleren")
    assert exit_.value.code == 1
    out, err = capsys.readouterr()
    assert "RSIN van de gemeente (bronorganisatie): geen geldig RSIN" in out
    assert "Zaaktype traject: vul het adres in." in out
    assert "onbekende resultaatcodes onbekend" in out
    assert err.strip() == "zgw: 1 gemeente(n) met fouten in de ZGW-instellingen."


def test_zgw_registreren_sends_what_is_due(world, stub, capsys):
    configure(world, stub)
    make_trajectory(world)
    call_command("zgw", "registreren", "--seconden", "10")
    assert "ZGW-registratie: 1 geregistreerd, 0 mislukt (volgt opnieuw), 0 opgegeven" in capsys.readouterr().out


# --- the functional administrator's screen ------------------------------------------------------------------


def test_the_screen_shows_the_configuration_the_registrations_and_their_errors(client, world, stub):
    config = configure(world, stub, rsin="123456789")
    stub.script = [503]
    trajectory = make_trajectory(world)
    registration.register_due()
    Registration.objects.update(state=State.GIVEN_UP)
    client.force_login(world.admin)
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "RSIN van de gemeente (bronorganisatie): geen geldig RSIN" in page
    assert config.zaken_service.api_root in page
    assert "Traject gestart: zaak aanmaken" in page and "Opgegeven" in page
    assert "Zaken API: HTTP 503" in page and "Opnieuw proberen" in page
    given_up = Registration.objects.get(object_id=trajectory.pk)
    assert client.post(reverse("zgw-registration-retry", args=[given_up.pk])).status_code == 302
    given_up.refresh_from_db()
    assert given_up.state in (State.WAITING, State.REGISTERED) and given_up.attempts <= 1
    assert AuditEntry.objects.filter(detail="opnieuw na 1 pogingen").exists()
    again = client.post(reverse("zgw-registration-retry", args=[given_up.pk]), follow=True).content.decode()
    assert "alleen een opgegeven registratie" in again
    assert "Geen registraties." in client.get(reverse("zgw-registrations") + "?stand=mislukt").content.decode()


def test_others_do_not_reach_the_screen(client, world):
    configure(world, None)
    trajectory = make_trajectory(world)
    row = Registration.objects.get(object_id=trajectory.pk)
    for user in (world.manager, world.professional, world.privacy):
        client.force_login(user)
        assert client.get(reverse("zgw-registrations")).status_code == 403
        assert client.post(reverse("zgw-registration-retry", args=[row.pk])).status_code == 403
    other_admin = make_user(
        "beheerder2", User.Role.FUNCTIONAL_ADMIN, org=None, team=None, gemeente=world.other_gemeente
    )
    client.force_login(other_admin)
    assert client.post(reverse("zgw-registration-retry", args=[row.pk])).status_code == 404
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "Geen registraties." in page and "geen ZGW-registratie ingesteld" in page


def test_the_screen_has_a_pinned_query_count(client, world):
    client.force_login(world.admin)
    url = reverse("zgw-registrations")
    few = page_queries(client, url, audit_rows=0)
    configure(world, None)
    for _n in range(3):
        make_trajectory(world)
    many = page_queries(client, url, audit_rows=0)
    # session, user, second factor; the configuration (with its services), the rows; and the result codes
    assert (few, many) == (5, 6)


def test_an_unexpected_error_is_recorded_and_retried_not_lost(world, stub, monkeypatch):
    configure(world, stub)
    trajectory = make_trajectory(world)

    def broken(*args, **kwargs):
        raise ValueError("stuk")

    monkeypatch.setattr("toegang.zgw.client.create_zaak", broken)
    assert registration.register_due().failed == 1
    row = Registration.objects.get(object_id=trajectory.pk)
    assert row.state == State.FAILED and "Onverwachte fout in Toegang (ValueError)" in row.last_error
    monkeypatch.undo()
    make_due()
    assert registration.register_due().registered == 1


def test_two_workers_never_claim_the_same_registration(world):
    configure(world, None)
    for _n in range(4):
        make_trajectory(world)
    first = registration.claim(size=3)
    second = registration.claim(size=3)
    assert len(first) == 3 and len(second) == 1
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert registration.claim() == []  # all leased


def settings_post(stub, **changes):
    data = {
        "active": "on",
        "zaken_api_root": stub.zaken_root,
        "besluiten_api_root": stub.besluiten_root,
        "client_id": "toegang",
        "secret": TEST_SECRET,
        "rsin": RSIN,
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
        "resultaattypen": "\n".join(f"{code} = {CT}/resultaattypen/{code}" for code in RESULT_CODES),
        "catalogus": CATALOGUS,
        "zaaktype_trajectory": ZAAKTYPE_TRAJECT,
        "statustype_trajectory_started": f"{CT}/statustypen/1",
        "statustype_trajectory_closed": f"{CT}/statustypen/2",
        "zaaktype_wmo": f"{CT}/zaaktypen/wmo",
        "statustype_closed_wmo": f"{CT}/statustypen/5",
        "resultaattypen_wmo": "\n".join(
            f"{code} = {CT}/resultaattypen/aanvraag-wmo-{code}" for code in ("wmo", "geweigerd", "afgebroken")
        ),
        "besluittype_wmo": f"{CT}/besluittypen/wmo",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_functional_administrator_configures_through_the_page_and_registration_works(client, world, stub):
    client.force_login(world.admin)
    assert client.get(reverse("zgw-settings")).status_code == 200
    response = client.post(reverse("zgw-settings"), settings_post(stub))
    assert response.status_code == 302
    config = Configuration.objects.get(municipality=world.gemeente)
    assert config.active and config.zaken_service.api_root == stub.zaken_root
    assert config.zaken_service.auth_type == AuthTypes.zgw and config.besluiten_service.api_type == APITypes.brc
    assert config.resultaattypen == {code: f"{CT}/resultaattypen/{code}" for code in RESULT_CODES}
    entry = AuditEntry.objects.filter(detail="ZGW-instelling: registreren aan").get()
    assert TEST_SECRET not in entry.detail
    page = client.get(reverse("zgw-settings")).content.decode()
    assert TEST_SECRET not in page and stub.zaken_root in page  # the secret is never shown again
    # saving again without the secret keeps it
    assert client.post(reverse("zgw-settings"), settings_post(stub, secret="")).status_code == 302
    make_trajectory(world)
    assert registration.register_due().registered == 1 and stub.violations == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rsin": "123456789"}, "RSIN van de gemeente (bronorganisatie): geen geldig RSIN"),
        ({"zaaktype_trajectory": ""}, "Zaaktype traject: vul het adres in."),
        ({"zaaktype_trajectory": "ftp://x"}, "Zaaktype traject: dit is geen geldig adres"),
        ({"zaken_api_root": "geen adres"}, "Zaken API: dit is geen geldig adres"),
        ({"client_id": ""}, "Client-id: vul de client-id in"),
        ({"secret": ""}, "Secret: vul het secret in"),
        (
            {"resultaattypen": "wmo https://x"},
            "Resultaattypen per resultaat (Selectielijst): regel 1: schrijf code = adres.",
        ),
        ({"resultaattypen": "onbekend = https://x.example/r"}, "onbekende resultaatcodes onbekend"),
        ({"vertrouwelijkheidaanduiding": "geheim"}, "Vertrouwelijkheidaanduiding: selecteer een geldige keuze"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(client, world, stub, changes, message):
    client.force_login(world.admin)
    response = client.post(reverse("zgw-settings"), settings_post(stub, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Configuration.objects.exists()


# --- the workers for real ------------------------------------------------------------------------------
# Transactional tests (the worker sees committed rows only). No audit rows (a flush cannot remove them on
# SQLite): the trajectory is made with the ORM and its registration with the outbox function itself.


def committed_trajectory(world):
    from toegang.cases.models import Trajectory
    from toegang.people.models import Household

    household = Household.objects.create(municipality=world.gemeente, area=world.area, name="Huishouden W")
    trajectory = Trajectory.objects.create(household=household, team=world.team, started_on=today())
    with transaction.atomic():
        services.trajectory_started(trajectory.pk)  # as start_trajectory does, in its transaction
    return trajectory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_celery_worker_registers_over_redis(world, settings, stub):
    from celery.contrib.testing.worker import start_worker

    from tests.test_events_delivery import REDIS, wait_for
    from toegang import worker

    settings.WORKER = "celery"
    queue = f"toegang-test-zgw-{uuid.uuid4().hex[:8]}"
    app = worker.make_app(
        "toegang-test-zgw", broker_url=REDIS, task_default_queue=queue, task_default_exchange=queue,
        task_default_routing_key=queue, worker_hijack_root_logger=False, worker_enable_remote_control=False,
    )  # fmt: skip
    try:
        configure(world, stub)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            trajectory = committed_trajectory(world)  # the commit hands the task to the worker over Redis
            wait_for(lambda: Registration.objects.filter(state=State.REGISTERED).count() == 1)
    finally:
        worker.app.set_current()
        worker.app.set_default()
        app.close()
        import redis

        keys_ = redis.Redis.from_url(REDIS)
        for key in keys_.scan_iter(f"*{queue}*"):
            keys_.delete(key)
        keys_.close()
    assert Registration.objects.get().object_id == trajectory.pk and stub.violations == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_worker_registers_in_a_thread_and_retries_on_its_schedule(world, settings, stub):
    import threading

    from tests.test_events_delivery import wait_for
    from toegang.common import jobs

    settings.WORKER = "thread"
    settings.ZGW_RETRY_BASE_SECONDS = 1  # the schedule hands the task over again after about a second
    configure(world, stub)
    stub.script = [503]
    jobs.start()  # the embedded worker's schedule, as a process starts it at its first request
    try:
        committed_trajectory(world)
        wait_for(lambda: Registration.objects.filter(state=State.REGISTERED).count() == 1, seconds=30)
    finally:
        jobs.stop()
    row = Registration.objects.get()
    assert row.attempts == 2 and stub.violations == []
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(10)  # it closes its database connection before it ends
