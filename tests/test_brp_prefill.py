"""Prefill from the BRP on the page that adds a household member: by BSN the form is filled, by address
the residents are offered; the source and time of every prefilled value is kept ("uit de BRP" or, when
changed, "handmatig"); every query is one audit row with its subjects and legal basis; bad input names the
field and asks nothing. The application talks to the fake over HTTP (live_server)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import brp_support
from tests.conftest import make_trajectory, next_bsn
from tests.querycount import AUDIT_WRITE, page_queries
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.people import services as people_services
from toegang.people.brp import services as brp_services
from toegang.people.brp.client import BrpPerson
from toegang.people.models import Membership, Person, PersonSource

pytestmark = pytest.mark.django_db
brp = brp_support.brp  # the fixture


@pytest.fixture
def household(world):
    return make_trajectory(world).household


@pytest.fixture
def page(client, world, household):
    client.force_login(world.professional)
    return f"/huishoudens/{household.pk}/leden/nieuw/"


def brp_rows():
    return AuditEntry.objects.filter(object_type="brp-personen")


def test_by_bsn_the_form_is_filled_and_the_query_logged(brp, client, page):
    before = AuditEntry.objects.count()
    response = client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990007"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Jan Pieter"' in html and 'value="Proef"' in html and 'value="1980-03-14"' in html
    assert "Vooringevuld uit de BRP, opgehaald" in html
    assert brp.last_body["fields"] == [
        "burgerservicenummer",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
        "overlijden.datum",
    ]
    assert AuditEntry.objects.count() - before == 1  # one audit row for the request
    row = brp_rows().get()
    assert row.action == AuditEntry.Action.READ
    assert row.legal_basis == "Wet BRP art. 3.3 i.v.m. Wmo 2015 art. 5.1.1 / Jeugdwet art. 7.4.0"
    assert "RaadpleegMetBurgerservicenummer (lid toevoegen): 1 persoon" in row.detail
    assert list(row.subjects.values_list("person_id", flat=True)) == []  # not registered in Toegang yet
    assert not Person.objects.filter(bsn="999990007").exists()  # nothing saved


def test_a_known_person_is_the_subject_of_the_query(brp, client, page, world):
    known = people_services.register_person(actor=world.professional, bsn="999990019", voornamen="M", geslachtsnaam="T")
    client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990019"})
    assert list(brp_rows().get().subjects.values_list("person_id", flat=True)) == [known.pk]


def prefilled_token(client, page, bsn: str) -> str:
    html = client.post(page, {"brp_actie": "bsn", "brp-bsn": bsn}).content.decode()
    return html.split('name="brp_token" value="')[1].split('"')[0]


def save(client, page, token: str, **values):
    data = {
        "brp_token": token,
        "bsn": "999990007",
        "voornamen": "Jan Pieter",
        "voorvoegsel": "de",
        "geslachtsnaam": "Proef",
        "geboortedatum": "1980-03-14",
        "role": Membership.Role.PARENT,
        "start_date": today().isoformat(),
    }
    data.update(values)
    return client.post(page, data)


def test_saving_keeps_source_and_time_and_a_changed_value_is_handmatig(brp, client, page, household):
    token = prefilled_token(client, page, "999990007")
    response = save(client, page, token, voornamen="Jan")  # the professional changed the first names
    assert response.status_code == 302
    person = Person.objects.get(bsn="999990007")
    assert person.voornamen == "Jan"
    sources = {s.field: s for s in person.sources.all()}
    assert set(sources) == {"bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum"}
    assert sources["geslachtsnaam"].source == PersonSource.Source.BRP
    assert sources["geboortedatum"].value == "1980-03-14"
    assert sources["voornamen"].source == PersonSource.Source.MANUAL
    assert sources["voornamen"].value == "Jan Pieter"  # what the BRP said stays visible
    retrieved = sources["bsn"].retrieved_at
    assert all(s.retrieved_at == retrieved for s in sources.values())

    html = client.get(f"/huishoudens/{household.pk}/personen/{person.pk}/").content.decode()
    from django.utils import timezone

    moment = timezone.localtime(retrieved).strftime("%d-%m-%Y %H:%M")
    assert f"uit de BRP, {moment}" in html
    assert "handmatig" in html and "de BRP gaf: Jan Pieter" in html


def test_a_known_person_keeps_their_data_and_their_provenance(brp, client, page):
    """Jan was registered as "Jan" before; the BRP says "Jan Pieter". A melding for him with the prefilled
    form links the known person without changing them: the provenance must not say this professional
    typed "Jan" by hand, and the page must say which values were not taken (they looked saved)."""
    assert save(client, page, prefilled_token(client, page, "999990007"), voornamen="Jan").status_code == 302
    person = Person.objects.get(bsn="999990007")
    before = {s.field: (s.source, s.recorded_at) for s in person.sources.all()}
    html = client.post("/meldingen/nieuw/", {"brp_actie": "bsn", "brp-bsn": "999990007"}).content.decode()
    response = client.post(
        "/meldingen/nieuw/",
        {
            "brp_token": html.split('name="brp_token" value="')[1].split('"')[0],
            "bsn": "999990007",
            "voornamen": "Jan Pieter",
            "voorvoegsel": "de",
            "geslachtsnaam": "Proef",
            "geboortedatum": "1980-03-14",
            "postcode": "9999XA",
            "huisnummer": "14",
            "source": "huisarts",
            "channel": "telefoon",
            "received_on": today().isoformat(),
            "urgency": "normaal",
            "description": "Zorgen.",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.voornamen == "Jan" and person.huisnummer == ""  # unchanged
    after = {s.field: (s.source, s.recorded_at) for s in person.sources.all()}
    assert after["voornamen"] == before["voornamen"]  # neither the BRP's nor the typed value: left as it was
    assert after["geslachtsnaam"][0] == PersonSource.Source.BRP  # still the BRP's value: confirmed
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("al bekend in Toegang" in m and "voornamen, postcode, huisnummer" in m for m in shown), shown


@pytest.mark.parametrize("surname", ["Anders", "Proeff"])
def test_a_known_bsn_with_another_surname_is_refused(brp, client, page, world, surname):
    """A mistyped BSN that happens to be someone else's put the member in that person's file."""
    known = dict(actor=world.professional, bsn="999990007", voornamen="Jan", voorvoegsel="de")
    people_services.register_person(**known, geslachtsnaam="Proef")
    members = Membership.objects.count()
    response = save(client, page, "", geslachtsnaam=surname)
    assert response.status_code == 400
    assert "BSN: dit BSN is in Toegang bekend bij iemand met een andere achternaam" in response.content.decode()
    assert Membership.objects.count() == members
    for same in ("Proef", "PROEF ", "de Proef"):  # case, spacing, the prefix written with the name
        assert people_services.register_person(**{**known, "voorvoegsel": ""}, geslachtsnaam=same).voornamen == "Jan"


def test_a_failed_save_keeps_the_prefill(brp, client, page):
    token = prefilled_token(client, page, "999990007")
    response = save(client, page, token, role="")
    assert response.status_code == 400
    assert f'name="brp_token" value="{token}"' in response.content.decode()
    assert not Person.objects.filter(bsn="999990007").exists()


def test_an_altered_snapshot_records_no_provenance(brp, client, page):
    token = prefilled_token(client, page, "999990007")
    assert save(client, page, token[:-3] + "xyz").status_code == 302
    assert not PersonSource.objects.exists()


def test_a_snapshot_of_another_person_records_no_provenance(brp, client, page):
    token = prefilled_token(client, page, "999990019")
    assert save(client, page, token).status_code == 302  # saved for 999990007 with 999990019's snapshot
    assert not PersonSource.objects.exists()


def test_household_by_address_offers_the_residents_to_add(brp, client, page):
    response = client.post(page, {"brp_actie": "adres", "brpadres-postcode": "9999 xa", "brpadres-huisnummer": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Jan Pieter de Proef", "Maria Testers", "Sem de Proef", "Noor de Proef"):
        assert f"{name} overnemen" in html
    row = brp_rows().get()
    assert row.action == AuditEntry.Action.SEARCH
    assert "ZoekMetPostcodeEnHuisnummer (lid toevoegen): 4 persoon/personen" in row.detail
    assert brp.last_body == {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "9999XA",
        "huisnummer": 12,
        "fields": ["burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte.datum"],
    }
    # pick Sem: the form is filled from the answer already shown, without a new query
    token = html.split('name="brp_kies" value="')[3].split('"')[0]
    requests_before = brp.requests
    picked = client.post(page, {"brp_actie": "kies", "brp_kies": token}).content.decode()
    assert brp.requests == requests_before
    assert 'value="Sem"' in picked and 'value="2012-05-20"' in picked


def test_the_address_form_starts_with_the_household_address(brp, client, page, household):
    html = client.get(page).content.decode()
    assert f'value="{household.postcode}"' in html
    assert "Ophalen uit de BRP" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"brp_actie": "bsn", "brp-bsn": "123456789"}, "BSN: dit nummer voldoet niet aan de elfproef"),
        ({"brp_actie": "bsn", "brp-bsn": "12ab"}, "BSN: een burgerservicenummer bestaat alleen uit cijfers."),
        ({"brp_actie": "bsn", "brp-bsn": ""}, "BSN: dit veld is verplicht."),
        (
            {"brp_actie": "adres", "brpadres-postcode": "0628HJ", "brpadres-huisnummer": "2"},
            "Postcode: vier cijfers en twee letters, bijvoorbeeld 1234AB.",
        ),
        ({"brp_actie": "adres", "brpadres-postcode": "9999XA", "brpadres-huisnummer": "twee"}, "Huisnummer: een getal"),
        ({"brp_actie": "adres", "brpadres-postcode": "9999XA", "brpadres-huisnummer": "0"}, "Huisnummer: een getal"),
    ],
)
def test_bad_input_names_the_field_and_asks_nothing(brp, client, page, data, message):
    before = AuditEntry.objects.count()
    response = client.post(page, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert brp.requests == 0
    assert AuditEntry.objects.count() == before
    assert not Person.objects.filter(bsn__startswith="99999").exists()


def test_an_unknown_bsn_says_so(brp, client, page):
    response = client.post(page, {"brp_actie": "bsn", "brp-bsn": next_bsn()})
    assert response.status_code == 200
    assert "De BRP kent geen persoon met dit BSN" in response.content.decode()
    assert "0 persoon/personen" in brp_rows().get().detail


@pytest.mark.parametrize("where", ["member", "signal"])
def test_a_deceased_person_is_not_filled_in(brp, client, page, where):
    """RaadpleegMetBurgerservicenummer answers for the deceased too: without asking for the date of death
    a professional added a person who had died as a household member, or as the resident of a melding."""
    url = page if where == "member" else "/meldingen/nieuw/"
    response = client.post(url, {"brp_actie": "bsn", "brp-bsn": "999990068"})
    html = response.content.decode()
    assert response.status_code == 200 and "Volgens de BRP is de persoon met dit BSN overleden" in html
    assert "Oudeman" not in html and 'name="brp_token"' not in html  # nothing filled, no snapshot to save
    assert "overlijden.datum" in brp.last_body["fields"]
    living = client.post(url, {"brp_actie": "bsn", "brp-bsn": "999990007"}).content.decode()
    assert 'value="Jan Pieter"' in living


def test_asking_the_brp_keeps_what_was_typed_and_enter_saves(brp, client, page):
    """The BRP buttons were separate forms: asking the BRP after typing the melding wiped the description,
    the source and the life domains. They are part of the page's form now; its first submit button is
    the (hidden) save, so Enter in a field saves instead of asking the BRP."""
    typed = {"description": "Zorgen om de huur.", "source": "huisarts", "reporter": "Dr. Test", "voornamen": "X"}
    html = client.post("/meldingen/nieuw/", {"brp_actie": "bsn", "brp-bsn": "999990007", **typed}).content.decode()
    assert "Zorgen om de huur.</textarea>" in html and 'value="Dr. Test"' in html
    assert 'value="huisarts" selected' in html
    assert 'value="Jan Pieter"' in html and 'value="X"' not in html  # the BRP's values over the typed ones
    form = html.split('<form method="post"')[1]
    first = form.split('type="submit"')[1].split(">")[0]
    assert "name=" not in first and "Ophalen op BSN" in form  # the first submit button is the save, unnamed


def test_when_the_brp_is_down_the_user_types_the_data(brp, client, page, settings):
    settings.BRP_URL = brp_support.closed_port_url()
    response = client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990007"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "De BRP is niet bereikbaar" in html
    assert 'name="voornamen"' in html  # the form is there to type in
    assert not brp_rows().exists()  # nothing was read


def test_a_server_error_of_the_brp_is_shown(brp, client, page):
    brp.fail_with = 503
    response = client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990007"})
    assert response.status_code == 400
    assert "De BRP gaf een fout (status 503)" in response.content.decode()


def test_without_a_configured_brp_the_section_is_hidden(client, page, settings):
    settings.BRP_URL = ""
    settings.BRP_FAKE = False
    html = client.get(page).content.decode()
    assert "Ophalen uit de BRP" not in html
    response = client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990007"})
    assert response.status_code == 400
    assert "De koppeling met de BRP is niet ingesteld" in response.content.decode()


def test_the_person_page_is_behind_the_household_access(brp, client, world, household):
    person = household.memberships.first().person
    client.force_login(world.outsider)
    assert client.get(f"/huishoudens/{household.pk}/personen/{person.pk}/").status_code == 404
    client.force_login(world.professional)
    other = make_trajectory(world).household.memberships.first().person
    assert client.get(f"/huishoudens/{household.pk}/personen/{other.pk}/").status_code == 404


def test_pinned_query_counts(brp, client, page, household, world):
    person = household.memberships.first().person
    brp_services.record_sources(
        actor=world.professional,
        person=person,
        snapshot=brp_services.Snapshot(
            values=BrpPerson(bsn=person.bsn or "").values(), retrieved_at=dt.datetime.now(dt.UTC)
        ),
        typed={"bsn": person.bsn},
    )
    assert page_queries(client, f"/huishoudens/{household.pk}/personen/{person.pk}/") == PERSON_PAGE_QUERIES
    assert page_queries(client, page, audit_rows=0) == MEMBER_PAGE_QUERIES
    # the BSN query: the page's reads without the audit write (legal basis, subjects)
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(page, {"brp_actie": "bsn", "brp-bsn": "999990007"}).status_code == 200
    assert sum(1 for q in ctx.captured_queries if not AUDIT_WRITE.search(q["sql"])) == BSN_QUERY_QUERIES


# session, user (with whether a break-the-glass access runs), device; household, membership, sources, representations;
# the latest trajectory and an open correction request (tests/test_person_change.py)
PERSON_PAGE_QUERIES = 9
MEMBER_PAGE_QUERIES = 5  # as before the BRP section: it reads nothing until asked
BSN_QUERY_QUERIES = 7  # the member page (5), the known persons with that BSN, the legal basis


def test_the_signal_page_prefills_name_birth_date_and_address(brp, client, world):
    client.force_login(world.professional)
    response = client.post("/meldingen/nieuw/", {"brp_actie": "bsn", "brp-bsn": "999990044"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Fatima"' in html and 'value="9999XB"' in html and 'value="3A"' in html
    assert brp.last_body["fields"] == [
        "burgerservicenummer",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
        "overlijden.datum",
        "verblijfplaats.verblijfadres.huisnummer",
        "verblijfplaats.verblijfadres.huisletter",
        "verblijfplaats.verblijfadres.huisnummertoevoeging",
        "verblijfplaats.verblijfadres.postcode",
    ]
    token = html.split('name="brp_token" value="')[1].split('"')[0]
    saved = client.post(
        "/meldingen/nieuw/",
        {
            "brp_token": token,
            "bsn": "999990044",
            "voornamen": "Fatima",
            "geslachtsnaam": "El Voorbeeld",
            "geboortedatum": "1975-01-30",
            "postcode": "9999 xb",
            "huisnummer": "5",  # she tells she moved next door: typed by hand
            "source": "huisarts",
            "channel": "telefoon",
            "received_on": today().isoformat(),
            "urgency": "normaal",
            "description": "Zorgen om de thuissituatie.",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    person = Person.objects.get(bsn="999990044")
    sources = dict(person.sources.values_list("field", "source"))
    assert sources == {
        "bsn": "brp",
        "voornamen": "brp",
        "geslachtsnaam": "brp",
        "geboortedatum": "brp",
        "postcode": "brp",
        "huisnummer": "handmatig",
    }


def test_a_partner_organisations_employee_may_not_query_the_brp(brp, client, world):
    """The municipality is the BRP's afnemer under its autorisatiebesluit; a youth-care professional
    registering a melding types the data."""
    from toegang.accounts.models import Organisation

    assert world.partner.organisation.kind == Organisation.Kind.YOUTH_CARE
    world.partner.team = world.team  # a partner professional in the municipality's team
    world.partner.save()
    client.force_login(world.partner)
    assert "Ophalen op BSN" not in client.get("/meldingen/nieuw/").content.decode()
    response = client.post("/meldingen/nieuw/", {"brp_actie": "bsn", "brp-bsn": "999990007"})
    assert response.status_code == 400
    assert "alleen een medewerker van de gemeente" in response.content.decode()
    assert brp.requests == 0 and not brp_rows().exists()


def test_the_inzage_export_names_the_source_of_prefilled_data(brp, client, page, world):
    """AVG art. 15 lid 1 (g): a resident who asks what is held about them also learns where it came from."""
    from toegang.privacy import rights

    save(client, page, prefilled_token(client, page, "999990007"), voornamen="Jan")
    person = Person.objects.get(bsn="999990007")
    data = rights.export_person(actor=world.privacy, person=person)
    sources = {s["gegeven"]: s for s in data["herkomst_persoonsgegevens"]}
    assert sources["geslachtsnaam"]["bron"] == "uit de BRP"
    assert sources["voornamen"]["bron"] == "handmatig"
    assert sources["voornamen"]["waarde_volgens_de_brp"] == "Jan Pieter"
    assert rights.render_pdf(data).startswith(b"%PDF")


def test_a_tampered_pick_or_an_unknown_action(brp, client, page):
    response = client.post(page, {"brp_actie": "kies", "brp_kies": "vervalst"})
    assert response.status_code == 400
    assert "De gegevens uit de BRP zijn verlopen" in response.content.decode()
    # the signal page has no address search: "adres" there is no BRP action but a save with errors
    response = client.post("/meldingen/nieuw/", {"brp_actie": "adres", "brpadres-postcode": "9999XA"})
    assert response.status_code == 400
    assert "Omschrijving van de vraag of zorg: dit veld is verplicht." in response.content.decode()
    assert brp.requests == 0


def test_a_voorvoegsel_the_brp_does_not_have_is_emptied(brp, client, page):
    """The name is one whole: "El" typed as voorvoegsel does not stay before the BRP's "El Voorbeeld"."""
    response = client.post(
        page, {"brp_actie": "bsn", "brp-bsn": "999990044", "voorvoegsel": "El", "geslachtsnaam": "Voorbeeld"}
    )
    html = response.content.decode()
    assert 'name="voorvoegsel"' in html and 'name="voorvoegsel" value=' not in html
    assert 'value="El Voorbeeld"' in html
