"""Every role × every page: allowed or denied; denied shows nothing of the household."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import law_basis, make_agreed_plan, make_trajectory
from toegang.cases import services as case_services
from toegang.cases.selectors import households_visible_to
from toegang.signals import services as signal_services

READ_PAGES = ["household", "plan", "signal-detail", "caseload", "team-overview", "team-queue", "overdue", "search"]
WRITE_PAGES = [
    "member-add",
    "regisseur-change",
    "involvement-add",
    "trajectory-close",
    "exploration-new",
    "review-new",
    "signal-new",
]


@pytest.fixture
def case(world):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    person = trajectory.household.memberships.first().person
    signal = signal_services.register_signal(
        actor=world.professional,
        team=world.team,
        source="school",
        channel="mail",
        received_on=trajectory.started_on,
        description="Verzuim op school",
        persons=[person],
    )
    return trajectory, signal, person


AUDIT_PAGES = ["audit-person", "audit-user"]


def url_for(page, trajectory, signal):
    if page == "household" or page == "member-add":
        return reverse(page, args=[trajectory.household_id])
    if page in ("plan", "regisseur-change", "involvement-add", "trajectory-close", "exploration-new", "review-new"):
        return reverse(page, args=[trajectory.pk])
    if page == "signal-detail":
        return reverse(page, args=[signal.pk])
    return reverse(page)


# expected status per role for the case of the professional's own team
EXPECTED = {
    "professional": {p: 200 for p in READ_PAGES + WRITE_PAGES},
    "teamleider": {p: 200 for p in READ_PAGES + WRITE_PAGES},
    "manager": {
        **{p: 200 for p in READ_PAGES if p != "team-overview"},
        "team-overview": 404,
        **{p: 403 for p in WRITE_PAGES},
    },
    "manager2": {
        **{p: 200 for p in ["caseload", "team-queue", "overdue", "search"]},
        "household": 404,
        "plan": 404,
        "signal-detail": 404,
        **{p: 403 for p in WRITE_PAGES},
    },
    "buitenstaander": {
        **{p: 200 for p in ["caseload", "team-queue", "overdue", "search", "signal-new"]},
        "household": 404,
        "plan": 404,
        "signal-detail": 404,
        **{p: 404 for p in WRITE_PAGES if p != "signal-new"},
    },
    "beheerder": {p: 403 for p in READ_PAGES + WRITE_PAGES},
    "privacy": {**{p: 403 for p in READ_PAGES + WRITE_PAGES}, **{p: 200 for p in AUDIT_PAGES}},
}
# a seconded partner professional of another team, not involved: nothing of the household
EXPECTED["partner"] = {**EXPECTED["buitenstaander"], "team-overview": 200}
for _pages in EXPECTED.values():  # the log and break-the-glass reviews are the privacy officer's alone
    for _page in [*AUDIT_PAGES, "emergency-reviews"]:
        _pages.setdefault(_page, 403)
EXPECTED["privacy"]["emergency-reviews"] = 200
for _username in EXPECTED:  # asking for emergency access is for case workers with a team
    EXPECTED[_username]["emergency-start"] = (
        200 if _username in ("professional", "teamleider", "buitenstaander", "partner") else 403
    )
    EXPECTED[_username]["inbox"] = 200  # everyone reads their own messages
    EXPECTED[_username]["deadlines"] = (  # statutory terms: case workers
        200 if _username in ("professional", "teamleider", "buitenstaander", "partner") else 403
    )
    EXPECTED[_username]["stand-ins"] = (  # waarneming: case workers with a team
        200 if _username in ("professional", "teamleider", "buitenstaander", "partner") else 403
    )


@pytest.mark.parametrize("username", list(EXPECTED))
def test_permission_matrix(client, world, case, username):
    trajectory, signal, person = case
    user = {
        u.username: u
        for u in [
            world.professional,
            world.team_lead,
            world.manager,
            world.other_manager,
            world.outsider,
            world.partner,
            world.admin,
            world.privacy,
        ]
    }[username]
    client.force_login(user)
    for page, expected in EXPECTED[username].items():
        response = client.get(url_for(page, trajectory, signal))
        assert response.status_code == expected, (username, page, response.status_code)
        body = response.content.decode()
        if (
            expected != 200
            or page in ("caseload", "team-queue", "overdue", "search")
            and username not in ("professional", "teamleider", "manager")
        ):
            assert person.geslachtsnaam not in body, (username, page)
            assert trajectory.household.name not in body, (username, page)


def test_involved_partner_from_another_team_sees_the_household(client, world, case):
    trajectory, signal, person = case
    client.force_login(world.partner)
    assert client.get(reverse("household", args=[trajectory.household_id])).status_code == 404
    case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=trajectory.started_on,
        basis=law_basis(),
    )
    response = client.get(reverse("household", args=[trajectory.household_id]))
    assert response.status_code == 200
    assert person.geslachtsnaam in response.content.decode()
    assert client.get(reverse("signal-detail", args=[signal.pk])).status_code == 404  # the signal stays with the team


def test_anonymous_is_sent_to_login(client, world, case):
    trajectory, _signal, _person = case
    response = client.get(reverse("household", args=[trajectory.household_id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_predicate_is_a_single_query(world, case, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(households_visible_to(world.professional))) == 1
    with django_assert_num_queries(0):
        assert list(households_visible_to(world.admin)) == []


def test_unknown_ids_give_404_not_500(client, world):
    client.force_login(world.professional)
    for name in ("household", "plan", "signal-detail", "review-new"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert (
        client.post(reverse("action-status", args=[999999]), {"expected_revision": 0, "status": "gedaan"}).status_code
        == 404
    )
