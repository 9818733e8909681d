"""The screens of the statutory procedures: start from the household, the clocks with their source,
steps, suspension and extension through the forms, the deadline list; partners and other teams kept out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import law_basis, make_trajectory
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.people.models import Person
from toegang.privacy import rights
from toegang.procedures import services
from toegang.procedures.models import ClockPause, Procedure


def melding_on():
    return today() - dt.timedelta(days=40)


def test_professional_starts_and_follows_a_wmo_procedure(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    client.force_login(world.professional)
    household = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "Wettelijke procedures" in household

    new = reverse("procedure-new", args=[trajectory.pk])
    bad = client.post(
        new, {"person": person.pk, "law": "wmo", "reported_on": (today() + dt.timedelta(days=2)).isoformat()}
    )
    assert bad.status_code == 400 and "Datum melding: de datum ligt in de toekomst." in bad.content.decode()
    assert not Procedure.objects.exists()
    response = client.post(new, {"person": person.pk, "law": "wmo", "reported_on": melding_on().isoformat()})
    procedure = Procedure.objects.get()
    assert response.status_code == 302 and response.url == reverse("procedure", args=[procedure.pk])

    url = reverse("procedure", args=[procedure.pk])
    page = client.get(url).content.decode()
    assert "Wmo 2015 art. 2.3.2 lid 1" in page and "Onderzoek na melding" in page

    step = {
        "form": "stap",
        "stap-step": "application_on",
        "stap-day": (melding_on() + dt.timedelta(days=20)).isoformat(),
    }
    assert client.post(url, step).status_code == 302
    early = {"form": "stap", "stap-step": "decided_on", "stap-day": melding_on().isoformat()}
    refused = client.post(url, early)
    assert refused.status_code == 400 and "ligt vóór aanvraag ontvangen op" in refused.content.decode()
    suspend = {
        "form": "opschorten",
        "opschorten-clock": "wmo-beschikking",
        "opschorten-start": (melding_on() + dt.timedelta(days=22)).isoformat(),
        "opschorten-reason": "Medisch advies gevraagd",
    }
    assert client.post(url, suspend).status_code == 302
    assert "opgeschort" in client.get(url).content.decode()
    extend = {
        "form": "verlengen",
        "verlengen-clock": "wmo-beschikking",
        "verlengen-length": "2",
        "verlengen-unit": "weken",
        "verlengen-notified_on": today().isoformat(),
        "verlengen-reason": "",
    }
    missing = client.post(url, extend)
    assert missing.status_code == 400 and "Reden" in missing.content.decode()
    assert not ClockPause.objects.filter(kind="verlenging").exists()
    withdraw = reverse("procedure-withdraw", args=[procedure.pk])
    future = client.post(withdraw, {"intrekken-on": (today() + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "Ingetrokken op: de datum ligt in de toekomst." in future.content.decode()
    summary = future.content.decode().split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_intrekken-on"' in summary  # at the top, linked to the field that kept the typed date
    assert f'value="{today() + dt.timedelta(days=1)}"' in future.content.decode()
    early = client.post(withdraw, {"intrekken-on": (melding_on() - dt.timedelta(days=1)).isoformat()}, follow=True)
    assert f"Ingetrokken op: ligt vóór de melding ({melding_on():%-d-%-m-%Y})." in early.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).status == "aanvraag"  # refused: nothing changed
    on = today() - dt.timedelta(days=2)
    assert client.post(withdraw, {"intrekken-on": on.isoformat()}).status_code == 302
    procedure.refresh_from_db()
    assert (procedure.status, procedure.withdrawn_on) == ("ingetrokken", on)
    page = client.get(url).content.decode()
    assert "gestopt" in page and "verlopen" not in page  # the clocks stopped with the withdrawal


def test_a_decision_taken_elsewhere_is_recorded_with_its_outcome(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="pw", reported_on=melding_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
    client.force_login(world.professional)
    url = reverse("procedure", args=[procedure.pk])
    step = {"form": "stap", "stap-step": "decided_on", "stap-day": today().isoformat()}
    refused = client.post(url, step)
    assert refused.status_code == 400 and "Uitkomst: kies toegekend of afgewezen" in refused.content.decode()
    summary = refused.content.decode().split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]  # at the top, linked
    assert 'href="#id_stap-outcome"' in summary and "<title>Fout: " in refused.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).decided_on is None
    wrong = {"form": "stap", "stap-step": "receipt_confirmed_on", "stap-day": today().isoformat()}
    refused = client.post(url, {**wrong, "stap-outcome": "afgewezen"})  # an outcome belongs to the decision only
    assert refused.status_code == 400 and "Uitkomst: alleen bij" in refused.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).receipt_confirmed_on is None
    assert client.post(url, {**step, "stap-outcome": "toegekend"}).status_code == 302
    page = client.get(url).content.decode()
    assert f"{today():%-d-%-m-%Y} – toegekend" in page
    logged = AuditEntry.objects.filter(object_type="procedure", object_id=str(procedure.pk), action="update")
    assert logged.filter(
        detail=f"Besluit bekendgemaakt op: {today()}, toegekend"
    ).exists()  # the outcome is in the audit row
    world.privacy.municipality = world.gemeente
    world.privacy.save()
    exported = rights.export_person(actor=world.privacy, person=person)["procedures_en_beschikkingen"][0]
    assert (exported["besluit_bekendgemaakt"], exported["uitkomst_besluit"]) == (today().isoformat(), "Toegekend")


def test_partners_and_other_teams_do_not_follow_the_procedure(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="jeugd", reported_on=melding_on()
    )
    case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=law_basis(),
    )
    client.force_login(world.partner)
    assert client.get(reverse("procedure", args=[procedure.pk])).status_code == 403
    assert (
        "Wettelijke procedures" not in client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    )
    client.force_login(world.outsider)
    assert client.get(reverse("procedure", args=[procedure.pk])).status_code == 404


def test_deadline_list_with_a_flat_query_count(client, world):
    client.force_login(world.professional)
    counts = []
    for n in (2, 4):
        while Procedure.objects.count() < n:
            trajectory = make_trajectory(world)
            procedure = services.start_procedure(
                actor=world.professional,
                trajectory=trajectory,
                person=trajectory.household.memberships.first().person,
                law="wmo",
                reported_on=melding_on(),
            )
            services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("deadlines"))
        counts.append(len(ctx.captured_queries))
        assert page.status_code == 200 and "verlopen" in page.content.decode()
    assert counts[0] == counts[1]
    client.force_login(world.team_lead)
    assert "Beschikking na aanvraag" in client.get(reverse("deadlines") + "?wie=team").content.decode()


def test_procedure_page_and_deadline_list_have_pinned_flat_query_counts(client, world):
    """Measured as the regisseur, growing the data between the two measurements: more procedures for the
    list, and more pauses, decisions, provisions and objections on the page."""
    from tests.querycount import page_queries
    from toegang.procedures import decisions
    from toegang.procedures.models import ProductCategory, Provider

    provider = Provider.objects.create(name="Thuiszorg", agb_code="98000009")
    client.force_login(world.professional)

    def grow(n: int) -> Procedure:
        for _ in range(n):
            trajectory = make_trajectory(world)
            procedure = services.start_procedure(
                actor=world.professional,
                trajectory=trajectory,
                person=trajectory.household.memberships.first().person,
                law="wmo",
                reported_on=melding_on(),
            )
            services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
            services.suspend(
                actor=world.professional, procedure=procedure, clock="wmo-beschikking", start=melding_on(), reason="r"
            )
            decision = decisions.draft_decision(
                actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="r"
            )
            for _ in range(2):
                decisions.add_provision(
                    actor=world.professional,
                    decision=decision,
                    category=ProductCategory.objects.get(law="wmo", code="02"),
                    delivery="zin",
                    provider=provider,
                    volume=2,
                    unit="04",
                    frequency="4",
                    start_date=today(),
                )
        return procedure

    first = grow(2)
    small = (
        page_queries(client, reverse("procedure", args=[first.pk])),
        page_queries(client, reverse("deadlines") + "?wie=team"),
    )
    last = grow(3)
    large = (
        page_queries(client, reverse("procedure", args=[last.pk])),
        page_queries(client, reverse("deadlines") + "?wie=team"),
    )
    assert small == large == (14, 7)


def _wat_nu(page: str) -> str:
    return page.split('id="h-wat-nu"', 1)[1].split("</section>", 1)[0] if 'id="h-wat-nu"' in page else ""


def _step_options(page: str) -> list[str]:
    select = page.split('name="stap-step"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\w+)"', select)


def _selected_step(page: str) -> str:
    select = page.split('name="stap-step"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\w*)" selected', select)[0]


def test_the_page_says_what_comes_next_and_offers_only_what_applies(client, world):
    """'Wat nu' follows the law's order with the deadline of the term each step meets; the step form offers the
    steps whose preceding step is recorded, the next one chosen, and the recorded ones to correct; resuming is
    offered only for a suspended term and extending only once."""
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=melding_on()
    )
    client.force_login(world.professional)
    url = reverse("procedure", args=[procedure.pk])
    page = client.get(url).content.decode()
    onderzoek = next(c for c in _clocks(procedure) if c.code == "wmo-onderzoek")
    assert "Bevestig de inwoner de ontvangst van de melding" in _wat_nu(page)
    assert f"Uiterlijk {onderzoek.deadline:%-d-%-m-%Y}" in _wat_nu(page)
    assert "persoonlijk plan" not in _wat_nu(page)  # its seven days ran out long ago
    options = _step_options(page)
    assert "decided_on" not in options and "notice_of_default_on" not in options  # no application yet
    assert _selected_step(page) == ""  # a step is chosen, never recorded by one click on the form as it was
    assert _selected_step(client.get(url + "?stap=receipt_confirmed_on").content.decode()) == "receipt_confirmed_on"
    assert 'id="h-hervatten"' not in page and 'id="h-opschorten"' in page and 'id="h-verlengen"' in page
    refused = client.post(url, {"form": "stap", "stap-step": "decided_on", "stap-day": today().isoformat()})
    assert refused.status_code == 400 and "Stap: kies een stap uit de lijst" in refused.content.decode()

    for step in ("receipt_confirmed_on", "report_sent_on"):
        services.record_step(actor=world.professional, procedure=procedure, step=step, day=melding_on())
    page = client.get(url).content.decode()
    assert "Bevestig" not in _wat_nu(page) and "Wacht op de aanvraag" in _wat_nu(page)
    assert 'href="?stap=application_on#h-stap"' in _wat_nu(page)
    assert f"Ontvangst bevestigd op (vastgelegd {melding_on():%-d-%-m-%Y}; corrigeren)" in page
    assert _step_options(page)[-2:] == ["receipt_confirmed_on", "report_sent_on"]  # recorded ones last

    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
    services.suspend(
        actor=world.professional, procedure=procedure, clock="wmo-beschikking", start=melding_on(), reason="Advies"
    )
    page = client.get(url).content.decode()
    assert "Beslis op de aanvraag" in _wat_nu(page) and "Uiterlijk" not in _wat_nu(page)  # suspended: it waits
    assert "De termijn ‘Beschikking na aanvraag’ is opgeschort" in _wat_nu(page)
    assert "decided_on" in _step_options(page) and 'id="h-hervatten"' in page
    hervatten = page.split('id="h-hervatten"', 1)[1].split("</section>", 1)[0]
    assert 'value="wmo-beschikking"' in hervatten
    assert 'id="h-opschorten"' not in page  # the one running term of the municipality is suspended
    services.resume(actor=world.professional, procedure=procedure, clock="wmo-beschikking", end=melding_on())
    page = client.get(url).content.decode()
    beslis = next(c for c in _clocks(procedure) if c.code == "wmo-beschikking")
    assert f'Uiterlijk {beslis.deadline:%-d-%-m-%Y}</strong> <span class="badge badge--urgent">verlopen' in page
    extension = {"clock": "wmo-beschikking", "length": 2, "unit": "weken", "reason": "Advies"}
    too_late = "^Inwoner bericht op: een verlenging meldt u \\(Awb 4:14 lid 3\\) vóór het einde van de termijn"
    with pytest.raises(DomainError, match=too_late):
        services.extend(actor=world.professional, procedure=procedure, notified_on=today(), **extension)  # too late
    services.extend(actor=world.professional, procedure=procedure, notified_on=melding_on(), **extension)
    page = client.get(url).content.decode()
    assert 'id="h-verlengen"' not in page and 'id="h-hervatten"' not in page  # extended once, nothing suspended

    pw = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="pw", reported_on=melding_on()
    )
    services.record_step(actor=world.professional, procedure=pw, step="application_on", day=today())
    page = client.get(reverse("procedure", args=[pw.pk])).content.decode()
    voorschot = next(c for c in _clocks(pw) if c.code == "pw-voorschot")
    assert "Betaal het voorschot" in _wat_nu(page) and f"{voorschot.deadline:%-d-%-m-%Y}" in _wat_nu(page)
    assert 'href="?stap=advance_paid_on#h-stap"' in _wat_nu(page)
    services.withdraw(actor=world.professional, procedure=pw, on=today())
    assert 'id="h-wat-nu"' not in client.get(reverse("procedure", args=[pw.pk])).content.decode()


def _clocks(procedure: Procedure):
    from toegang.procedures import selectors

    procedure = Procedure.objects.select_related("person", "trajectory__household").get(pk=procedure.pk)
    municipality = procedure.trajectory.household.municipality_id
    return selectors.clocks_of(
        procedure, municipality_id=municipality, rules=selectors.rules_for([municipality]), on=today()
    )


def test_a_melding_lists_who_lives_here_first_and_marks_who_left(client, world):
    from toegang.people import services as people

    trajectory = make_trajectory(world)
    memberships = list(trajectory.household.memberships.order_by("pk").select_related("person"))
    assert len(memberships) >= 2
    left = memberships[0]
    people.end_membership(actor=world.professional, membership=left, end_date=today() - dt.timedelta(days=3))
    client.force_login(world.professional)
    page = client.get(reverse("procedure-new", args=[trajectory.pk])).content.decode()
    select = page.split('name="person"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    former = f"{left.person.full_name} (woonde hier tot en met {today() - dt.timedelta(days=3):%-d-%-m-%Y})"
    assert names[-1] == former and len(names) == len(memberships)  # once each, who left last
    assert all("woonde" not in name for name in names[:-1])


def test_what_comes_next_per_law_and_state(client, world):
    """The Wmo's verslag is still owed after an early application; the resident's windows (persoonlijk plan,
    zoektermijn under 27) are named; a Jeugdwet application leaves the step to choose (no notice of default by
    default); a "Vastleggen" link chooses its own step; an open objection is named after the decision."""
    from toegang.procedures import decisions

    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    client.force_login(world.professional)

    def page_of(procedure: Procedure, query: str = "") -> str:
        return client.get(reverse("procedure", args=[procedure.pk]) + query).content.decode()

    wmo = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=today()
    )
    page = page_of(wmo)
    assert "persoonlijk plan inleveren" in _wat_nu(page) and _selected_step(page) == ""
    assert _selected_step(page_of(wmo, "?stap=personal_plan_on")) == "personal_plan_on"
    assert 'href="?stap=report_sent_on#h-stap"' in _wat_nu(page)
    services.record_step(actor=world.professional, procedure=wmo, step="application_on", day=today())
    page = page_of(wmo)
    assert "verstrek het verslag" in _wat_nu(page) and "Beslis op de aanvraag" in _wat_nu(page)
    assert _wat_nu(page).index("verstrek het verslag") < _wat_nu(page).index("Beslis op de aanvraag")

    jeugd = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="jeugd", reported_on=melding_on()
    )
    services.record_step(actor=world.professional, procedure=jeugd, step="application_on", day=melding_on())
    page = page_of(jeugd)
    assert _selected_step(page) == "" and "Kies een stap" in page  # nothing recorded by one careless click
    refused = client.post(
        reverse("procedure", args=[jeugd.pk]), {"form": "stap", "stap-step": "", "stap-day": today().isoformat()}
    )
    assert refused.status_code == 400 and "Stap: dit veld is verplicht." in refused.content.decode()
    decision = decisions.draft_decision(actor=world.professional, procedure=jeugd, outcome="afgewezen", reasoning="r")
    decision = decisions.send(
        actor=world.professional, decision=decisions.submit(actor=world.professional, decision=decision), on=today()
    )
    assert _wat_nu(page_of(jeugd)) == ""
    decisions.register_objection(actor=world.professional, decision=decision, received_on=today(), committee=False)
    objection = decision.objections.get()
    due = decisions.objection_deadline(objection)
    assert f"Beslis op het bezwaar, ontvangen op {today():%-d-%-m-%Y}" in _wat_nu(page_of(jeugd))
    assert f"Uiterlijk {due:%-d-%-m-%Y}" in _wat_nu(page_of(jeugd))

    young = trajectory.household.memberships.order_by("pk")[1].person
    Person.objects.filter(pk=young.pk).update(geboortedatum=today() - dt.timedelta(days=365 * 20))
    pw = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=young, law="pw", reported_on=today()
    )
    assert "De zoektermijn van de inwoner (jonger dan 27) loopt tot en met" in _wat_nu(page_of(pw))


def test_a_refused_beschikking_keeps_the_page_whole(client, world):
    """Refused on its own URL, the page shown there still posts its other forms to the procedure page, logs the
    read, and costs a pinned number of queries."""
    from tests.querycount import AUDIT_WRITE

    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=melding_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
    client.force_login(world.professional)
    url = reverse("procedure", args=[procedure.pk])
    bad = {"outcome": "toegekend", "reasoning": ""}
    refused = client.post(reverse("decision-new", args=[procedure.pk]), bad)
    page = refused.content.decode()
    for form in ("stap", "opschorten", "verlengen"):
        assert f'action="{url}" class="utrecht-form" novalidate><input type="hidden" name="csrfmiddlewaretoken"' in page
        assert f'name="form" value="{form}"' in page
    assert page.count(f'action="{url}"') == 3  # the step, suspension and extension forms post to the page itself
    reads = AuditEntry.objects.filter(object_type="procedure", object_id=str(procedure.pk), action="read")
    assert reads.count() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(reverse("decision-new", args=[procedure.pk]), bad).status_code == 400
    own = [q["sql"] for q in ctx.captured_queries if not AUDIT_WRITE.search(q["sql"])]
    assert len(own) == 8, own  # session, user, device, procedure, pauses, term rules, decisions, requests
