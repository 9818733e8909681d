"""Correcting and updating a person's data on the person page ("Gegevens wijzigen"): who may, the rules of
each field (a Dutch message naming it, nothing written), the audit row with the fields and the reason but
not the values, the provenance of BRP values (a changed BRP value becomes "handmatig", the BRP's value
stays on record), "Ophalen uit de BRP" on the page, and an open correction request (AVG art. 16) shown
where the data is changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests import brp_support
from tests.conftest import law_basis, make_trajectory, next_bsn
from tests.querycount import page_queries
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases.views import shown_token
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.people import services
from toegang.people.models import Person, PersonSource
from toegang.privacy import rights

pytestmark = pytest.mark.django_db
brp = brp_support.brp  # the fixture


@pytest.fixture
def household(world):
    return make_trajectory(world).household


@pytest.fixture
def person(household) -> Person:
    return household.memberships.order_by("pk").first().person


def url(household, person) -> str:
    return reverse("household-person-change", args=[household.pk, person.pk])


def form_data(person: Person, **changes: object) -> dict[str, object]:
    """The form as the page shows it for the person as stored now, with ``changes`` typed over it."""
    data: dict[str, object] = {name: getattr(person, name) or "" for name in services.CHANGEABLE}
    data["geboortedatum"] = person.geboortedatum.isoformat() if person.geboortedatum else ""
    data["reason"] = "doorgegeven"
    data["shown"] = shown_token(Person.objects.get(pk=person.pk))
    data.update(changes)
    return data


def checked_reason(html: str) -> str | None:
    for tag in re.findall(r'<input[^>]*name="reason"[^>]*>', html):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
    return None


def values_of(person: Person, **changes: object) -> dict[str, object]:
    values = {name: getattr(person, name) for name in services.CHANGEABLE}
    values.update(changes)
    return values


def test_the_regisseur_changes_contact_data_and_the_audit_row_names_fields_and_reason(client, world, household, person):
    client.force_login(world.professional)
    page = client.get(reverse("household-person", args=[household.pk, person.pk])).content.decode()
    assert url(household, person) in page and "Gegevens wijzigen" in page
    response = client.post(url(household, person), form_data(person, telefoon="06-12345678", postcode="9999 xa"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "household-person", args=[household.pk, person.pk]
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Gewijzigd: telefoon, postcode."]
    person.refresh_from_db()
    assert (person.telefoon, person.postcode) == ("06-12345678", "9999XA")
    row = AuditEntry.objects.filter(object_type="person", object_id=str(person.pk), action="update").get()
    assert row.detail == "gewijzigd: telefoon, postcode; reden: Nieuw adres, telefoonnummer of e-mailadres doorgegeven"
    assert "12345678" not in row.detail and list(row.subjects.values_list("person_id", flat=True)) == [person.pk]
    page = client.get(reverse("household-person", args=[household.pk, person.pk])).content.decode()
    assert "06-12345678" in page  # the person page shows the contact data too
    assert "ingevoerd in Toegang (de BRP kent dit gegeven niet)" in page  # a phone number has no BRP source


def test_saving_unchanged_data_writes_nothing(client, world, household, person):
    client.force_login(world.professional)
    before = AuditEntry.objects.filter(action="update").count()
    response = client.post(url(household, person), form_data(person))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Er is niets gewijzigd: de gegevens waren al zo."]
    assert AuditEntry.objects.filter(action="update").count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"voornamen": " "}, "voornamen", "Voornamen"),
        ({"bsn": "123456789"}, "bsn", "BSN: dit nummer voldoet niet aan de elfproef"),
        ({"postcode": "12AB34"}, "postcode", "Postcode: vier cijfers en twee letters"),
        ({"huisnummer": "twaalf"}, "huisnummer", "Huisnummer: een getal van 1 tot en met 99999"),
        ({"telefoon": "bel me"}, "telefoon", "Telefoon: alleen cijfers"),
        ({"telefoon": "06-1234"}, "telefoon", "ten minste 10 cijfers"),
        ({"email": "geen-adres"}, "email", "e-mailadres"),
        ({"reason": ""}, "reason", "Reden van de wijziging"),
        ({"reason": "zomaar"}, "reason", "Reden van de wijziging"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, world, household, person, changes, field, message):
    client.force_login(world.professional)
    before = Person.objects.values().get(pk=person.pk)
    audit_rows = AuditEntry.objects.filter(action="update").count()
    response = client.post(url(household, person), form_data(person, geslachtsnaam="Nieuw", **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        message in html
        and f'href="#id_{field}"' in html
        and f'id="id_{field}"' in html
        and "Er is niets opgeslagen" in html
    )
    assert Person.objects.values().get(pk=person.pk) == before
    assert AuditEntry.objects.filter(action="update").count() == audit_rows


def test_a_birth_date_in_the_future_is_refused_by_the_service(world, person):
    with pytest.raises(DomainError) as error:
        services.change_person(
            actor=world.professional,
            person=person,
            values=values_of(person, geboortedatum=today() + dt.timedelta(days=1)),
            reason="invoerfout",
        )
    assert error.value.field == "geboortedatum"


def test_a_bsn_of_another_person_is_refused_and_a_wrong_one_corrected(client, world, household, person):
    other = household.memberships.exclude(person=person).first().person
    client.force_login(world.professional)
    response = client.post(url(household, person), form_data(person, bsn=other.bsn, reason="invoerfout"))
    assert response.status_code == 400
    assert "BSN: dit BSN hoort in Toegang bij een andere persoon" in response.content.decode()
    old = person.bsn
    new = next_bsn()
    assert client.post(url(household, person), form_data(person, bsn=new, reason="invoerfout")).status_code == 302
    person.refresh_from_db()
    assert person.bsn == new and not Person.objects.filter(bsn=old).exists()


def test_a_changed_brp_value_becomes_manual_and_keeps_the_brps_value(world, person):
    retrieved = timezone.now() - dt.timedelta(days=3)
    PersonSource.objects.create(
        person=person, field="geslachtsnaam", source="brp", value=person.geslachtsnaam, retrieved_at=retrieved
    )
    brp_name = person.geslachtsnaam
    services.change_person(
        actor=world.team_lead, person=person, values=values_of(person, geslachtsnaam="Anders"), reason="invoerfout"
    )
    row = PersonSource.objects.get(person=person, field="geslachtsnaam")
    assert (row.source, row.value, row.retrieved_at, row.recorded_by) == (
        "handmatig",
        brp_name,
        retrieved,
        world.team_lead,
    )
    services.change_person(
        actor=world.professional, person=person, values=values_of(person, geslachtsnaam=brp_name), reason="brp"
    )
    row.refresh_from_db()
    assert (row.source, row.recorded_by) == ("brp", world.professional)  # back to what the BRP says


def test_the_brp_refreshes_the_form_and_the_saved_values_get_their_source(brp, client, world, household):
    stale = services.register_person(
        actor=world.professional, bsn="999990007", voornamen="Jan Piter", geslachtsnaam="Proef", postcode="1234AB"
    )
    services.add_member(actor=world.professional, household=household, person=stale, role="ouder", start_date=today())
    client.force_login(world.professional)
    # another BSN typed into the BRP box is not asked: it would fill in someone else (999990044 is Fatima)
    response = client.post(url(household, stale), {**form_data(stale), "brp_actie": "bsn", "brp-bsn": "999990044"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fatima" not in html and "BSN van deze persoon" in html
    assert 'value="Jan Pieter"' in html and 'value="Synthetische Proefstraat"' in html and 'value="9999XA"' in html
    assert checked_reason(html) == "brp"
    assert "officieleStraatnaam" in " ".join(brp.last_body["fields"])
    differences = html.split('id="h-brp-verschil"', 1)[1].split("</section>", 1)[0]  # what saving would change
    rows = re.findall(r'scope="row">([^<]+)</th><td class="utrecht-table__cell">([^<]*)</td>'
                      r'<td class="utrecht-table__cell"><strong>([^<]*)</strong>', differences)  # fmt: skip
    assert ("Voornamen", "Jan Piter", "Jan Pieter") in rows and ("Postcode", "1234AB", "9999XA") in rows
    assert ("Straat", "—", "Synthetische Proefstraat") in rows and "Geslachtsnaam" not in differences  # same
    token = html.split('name="brp_token" value="')[1].split('"')[0]
    saved = client.post(
        url(household, stale),
        {
            **form_data(stale),
            "voornamen": "Jan Pieter",
            "geboortedatum": "1980-03-14",
            "straat": "Synthetische Proefstraat",
            "huisnummer": "12",
            "postcode": "9999XA",
            "woonplaats": "Proefdorp",
            "telefoon": "0612345678",
            "reason": "brp",
            "brp_token": token,
        },
    )
    assert saved.status_code == 302
    stale.refresh_from_db()
    assert (stale.voornamen, stale.straat, stale.woonplaats) == ("Jan Pieter", "Synthetische Proefstraat", "Proefdorp")
    sources = dict(PersonSource.objects.filter(person=stale).values_list("field", "source"))
    assert sources["voornamen"] == sources["straat"] == sources["geboortedatum"] == "brp"
    assert "telefoon" not in sources  # the BRP has no phone numbers: no provenance claimed


def test_who_may_change(client, world, household, person):
    change = url(household, person)
    page = reverse("household-person", args=[household.pk, person.pk])
    client.force_login(world.partner)  # a partner professional not involved: not even the household
    assert client.get(change).status_code == 404
    case_services.add_involvement(
        actor=world.professional,
        trajectory=household.trajectories.get(),
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=law_basis(),
    )
    client.force_login(world.partner)  # involved: reads the person, does not change them (not the regisseur)
    assert client.get(page).status_code == 200 and "Gegevens wijzigen" not in client.get(page).content.decode()
    refused = client.post(change, form_data(person, telefoon="0612345678"))
    assert refused.status_code == 403 and "Dit doet de regisseur of een medewerker van de gemeente." in (
        refused.content.decode()
    )
    client.force_login(world.manager)  # reads dossiers, changes none
    assert client.get(change).status_code == 403
    client.force_login(world.outsider)
    assert client.get(change).status_code == 404
    other = make_trajectory(world).household
    client.force_login(world.professional)
    assert client.get(reverse("household-person-change", args=[other.pk, person.pk])).status_code == 404
    client.force_login(world.team_lead)
    assert client.get(change).status_code == 200


def test_a_former_member_is_changed_by_the_household_they_live_in_now(client, world, household, person):
    services.end_membership(
        actor=world.professional,
        membership=household.memberships.get(person=person),
        end_date=today() - dt.timedelta(days=1),
    )
    client.force_login(world.professional)
    page = client.get(reverse("household-person", args=[household.pk, person.pk])).content.decode()
    assert "Gegevens wijzigen" not in page
    refused = client.post(url(household, person), form_data(person, telefoon="0612345678"))
    assert refused.status_code == 403 and "hoort niet meer bij dit huishouden" in refused.content.decode()
    assert Person.objects.get(pk=person.pk).telefoon == ""


def test_two_editors_do_not_undo_each_others_change(client, world, household, person):
    client.force_login(world.professional)
    opened = form_data(person)  # both open the form
    other = form_data(person)
    assert client.post(url(household, person), {**opened, "telefoon": "0612345678"}).status_code == 302
    # the second saves another field: written, and the first one's phone number stays
    assert client.post(url(household, person), {**other, "email": "naam@voorbeeld.nl"}).status_code == 302
    person.refresh_from_db()
    assert (person.telefoon, person.email) == ("0612345678", "naam@voorbeeld.nl")
    # a third who opened it before both changes the phone number too: refused whole, nothing written
    before = AuditEntry.objects.filter(action="update").count()
    clash = client.post(url(household, person), {**other, "telefoon": "0201234567", "woonplaats": "Elders"})
    assert clash.status_code == 400 and "Telefoon: intussen door een ander gewijzigd" in clash.content.decode()
    person.refresh_from_db()
    assert (person.telefoon, person.woonplaats) == ("0612345678", "")
    assert AuditEntry.objects.filter(action="update").count() == before
    stale = client.post(url(household, person), {**other, "shown": "geknoeid", "woonplaats": "Elders"})
    assert stale.status_code == 400 and "het formulier is verlopen of onvolledig" in stale.content.decode()


def test_a_recorded_bsn_is_corrected_not_emptied_and_a_correction_drops_its_brp_sources(world, person):
    with pytest.raises(DomainError, match="kan niet worden leeggemaakt") as error:
        services.change_person(actor=world.professional, person=person, values={"bsn": ""}, reason="invoerfout")
    assert error.value.field == "bsn"
    PersonSource.objects.create(
        person=person, field="voornamen", source="brp", value=person.voornamen, retrieved_at=timezone.now()
    )
    new = next_bsn()
    assert services.change_person(
        actor=world.professional, person=person, values={"bsn": new}, reason="invoerfout"
    ) == ["bsn"]
    assert Person.objects.get(pk=person.pk).bsn == new
    assert not PersonSource.objects.filter(person=person).exists()  # they were about the old number


def test_fields_not_given_stay_as_they_are(world, person):
    person.telefoon = "0612345678"
    person.save(update_fields=["telefoon"])
    before = Person.objects.values().get(pk=person.pk)
    services.change_person(
        actor=world.professional, person=person, values={"email": "a@voorbeeld.nl"}, reason="doorgegeven"
    )
    after = Person.objects.values().get(pk=person.pk)
    assert {k for k in after if after[k] != before[k]} == {"email"}


def test_the_brp_confirming_the_data_is_logged(brp, client, world, household):
    known = services.register_person(
        actor=world.professional, bsn="999990019", voornamen="Maria", geslachtsnaam="Testers",
        geboortedatum=dt.date(1982, 7, 1), straat="Synthetische Proefstraat", huisnummer="12", postcode="9999XA",
        woonplaats="Proefdorp",
    )  # fmt: skip
    services.add_member(actor=world.professional, household=household, person=known, role="ouder", start_date=today())
    client.force_login(world.professional)
    html = client.post(url(household, known), {**form_data(known), "brp_actie": "bsn", "brp-bsn": "999990019"})
    assert "De BRP heeft dezelfde gegevens als Toegang." in html.content.decode()
    token = html.content.decode().split('name="brp_token" value="')[1].split('"')[0]
    saved = client.post(url(household, known), {**form_data(known), "brp_token": token, "reason": "brp"})
    assert [str(m) for m in get_messages(saved.wsgi_request)] == [
        "Er is niets gewijzigd; de herkomst uit de BRP is bijgewerkt."
    ]
    assert AuditEntry.objects.filter(object_id=str(known.pk), detail="herkomst uit de BRP bijgewerkt").exists()
    assert PersonSource.objects.get(person=known, field="voornamen").source == "brp"


def test_an_open_correction_request_is_shown_where_the_data_is_changed(client, world, household, person):
    world.privacy.municipality = world.gemeente
    world.privacy.save()
    rights.register_request(
        actor=world.privacy,
        bsn=person.bsn,
        kind="correctie",
        received_on=today(),
        description="Mijn achternaam is verkeerd gespeld.",
    )
    client.force_login(world.professional)
    page = client.get(reverse("household-person", args=[household.pk, person.pk])).content.decode()
    assert "Er loopt een verzoek om correctie van deze gegevens (AVG art. 16)." in page
    html = client.get(url(household, person)).content.decode()
    assert "Mijn achternaam is verkeerd gespeld." in html
    assert checked_reason(html) == "correctieverzoek"


def test_pinned_query_counts(client, world, household, person):
    client.force_login(world.professional)
    assert page_queries(client, reverse("household-person", args=[household.pk, person.pk])) == PERSON_PAGE_QUERIES
    assert page_queries(client, url(household, person)) == CHANGE_PAGE_QUERIES


# session, user, device; household, membership; sources, representations; the latest trajectory and an open
# correction request, for "Gegevens wijzigen" (whether the viewer is the regisseur is asked only when their
# role or employer does not decide: the municipality's professional here)
PERSON_PAGE_QUERIES = 9
# session, user, device; household, membership; the latest trajectory; the open correction requests
CHANGE_PAGE_QUERIES = 7


def test_a_corrected_bsn_names_the_providers_that_know_the_old_one(client, world, household, person):
    from toegang.procedures import decisions
    from toegang.procedures import services as procedure_services
    from toegang.procedures.models import ProductCategory, Provider

    procedure = procedure_services.start_procedure(
        actor=world.professional,
        trajectory=household.trajectories.get(),
        person=person,
        law="wmo",
        reported_on=today() - dt.timedelta(days=20),
    )
    procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=20)
    )
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Nodig"
    )
    decisions.add_provision(
        actor=world.professional, decision=decision, category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01a01", delivery="zin",
        provider=Provider.objects.create(name="Thuiszorg De Linde", agb_code="98765432"), volume=3, unit="04",
        frequency="2", start_date=today(), end_date=today() + dt.timedelta(days=90),
    )  # fmt: skip
    decisions.send(
        actor=world.professional, decision=decisions.submit(actor=world.professional, decision=decision), on=today()
    )
    client.force_login(world.professional)
    response = client.post(url(household, person), form_data(person, bsn=next_bsn(), reason="invoerfout"))
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0] == "Gewijzigd: bsn."
    assert "Thuiszorg De Linde" in said[1] and "AVG art. 19" in said[1]
    client.get(reverse("household-person", args=[household.pk, person.pk]))  # the messages are shown there
    other = client.post(url(household, person), form_data(Person.objects.get(pk=person.pk), telefoon="0612345678"))
    assert [str(m) for m in get_messages(other.wsgi_request)] == ["Gewijzigd: telefoon."]  # only for a BSN


def test_the_privacy_officer_corrects_the_data_of_a_correction_request(client, world, household, person):
    """AVG art. 16 for someone who lives in no household of a team any more (no regisseur can change them): the
    privacy officer handling the request corrects the data on the same form, with the same rules and audit row;
    only for an open correction request."""
    world.privacy.municipality = world.gemeente
    world.privacy.save()
    membership = household.memberships.get(person=person)
    services.end_membership(actor=world.professional, membership=membership, end_date=today() - dt.timedelta(days=1))
    request = rights.register_request(
        actor=world.privacy, bsn=person.bsn, kind="correctie", received_on=today(), description="Naam fout gespeld."
    )
    client.force_login(world.professional)
    assert client.get(url(household, person)).status_code == 403  # a former member: no regisseur changes them
    correct = reverse("rights-request-correct", args=[request.pk])
    assert client.get(correct).status_code == 403  # the privacy officer's page only

    client.force_login(world.privacy)
    detail = client.get(reverse("rights-request", args=[request.pk])).content.decode()
    assert f'href="{correct}"' in detail
    page = client.get(correct).content.decode()
    assert "Naam fout gespeld." in page and checked_reason(page) == "correctieverzoek"
    assert f'href="{reverse("rights-request", args=[request.pk])}">← Het verzoek' in page
    assert page_queries(client, correct) == 6  # session, user, device, request, its municipality, open requests
    bad = client.post(correct, form_data(person, voornamen="", reason="correctieverzoek"))
    assert bad.status_code == 400 and "Voornamen: " in bad.content.decode()
    assert Person.objects.get(pk=person.pk).voornamen == person.voornamen  # nothing written
    saved = client.post(correct, form_data(person, voornamen="Johanna", reason="correctieverzoek"))
    assert saved.status_code == 302 and saved.url == reverse("rights-request", args=[request.pk])
    assert Person.objects.get(pk=person.pk).voornamen == "Johanna"
    row = AuditEntry.objects.filter(actor=world.privacy, object_type="person", object_id=str(person.pk)).latest("pk")
    assert row.action == "update" and row.detail.startswith("gewijzigd: voornamen; reden: Correctie op verzoek")

    rights.close_request(
        actor=world.privacy, request=request, status="afgehandeld", handled_on=today(), outcome="Naam gecorrigeerd."
    )
    assert client.get(correct).status_code == 403  # handled: the form is closed
    access = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today())
    assert client.get(reverse("rights-request-correct", args=[access.pk])).status_code == 403


def test_the_privacy_officer_does_not_correct_someone_who_lives_in_another_municipality(
    client, world, household, person
):
    """A person is one record for every municipality that ever had them: after a move, the municipality they live
    in now corrects it (the officer of the old one could register a request, and rewrote the shared record)."""
    world.privacy.municipality = world.gemeente
    world.privacy.save()
    request = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="correctie", received_on=today())
    moved_on = today() - dt.timedelta(days=2)
    services.end_membership(
        actor=world.professional, membership=household.memberships.get(person=person), end_date=moved_on
    )
    elsewhere = services.create_household(
        actor=world.outsider, area=world.other_area, name="Elders", postcode="9999ZZ", huisnummer="1"
    )
    services.add_member(
        actor=world.outsider,
        household=elsewhere,
        person=person,
        role="ouder",
        start_date=moved_on + dt.timedelta(days=1),
    )
    client.force_login(world.privacy)
    correct = reverse("rights-request-correct", args=[request.pk])
    refused = client.get(correct)
    assert refused.status_code == 403 and "woont nu in een andere gemeente" in refused.content.decode()
    assert client.post(correct, form_data(person, voornamen="Anders", reason="correctieverzoek")).status_code == 403
    assert Person.objects.get(pk=person.pk).voornamen == person.voornamen
