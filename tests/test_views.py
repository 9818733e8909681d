"""The screens: forms reject bad input with a Dutch message naming the field and write nothing."""

from __future__ import annotations

import datetime as dt
import re

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import make_agreed_plan, make_trajectory, make_user, next_bsn, wmo_rule
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry, AuditSubject
from toegang.cases import selectors as case_selectors
from toegang.cases.models import Note, Trajectory
from toegang.common.dates import today
from toegang.people.models import Household, Person
from toegang.plans.models import Goal, LifeDomain, Plan
from toegang.signals.models import Signal

SIGNAL = {
    "bsn": "",
    "voornamen": "Noor",
    "voorvoegsel": "van",
    "geslachtsnaam": "Dijk",
    "geboortedatum": "1990-04-02",
    "postcode": "1234AB",
    "huisnummer": "5",
    "source": "huisarts",
    "channel": "telefoon",
    "received_on": today().isoformat(),
    "urgency": "hoog",
    "reporter": "Huisarts",
    "description": "Zorgen",
}


def test_signal_form_invalid_bsn_names_field_and_rule_and_writes_nothing(client, world):
    client.force_login(world.professional)
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": "123456781"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "BSN van de inwoner: dit nummer voldoet niet aan de elfproef" in body  # the form's label, once
    assert 'aria-invalid="true"' in body
    assert not Signal.objects.exists() and not Person.objects.exists()


def test_signal_form_shows_every_wrong_field_at_once_and_writes_nothing(client, world):
    client.force_login(world.professional)
    wrong = {"bsn": "123456789", "postcode": "ABCDEF", "huisnummer": "-5", "voornamen": "", "geslachtsnaam": "x" * 201}
    response = client.post(reverse("signal-new"), {**SIGNAL, **wrong})
    assert response.status_code == 400
    body = response.content.decode()
    assert "BSN van de inwoner: dit nummer voldoet niet aan de elfproef" in body
    assert "Postcode: vier cijfers en twee letters" in body
    assert "Huisnummer: een getal van 1 tot en met 99999" in body
    assert "Voornamen: vul in; deze inwoner is nog niet bekend." in body
    assert "Geslachtsnaam: zorg dat deze waarde niet meer dan 200 tekens" in body  # its length, not also "vul in"
    assert "Geslachtsnaam: vul in" not in body
    assert body.count('aria-invalid="true"') == 5
    assert not Signal.objects.exists() and not Person.objects.exists()


def test_a_house_number_must_read_as_one_in_the_brp(client, world):
    client.force_login(world.professional)
    for number in ("-5", "0", "100000", "12-extra", "abc"):
        response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "huisnummer": number})
        assert response.status_code == 400, number
        assert "Huisnummer: een getal van 1 tot en met 99999" in response.content.decode(), number
    assert not Signal.objects.exists() and not Person.objects.exists()
    for number in ("12", "12A", "12 a", "12-2", "12A-bis", "12 bis", "12 2", "12-2 h"):
        response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "huisnummer": number})
        assert response.status_code == 302, number
    stored = sorted(Person.objects.values_list("huisnummer", flat=True))
    assert stored == ["12", "12 2", "12 a", "12 bis", "12-2", "12-2 h", "12A", "12A-bis"]


def test_signal_form_future_date_rolls_back_the_person_too(client, world):
    client.force_login(world.professional)
    future = (today() + dt.timedelta(days=2)).isoformat()
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "received_on": future})
    assert response.status_code == 400
    assert "Datum melding: de datum ligt in de toekomst" in response.content.decode()
    assert not Person.objects.exists()
    both = client.post(
        reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "received_on": future, "geboortedatum": future}
    )
    shown = both.content.decode()
    assert "Geboortedatum: de datum ligt in de toekomst." in shown  # both in one round, not one per submit
    assert "Datum melding: de datum ligt in de toekomst." in shown
    assert not Person.objects.exists()


def test_signal_then_intake_through_the_screens(client, world):
    client.force_login(world.professional)
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn()})
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("signal-detail", args=[signal.pk])
    detail_url = reverse("signal-detail", args=[signal.pk])
    queue = client.get(reverse("team-queue")).content.decode()
    assert queue.count(f'href="{detail_url}"') == 1
    person = signal.persons.get()  # the queue names the persons of a signal and logs them as its subjects
    assert escape(person.full_name) in queue
    # and what else its row shows: urgency, date, source and area
    row = queue.split(f'href="{detail_url}"')[1].split("</tr>")[0]
    assert all(text in row for text in ("Hoog", date_filter(today(), "j b Y"), "Huisarts", escape(signal.area.name)))
    assert list(AuditEntry.objects.latest("pk").subjects.values_list("person_id", flat=True)) == [person.pk]
    selected = r'<option value="(\d*)" selected>'
    assert re.findall(selected, client.get(detail_url).content.decode()) == [str(world.professional.pk)]  # takes it
    client.force_login(world.team_lead)  # a team lead assigns the case: no one is chosen for them
    lead_page = client.get(detail_url).content.decode()
    assert re.findall(selected, lead_page) == [""] and "Kies een regisseur…" in lead_page
    client.force_login(world.professional)
    response = client.post(
        reverse("signal-triage", args=[signal.pk]),
        {"outcome": "intake", "on": today().isoformat(), "regisseur": world.professional.pk},
    )
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("household", args=[household.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Noor van Dijk" in page and "Lopend" in page


def test_triage_with_garbage_gives_400_not_500(client, world):
    client.force_login(world.professional)
    client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn()})
    signal = Signal.objects.get()
    response = client.post(reverse("signal-triage", args=[signal.pk]), {"outcome": "iets", "on": "gisteren"})
    assert response.status_code == 400
    assert Signal.objects.get().status == Signal.Status.NEW


def test_a_signal_a_colleague_triaged_meanwhile_says_so_and_shows_their_outcome(client, world):
    """Two people of the team open the same new signal; the second to send the triage sees why it is
    refused and what the first decided, and nothing changes."""
    client.force_login(world.professional)
    client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn()})
    signal = Signal.objects.get()
    advice = {"outcome": "advies", "on": today().isoformat(), "note": "Direct beantwoord."}
    assert client.post(reverse("signal-triage", args=[signal.pk]), advice).status_code == 302
    response = client.post(reverse("signal-triage", args=[signal.pk]), {**advice, "note": "Ook beantwoord."})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and "Melding: deze melding is al getriageerd." in page
    assert "Direct beantwoord." in page and "Ook beantwoord." not in page
    assert Signal.objects.get().triage_note == "Direct beantwoord."


def test_a_reporting_account_of_the_team_is_no_regisseur_and_no_member_of_the_workload(client, world):
    """A partner's reporting account sends its signals to a team; it is not offered as regisseur at
    triage and does not count in the team's workload."""
    reporter = make_user("melder1", User.Role.REPORTER, org=world.professional.organisation, team=world.team)
    assert reporter not in case_selectors.team_colleagues(user=world.professional)
    assert world.professional in case_selectors.team_colleagues(user=world.professional)
    assert reporter not in [m for m, _n in case_selectors.team_caseload_counts(user=world.professional)]
    client.force_login(world.professional)
    client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn()})
    page = client.get(reverse("signal-detail", args=[Signal.objects.get().pk])).content.decode()
    assert reporter.get_full_name() not in page and world.professional.get_full_name() in page


def test_plan_conflict_through_the_screens(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    client.post(reverse("plan-start", args=[trajectory.pk]))
    plan = Plan.objects.get()
    domain = LifeDomain.objects.first()
    goal = {
        "expected_revision": plan.revision,
        "domain": domain.pk,
        "result": "Werk gevonden",
        "due_on": (today() + dt.timedelta(days=60)).isoformat(),
    }
    assert client.post(reverse("goal-add", args=[plan.pk]), goal).status_code == 302
    page = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    assert "Werk gevonden" in page and "Actie toevoegen" in page
    # a colleague had the same page open and saves with the old revision
    client.force_login(world.colleague)
    response = client.post(reverse("goal-add", args=[plan.pk]), {**goal, "result": "Ander doel"}, follow=True)
    assert "intussen door iemand anders gewijzigd" in response.content.decode()
    assert list(Goal.objects.values_list("result", flat=True)) == ["Werk gevonden"]


def test_goal_form_past_date_names_field(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    client.post(reverse("plan-start", args=[trajectory.pk]))
    plan = Plan.objects.get()
    response = client.post(
        reverse("goal-add", args=[plan.pk]),
        {
            "expected_revision": plan.revision,
            "domain": LifeDomain.objects.first().pk,
            "result": "x",
            "due_on": (today() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Te bereiken op: de datum ligt in het verleden" in response.content.decode()
    assert not Goal.objects.exists()


def test_close_form_and_note_form(client, world):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory)
    client.force_login(world.professional)
    response = client.post(
        reverse("note-add", args=[trajectory.pk]),
        {"kind": "contact", "channel": "", "happened_on": today().isoformat(), "text": "Gebeld"},
    )
    assert response.status_code == 400 and "Contactvorm" in response.content.decode()
    assert not Note.objects.exists()
    note_form = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert 'maxlength="10000"' in note_form  # every text field without a limit of its own gets this one
    response = client.post(
        reverse("note-add", args=[trajectory.pk]),
        {"kind": "notitie", "happened_on": today().isoformat(), "text": "x" * 10_001},
    )
    assert response.status_code == 400
    assert "Tekst: zorg dat deze waarde niet meer dan 10000 tekens bevat" in response.content.decode()
    assert not Note.objects.exists()
    response = client.post(
        reverse("trajectory-close", args=[trajectory.pk]),
        {"closed_on": "2000-01-01", "reason": "doelen_bereikt", "note": "", "retention_rule": wmo_rule().pk},
    )
    assert response.status_code == 400 and "vóór de start van het traject" in response.content.decode()
    response = client.post(
        reverse("trajectory-close", args=[trajectory.pk]),
        {"closed_on": today().isoformat(), "reason": "doelen_bereikt", "note": "", "retention_rule": wmo_rule().pk},
    )
    assert response.status_code == 302
    assert Trajectory.objects.get().status == Trajectory.Status.CLOSED


def test_member_overlap_through_the_screen(client, world):
    trajectory = make_trajectory(world)
    other = make_trajectory(world)
    person = other.household.memberships.first().person
    client.force_login(world.professional)
    response = client.post(
        reverse("member-add", args=[trajectory.household_id]),
        {"bsn": person.bsn, "role": "kind", "start_date": today().isoformat()},
    )
    assert response.status_code == 400
    assert "mogen elkaar niet overlappen" in response.content.decode()


def test_household_read_is_logged_with_subjects(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.team_lead)
    client.get(reverse("household", args=[trajectory.household_id]))
    entry = AuditEntry.objects.filter(action="read", object_type="household").get()
    assert entry.actor == world.team_lead and entry.role == "teamleider"
    assert entry.organisation_name == world.team_lead.organisation.name
    members = set(trajectory.household.memberships.values_list("person_id", flat=True))
    assert set(AuditSubject.objects.filter(entry=entry).values_list("person_id", flat=True)) == members


def test_login_page_and_login_error_in_dutch(client, world):
    response = client.post(reverse("login"), {"username": "professional", "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    response = client.post(reverse("login"), {"username": "professional", "password": "test-wachtwoord-123"})
    assert response.status_code == 302


def test_signal_with_other_known_persons(client, world):
    trajectory = make_trajectory(world)
    known = trajectory.household.memberships.first().person
    client.force_login(world.professional)
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "other_bsns": "999999990"})
    assert response.status_code == 400
    assert "Andere betrokken personen: BSN 999999990 is niet bekend" in response.content.decode()
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": next_bsn(), "other_bsns": f"{known.bsn}, "})
    assert response.status_code == 302
    assert set(Signal.objects.get().persons.all()) >= {known}
    assert Signal.objects.get().persons.count() == 2


def test_overdue_page_all_and_mine(client, world):
    from toegang.plans.models import Action

    mine = make_trajectory(world)
    make_agreed_plan(world, mine, goals=1, actions_per_goal=1)
    theirs = make_trajectory(world, regisseur=world.colleague)
    make_agreed_plan(world, theirs, goals=1, actions_per_goal=1)
    Action.objects.filter(goal__plan__trajectory=theirs).update(professional=world.colleague)
    Action.objects.update(due_on=today() - dt.timedelta(days=3))
    Plan.objects.update(next_review_on=today() - dt.timedelta(days=1))
    client.force_login(world.professional)
    page = client.get(reverse("overdue")).content.decode()
    assert mine.household.name in page and theirs.household.name in page
    page = client.get(reverse("overdue") + "?alleen=mij").content.decode()
    assert mine.household.name in page and theirs.household.name not in page


def test_action_status_with_htmx_swaps_the_goals_with_fresh_revisions(client, world):
    from toegang.plans.models import Action

    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=2)
    first, second = Action.objects.filter(goal__plan=plan).order_by("pk")
    client.force_login(world.professional)
    response = client.post(
        reverse("action-status", args=[first.pk]),
        {"expected_revision": plan.revision, "status": "gedaan"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section aria-labelledby="h-doelen" id="goals">')
    assert f'name="expected_revision" value="{plan.revision + 1}"' in body
    assert "Actie &#x27;Actie 0.0&#x27;: Gedaan." in body
    # the next change in another row uses the fresh revision from the swapped section
    response = client.post(
        reverse("action-status", args=[second.pk]),
        {"expected_revision": plan.revision + 1, "status": "vervallen"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert set(Action.objects.values_list("status", flat=True)) == {"gedaan", "vervallen"}
    # a stale revision is refused; htmx is told to reload the plan page, where the message waits
    response = client.post(
        reverse("action-status", args=[first.pk]),
        {"expected_revision": plan.revision, "status": "open"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("plan", args=[trajectory.pk])
    assert Action.objects.get(pk=first.pk).status == "gedaan"


def test_pages_carry_a_content_security_policy(client, world):
    client.force_login(world.professional)
    policy = client.get(reverse("caseload"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_get_on_a_form_address_explains_instead_of_a_blank_page(client, world):
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory)
    client.force_login(world.professional)
    response = client.get(reverse("plan-agree", args=[plan.pk]))
    assert response.status_code == 405
    assert "Dit adres verwerkt alleen formulieren" in response.content.decode()
    assert response["Allow"] == "POST"


def test_django_field_errors_name_the_field_and_come_in_one_round(client, world):
    client.force_login(world.professional)
    response = client.post(reverse("signal-new"), {"bsn": "", "received_on": "", "description": ""})
    body = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Datum melding: dit veld is verplicht.",
        "Omschrijving van de vraag of zorg: dit veld is verplicht.",
        "Voornamen: vul in; deze inwoner is nog niet bekend.",
        "Geslachtsnaam: vul in; deze inwoner is nog niet bekend.",
        "Bron: dit veld is verplicht.",
    ):
        assert message in body, message
    assert "required" not in body.split("<main", 1)[1].replace("aria-required", "")  # no HTML required attribute


def test_known_bsn_needs_no_names(client, world):
    trajectory = make_trajectory(world)
    known = trajectory.household.memberships.first().person
    client.force_login(world.professional)
    response = client.post(reverse("signal-new"), {**SIGNAL, "bsn": known.bsn, "voornamen": "", "geslachtsnaam": ""})
    assert response.status_code == 302
    assert Signal.objects.get().main_person == known


def test_search_by_surname_with_voorvoegsel(client, world):
    from toegang.people.models import Person as P

    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    P.objects.filter(pk=person.pk).update(voorvoegsel="van der", geslachtsnaam="Kint")
    client.force_login(world.professional)
    for query in ("Van der Kint", "van der kin", "Kint"):
        body = client.get(reverse("search"), {"naam": query}).content.decode()
        assert "Kint" in body and "Niets gevonden" not in body, query


def test_a_refused_search_field_gets_one_message_not_two(client, world):
    """A name too long was refused at its field and also "fill in a BSN, a name or a postcode" (contradicting)."""
    client.force_login(world.professional)
    body = client.get(reverse("search"), {"naam": "x" * 5000}).content.decode()
    assert "Achternaam (begin): " in body and "vul een BSN, een naam of een postcode" not in body
    short = client.get(reverse("search"), {"naam": "K"}).content.decode()
    assert "Achternaam (begin): vul ten minste twee letters in." in short  # named as labelled
    empty = client.get(reverse("search"), {"bsn": "", "naam": "", "postcode": "", "huisnummer": ""}).content.decode()
    assert "Zoeken: vul een BSN, een naam of een postcode met huisnummer in." in empty  # nothing at all: still said


def test_search_by_surname_ignores_case_orders_by_the_capitalised_name_and_walks_its_index(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toegang.cases.search import search_persons

    trajectory = make_trajectory(world)
    members = list(trajectory.household.memberships.select_related("person"))
    names = ["baarda", "Bakker", "BAKEMA"][: len(members)]  # in bytes "BAKEMA" < "Bakker" < "baarda"
    for membership, name in zip(members, names, strict=False):
        Person.objects.filter(pk=membership.person_id).update(geslachtsnaam=name)
    with CaptureQueriesContext(connection) as captured:
        found = search_persons(user=world.professional, naam="bA")
    assert [r.full_name.split()[-1] for r in found] == sorted(names, key=str.upper)
    if connection.vendor == "postgresql":  # the search's expression and the index's are the same
        sql = next(q["sql"] for q in captured.captured_queries if "LIKE" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        walk = next(i for i, line in enumerate(plan) if "person_surname_key_idx" in line)
        assert "Index Cond" in plan[walk + 1] and ">= 'BA'" in plan[walk + 1], plan  # a range, not a filter


def test_read_only_manager_gets_no_write_controls(client, world):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory)
    person = trajectory.household.memberships.first().person
    from toegang.signals import services as signal_services

    signal = signal_services.register_signal(
        actor=world.professional,
        team=world.team,
        source="school",
        channel="mail",
        received_on=today(),
        description="d",
        persons=[person],
    )
    client.force_login(world.manager)
    plan_page = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    assert "action-status" not in plan_page and "/acties/" not in plan_page
    assert "Nieuwe versie van het plan maken" not in plan_page
    assert "Triage vastleggen" not in client.get(reverse("signal-detail", args=[signal.pk])).content.decode()
    nav = client.get(reverse("overdue")).content.decode()
    assert reverse("signal-new") not in nav and reverse("caseload") not in nav
    client.force_login(world.professional)
    plan_page = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    assert "/acties/" in plan_page and "Nieuwe versie van het plan maken" in plan_page


def test_change_from_a_stale_tab_on_an_agreed_plan_explains_itself(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    client.post(reverse("plan-start", args=[trajectory.pk]))
    plan = Plan.objects.get()
    stale_revision = plan.revision
    make_goal = {
        "expected_revision": plan.revision,
        "domain": LifeDomain.objects.first().pk,
        "result": "x",
        "due_on": (today() + dt.timedelta(days=9)).isoformat(),
    }
    client.post(reverse("goal-add", args=[plan.pk]), make_goal)
    plan.refresh_from_db()
    from toegang.plans import services as plan_services
    from toegang.plans.models import Action

    plan_services.add_action(
        actor=world.professional,
        goal=plan.goals.get(),
        expected_revision=plan.revision,
        description="a",
        party=Action.Party.PROFESSIONAL,
        professional=world.professional,
        due_on=today(),
    )
    plan_services.agree_plan(
        actor=world.professional, plan=plan, expected_revision=plan.revision, agreed_on=today(), agreed_how="mondeling"
    )
    response = client.post(
        reverse("goal-add", args=[plan.pk]), {**make_goal, "expected_revision": stale_revision}, follow=True
    )
    body = response.content.decode()
    assert "intussen door iemand anders gewijzigd" in body or "alleen een plan in concept" in body
    assert Goal.objects.count() == 1


def test_long_lists_say_when_they_are_cut(client, world):
    from toegang.common.views import first_rows
    from toegang.people.models import Membership

    trajectory = make_trajectory(world, members=1)
    people = Person.objects.bulk_create(Person(voornamen=f"Kind{i}", geslachtsnaam="Veelvoud") for i in range(51))
    Membership.objects.bulk_create(
        Membership(person=p, household=trajectory.household, role="kind", start_date=today()) for p in people
    )
    rows, capped = first_rows(Person.objects.order_by("pk"), 51)
    assert len(rows) == 51 and capped  # 52 persons in all
    client.force_login(world.professional)
    body = client.get(reverse("search"), {"naam": "Veelvoud"}).content.decode()
    assert body.count("Veelvoud") >= 50
    assert "alleen de eerste 50 worden getoond" in body
    body = client.get(reverse("search"), {"naam": "Achternaam"}).content.decode()
    assert "alleen de eerste" not in body


def test_no_members_added_to_a_household_without_an_open_trajectory(client, world):
    from toegang.cases import services as case_services

    trajectory = make_trajectory(world)
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    client.force_login(world.professional)
    response = client.post(
        reverse("member-add", args=[trajectory.household_id]),
        {"bsn": next_bsn(), "voornamen": "A", "geslachtsnaam": "B", "role": "kind", "start_date": today().isoformat()},
        follow=True,
    )
    assert "geen lopend traject" in response.content.decode()
    assert trajectory.household.memberships.count() == 3


def test_member_added_by_bsn_alone_is_not_named_back(client, world):
    trajectory = make_trajectory(world)
    stranger = make_trajectory(world).household.memberships.first().person
    from toegang.people.models import Membership

    Membership.objects.filter(person=stranger).update(end_date=today() - dt.timedelta(days=1))
    client.force_login(world.professional)
    response = client.post(
        reverse("member-add", args=[trajectory.household_id]),
        {"bsn": stranger.bsn, "role": "overig", "start_date": today().isoformat()},
        follow=True,
    )
    body = response.content.decode()
    assert "De persoon is toegevoegd aan het huishouden." in body


def test_the_team_overview_shows_each_open_trajectory_with_its_regisseur_and_next_review(client, world):
    with_plan = make_trajectory(world)
    plan = make_agreed_plan(world, with_plan)
    Plan.objects.filter(pk=plan.pk).update(next_review_on=today() - dt.timedelta(days=3))  # a review missed
    without_plan = make_trajectory(world)
    client.force_login(world.professional)
    page = client.get(reverse("team-overview")).content.decode()
    rows = {
        t.pk: page.split(f'href="{reverse("household", args=[t.household_id])}"')[1].split("</tr>")[0]
        for t in (with_plan, without_plan)
    }
    for trajectory in (with_plan, without_plan):
        household = trajectory.household
        shown = [
            escape(household.name),
            escape(household.area.name),
            date_filter(trajectory.started_on, "j b Y"),
            escape(str(world.professional)),
        ]
        assert all(text in rows[trajectory.pk] for text in shown), trajectory
    assert (
        date_filter(today() - dt.timedelta(days=3), "j b Y") in rows[with_plan.pk]
        and "over datum" in rows[with_plan.pk]
    )
    assert "geen afgesproken plan" in rows[without_plan.pk] and "over datum" not in rows[without_plan.pk]
    # the count per member: open trajectories they lead now; a closed one and a colleague's are not theirs
    closed = make_trajectory(world)
    Trajectory.objects.filter(pk=closed.pk).update(status=Trajectory.Status.CLOSED, closed_on=today())
    make_trajectory(world, regisseur=world.team_lead)
    counts = {member.pk: n for member, n in case_selectors.team_caseload_counts(user=world.professional)}
    assert (counts[world.professional.pk], counts[world.team_lead.pk]) == (2, 1)
