"""Case conferences (MDO): the household and its network invited by default, a basis checked per
participant before any dossier content is shown, minutes restricted per organisation, decisions that
become plan actions in one step, printable invitation and minutes, and flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_agreed_plan, make_trajectory, make_user
from tests.querycount import page_queries
from tests.test_decisions import pdf_text
from toegang.accounts.models import Organisation, User
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network import conferences
from toegang.network.models import CaseConference, ConferenceDecision, MinutesSection, Participant
from toegang.plans import services as plan_services
from toegang.plans.models import Action, Goal, LifeDomain, Plan
from toegang.privacy import services as privacy_services
from toegang.privacy.models import ProcessingActivity


def soon():
    return today() + dt.timedelta(days=7)


def plan_one(world, trajectory=None, **overrides) -> CaseConference:
    trajectory = trajectory or make_trajectory(world)
    values = {
        "actor": world.professional,
        "trajectory": trajectory,
        "held_on": soon(),
        "starts_at": dt.time(10, 0),
        "location": "Wijkcentrum De Brug",
        "purpose": "Samen afspreken wie de schulden en de school van de kinderen oppakt.",
    }
    return conferences.plan_conference(**{**values, **overrides})


def adult(trajectory):
    return next(
        m.person for m in trajectory.household.memberships.select_related("person") if m.person.age_on(today()) >= 18
    )


def consent_for(world, trajectory, organisation, categories=("plan",)):
    return privacy_services.record_consent(
        actor=world.professional,
        person=adult(trajectory),
        activity=ProcessingActivity.objects.get(code="integrale-ondersteuning"),
        given_by="inwoner",
        categories=list(categories),
        organisations=[organisation],
        given_on=today(),
        valid_until=today() + dt.timedelta(days=365),
    )


@pytest.fixture
def welfare(world):
    """A second partner organisation with one professional, who is invited without any basis."""
    org = Organisation.objects.create(name="Welzijn Test", kind="welzijn")
    return make_user("welzijnswerker", User.Role.PROFESSIONAL, org=org, team=world.other_team)


def test_the_household_its_network_and_the_professionals_are_invited_by_default(world):
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    draft = plan_services.start_plan(actor=world.professional, trajectory=trajectory)
    plan_services.add_action(
        actor=world.professional,
        goal=draft.goals.get(),
        expected_revision=draft.revision,
        description="Helpt met de administratie",
        party=Action.Party.NETWORK,
        network_name="Buurvrouw Els",
        due_on=soon(),
    )
    case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=ProcessingActivity.objects.get(code="jeugdhulp"),
    )
    conference = plan_one(world, trajectory)
    seats = {(p.kind, p.label) for p in conference.participants.all()}
    members = {m.person.full_name for m in trajectory.household.memberships.select_related("person")}
    assert {label for kind, label in seats if kind == "lid"} == members
    assert ("netwerk", "Buurvrouw Els") in seats
    assert ("professional", str(world.professional)) in seats
    assert ("professional", str(world.partner)) in seats
    assert plan.pk  # the agreed plan stayed as it was


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": "  "}, "purpose"),
        ({"location": ""}, "location"),
        ({"held_on": None}, "held_on"),
        ({"held_on": today() - dt.timedelta(days=60)}, "held_on"),
        ({"held_on": today() + dt.timedelta(days=367)}, "held_on"),  # 2099 was accepted
        ({"starts_at": None}, "starts_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(world, overrides, field):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError) as error:
        plan_one(world, trajectory, **overrides)
    assert error.value.field == field
    assert not CaseConference.objects.exists()


def test_a_partner_professional_does_not_organise(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="organiseren"):
        plan_one(world, trajectory, actor=world.partner)


def test_the_basis_is_checked_per_participant_and_follows_consent(world, welfare):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    external = conferences.invite(
        actor=world.professional,
        conference=conference,
        kind="extern",
        name="Mevrouw Jansen",
        organisation=welfare.organisation,
        role="Schoolmaatschappelijk werk",
    )
    seat = conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    participants = list(conference.participants.select_related("user__organisation"))

    def basis():
        return conferences.bases(conference=conference, participants=participants, on=today())

    assert not basis()[seat.pk].ok and not basis()[external.pk].ok
    assert all(b.ok for p, b in ((p, basis()[p.pk]) for p in participants) if p.kind == "lid")
    assert basis()[participants[0].pk].ok  # the organiser, of the trajectory's team
    consent = consent_for(world, trajectory, welfare.organisation)
    assert basis()[seat.pk].ok and basis()[external.pk].ok
    assert "Toestemming" in basis()[seat.pk].text
    privacy_services.withdraw_consent(actor=world.professional, consent=consent, on=today())
    assert not basis()[seat.pk].ok and not basis()[external.pk].ok


def test_a_participant_without_basis_sees_only_the_agenda_and_their_own_input(client, world, welfare):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    seat = conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    conferences.add_agenda_item(actor=world.professional, conference=conference, title="Schulden")
    conferences.add_agenda_item(actor=welfare, conference=conference, title="Zorgen over school")
    conferences.prepare(actor=welfare, participant=seat, text="Ik zie de kinderen vaak te laat komen.")
    regisseur_seat = conference.participants.get(user=world.professional)
    conferences.prepare(actor=world.professional, participant=regisseur_seat, text="Schuld bij de woningcorporatie.")
    conferences.write_minutes(actor=world.professional, conference=conference, text="Open verslagdeel.")
    conferences.write_minutes(
        actor=world.professional,
        conference=conference,
        text="Alleen voor de welzijnsorganisatie.",
        restricted_to=welfare.organisation,
    )
    client.force_login(welfare)
    page = client.get(reverse("conference", args=[conference.pk])).content.decode()
    assert "Schulden" in page and "Zorgen over school" in page  # the agenda
    assert "Ik zie de kinderen vaak te laat komen." in page  # what they brought in themselves
    for hidden in (
        conference.purpose,
        "Schuld bij de woningcorporatie.",
        "Open verslagdeel.",
        "Alleen voor de welzijnsorganisatie.",  # restricted to their own organisation, still no basis
        trajectory.household.name,
    ):
        assert hidden not in page
    assert "geen wettelijke grondslag of toestemming" in page
    assert client.get(reverse("conference-pdf", args=[conference.pk, "verslag"])).status_code == 403
    invitation = pdf_text(client.get(reverse("conference-pdf", args=[conference.pk, "uitnodiging"])).content)
    assert "Zorgen over school" in invitation and "woningcorporatie" not in invitation
    assert conference.purpose[:20] not in invitation
    with pytest.raises(DomainError, match="grondslag"):
        conferences.write_minutes(actor=welfare, conference=conference, text="Mag ik schrijven?")


def test_restricted_minutes_reach_only_their_organisation(client, world, welfare):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    for user in (welfare, world.partner):
        conferences.invite(actor=world.professional, conference=conference, kind="professional", user=user)
        consent_for(world, trajectory, user.organisation)
    conferences.write_minutes(
        actor=world.professional,
        conference=conference,
        text="Alleen voor de jeugdhulp.",
        restricted_to=world.partner_org,
    )
    conferences.write_minutes(actor=welfare, conference=conference, text="Open deel van welzijn.")
    with pytest.raises(DomainError, match="eigen organisatie"):
        conferences.write_minutes(
            actor=welfare, conference=conference, text="Voor de jeugdhulp", restricted_to=world.partner_org
        )
    seen = {}
    for user in (welfare, world.partner):
        client.force_login(user)
        seen[user.username] = client.get(reverse("conference", args=[conference.pk])).content.decode()
        assert conference.purpose in seen[user.username]  # with a basis: the content
        assert "Open deel van welzijn." in seen[user.username]
    assert "Alleen voor de jeugdhulp." in seen["partner"]
    assert "Alleen voor de jeugdhulp." not in seen["welzijnswerker"]
    response = client.get(reverse("conference-pdf", args=[conference.pk, "verslag"]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf"), response.content[:300]
    minutes = pdf_text(response.content)
    assert "Alleen voor de jeugdhulp." in minutes, minutes


def test_a_decision_becomes_a_plan_action_in_one_step(world):
    trajectory = make_trajectory(world)
    agreed = make_agreed_plan(world, trajectory, goals=2, actions_per_goal=1)
    conference = plan_one(world, trajectory)
    member = adult(trajectory)
    goal = agreed.goals.order_by("position").last()
    decision = conferences.record_decision(
        actor=world.professional,
        conference=conference,
        text="Moeder belt zelf de woningcorporatie voor een betalingsregeling.",
        goal=goal,
        new_goal_domain=None,
        new_goal_result="",
        new_goal_due_on=None,
        description="Woningcorporatie bellen over een betalingsregeling",
        party=Action.Party.MEMBER,
        member=member,
        due_on=soon(),
    )
    draft = Plan.objects.get(trajectory=trajectory, status=Plan.Status.DRAFT)
    assert draft.version == agreed.version + 1
    action = decision.action
    assert action.goal.plan_id == draft.pk and action.goal.result == goal.result
    assert (action.member, action.due_on) == (member, soon())
    new = conferences.record_decision(
        actor=world.professional,
        conference=conference,
        text="Een vrijwilliger helpt met de post.",
        goal=None,
        new_goal_domain=LifeDomain.objects.get(code="financien"),
        new_goal_result="De post wordt wekelijks geopend en geordend.",
        new_goal_due_on=today() + dt.timedelta(days=90),
        description="Vrijwilliger thuisadministratie inzetten",
        party=Action.Party.NETWORK,
        network_name="Vrijwilliger Humanitas",
        due_on=soon(),
    )
    assert new.action.goal.plan_id == draft.pk
    assert Goal.objects.filter(plan=draft).count() == 3


def test_a_bad_decision_writes_nothing_not_even_a_new_plan_version(world):
    trajectory = make_trajectory(world)
    agreed = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    conference = plan_one(world, trajectory)
    with pytest.raises(DomainError) as error:
        conferences.record_decision(
            actor=world.professional,
            conference=conference,
            text="Iemand uit het netwerk helpt.",
            goal=agreed.goals.get(),
            new_goal_domain=None,
            new_goal_result="",
            new_goal_due_on=None,
            description="Helpen",
            party=Action.Party.NETWORK,
            network_name="",
            due_on=soon(),
        )
    assert error.value.field == "network_name"
    assert not Plan.objects.filter(trajectory=trajectory, status=Plan.Status.DRAFT).exists()
    assert not ConferenceDecision.objects.exists()
    with pytest.raises(DomainError) as error:
        conferences.record_decision(
            actor=world.partner,
            conference=conference,
            text="x",
            goal=None,
            new_goal_domain=None,
            new_goal_result="",
            new_goal_due_on=None,
            description="x",
            party="lid",
            due_on=soon(),
        )
    assert "organiseren" in error.value.message


def test_the_page_records_a_decision_and_shows_errors_at_the_field(client, world):
    trajectory = make_trajectory(world)
    agreed = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    conference = plan_one(world, trajectory)
    client.force_login(world.professional)
    url = reverse("conference-action", args=[conference.pk, "decision"])
    goal = agreed.goals.get()
    data = {
        "decision-text": "De regisseur vraagt schuldhulp aan.",
        "decision-goal": goal.pk,
        "decision-description": "Aanmelden bij schuldhulpverlening",
        "decision-party": "professional",
        "decision-due_on": soon().isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Professional: kies de professional die de actie doet." in response.content.decode()
    assert not ConferenceDecision.objects.exists()
    response = client.post(url, {**data, "decision-professional": world.professional.pk})
    assert response.status_code == 302
    page = client.get(reverse("conference", args=[conference.pk])).content.decode()
    assert "Aanmelden bij schuldhulpverlening" in page
    plan = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    assert "Aanmelden bij schuldhulpverlening" in plan
    assert client.post(reverse("conference-action", args=[conference.pk, "onzin"])).status_code == 404


def test_close_records_attendance_and_cancel_needs_a_reason(world):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory, held_on=today())
    first = conference.participants.first()
    conferences.close(actor=world.professional, conference=conference, attended=[first.pk])
    assert set(conference.participants.values_list("attended", flat=True)) == {True, False}
    later = plan_one(world, trajectory)
    with pytest.raises(DomainError, match="nog niet geweest"):
        conferences.close(actor=world.professional, conference=later, attended=[])
    with pytest.raises(DomainError) as error:
        conferences.cancel(actor=world.professional, conference=later, reason=" ")
    assert error.value.field == "reason"
    conferences.cancel(actor=world.professional, conference=later, reason="Moeder is ziek.")
    with pytest.raises(DomainError, match="geannuleerd"):
        conferences.add_agenda_item(actor=world.professional, conference=later, title="x")


def test_strangers_get_not_found_and_invitations_are_listed(client, world, welfare):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    client.force_login(world.outsider)
    assert client.get(reverse("conference", args=[conference.pk])).status_code == 404
    assert client.get(reverse("conference-pdf", args=[conference.pk, "uitnodiging"])).status_code == 404
    conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    client.force_login(welfare)
    assert conference.location in client.get(reverse("conferences")).content.decode()
    seat = conference.participants.get(user=welfare)
    conferences.uninvite(actor=world.professional, participant=seat)
    assert client.get(reverse("conference", args=[conference.pk])).status_code == 404


def test_planning_from_the_household_page(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    url = reverse("conference-new", args=[trajectory.pk])
    bad = client.post(url, {"held_on": soon().isoformat(), "starts_at": "10:00", "location": "", "purpose": "x"})
    assert bad.status_code == 400 and "Plaats" in bad.content.decode()
    response = client.post(
        url, {"held_on": soon().isoformat(), "starts_at": "10:00", "location": "Stadskantoor", "purpose": "Afstemmen"}
    )
    conference = CaseConference.objects.get()
    assert response.url == reverse("conference", args=[conference.pk])
    household = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert reverse("conference", args=[conference.pk]) in household


def test_query_counts_stay_flat(client, world, welfare):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    conference = plan_one(world, trajectory)
    conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)

    def counts():
        client.force_login(world.professional)
        full = page_queries(client, reverse("conference", args=[conference.pk]))
        client.force_login(welfare)
        agenda = page_queries(client, reverse("conference", args=[conference.pk]))
        return full, agenda

    small = counts()
    for n in range(4):
        conferences.invite(
            actor=world.professional,
            conference=conference,
            kind="extern",
            name=f"Gast {n}",
            organisation=welfare.organisation,
        )
        conferences.add_agenda_item(actor=world.professional, conference=conference, title=f"Punt {n}")
        conferences.write_minutes(actor=world.professional, conference=conference, text=f"Deel {n}")
    assert counts() == small
    assert small == (21, 14)
    assert MinutesSection.objects.count() == 4
    assert Participant.objects.filter(conference=conference).count() > 5


def test_the_form_and_the_invitations_have_pinned_counts(client, world, welfare):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    form = page_queries(client, reverse("conference-new", args=[trajectory.pk]), audit_rows=0)
    client.force_login(welfare)
    few = page_queries(client, reverse("conferences"))
    for _ in range(3):
        conference = plan_one(world, make_trajectory(world))
        conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    assert page_queries(client, reverse("conferences")) == few
    assert (form, few) == (4, 4)


def test_a_consent_must_cover_the_plan_and_a_partner_account_never_reads_content(client, world, welfare):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    seat = conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    consent = consent_for(world, trajectory, welfare.organisation, categories=("contact",))

    def basis_of(participant):
        participants = list(conference.participants.select_related("user__organisation"))
        return conferences.bases(conference=conference, participants=participants, on=today())[participant.pk]

    assert not basis_of(seat).ok and "dekt het ondersteuningsplan niet" in basis_of(seat).text
    privacy_services.withdraw_consent(actor=world.professional, consent=consent, on=today())
    consent_for(world, trajectory, welfare.organisation, categories=("plan",))
    assert basis_of(seat).ok
    account = make_user(
        "welzijnsbalie", User.Role.REPORTER, org=welfare.organisation, team=None, gemeente=world.gemeente
    )
    desk = conferences.invite(actor=world.professional, conference=conference, kind="professional", user=account)
    assert not basis_of(desk).ok  # a partner account: agenda and own input only, whatever the consent
    client.force_login(account)
    page = client.get(reverse("conference", args=[conference.pk])).content.decode()
    assert conference.purpose not in page and "geen wettelijke grondslag" in page


def test_who_can_be_seated_and_who_gets_in(client, world):
    trajectory = make_trajectory(world)
    case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=ProcessingActivity.objects.get(code="jeugdhulp"),
    )
    conference = plan_one(world, trajectory)
    seat = conference.participants.get(user=world.partner)
    conferences.uninvite(actor=world.professional, participant=seat)
    client.force_login(world.partner)  # involved in the case, but not (or no longer) invited
    assert client.get(reverse("conference", args=[conference.pk])).status_code == 404
    other_org = Organisation.objects.create(name="Gemeente Elders", kind="gemeente", municipality=world.other_gemeente)
    stranger = make_user("elders", User.Role.PROFESSIONAL, org=other_org, team=world.other_team)
    with pytest.raises(DomainError) as error:
        conferences.invite(actor=world.professional, conference=conference, kind="professional", user=stranger)
    assert error.value.field == "user"
    leaver = adult(trajectory)
    membership = trajectory.household.memberships.get(person=leaver)
    membership.end_date = today() - dt.timedelta(days=1)
    membership.save()
    with pytest.raises(DomainError) as error:
        conferences.invite(actor=world.professional, conference=conference, kind="lid", person=leaver)
    assert error.value.field == "person"
    participants = list(conference.participants.select_related("user__organisation"))
    old_seat = next(p for p in participants if p.person_id == leaver.pk)
    assert not conferences.bases(conference=conference, participants=participants, on=today())[old_seat.pk].ok


def test_every_change_and_read_is_logged_with_the_household(client, world, welfare):
    from toegang.audit.models import AuditEntry

    trajectory = make_trajectory(world)
    members = set(trajectory.household.memberships.values_list("person_id", flat=True))
    conference = plan_one(world, trajectory)
    seat = conferences.invite(actor=world.professional, conference=conference, kind="professional", user=welfare)
    conferences.prepare(actor=welfare, participant=seat, text="Mijn inbreng")
    entries = AuditEntry.objects.filter(object_type__in=["caseconference", "participant"]).order_by("pk")
    assert [e.action for e in entries] == ["create", "create", "update"]
    assert all(set(e.subjects.values_list("person_id", flat=True)) == members for e in entries)
    client.force_login(welfare)
    client.get(reverse("conference", args=[conference.pk]))
    read = AuditEntry.objects.filter(object_type="caseconference", action="read").get()
    assert set(read.subjects.values_list("person_id", flat=True)) == members
    assert read.detail == "alleen agenda (geen grondslag)" and "Geen grondslag" in read.legal_basis


def test_the_pdfs_have_pinned_counts(client, world):
    trajectory = make_trajectory(world)
    conference = plan_one(world, trajectory)
    client.force_login(world.professional)
    urls = [reverse("conference-pdf", args=[conference.pk, kind]) for kind in ("uitnodiging", "verslag")]
    few = [page_queries(client, url) for url in urls]
    for n in range(3):
        conferences.add_agenda_item(actor=world.professional, conference=conference, title=f"Punt {n}")
        conferences.write_minutes(actor=world.professional, conference=conference, text=f"Deel {n}")
    assert [page_queries(client, url) for url in urls] == few, few
    assert few == [9, 11]
