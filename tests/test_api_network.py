"""Referrals, decisions and the social map through the API: the same access rules as their pages,
one audit row per request, and query counts independent of page size."""

from __future__ import annotations

import uuid

from django.urls import reverse

from tests.api_support import api
from tests.conftest import make_trajectory
from tests.test_api_query_counts import count
from tests.test_decisions import procedure
from tests.test_referrals import sent, setup  # noqa: F401 - the fixture
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.network import referrals
from toegang.network.models import CommunityService
from toegang.privacy import services as privacy_services
from toegang.privacy.models import ProcessingActivity
from toegang.procedures import decisions
from toegang.procedures.models import Decision


def test_referrals_as_their_pages_show_them(world, setup):  # noqa: F811
    referral = sent(world, setup)
    receiver = api(world, setup["receiver"])
    assert receiver.all_ids("/api/v1/referrals/") == [referral.pk]
    row = receiver.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert row["content_shown"] and "weigert naar school" in row["handover"]
    assert sorted(api(world, world.professional).all_ids("/api/v1/referrals/")) == sorted(
        referrals.visible_to(world.professional).values_list("pk", flat=True)
    )
    assert api(world, world.outsider).all_ids("/api/v1/referrals/") == []
    privacy_services.withdraw_consent(actor=world.professional, consent=setup["consent"], on=today())
    before = AuditEntry.objects.count()
    row = receiver.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert not row["content_shown"] and row["handover"] is None and row["question"] is None
    assert AuditEntry.objects.count() == before + 1
    assert not AuditEntry.objects.latest("pk").subjects.exists()  # only the state was shown


def test_decisions_follow_the_trajectories(world):
    proc = procedure(world)
    decision = decisions.draft_decision(actor=world.professional, procedure=proc, outcome="afgewezen", reasoning="Nee")
    assert api(world, world.professional).all_ids("/api/v1/decisions/") == [decision.pk]
    assert api(world, world.outsider).all_ids("/api/v1/decisions/") == []
    entry = AuditEntry.objects.latest("pk")
    assert entry.actor == world.outsider and entry.action == "read"
    body = api(world, world.team_lead).get(f"/api/v1/decisions/{decision.pk}/").json()
    assert body["person"] == proc.person_id and body["status"] == Decision.Status.DRAFT


def test_a_partner_involved_in_the_case_reads_no_decisions_as_on_the_procedure_page(client, world):
    """The statutory procedure is the regisseur's and the municipality's: a partner professional involved
    in the trajectory gets 403 on the procedure page and finds its decisions in no API list or detail."""
    proc = procedure(world)
    decision = decisions.draft_decision(actor=world.professional, procedure=proc, outcome="afgewezen", reasoning="Nee")
    case_services.add_involvement(
        actor=world.professional,
        trajectory=proc.trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=ProcessingActivity.objects.get(code="jeugdhulp"),
    )
    partner = api(world, world.partner)
    assert proc.trajectory_id in partner.all_ids("/api/v1/trajectories/")  # the case itself is shared
    client.force_login(world.partner)
    assert client.get(reverse("procedure", args=[proc.pk])).status_code == 403
    assert partner.all_ids("/api/v1/decisions/") == []
    assert partner.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert api(world, world.professional).all_ids("/api/v1/decisions/") == [decision.pk]


def _service(world, n: int, municipality=None) -> CommunityService:
    return CommunityService.objects.create(
        hsds_id=uuid.uuid4(),
        municipality=municipality or world.gemeente,
        organization_id=uuid.uuid4(),
        organization_name="Welzijn",
        name=f"Koffieochtend {n}",
        status="active",
    )


def test_the_social_map_of_the_users_municipality(world):
    own = [_service(world, n) for n in range(3)]
    _service(world, 9, municipality=world.other_gemeente)
    client = api(world, world.professional)
    assert client.all_ids("/api/v1/services/") == [s.pk for s in own]
    assert client.get(f"/api/v1/services/{own[0].pk}/").json()["name"] == "Koffieochtend 0"
    assert api(world, world.professional, ["cases:read"]).get("/api/v1/services/").status_code == 403


def test_query_counts_of_these_lists_are_independent_of_page_size(world, setup):  # noqa: F811
    for _ in range(3):
        sent(world, setup)
        proc = procedure(world)
        decisions.draft_decision(actor=world.professional, procedure=proc, outcome="afgewezen", reasoning="Nee")
        _service(world, _)
    make_trajectory(world)
    client = api(world, world.professional)
    # referrals and decisions: the ids one way in at a time, then the page (cases.selectors.first_visible)
    for url, pinned in (("/api/v1/referrals/", 3), ("/api/v1/decisions/", 3), ("/api/v1/services/", 5)):
        assert count(client, f"{url}?page_size=1") == count(client, f"{url}?page_size=3") == pinned, url
