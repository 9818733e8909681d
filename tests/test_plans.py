import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import make_agreed_plan, make_trajectory
from toegang.common.dates import today
from toegang.common.errors import ConflictError, DomainError
from toegang.people.models import Membership, Person
from toegang.plans import services
from toegang.plans.models import Action, Goal, LifeDomain, Plan, SelfRelianceLevel, SelfRelianceScore


@pytest.fixture
def domains(db):
    return list(LifeDomain.objects.order_by("position"))


def test_reference_data_has_13_domains_and_5_levels_with_source(db):
    assert LifeDomain.objects.count() == 13
    assert list(SelfRelianceLevel.objects.values_list("level", flat=True)) == [1, 2, 3, 4, 5]
    assert all("Zelfredzaamheid-Matrix" in d.source for d in LifeDomain.objects.all())


def test_exploration_scores_only_relevant_domains(world, domains):
    trajectory = make_trajectory(world)
    level2 = SelfRelianceLevel.objects.get(level=2)
    exploration = services.record_exploration(
        actor=world.professional,
        trajectory=trajectory,
        held_on=today(),
        participants="Moeder, regisseur",
        summary="Schulden en opvoedvragen",
        findings=[
            services.FindingInput(domain=domains[0], situation="Achterstand huur", level=level2),
            services.FindingInput(domain=domains[4], concerns="Spanning thuis"),  # niet gescoord
            services.FindingInput(domain=domains[7]),  # empty: not relevant, not stored
        ],
    )
    assert exploration.findings.count() == 2
    assert SelfRelianceScore.objects.filter(exploration=exploration).count() == 1


def test_exploration_needs_content(world, domains):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="ten minste één relevant leefdomein"):
        services.record_exploration(
            actor=world.professional, trajectory=trajectory, held_on=today(), participants="", summary="", findings=[]
        )


def test_second_save_on_stale_revision_is_refused(world, domains):
    trajectory = make_trajectory(world)
    plan = services.start_plan(actor=world.professional, trajectory=trajectory)
    seen = plan.revision
    # two people opened the plan at the same revision; the first saves
    services.update_plan(
        actor=world.professional,
        plan=plan,
        expected_revision=seen,
        what_goes_well="Netwerk is sterk",
        household_wishes="Rust",
        review_interval_weeks=8,
    )
    stale = Plan.objects.get(pk=plan.pk)
    with pytest.raises(ConflictError, match="intussen door iemand anders gewijzigd"):
        services.add_goal(
            actor=world.colleague,
            plan=stale,
            expected_revision=seen,
            domain=domains[0],
            result="Huurachterstand weg",
            due_on=today() + dt.timedelta(days=60),
        )
    assert not Goal.objects.filter(plan=plan).exists()
    assert Plan.objects.get(pk=plan.pk).what_goes_well == "Netwerk is sterk"


def test_agree_requires_goals_with_actions(world, domains):
    trajectory = make_trajectory(world)
    plan = services.start_plan(actor=world.professional, trajectory=trajectory)
    with pytest.raises(DomainError, match="ten minste één doel"):
        services.agree_plan(
            actor=world.professional,
            plan=plan,
            expected_revision=plan.revision,
            agreed_on=today(),
            agreed_how="mondeling",
        )
    goal = services.add_goal(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        domain=domains[0],
        result="Vaste lasten op orde",
        due_on=today() + dt.timedelta(days=30),
    )
    with pytest.raises(DomainError, match="ten minste één actie"):
        services.agree_plan(
            actor=world.professional,
            plan=plan,
            expected_revision=plan.revision,
            agreed_on=today(),
            agreed_how="mondeling",
        )
    member = trajectory.household.memberships.first().person
    services.add_action(
        actor=world.professional,
        goal=goal,
        expected_revision=plan.revision,
        description="Post openen met buurvrouw",
        party=Action.Party.MEMBER,
        member=member,
        due_on=today() + dt.timedelta(days=7),
    )
    services.agree_plan(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        agreed_on=today(),
        agreed_how="ondertekend",
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert plan.next_review_on == today() + dt.timedelta(weeks=plan.review_interval_weeks)


def test_action_party_must_be_named(world, domains):
    trajectory = make_trajectory(world)
    plan = services.start_plan(actor=world.professional, trajectory=trajectory)
    goal = services.add_goal(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        domain=domains[0],
        result="x",
        due_on=today(),
    )
    with pytest.raises(DomainError, match="Naam netwerk"):
        services.add_action(
            actor=world.professional,
            goal=goal,
            expected_revision=plan.revision,
            description="Bellen",
            party=Action.Party.NETWORK,
            due_on=today(),
        )
    outsider_person = make_trajectory(world).household.memberships.first().person
    membership = trajectory.household.memberships.first()
    membership.end_date = today() - dt.timedelta(days=1)  # left the household yesterday
    membership.save(update_fields=["end_date"])
    for person in (outsider_person, membership.person):
        with pytest.raises(DomainError, match="lid van dit huishouden"):
            services.add_action(
                actor=world.professional,
                goal=goal,
                expected_revision=plan.revision,
                description="Bellen",
                party=Action.Party.MEMBER,
                member=person,
                due_on=today(),
            )
    assert not Action.objects.filter(goal=goal).exists()


def test_the_action_form_offers_only_members_who_have_not_left(client, world):
    trajectory = make_trajectory(world)
    plan = services.start_plan(actor=world.professional, trajectory=trajectory)
    goal = services.add_goal(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        domain=LifeDomain.objects.first(),
        result="x",
        due_on=today(),
    )
    stays = trajectory.household.memberships.first().person
    left = Person.objects.create(voornamen="Melle", geslachtsnaam="Vertrokken")
    Membership.objects.create(
        household=trajectory.household,
        person=left,
        role="kind",
        start_date=today() - dt.timedelta(days=900),
        end_date=today() - dt.timedelta(days=1),
    )
    client.force_login(world.professional)
    page = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    options = re.findall(rf'<select name="member"[^>]* id="id_goal{goal.pk}_member">(.*?)</select>', page, re.S)
    assert options and f'value="{stays.pk}"' in options[0] and f'value="{left.pk}"' not in options[0]


def test_new_version_copies_open_goals_and_supersedes_on_agreement(world):
    trajectory = make_trajectory(world)
    first = make_agreed_plan(world, trajectory, goals=2, actions_per_goal=1)
    second = services.start_plan(actor=world.professional, trajectory=trajectory)
    assert second.version == 2
    assert second.goals.count() == 2
    assert Action.objects.filter(goal__plan=second).count() == 2
    with pytest.raises(DomainError, match="al een plan in concept"):
        services.start_plan(actor=world.professional, trajectory=trajectory)
    services.agree_plan(
        actor=world.professional,
        plan=second,
        expected_revision=second.revision,
        agreed_on=today(),
        agreed_how="digitaal",
    )
    first.refresh_from_db()
    assert first.status == Plan.Status.SUPERSEDED


def test_review_scores_every_open_goal_and_sets_next_date(world):
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=2, actions_per_goal=1)
    goals = list(plan.goals.all())
    level4 = SelfRelianceLevel.objects.get(level=4)
    with pytest.raises(DomainError, match="Doel 2"):
        services.record_review(
            actor=world.professional,
            plan=plan,
            expected_revision=plan.revision,
            held_on=today(),
            outcomes={goals[0].pk: ("bereikt", "")},
            scores={},
            summary="",
            next_review_on=today() + dt.timedelta(days=30),
        )
    with pytest.raises(DomainError, match="Volgende bespreking"):
        services.record_review(
            actor=world.professional,
            plan=plan,
            expected_revision=plan.revision,
            held_on=today(),
            outcomes={goals[0].pk: ("bereikt", ""), goals[1].pk: ("deels", "")},
            scores={},
            summary="",
            next_review_on=None,
        )
    review = services.record_review(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        held_on=today(),
        outcomes={goals[0].pk: ("bereikt", "Gelukt"), goals[1].pk: ("deels", "")},
        scores={goals[0].domain: level4},
        summary="Goede stappen",
        next_review_on=today() + dt.timedelta(days=42),
    )
    assert review.goal_reviews.count() == 2
    plan.refresh_from_db()
    assert plan.next_review_on == today() + dt.timedelta(days=42)
    assert Goal.objects.get(pk=goals[0].pk).status == Goal.Status.ACHIEVED
    assert Goal.objects.get(pk=goals[1].pk).status == Goal.Status.OPEN
    assert SelfRelianceScore.objects.filter(review=review, level=level4).count() == 1


def test_action_status_in_agreed_plan(world):
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    action = Action.objects.get(goal__plan=plan)
    services.set_action_status(
        actor=world.professional, action=action, expected_revision=plan.revision, status="gedaan", on=today()
    )
    action.refresh_from_db()
    assert action.status == "gedaan" and action.done_on == today()


def test_the_household_page_shows_the_exploration_and_the_reviews_with_their_scores(client, world, domains):
    from django.urls import reverse

    trajectory = make_trajectory(world)
    level2, level4 = SelfRelianceLevel.objects.get(level=2), SelfRelianceLevel.objects.get(level=4)
    services.record_exploration(
        actor=world.professional,
        trajectory=trajectory,
        held_on=today(),
        participants="Moeder, regisseur",
        summary="Schulden en opvoedvragen",
        findings=[services.FindingInput(domain=domains[0], situation="Achterstand huur", level=level2)],
    )
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    goal = plan.goals.get()
    review = services.record_review(
        actor=world.professional,
        plan=plan,
        expected_revision=plan.revision,
        held_on=today(),
        outcomes={goal.pk: ("bereikt", "Huur is bij")},
        scores={goal.domain: level4},
        summary="Goede stappen",
        next_review_on=today() + dt.timedelta(days=42),
    )
    client.force_login(world.professional)
    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert f"{domains[0].name}</dt><dd>Achterstand huur" in body  # the exploration's finding
    assert f"Zelfredzaamheid: {domains[0].name} 2</p>" in body  # and its score
    outcome = review.goal_reviews.get().get_outcome_display()
    assert f"<strong>{outcome}</strong> – Huur is bij" in body  # the review's goal outcome
    assert f"{goal.domain.name} 4</p>" in body  # and its score


def test_the_current_plan_is_the_draft_else_the_agreed_plan_else_the_latest_closed_one(world):
    from toegang.plans.selectors import current_plan

    trajectory = make_trajectory(world)
    assert current_plan(trajectory=trajectory) is None

    def plan(version: int, status: str) -> Plan:
        agreed = today() if status == Plan.Status.AGREED else None
        return Plan.objects.create(
            trajectory=trajectory, household=trajectory.household, version=version, status=status, agreed_on=agreed
        )

    plan(1, Plan.Status.CLOSED)
    closed = plan(2, Plan.Status.CLOSED)
    plan(3, Plan.Status.SUPERSEDED)
    assert current_plan(trajectory=trajectory) == closed  # the latest closed one; never a superseded one
    agreed = plan(4, Plan.Status.AGREED)
    assert current_plan(trajectory=trajectory) == agreed
    draft = plan(5, Plan.Status.DRAFT)
    assert current_plan(trajectory=trajectory) == draft
    Plan.objects.filter(pk=draft.pk).update(version=0)  # the draft wins whatever its version
    assert current_plan(trajectory=trajectory) == draft
