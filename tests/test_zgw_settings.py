"""The settings and screen side of the ZGW registration (docs/zgw.md §1, §5): the functional administrator's
settings page and its Service rows (one per address in zgw-consumers: reused, shared or refused with a message,
never a 500), the check of the configuration (every closing result without resultaattype, catalogue addresses
under the Catalogi API, and with the connection check a 404 is a wrong address), the screen's pages and counts,
the embedded worker after a restart, and no registration for what began before registering was switched on."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from tests.conftest import make_trajectory, make_user, wmo_rule
from tests.querycount import page_queries
from tests.zgw_stub import TEST_SECRET, StubRegistry
from toegang.accounts.models import User
from toegang.cases import services as case_services
from toegang.common import jobs
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy.models import RetentionRule
from toegang.procedures import decisions
from toegang.procedures import services as procedure_services
from toegang.procedures.models import ProductCategory, Provider
from toegang.zgw import checks, registration, selectors, services, tasks
from toegang.zgw.models import Configuration, Registration

CT = "https://catalogi.gemeente.example/catalogi/api/v1"
CATALOGUS = f"{CT}/catalogussen/1c8e36be-338c-4c07-ac5e-1adf55bec04a"
RSIN = "002220647"
State = Registration.State
Kind = Registration.Kind


def closing_codes() -> list[str]:
    return sorted(set(RetentionRule.objects.values_list("code", flat=True)) - {RetentionRule.SIGNAL})


def all_results() -> dict[str, str]:
    return {code: f"{CT}/resultaattypen/{code}" for code in closing_codes()}


def wmo_results() -> dict[str, str]:
    return {code: f"{CT}/resultaattypen/aanvraag-wmo-{code}" for code in ("afgebroken", "geweigerd", "wmo")}


def post_data(zaken: str, besluiten: str, **changes) -> dict[str, str]:
    data = {
        "active": "on",
        "zaken_api_root": zaken,
        "besluiten_api_root": besluiten,
        "client_id": "toegang",
        "secret": TEST_SECRET,
        "rsin": RSIN,
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
        "resultaattypen": "\n".join(f"{code} = {url}" for code, url in all_results().items()),
        "catalogus": CATALOGUS,
        "zaaktype_trajectory": f"{CT}/zaaktypen/traject",
        "statustype_trajectory_started": f"{CT}/statustypen/1",
        "statustype_trajectory_closed": f"{CT}/statustypen/2",
        "zaaktype_wmo": f"{CT}/zaaktypen/wmo",
        "statustype_closed_wmo": f"{CT}/statustypen/5",
        "resultaattypen_wmo": "\n".join(f"{code} = {url}" for code, url in wmo_results().items()),
        "besluittype_wmo": f"{CT}/besluittypen/wmo",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


ZAKEN = "http://127.0.0.1:8182/zaken/api/v1/"
BESLUITEN = "http://127.0.0.1:8182/besluiten/api/v1/"


def save(client, user, **changes):
    client.force_login(user)
    return client.post(reverse("zgw-settings"), post_data(ZAKEN, BESLUITEN, **changes))


def messages_of(response) -> str:
    return response.content.decode()


def active_config(world, **extra) -> Configuration:
    zaken = Service.objects.create(
        label="Zaken", slug="zaken-test", api_type=APITypes.zrc, api_root=ZAKEN, auth_type=AuthTypes.zgw,
        client_id="toegang", secret=TEST_SECRET, timeout=2,
    )  # fmt: skip
    fields = {
        "active": True, "zaken_service": zaken, "rsin": RSIN, "catalogus": CATALOGUS,
        "zaaktype_trajectory": f"{CT}/zaaktypen/traject", "statustype_trajectory_started": f"{CT}/statustypen/1",
        "statustype_trajectory_closed": f"{CT}/statustypen/2", "zaaktype_wmo": f"{CT}/zaaktypen/wmo",
        "statustype_closed_wmo": f"{CT}/statustypen/5", "resultaattypen": all_results(),
        "resultaattypen_wmo": wmo_results(), **extra,
    }  # fmt: skip
    return Configuration.objects.create(municipality=world.gemeente, **fields)


# --- finding 3: the Service rows behind the settings page ------------------------------------------------------


UUID = "5b3e6f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def test_the_same_address_for_both_apis_is_refused_naming_the_field_not_a_500(client, world):
    response = save(client, world.admin, besluiten_api_root=ZAKEN)
    assert response.status_code == 400
    assert "Besluiten API: dit is hetzelfde adres als de Zaken API" in messages_of(response)
    assert not Configuration.objects.exists() and not Service.objects.exists()  # nothing half-written


def test_http_addresses_are_refused_unless_the_technical_administrator_allows_them(client, world, settings):
    settings.ZGW_ALLOW_HTTP = False
    response = save(client, world.admin)
    assert response.status_code == 400
    text = messages_of(response)
    assert "Zaken API: gebruik een https-adres" in text and "Besluiten API: gebruik een https-adres" in text
    assert "TOEGANG_ZGW_ALLOW_HTTP" in text
    assert not Configuration.objects.exists() and not Service.objects.exists()
    secure = {"zaken_api_root": "https://zaak.example/zaken/api/v1/", "besluiten_api_root": "", "besluittype_wmo": ""}
    assert save(client, world.admin, **secure).status_code == 302  # https, and the catalogue's addresses are https
    response = save(
        client, world.admin, **secure, zaaktype_wmo=f"http://catalogi.example/catalogi/api/v1/zaaktypen/{UUID}"
    )
    assert response.status_code == 400 and "Zaaktype aanvraag Wmo: gebruik een https-adres" in messages_of(response)
    settings.ZGW_ALLOW_HTTP = True
    assert save(client, world.admin).status_code == 302


@pytest.mark.parametrize(
    ("field", "address", "message"),
    [
        ("zaken_api_root", "http://127.0.0.1:8182/catalogi/api/v1/", "Zaken API: dit is het adres van de Catalogi API"),
        (
            "zaken_api_root",
            "http://127.0.0.1:9000/besluiten/api/v1/",
            "Zaken API: dit is het adres van de Besluiten API",
        ),
        (
            "besluiten_api_root",
            "http://127.0.0.1:8182/documenten/api/v1",
            "Besluiten API: dit is het adres van de Documenten API",
        ),
    ],
)
def test_the_address_of_another_component_is_refused_naming_the_field(client, world, field, address, message):
    response = save(client, world.admin, **{field: address})
    assert response.status_code == 400 and message in messages_of(response)
    assert not Configuration.objects.exists() and not Service.objects.exists()


def test_an_api_address_without_a_component_in_its_path_is_not_judged(client, world):
    assert save(client, world.admin, zaken_api_root="http://127.0.0.1:8182/api/zrc/").status_code == 302


def test_emptying_the_addresses_and_entering_them_again_works_and_leaves_no_secrets_behind(client, world):
    assert save(client, world.admin).status_code == 302
    first = Configuration.objects.get()
    assert sorted(Service.objects.values_list("slug", flat=True)) == ["besluiten-9901", "zaken-9901"]
    # switched off and the addresses emptied: the rows go, with their secrets
    response = save(client, world.admin, active=None, zaken_api_root="", besluiten_api_root="", secret="")
    assert response.status_code == 302
    config = Configuration.objects.get()
    assert config.zaken_service is None and config.besluiten_service is None
    assert not Service.objects.exists()
    # entered again: the secret went with the rows, so it is asked for
    response = save(client, world.admin, secret="")
    assert response.status_code == 400 and "Secret: vul het secret in" in messages_of(response)
    # and with it: saved, with fresh rows under the same slugs (no IntegrityError on the slug)
    response = save(client, world.admin)
    assert response.status_code == 302
    config = Configuration.objects.select_related("zaken_service").get()
    assert config.pk == first.pk and config.active and config.zaken_service.api_root == ZAKEN
    assert config.zaken_service.slug == "zaken-9901" and config.zaken_service.secret == TEST_SECRET


def test_rows_left_behind_under_the_municipalitys_slug_are_reused(client, world):
    """Before the fix, emptying the addresses left the rows under zaken-<code>; they are taken up again."""
    left = Service.objects.create(
        label="Zaken API 9901", slug="zaken-9901", api_type=APITypes.zrc, api_root="http://oud.example/zaken/api/v1/",
        auth_type=AuthTypes.zgw, client_id="oud", secret="oud-geheim",
    )  # fmt: skip
    assert save(client, world.admin).status_code == 302
    config = Configuration.objects.select_related("zaken_service").get()
    assert config.zaken_service.pk == left.pk
    assert (config.zaken_service.api_root, config.zaken_service.client_id) == (ZAKEN, "toegang")
    assert config.zaken_service.secret == TEST_SECRET
    # another address later: the same row, updated in place, the secret kept
    assert save(client, world.admin, zaken_api_root="http://127.0.0.1:8183/zaken/api/v1", secret="").status_code == 302
    moved = Configuration.objects.select_related("zaken_service").get().zaken_service
    assert moved.pk == left.pk and moved.api_root == "http://127.0.0.1:8183/zaken/api/v1/"
    assert moved.secret == TEST_SECRET and Service.objects.count() == 2


@pytest.fixture
def other_admin(world):
    return make_user("beheerder2", User.Role.FUNCTIONAL_ADMIN, org=None, team=None, gemeente=world.other_gemeente)


def test_two_municipalities_with_the_same_registry_and_credentials_share_its_rows(client, world, other_admin):
    assert save(client, world.admin).status_code == 302
    assert save(client, other_admin).status_code == 302
    mine = Configuration.objects.get(municipality=world.gemeente)
    theirs = Configuration.objects.get(municipality=world.other_gemeente)
    assert theirs.zaken_service_id == mine.zaken_service_id and theirs.besluiten_service_id == mine.besluiten_service_id
    assert Service.objects.count() == 2
    # saving again without the secret keeps the sharing
    assert save(client, other_admin, secret="").status_code == 302
    assert Configuration.objects.get(municipality=world.other_gemeente).zaken_service_id == mine.zaken_service_id


def test_an_address_taken_with_other_credentials_is_refused_naming_the_field(client, world, other_admin):
    save(client, world.admin)
    for changes in ({"client_id": "ander"}, {"secret": "een-ander-secret-van-minstens-32-tekens"}):
        response = save(client, other_admin, **changes)
        assert response.status_code == 400
        page = messages_of(response)
        assert "Zaken API: op dit adres staat al de service ‘Zaken API 9901’ met een andere client-id" in page
        assert "Besluiten API: op dit adres staat al de service" not in page  # the first refusal stops the save
    assert not Configuration.objects.filter(municipality=world.other_gemeente).exists()
    assert Service.objects.count() == 2
    assert Service.objects.get(slug="zaken-9901").client_id == "toegang"  # the other's row untouched


def test_an_address_of_another_kind_of_service_is_refused(client, world):
    Service.objects.create(label="Catalogi", slug="catalogi", api_type=APITypes.ztc, api_root=ZAKEN)
    response = save(client, world.admin)
    assert response.status_code == 400
    assert "Zaken API: dit adres is al in gebruik als ZTC (Catalogi API) (service ‘Catalogi’)" in messages_of(response)
    assert Service.objects.count() == 1


def test_a_municipality_leaving_a_shared_row_hands_it_over(client, world, other_admin):
    save(client, world.admin)
    save(client, other_admin)
    shared = Service.objects.get(slug="zaken-9901")
    response = save(client, world.admin, zaken_api_root="http://127.0.0.1:8183/zaken/api/v1/", secret="")
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.slug, shared.label, shared.api_root) == ("zaken-9902", "Zaken API 9902", ZAKEN)
    assert Configuration.objects.get(municipality=world.other_gemeente).zaken_service_id == shared.pk
    mine = Configuration.objects.select_related("zaken_service").get(municipality=world.gemeente).zaken_service
    assert mine.slug == "zaken-9901" and mine.api_root == "http://127.0.0.1:8183/zaken/api/v1/"
    assert mine.secret == TEST_SECRET
    # the other one empties its addresses: the row it used goes; mine stays
    response = save(client, other_admin, active=None, zaken_api_root="", besluiten_api_root="", secret="")
    assert response.status_code == 302
    assert not Service.objects.filter(slug="zaken-9902").exists()
    assert Service.objects.filter(slug="zaken-9901").exists()


def test_the_owner_of_a_shared_row_cannot_change_its_client_id_under_the_others(client, world, other_admin):
    save(client, world.admin)
    save(client, other_admin)
    response = save(client, world.admin, client_id="nieuw")  # with the secret: a new client-id needs its own
    assert response.status_code == 400
    assert "Client-id: de service ‘Zaken API 9901’ op dit adres wordt ook gebruikt door Andergemeente" in (
        messages_of(response)
    )
    assert set(Service.objects.values_list("client_id", flat=True)) == {"toegang"}


def test_a_municipality_that_only_shares_leaves_the_owners_row_alone(client, world, other_admin):
    save(client, world.admin)
    save(client, other_admin)
    response = save(client, other_admin, active=None, zaken_api_root="", besluiten_api_root="", secret="")
    assert response.status_code == 302
    assert sorted(Service.objects.values_list("slug", flat=True)) == ["besluiten-9901", "zaken-9901"]
    assert Configuration.objects.get(municipality=world.gemeente).zaken_service is not None


# --- finding 14: the form ----------------------------------------------------------------------------------------


def _label_of(page: str, field: str) -> str:
    return re.search(rf'<label class="utrecht-form-label" for="id_{field}">(.*?)</label>', page, re.S).group(1)


def test_the_form_says_what_is_needed_and_styles_every_address(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("zgw-settings")).content.decode()
    for needed_when_on in ("zaaktype_trajectory", "statustype_trajectory_closed", "zaken_api_root", "rsin", "secret"):
        assert "niet verplicht" not in _label_of(page, needed_when_on)
    for optional in ("catalogus", "statustype_received_wmo", "statustype_decided_jeugd", "besluittype_wmo"):
        assert "(niet verplicht)" in _label_of(page, optional)
    for field in ("zaaktype_trajectory", "besluittype_pw", "catalogus"):
        widget = re.search(rf'<input [^>]*name="{field}"[^>]*>', page).group(0)
        assert "utrecht-textbox" in widget and 'type="url"' in widget
    assert "Nodig als Registreren aan staat." in page
    assert "Uit: er wordt niets geregistreerd" not in page
    for code in closing_codes():
        assert code in page.split('id="id_resultaattypen_help"', 1)[1].split("</div>", 1)[0]
    for needed_when_on in ("statustype_closed_wmo", "statustype_closed_pw", "resultaattypen_wmo", "resultaattypen_pw"):
        assert "niet verplicht" not in _label_of(page, needed_when_on)
    pw_help = page.split('id="id_resultaattypen_pw_help"', 1)[1][:400]
    assert "voor participatie (toegekend), geweigerd en afgebroken (ingetrokken)." in pw_help
    assert save(client, world.admin).status_code == 302
    config = Configuration.objects.get()
    assert config.resultaattypen_wmo == wmo_results() and config.statustype_closed_wmo.endswith("/5")
    page = client.get(reverse("zgw-settings")).content.decode()
    assert f"wmo = {CT}/resultaattypen/aanvraag-wmo-wmo" in page  # shown again as lines


def test_every_problem_is_shown_on_its_field_in_the_words_of_the_form(client, world):
    response = save(client, world.admin, zaken_api_root="", besluiten_api_root="", zaaktype_trajectory="", rsin="")
    assert response.status_code == 400
    page = messages_of(response)
    assert "Zaken API: vul het adres in om te kunnen registreren." in page and "kies de Zaken API" not in page
    assert "Zaaktype traject: vul het adres in." in page
    assert "RSIN van de gemeente (bronorganisatie): vul het RSIN van de gemeente in." in page
    assert not Configuration.objects.exists()


# --- finding 2a and 11c: the check --------------------------------------------------------------------------------


def test_the_check_names_every_closing_result_without_a_resultaattype(client, world, capsys):
    config = active_config(world, resultaattypen={"wmo": f"{CT}/resultaattypen/wmo"})
    missing = [code for code in closing_codes() if code != "wmo"]
    assert "participatie" in missing and "melding" not in missing  # melding never closes a trajectory
    line = f"Resultaattypen per resultaat (Selectielijst): geen resultaattype voor {', '.join(missing)}."
    assert any(p.startswith(line) for p in checks.problems(config))
    client.force_login(world.admin)
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert line in page and "De instelling is in orde" not in page
    with pytest.raises(SystemExit) as exit_:
        call_command("zgw", "controleren")
    assert exit_.value.code == 1 and line in capsys.readouterr().out
    # switched off: nothing is registered, so nothing is missing
    Configuration.objects.update(active=False)
    config.refresh_from_db()
    assert not any("geen resultaattype" in p for p in checks.problems(config))
    # all mapped: in order
    Configuration.objects.update(active=True, resultaattypen=all_results())
    config.refresh_from_db()
    assert checks.problems(config) == []


def test_the_check_names_each_procedure_result_without_a_resultaattype_of_its_law(world):
    config = active_config(world, resultaattypen_wmo={"wmo": f"{CT}/resultaattypen/aanvraag-wmo-wmo"},
                           statustype_closed_wmo="", zaaktype_jeugd=f"{CT}/zaaktypen/jeugd")  # fmt: skip
    found = checks.problems_by_field(config)
    for field, law in (("statustype_closed_wmo", "Wmo"), ("statustype_closed_jeugd", "Jeugdwet")):
        message = f"Statustype afgerond {law}: vul het adres in (de eindstatus van de zaak van een procedure)."
        assert (field, message) in found
    assert not any(field == "statustype_closed_pw" for field, _message in found)  # no zaaktype: not needed
    messages = dict(found)
    assert messages["resultaattypen_wmo"].startswith(
        "Resultaattypen aanvraag Wmo: geen resultaattype voor afgebroken, geweigerd. Een procedure die zo eindigt"
    )
    assert messages["resultaattypen_jeugd"].startswith(
        "Resultaattypen aanvraag Jeugdwet: geen resultaattype voor afgebroken, geweigerd, jeugd."
    )
    assert "resultaattypen_pw" not in messages  # no zaaktype for the Participatiewet: nothing to close
    Configuration.objects.filter(pk=config.pk).update(
        resultaattypen_wmo={**wmo_results(), "jeugd": f"{CT}/resultaattypen/x"}, zaaktype_jeugd="",
        statustype_closed_wmo=f"{CT}/statustypen/5",
    )  # fmt: skip
    config.refresh_from_db()
    assert checks.problems(config) == [
        "Resultaattypen aanvraag Wmo: onbekende resultaatcodes jeugd (gebruikt worden: afgebroken, geweigerd, wmo)."
    ]


def test_switching_on_without_every_resultaattype_is_refused(client, world):
    response = save(client, world.admin, resultaattypen=f"wmo = {CT}/resultaattypen/wmo")
    assert response.status_code == 400
    assert "Resultaattypen per resultaat (Selectielijst): geen resultaattype voor afgebroken" in messages_of(response)
    assert not Configuration.objects.exists() and not Service.objects.exists()
    assert save(client, world.admin, active=None, resultaattypen=f"wmo = {CT}/resultaattypen/wmo").status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"statustype_trajectory_started": "https://elders.example/catalogi/api/v1/statustypen/1"},
         f"Statustype traject gestart: het adres ligt niet onder de Catalogi API van de catalogus ({CT}/)."),
        ({"zaaktype_trajectory": f"{CT}/statustypen/1"},
         "Zaaktype traject: het adres wijst niet naar een zaaktype (…/zaaktypen/<uuid>)."),
        ({"resultaattypen": {**{c: f"{CT}/resultaattypen/{c}" for c in ("afgebroken", "geweigerd", "jeugd",
                                                                          "participatie")},
                             "wmo": "https://elders.example/api/v1/resultaattypen/wmo"}},
         "Resultaattypen per resultaat (Selectielijst) (wmo): het adres ligt niet onder de Catalogi API"),
        ({"catalogus": f"{CT}/zaaktypen/x"}, "Catalogus: het adres wijst niet naar een catalogus"),
    ],
)  # fmt: skip
def test_catalogue_addresses_lie_under_the_catalogi_api_of_the_catalogue(world, changes, message):
    found = checks.problems(active_config(world, **changes))
    assert any(p.startswith(message) for p in found), found


# --- finding 11b/c: the connection check ------------------------------------------------------------------------


class Registry:
    """A registry that answers as Open Zaak does: 200 at the API roots and at the catalogue's objects it
    knows, 404 elsewhere; ``seen`` keeps the Authorization header of every request by path."""

    def __init__(self) -> None:
        self.objects: dict[str, dict] = {}
        self.seen: dict[str, str | None] = {}
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                path = self.path.split("?", 1)[0]
                registry.seen[path] = self.headers.get("Authorization")
                if path in ("/zaken/api/v1/", "/besluiten/api/v1/"):
                    status, body = 200, {"zaken": "…"}
                elif path == "/oud/zaken/api/v1/":
                    status, body = 301, {}
                elif path in registry.objects:
                    status, body = 200, registry.objects[path]
                else:
                    status, body = 404, {"detail": "Niet gevonden."}
                payload = json.dumps(body).encode()
                self.send_response(status)
                if status == 301:
                    self.send_header("Location", f"{registry.base}/zaken/api/v1/")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry():
    found = Registry()
    yield found
    found.close()


def connected_config(world, registry: Registry, **extra) -> Configuration:
    ct = f"{registry.base}/catalogi/api/v1"
    zaken = Service.objects.create(
        label="Zaken API 9901", slug="zaken-9901", api_type=APITypes.zrc, api_root=f"{registry.base}/zaken/api/v1/",
        auth_type=AuthTypes.zgw, client_id="toegang", secret=TEST_SECRET, timeout=2,
    )  # fmt: skip
    besluiten = Service.objects.create(
        label="Besluiten API 9901", slug="besluiten-9901", api_type=APITypes.brc, auth_type=AuthTypes.zgw,
        api_root=f"{registry.base}/besluiten/api/v1/", client_id="toegang", secret=TEST_SECRET, timeout=2,
    )  # fmt: skip
    urls = {
        "catalogus": f"{ct}/catalogussen/c1", "zaaktype_trajectory": f"{ct}/zaaktypen/traject",
        "statustype_trajectory_started": f"{ct}/statustypen/1", "statustype_trajectory_closed": f"{ct}/statustypen/2",
        "zaaktype_wmo": f"{ct}/zaaktypen/wmo", "statustype_closed_wmo": f"{ct}/statustypen/5",
        "besluittype_wmo": f"{ct}/besluittypen/wmo",
    }  # fmt: skip
    results = {code: f"{ct}/resultaattypen/{code}" for code in closing_codes()}
    wmo = {code: f"{ct}/resultaattypen/aanvraag-wmo-{code}" for code in ("afgebroken", "geweigerd", "wmo")}
    for url in [*urls.values(), *results.values(), *wmo.values()]:
        path = url.removeprefix(registry.base)
        registry.objects[path] = {"url": url, "concept": False}
    # each type names the zaaktype it belongs to, as the Catalogi API answers
    for url in (urls["statustype_trajectory_started"], urls["statustype_trajectory_closed"], *results.values()):
        registry.objects[url.removeprefix(registry.base)]["zaaktype"] = urls["zaaktype_trajectory"]
    for url in (urls["statustype_closed_wmo"], *wmo.values()):
        registry.objects[url.removeprefix(registry.base)]["zaaktype"] = urls["zaaktype_wmo"]
    registry.objects[urls["besluittype_wmo"].removeprefix(registry.base)]["zaaktypen"] = [urls["zaaktype_wmo"]]
    fields = {"active": True, "zaken_service": zaken, "besluiten_service": besluiten, "rsin": RSIN,
              "resultaattypen": results, "resultaattypen_wmo": wmo, **urls, **extra}  # fmt: skip
    return Configuration.objects.create(municipality=world.gemeente, **fields)


def test_the_connection_check_passes_when_every_address_answers(world, registry):
    config = connected_config(world, registry)
    assert checks.problems(config) == []
    assert checks.connection_problems(config) == []
    # the catalogue is read with the Zaken API's credentials (same host: one Open Zaak)
    assert registry.seen["/catalogi/api/v1/zaaktypen/traject"].startswith("Bearer ")


def test_the_connection_check_counts_a_404_as_a_wrong_address_not_a_success(world, registry):
    config = connected_config(world, registry)
    Service.objects.filter(slug="zaken-9901").update(api_root=f"{registry.base}/zakenn/api/v1/")
    Service.objects.filter(slug="besluiten-9901").update(api_root=f"{registry.base}/besluiten/api/v2/")
    config = Configuration.objects.select_related("zaken_service", "besluiten_service").get(pk=config.pk)
    found = checks.connection_problems(config)
    assert f"Zaken API ({registry.base}/zakenn/api/v1/): het adres bestaat niet (HTTP 404)" in found[0]
    assert f"Besluiten API ({registry.base}/besluiten/api/v2/): het adres bestaat niet (HTTP 404)" in found[1]


def test_the_connection_check_names_a_redirect(world, registry):
    config = connected_config(world, registry)
    Service.objects.filter(slug="zaken-9901").update(api_root=f"{registry.base}/oud/zaken/api/v1/")
    config = Configuration.objects.select_related("zaken_service", "besluiten_service").get(pk=config.pk)
    found = checks.connection_problems(config)
    assert found == [
        f"Zaken API ({registry.base}/oud/zaken/api/v1/): het adres verwijst door naar {registry.base}/zaken/api/v1/ "
        "(HTTP 301); vul het adres in waar het naar verwijst."
    ]


def test_the_connection_check_names_each_type_that_does_not_answer_or_is_a_concept(world, registry):
    config = connected_config(world, registry)
    del registry.objects["/catalogi/api/v1/statustypen/2"]
    registry.objects["/catalogi/api/v1/zaaktypen/wmo"]["concept"] = True
    del registry.objects["/catalogi/api/v1/resultaattypen/participatie"]
    found = checks.connection_problems(config)
    assert found == [
        "Statustype traject afgesloten: het adres bestaat niet (HTTP 404): controleer het adres.",
        "Zaaktype aanvraag Wmo: staat nog in concept in de catalogus; publiceer het eerst (de zaakregistratie "
        "weigert het).",
        "Resultaattypen per resultaat (Selectielijst) (participatie): het adres bestaat niet (HTTP 404): "
        "controleer het adres.",
    ]


def test_the_connection_check_never_sends_the_credentials_to_another_host(world, registry):
    other = Registry()
    try:
        url = f"{other.base}/catalogi/api/v1/statustypen/1"
        other.objects["/catalogi/api/v1/statustypen/1"] = {"url": url}
        config = connected_config(world, registry, catalogus="", statustype_trajectory_started=url)
        assert checks.problems(config) == []  # without a catalogue only the kind of each address is checked
        assert checks.connection_problems(config) == []
        assert other.seen["/catalogi/api/v1/statustypen/1"] is None
    finally:
        other.close()


def test_a_registry_that_gives_no_connection_is_asked_once(world):
    down = Registry()
    config = connected_config(world, down)
    down.close()  # nothing listens there any more
    found = checks.connection_problems(config)
    refused = "de verbinding wordt geweigerd; draait de dienst op dit adres?"
    assert found[0] == f"Zaken API ({down.base}/zaken/api/v1/): geen verbinding ({refused})."
    assert found[1] == f"Besluiten API ({down.base}/besluiten/api/v1/): geen verbinding ({refused})."
    host = down.base.removeprefix("http://")
    assert found[2:] == [
        f"Niet gecontroleerd (geen verbinding met {host}): Catalogus, Zaaktype traject, Statustype traject gestart, "
        "Statustype traject afgesloten, Zaaktype aanvraag Wmo, Statustype afgerond Wmo, "
        "Besluittype beschikking Wmo, "
        + ", ".join(f"Resultaattypen per resultaat (Selectielijst) ({code})" for code in closing_codes())
        + ", Resultaattypen aanvraag Wmo (afgebroken), Resultaattypen aanvraag Wmo (geweigerd), "
        "Resultaattypen aanvraag Wmo (wmo)."
    ]


def test_the_screen_runs_the_connection_check_on_request(client, world, registry):
    config = connected_config(world, registry)
    Service.objects.filter(slug="zaken-9901").update(api_root=f"{registry.base}/zakenn/api/v1/")
    client.force_login(world.admin)
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "Verbinding controleren" in page and "het adres bestaat niet" not in page
    page = client.post(reverse("zgw-registrations")).content.decode()
    assert f"Zaken API ({registry.base}/zakenn/api/v1/): het adres bestaat niet (HTTP 404)" in page
    Service.objects.filter(slug="zaken-9901").update(api_root=config.zaken_service.api_root)
    page = client.post(reverse("zgw-registrations")).content.decode()
    assert (
        "Verbinding gecontroleerd: de Zaken API, de Besluiten API en alle adressen uit de catalogus antwoorden." in page
    )


# --- finding 15: the list of registrations ------------------------------------------------------------------------


def _rows(world, n: int, state: str, *, kind: str = Kind.TRAJECTORY_STARTED, start: int = 1) -> None:
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(municipality=world.gemeente, kind=kind, object_id=start + i, state=state, next_attempt_at=now,
                     created_at=now, attempts=1 if state == State.GIVEN_UP else 0)
        for i in range(n)
    )  # fmt: skip


def test_the_list_pages_shows_its_counts_and_never_hides_given_up_rows(client, world):
    active_config(world)
    _rows(world, 3, State.GIVEN_UP, start=1)  # the oldest
    _rows(world, 150, State.REGISTERED, start=100)
    client.force_login(world.admin)
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "In totaal 153:" in page and "Getoond: 100 van 153, nieuwste eerst." in page
    assert "3 registraties zijn opgegeven" in page and 'href="?stand=opgegeven"' in page
    assert '<option value="opgegeven">Opgegeven (3)</option>' in page
    assert page.count("Opnieuw proberen</button>") == 0  # not on the first page
    older = re.search(r'href="\?voor=(\d+)">Oudere registraties', page).group(1)
    page = client.get(reverse("zgw-registrations") + f"?voor={older}").content.decode()
    assert "Getoond: 53 van 153" in page and page.count("Opnieuw proberen</button>") == 3
    assert "Oudere registraties" not in page and "Nieuwste registraties" in page
    page = client.get(reverse("zgw-registrations") + "?stand=opgegeven").content.decode()
    assert "Getoond: 3 van 3 (opgegeven)" in page and page.count("Opnieuw proberen</button>") == 3
    # the counts come with the configuration, the page in one query: session, user, second factor; the
    # configuration with its services and counts, the page of rows, the result codes of the check
    assert page_queries(client, reverse("zgw-registrations"), audit_rows=0) == 6
    assert page_queries(client, reverse("zgw-registrations") + f"?voor={older}&stand=opgegeven", audit_rows=0) == 6


# --- finding 17: what began before registering was switched on ---------------------------------------------------


def _decision(world, procedure):
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Beperkingen"
    )
    decisions.add_provision(
        actor=world.professional, decision=decision, category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01a01", delivery="zin",
        provider=Provider.objects.get_or_create(agb_code="98765432", defaults={"name": "Thuiszorg"})[0],
        volume=3, unit="04", frequency="2", start_date=today(), end_date=today() + dt.timedelta(days=365),
    )  # fmt: skip
    decision = decisions.submit(actor=world.professional, decision=decision)
    return decisions.send(actor=world.professional, decision=decision, on=today())


def _procedure(world, trajectory, member: int = 0):
    person = trajectory.household.memberships.select_related("person").order_by("pk")[member].person
    procedure = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo",
        reported_on=today() - dt.timedelta(days=10),
    )  # fmt: skip
    return procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=10)
    )


def test_what_began_before_registering_was_on_is_not_registered_when_it_ends(world):
    trajectory = make_trajectory(world)  # no configuration yet
    procedure = _procedure(world, trajectory)
    withdrawn = _procedure(world, trajectory, member=1)
    besluiten = Service.objects.create(
        label="Besluiten", slug="besluiten-test", api_type=APITypes.brc, api_root=BESLUITEN, auth_type=AuthTypes.zgw,
        client_id="toegang", secret=TEST_SECRET, timeout=2,
    )  # fmt: skip
    active_config(world, besluiten_service=besluiten, besluittype_wmo=f"{CT}/besluittypen/wmo")
    _decision(world, procedure)
    procedure_services.withdraw(actor=world.professional, procedure=withdrawn, on=today())
    case_services.close_trajectory(
        actor=world.professional, trajectory=trajectory, closed_on=today(), reason="doelen_bereikt",
        retention_rule=wmo_rule(), note="",
    )  # fmt: skip
    endings = [Kind.TRAJECTORY_CLOSED, Kind.DECISION_SENT, Kind.PROCEDURE_CLOSED]
    assert not Registration.objects.filter(kind__in=endings).exists()
    # what begins now is registered from its start to its end
    later = make_trajectory(world)
    later_withdrawn = _procedure(world, later, member=1)
    decision = _decision(world, _procedure(world, later))
    procedure_services.withdraw(actor=world.professional, procedure=later_withdrawn, on=today())
    case_services.close_trajectory(
        actor=world.professional, trajectory=later, closed_on=today(), reason="doelen_bereikt",
        retention_rule=wmo_rule(), note="",
    )  # fmt: skip
    found = set(Registration.objects.filter(kind__in=endings).values_list("kind", "object_id"))
    assert {
        (Kind.TRAJECTORY_CLOSED, later.pk), (Kind.DECISION_SENT, decision.pk),
        (Kind.PROCEDURE_CLOSED, later_withdrawn.pk),
    } <= found  # fmt: skip
    assert all(kind != Kind.PROCEDURE_CLOSED or pk != withdrawn.pk for kind, pk in found)


def test_an_old_closing_of_an_unregistered_trajectory_is_not_offered_again(client, world):
    active_config(world)
    trajectory = make_trajectory(world)
    Registration.objects.all().delete()  # as if it began before registering was switched on
    now = timezone.now()
    hopeless = Registration.objects.create(
        municipality=world.gemeente, kind=Kind.TRAJECTORY_CLOSED, object_id=trajectory.pk, state=State.GIVEN_UP,
        attempts=1, next_attempt_at=now, created_at=now,
        last_error="De zaak waarop deze registratie voortbouwt is nooit aangemeld (registratie stond uit).",
    )  # fmt: skip
    client.force_login(world.admin)
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "Niet van toepassing" in page and "opnieuw proberen kan niet slagen" in page
    assert "Opnieuw proberen</button>" not in page
    with pytest.raises(DomainError, match="opnieuw proberen kan niet slagen"):
        services.retry_registration(actor=world.admin, registration=hopeless)
    hopeless.refresh_from_db()
    assert hopeless.state == State.GIVEN_UP
    # a closing whose start was registered can be retried
    Registration.objects.create(
        municipality=world.gemeente, kind=Kind.TRAJECTORY_STARTED, object_id=trajectory.pk, state=State.REGISTERED,
        next_attempt_at=now, created_at=now,
    )  # fmt: skip
    assert selectors.base_registered(hopeless)
    assert "Opnieuw proberen</button>" in client.get(reverse("zgw-registrations")).content.decode()


# --- finding 12: the embedded worker after a restart -------------------------------------------------------------


def _pending_committed(world, stub) -> Registration:
    from toegang.cases.models import Trajectory
    from toegang.people.models import Household

    zaken = Service.objects.create(
        label="Zaken", slug="zaken-w", api_type=APITypes.zrc, api_root=stub.zaken_root, auth_type=AuthTypes.zgw,
        client_id="toegang", secret=TEST_SECRET, timeout=2,
    )  # fmt: skip
    Configuration.objects.create(
        municipality=world.gemeente, active=True, zaken_service=zaken, rsin=RSIN,
        zaaktype_trajectory=f"{CT}/zaaktypen/traject", statustype_trajectory_started=f"{CT}/statustypen/1",
    )  # fmt: skip
    household = Household.objects.create(municipality=world.gemeente, area=world.area, name="Huishouden W")
    trajectory = Trajectory.objects.create(household=household, team=world.team, started_on=today())
    past = timezone.now() - dt.timedelta(minutes=10)
    return Registration.objects.create(  # failed before the restart, its retry due since long
        municipality=world.gemeente, kind=Kind.TRAJECTORY_STARTED, object_id=trajectory.pk, state=State.FAILED,
        attempts=1, next_attempt_at=past, created_at=past, last_error="Zaken API: geen verbinding.",
    )  # fmt: skip


def _join_jobs() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(10)  # it closes its database connection before it ends


@pytest.fixture
def schedule():
    """The embedded worker's schedule of recurring work (common/jobs.py), stopped again after the test."""
    jobs.stop()
    yield
    jobs.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_worker_picks_up_after_a_restart_the_retries_that_came_due(world, settings, schedule):
    """The registration app is recurring work of the embedded worker: the schedule that a new process starts (at
    its first request) sends the registration that failed before the restart and was due since."""
    from tests.test_events_delivery import wait_for

    settings.WORKER = "thread"
    assert any(r.task is tasks.kick and r.next_due is registration.next_due for r in jobs._recurring)
    with StubRegistry() as stub:
        row = _pending_committed(world, stub)
        jobs.start()  # what the first request of a new process does
        wait_for(lambda: Registration.objects.get(pk=row.pk).state == State.REGISTERED, seconds=30)
        jobs.stop()
        _join_jobs()
        assert stub.violations == []


def test_the_screen_says_when_registrations_wait_long_for_their_retry(client, world):
    active_config(world)
    client.force_login(world.admin)
    assert "wacht al meer dan" not in client.get(reverse("zgw-registrations")).content.decode()
    _rows(world, 1, State.FAILED)
    Registration.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    page = client.get(reverse("zgw-registrations")).content.decode()
    assert "1 registratie wacht al meer dan 5 minuten op de volgende poging" in page


def test_the_next_round_is_due_with_the_earliest_pending_registration(world):
    active_config(world)
    assert registration.next_due() is None
    _rows(world, 3, State.FAILED)
    rows = list(Registration.objects.order_by("pk"))
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=3)
    Registration.objects.filter(pk=rows[0].pk).update(next_attempt_at=soon)
    Registration.objects.filter(pk=rows[1].pk).update(next_attempt_at=soon + dt.timedelta(minutes=5))
    Registration.objects.filter(pk=rows[2].pk).update(
        state=State.GIVEN_UP, next_attempt_at=soon - dt.timedelta(minutes=1)
    )  # given up: no round is due for it
    assert registration.next_due() == soon


def test_the_connection_check_names_a_type_of_another_zaaktype(world, registry):
    """The registry refuses a status, resultaat or besluit whose type belongs to another zaaktype than the zaak's:
    the check reads the zaaktype each type names in the catalogue."""
    config = connected_config(world, registry)
    ct = f"{registry.base}/catalogi/api/v1"
    registry.objects["/catalogi/api/v1/statustypen/5"]["zaaktype"] = f"{ct}/zaaktypen/jeugd"
    registry.objects["/catalogi/api/v1/besluittypen/wmo"]["zaaktypen"] = [f"{ct}/zaaktypen/jeugd"]
    assert checks.connection_problems(config) == [
        f"Statustype afgerond Wmo: hoort bij een ander zaaktype ({ct}/zaaktypen/jeugd) dan Zaaktype aanvraag Wmo "
        f"({ct}/zaaktypen/wmo); de zaakregistratie weigert het.",
        f"Besluittype beschikking Wmo: hoort niet bij Zaaktype aanvraag Wmo ({ct}/zaaktypen/wmo); de "
        "zaakregistratie weigert het besluit.",
    ]


def test_migration_0003_gives_the_one_set_of_procedure_statustypen_to_each_law_with_a_zaaktype():
    """The migration's data step on configurations as they were before it (and back). Migrating the test database
    back and forth inside the suite leaves it unusable for the tests after, so the step is run on stand-ins
    with the historical fields."""
    import importlib
    from types import SimpleNamespace

    step = importlib.import_module("toegang.zgw.migrations.0003_statustypes_per_law")
    empty = {f"statustype_{s}_{law}": "" for law in ("wmo", "jeugd", "pw") for s in ("received", "decided", "closed")}
    saved: list[object] = []

    def config(**values):
        row = SimpleNamespace(**{"zaaktype_wmo": "", "zaaktype_jeugd": "", "zaaktype_pw": "", **empty, **values})
        row.save = lambda: saved.append(row)
        return row

    two_laws = config(
        zaaktype_wmo=f"{CT}/zaaktypen/wmo", zaaktype_pw=f"{CT}/zaaktypen/pw",
        statustype_procedure_received=f"{CT}/statustypen/3", statustype_procedure_decided="",
        statustype_procedure_closed=f"{CT}/statustypen/5",
    )  # fmt: skip
    none_yet = config(
        statustype_procedure_received="", statustype_procedure_decided="",
        statustype_procedure_closed=f"{CT}/statustypen/9",
    )  # fmt: skip
    rows = [two_laws, none_yet]
    model = SimpleNamespace(objects=SimpleNamespace(all=lambda: rows))
    apps = SimpleNamespace(get_model=lambda app, name: model)
    step.per_law(apps, None)
    assert saved == rows
    assert (two_laws.statustype_received_wmo, two_laws.statustype_received_jeugd, two_laws.statustype_received_pw) == (
        f"{CT}/statustypen/3",
        "",
        f"{CT}/statustypen/3",
    )
    assert (two_laws.statustype_closed_wmo, two_laws.statustype_closed_jeugd, two_laws.statustype_closed_pw) == (
        f"{CT}/statustypen/5",
        "",
        f"{CT}/statustypen/5",
    )
    assert none_yet.statustype_closed_wmo == none_yet.statustype_closed_jeugd == f"{CT}/statustypen/9"
    # and back: the first law's set
    two_laws.statustype_procedure_closed = ""
    two_laws.statustype_closed_wmo = ""
    step.one_set(apps, None)
    assert two_laws.statustype_procedure_closed == f"{CT}/statustypen/5"  # the Participatiewet's
    assert two_laws.statustype_procedure_received == f"{CT}/statustypen/3"


# --- the walk-through of 2026-11-30: what the administrator could still save wrongly ----------------------------


def test_a_refused_save_lists_what_to_correct_at_the_top_with_links_to_the_fields(client, world):
    response = save(client, world.admin, zaaktype_trajectory="", rsin="12345678")
    text = response.content.decode()
    assert response.status_code == 400 and "<title>Fout: ZGW-instelling" in text
    summary = text.split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]
    assert "Er is niets opgeslagen. Verbeter het volgende:" in text
    assert 'href="#id_zaaktype_trajectory"' in summary and 'href="#id_rsin"' in summary
    assert "Zaaktype traject: vul het adres in." in summary


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"statustype_trajectory_closed": f"{CT}/statustypen/1"},
            "statustype_trajectory_closed",
            "Statustype traject afgesloten: is hetzelfde adres als Statustype traject gestart; de eindstatus moet "
            "een andere status zijn dan de eerste (anders sluit de zaak bij de start).",
        ),
        (
            {"zaaktype_wmo": f"{CT}/zaaktypen/traject"},
            "zaaktype_wmo",
            "Zaaktype aanvraag Wmo: is hetzelfde adres als Zaaktype traject; de zaak van een procedure is een "
            "deelzaak met een eigen zaaktype.",
        ),
        (
            {"statustype_received_wmo": f"{CT}/statustypen/5"},
            "statustype_closed_wmo",
            "Statustype afgerond Wmo: is hetzelfde adres als Statustype melding ontvangen Wmo; de eindstatus moet "
            "een andere status zijn dan de eerste (anders sluit de zaak bij de start).",
        ),
        (
            {"statustype_decided_wmo": f"{CT}/statustypen/2"},
            "statustype_decided_wmo",
            "Statustype besloten Wmo: is hetzelfde adres als Statustype traject afgesloten; een statustype hoort bij "
            "één zaaktype.",
        ),
    ],
)
def test_one_address_in_two_roles_that_must_differ_is_refused(client, world, changes, field, message):
    response = save(client, world.admin, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert (field, message) in checks.problems_by_field(Configuration(**{**_valid_fields(), **changes}))
    assert not Configuration.objects.exists()


def _valid_fields() -> dict[str, object]:
    return {
        "zaaktype_trajectory": f"{CT}/zaaktypen/traject", "statustype_trajectory_started": f"{CT}/statustypen/1",
        "statustype_trajectory_closed": f"{CT}/statustypen/2", "zaaktype_wmo": f"{CT}/zaaktypen/wmo",
        "statustype_closed_wmo": f"{CT}/statustypen/5",
    }  # fmt: skip


def test_a_result_code_given_twice_is_refused_not_overwritten(client, world):
    lines = "\n".join(f"{code} = {url}" for code, url in wmo_results().items())
    response = save(client, world.admin, resultaattypen_wmo=f"{lines}\nwmo = {CT}/resultaattypen/anders")
    assert response.status_code == 400
    assert "Resultaattypen aanvraag Wmo: regel 4: de code wmo staat er al (regel " in response.content.decode()
    assert not Configuration.objects.exists()


def test_another_client_id_needs_its_own_secret(client, world):
    assert save(client, world.admin).status_code == 302
    response = save(client, world.admin, client_id="toegang-nieuw", secret="")
    assert response.status_code == 400
    assert "Secret: een andere client-id heeft een eigen secret" in response.content.decode()
    config = Configuration.objects.select_related("zaken_service").get()
    assert config.zaken_service.client_id == "toegang"
    assert save(client, world.admin, client_id="toegang", secret="").status_code == 302  # same client-id: kept


def test_the_settings_page_has_a_pinned_query_count(client, world):
    client.force_login(world.admin)
    empty = page_queries(client, reverse("zgw-settings"), audit_rows=0)
    save(client, world.admin)
    filled = page_queries(client, reverse("zgw-settings"), audit_rows=0)
    # session, user, second factor, the configuration with its two services, the result codes for the help
    assert (empty, filled) == (5, 5)
