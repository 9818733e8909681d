"""Referrals with a closed loop: explicit states that cannot be skipped, a share only under a recorded
basis, steps only by the right party (the regisseur's side or the receiving organisation), feedback that
shows on the plan goal, a reminder when feedback is late, the partner role's limited view, and flat
query counts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_agreed_plan, make_trajectory, make_user
from tests.querycount import page_queries
from toegang.accounts.models import User
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network import referrals
from toegang.network.models import CommunityService, PartnerAgreement, Referral
from toegang.privacy import services as privacy_services
from toegang.privacy.models import Message, ProcessingActivity
from toegang.procedures.calendar import add_working_days


@pytest.fixture
def setup(world):
    """A trajectory with an agreed plan, a service of the partner organisation on the social map, a
    partner account (melder) of that organisation and a consent of an adult member naming it."""
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    service = CommunityService.objects.create(
        hsds_id=uuid.uuid4(),
        municipality=world.gemeente,
        organization_id=uuid.uuid4(),
        organization_name=world.partner_org.name,
        organisation=world.partner_org,
        name="Opvoedsteunpunt",
        status="active",
    )
    receiver = make_user("ontvanger", User.Role.REPORTER, org=world.partner_org, team=None, gemeente=world.gemeente)
    person = next(
        m.person for m in trajectory.household.memberships.select_related("person") if m.person.age_on(today()) >= 18
    )
    consent = privacy_services.record_consent(
        actor=world.professional,
        person=person,
        activity=ProcessingActivity.objects.get(code="integrale-ondersteuning"),
        given_by="inwoner",
        categories=["contact", "jeugd"],
        organisations=[world.partner_org],
        given_on=today(),
        valid_until=today() + dt.timedelta(days=365),
    )
    return {
        "trajectory": trajectory,
        "goal": plan.goals.get(),
        "service": service,
        "receiver": receiver,
        "person": person,
        "consent": consent,
    }


def propose(world, setup, **overrides) -> Referral:
    values = {
        "actor": world.professional,
        "trajectory": setup["trajectory"],
        "person": setup["person"],
        "question": "Moeder wil hulp bij de opvoeding van de oudste.",
        "handover": "Moeder is bereikbaar na 15 uur; de oudste weigert naar school te gaan.",
        "categories": ["contact", "jeugd"],
        "service": setup["service"],
        "goal": setup["goal"],
    }
    return referrals.propose(**{**values, **overrides})


def consent_basis():
    return ProcessingActivity.objects.get(code="integrale-ondersteuning")


def sent(world, setup) -> Referral:
    return referrals.send(actor=world.professional, referral=propose(world, setup), basis=consent_basis())


def test_the_closed_loop_from_proposal_to_feedback_on_the_goal(client, world, setup):
    referral = propose(world, setup)
    assert referral.status == "voorgesteld" and referral.organisation == world.partner_org
    referral = referrals.send(actor=world.professional, referral=referral, basis=consent_basis())
    assert (referral.status, referral.consent, referral.sent_on) == ("verstuurd", setup["consent"], today())
    assert referral.feedback_due_on == add_working_days(today(), 5)
    receiver = setup["receiver"]
    assert Message.objects.filter(recipient=receiver, text__contains="Nieuwe verwijzing").exists()
    referral = referrals.answer(actor=receiver, referral=referral, accept=True)
    referral = referrals.report_start(actor=receiver, referral=referral, started=True, on=today())
    referral = referrals.complete(
        actor=receiver, referral=referral, helped="ja", feedback="Vijf gesprekken; het gaat beter thuis.", on=today()
    )
    assert (referral.status, referral.arrived, referral.helped) == ("afgerond", True, "ja")
    assert list(referral.events.values_list("status", flat=True)) == [
        "voorgesteld",
        "verstuurd",
        "geaccepteerd",
        "gestart",
        "afgerond",
    ]
    client.force_login(world.professional)
    plan_page = client.get(reverse("plan", args=[setup["trajectory"].pk])).content.decode()
    assert "Opvoedsteunpunt" in plan_page and "geholpen: ja" in plan_page
    assert "Vijf gesprekken" in plan_page
    household = client.get(reverse("household", args=[setup["trajectory"].household_id])).content.decode()
    assert "geholpen: ja" in household


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            lambda r, w, s: referrals.complete(actor=s["receiver"], referral=r, helped="ja", feedback="x", on=today()),
            "kan niet naar afgerond",
        ),
        (
            lambda r, w, s: referrals.report_start(actor=s["receiver"], referral=r, started=True, on=today()),
            "kan niet naar gestart",
        ),
        (lambda r, w, s: referrals.answer(actor=w.professional, referral=r, accept=True), "dit doet Jeugdhulp Test"),
        (lambda r, w, s: referrals.withdraw(actor=s["receiver"], referral=r, reason="x"), "regisseur"),
        (lambda r, w, s: referrals.answer(actor=w.outsider, referral=r, accept=True), "dit doet Jeugdhulp Test"),
    ],
)
def test_no_state_is_skipped_and_only_the_right_party_moves_it(world, setup, step, message):
    referral = sent(world, setup)
    with pytest.raises(DomainError, match=message):
        step(referral, world, setup)
    referral.refresh_from_db()
    assert referral.status == "verstuurd" and referral.events.count() == 2


def test_a_proposal_is_not_visible_to_the_receiver_until_sent(client, world, setup):
    referral = propose(world, setup)
    client.force_login(setup["receiver"])
    assert client.get(reverse("referral", args=[referral.pk])).status_code == 404
    with pytest.raises(DomainError, match="kan niet naar geaccepteerd"):
        referrals.answer(actor=setup["receiver"], referral=referral, accept=True)


def test_sending_needs_a_basis_that_covers_what_is_shared(world, setup):
    referral = propose(world, setup, categories=["contact", "financien"])
    with pytest.raises(DomainError) as error:
        referrals.send(actor=world.professional, referral=referral, basis=consent_basis())
    assert error.value.field == "basis" and "financiën" in error.value.message
    with pytest.raises(DomainError) as error:
        referrals.send(actor=world.professional, referral=referral, basis=None)
    assert error.value.field == "basis"
    privacy_services.withdraw_consent(actor=world.professional, consent=setup["consent"], on=today())
    with pytest.raises(DomainError, match="ingetrokken"):
        referrals.send(actor=world.professional, referral=propose(world, setup), basis=consent_basis())
    referral.refresh_from_db()
    assert referral.status == "voorgesteld" and referral.sent_on is None
    law = ProcessingActivity.objects.get(code="jeugdhulp")
    referral = referrals.send(actor=world.professional, referral=referral, basis=law)
    assert referral.legal_basis == law.reference and referral.consent is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"question": " "}, "question"),
        ({"handover": ""}, "handover"),
        ({"categories": []}, "categories"),
        ({"categories": ["onbekend"]}, "categories"),
        ({"person": None}, "person"),
        ({"service": None}, "service"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field_and_nothing_is_written(world, setup, overrides, field):
    with pytest.raises(DomainError) as error:
        propose(world, setup, **overrides)
    assert error.value.field == field
    assert not Referral.objects.exists()


def test_a_service_outside_toegang_or_the_municipality_itself_is_not_a_closed_loop(world, setup):
    service = setup["service"]
    service.organisation = None
    service.save()
    with pytest.raises(DomainError, match="notitie"):
        propose(world, setup)
    with pytest.raises(DomainError, match="collega"):
        propose(world, setup, service=None, organisation=world.municipality_org)
    with pytest.raises(DomainError, match="alleen de regisseur"):
        propose(world, setup, actor=world.partner, service=None, organisation=world.partner_org)


def test_a_refusal_says_why_and_no_show_closes_the_loop(world, setup):
    receiver = setup["receiver"]
    referral = sent(world, setup)
    with pytest.raises(DomainError) as error:
        referrals.answer(actor=receiver, referral=referral, accept=False, remark="")
    assert error.value.field == "remark" and error.value.message.startswith("Toelichting: ")  # as the form labels it
    referral = referrals.answer(actor=receiver, referral=referral, accept=True)
    referral = referrals.report_start(
        actor=receiver, referral=referral, started=False, on=today(), remark="Niet gekomen"
    )
    assert (referral.status, referral.arrived, referral.closed_on) == ("niet_verschenen", False, today())
    with pytest.raises(DomainError, match="kan niet naar ingetrokken"):
        referrals.withdraw(actor=world.professional, referral=referral, reason="Te laat")


def test_withdrawn_consent_hides_the_handover_from_the_receiver(client, world, setup):
    referral = sent(world, setup)
    client.force_login(setup["receiver"])
    assert setup["person"].full_name in client.get(reverse("referral", args=[referral.pk])).content.decode()
    privacy_services.withdraw_consent(actor=world.professional, consent=setup["consent"], on=today())
    page = client.get(reverse("referral", args=[referral.pk])).content.decode()
    assert setup["person"].full_name not in page and "weigert naar school" not in page
    assert "ingetrokken of verlopen" in page
    listing = client.get(reverse("referrals")).content.decode()
    assert setup["person"].full_name not in listing and "grondslag vervallen" in listing


def test_a_late_step_gets_one_reminder(world, setup):
    PartnerAgreement.objects.create(
        organisation=world.partner_org,
        municipality=world.gemeente,
        kind="beantwoorden",
        value=2,
        valid_from=today() - dt.timedelta(days=30),
    )
    referral = sent(world, setup)
    assert referral.feedback_due_on == add_working_days(today(), 2)
    assert referrals.remind(on=today()) == 0
    later = referral.feedback_due_on + dt.timedelta(days=1)
    assert referrals.remind(on=later) == 1
    reminded = set(Message.objects.filter(text__startswith="Herinnering").values_list("recipient_id", flat=True))
    assert reminded == {setup["receiver"].pk, world.professional.pk}
    assert referrals.remind(on=later) == 0  # once per step
    referral = referrals.answer(actor=setup["receiver"], referral=referral, accept=True)
    assert referral.reminded_on is None and referral.feedback_due_on == add_working_days(today(), 10)
    Referral.objects.filter(pk=referral.pk).update(feedback_due_on=today() - dt.timedelta(days=1))
    call_command("verwijzingen", "herinneren")
    assert Message.objects.filter(text__startswith="Herinnering").count() == 4


def test_the_screens_take_the_loop_through(client, world, setup):
    trajectory = setup["trajectory"]
    client.force_login(world.professional)
    service_link = reverse("referral-new", args=[trajectory.pk]) + f"?dienst={setup['service'].pk}"
    social_map = client.get(reverse("social-map") + f"?traject={trajectory.pk}").content.decode()
    assert service_link in social_map
    data = {
        "person": setup["person"].pk,
        "goal": setup["goal"].pk,
        "question": "Hulp bij opvoeden",
        "handover": "",
        "categories": ["contact"],
    }
    response = client.post(service_link, data)
    assert response.status_code == 400 and "Warme overdracht" in response.content.decode()
    assert not Referral.objects.exists()
    response = client.post(service_link, {**data, "handover": "Bel na 15 uur."})
    referral = Referral.objects.get()
    assert response.url == reverse("referral", args=[referral.pk])
    client.post(reverse("referral-action", args=[referral.pk, "versturen"]), {"versturen-basis": consent_basis().pk})
    client.force_login(setup["receiver"])
    assert client.get(reverse("home")).url == reverse("referrals")
    assert setup["person"].full_name in client.get(reverse("referrals")).content.decode()
    assert client.get(reverse("household", args=[trajectory.household_id])).status_code == 403
    assert client.get(reverse("social-map")).status_code == 403  # a partner account: its own referrals only
    assert client.get(reverse("social-map-export-csv")).status_code == 403
    url = reverse("referral-action", args=[referral.pk, "beantwoorden"])
    no_button = client.post(url, {})  # without the pressed button nothing is decided
    assert no_button.status_code == 400 and "Keuze: kies Accepteren of Afwijzen." in no_button.content.decode()
    referral.refresh_from_db()
    assert referral.status == "verstuurd"
    assert client.post(url, {"keuze": "accepteren"}).status_code == 302
    start = reverse("referral-action", args=[referral.pk, "start"])
    assert client.post(start, {"keuze": "gestart", "start-on": today().isoformat()}).status_code == 302
    finish = reverse("referral-action", args=[referral.pk, "afronden"])
    bad = client.post(finish, {"afronden-helped": "ja", "afronden-on": today().isoformat()})
    assert bad.status_code == 400 and "Terugkoppeling" in bad.content.decode()
    client.post(finish, {"afronden-helped": "deels", "afronden-feedback": "Loopt nog.", "afronden-on": today()})
    referral.refresh_from_db()
    assert (referral.status, referral.helped) == ("afgerond", "deels")
    assert client.post(reverse("referral-action", args=[referral.pk, "intrekken"]), {}).status_code == 403


def test_query_counts_stay_flat(client, world, setup):
    first = sent(world, setup)

    def counts():
        client.force_login(setup["receiver"])
        receiver = (
            page_queries(client, reverse("referrals")),
            page_queries(client, reverse("referral", args=[first.pk])),
        )
        client.force_login(world.professional)
        regie = (
            page_queries(client, reverse("referrals")),
            page_queries(client, reverse("referral", args=[first.pk])),
            page_queries(client, reverse("referral-new", args=[setup["trajectory"].pk])),
        )
        return receiver, regie

    small = counts()
    for _ in range(3):
        referrals.answer(actor=setup["receiver"], referral=sent(world, setup), accept=True)
    assert counts() == small
    assert small == ((4, 5), (5, 7, 8))


def test_a_referral_rests_on_the_referred_persons_own_consent_or_a_fitting_legal_basis(world, setup):
    other = next(
        m.person
        for m in setup["trajectory"].household.memberships.select_related("person")
        if m.person != setup["person"]
    )
    with pytest.raises(DomainError) as error:  # the consent is the mother's, the referral is for another member
        referrals.send(actor=world.professional, referral=propose(world, setup, person=other), basis=consent_basis())
    assert error.value.field == "basis" and other.full_name in error.value.message
    with pytest.raises(DomainError) as error:  # the Participatiewet is no basis to share with youth care
        referrals.send(
            actor=world.professional,
            referral=propose(world, setup, person=other),
            basis=ProcessingActivity.objects.get(code="participatie"),
        )
    assert error.value.field == "basis" and "voert die wettelijke taak niet uit" in error.value.message
    assert not Referral.objects.filter(sent_on__isnull=False).exists()


def test_other_partners_on_the_case_see_neither_the_handover_nor_the_outcome(client, world, setup):
    from toegang.accounts.models import Organisation
    from toegang.cases import services as case_services

    debt = Organisation.objects.create(name="Schuldhulp Test", kind="schuldhulp")
    privacy_services.record_consent(
        actor=world.professional,
        person=setup["person"],
        activity=consent_basis(),
        given_by="inwoner",
        categories=["contact", "jeugd"],
        organisations=[debt],
        given_on=today(),
        valid_until=today() + dt.timedelta(days=365),
    )
    referral = referrals.send(
        actor=world.professional,
        referral=propose(world, setup, service=None, organisation=debt, handover="Schulden van 12000 euro."),
        basis=consent_basis(),
    )
    case_services.add_involvement(  # the youth-care partner works on the same goal
        actor=world.professional,
        trajectory=setup["trajectory"],
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=ProcessingActivity.objects.get(code="jeugdhulp"),
    )
    client.force_login(world.partner)
    assert client.get(reverse("referral", args=[referral.pk])).status_code == 404
    Referral.objects.filter(pk=referral.pk).update(status="afgerond", arrived=True, helped="nee", feedback="x")
    goal = setup["goal"]
    from toegang.plans import need_to_know
    from toegang.plans.selectors import plan_with_content

    views = need_to_know.goal_views(plan=plan_with_content(plan_id=goal.plan_id), viewer=world.partner, whole=False)
    assert all(r.organisation_id == world.partner_org.pk for gv in views for r in gv.referrals)
    whole = need_to_know.goal_views(plan=plan_with_content(plan_id=goal.plan_id), viewer=world.professional, whole=True)
    assert referral in whole[0].referrals


def test_news_goes_to_the_current_regisseur_and_each_step_is_logged(world, setup):
    from toegang.audit.models import AuditEntry
    from toegang.cases import services as case_services

    referral = sent(world, setup)
    case_services.change_regisseur(
        actor=world.professional, trajectory=setup["trajectory"], professional=world.colleague, on=today()
    )
    referrals.answer(actor=setup["receiver"], referral=referral, accept=True)
    assert Message.objects.filter(recipient=world.colleague, text__contains="geaccepteerd").exists()
    assert not Message.objects.filter(recipient=world.professional, text__contains="geaccepteerd").exists()
    entries = AuditEntry.objects.filter(object_type="referral", object_id=str(referral.pk)).order_by("pk")
    assert [e.action for e in entries] == ["create", "update", "update"]
    sent_entry = entries[1]
    assert sent_entry.legal_basis == f"toestemming {setup['consent'].pk}"
    members = set(setup["trajectory"].household.memberships.values_list("person_id", flat=True))
    assert set(sent_entry.subjects.values_list("person_id", flat=True)) == members
