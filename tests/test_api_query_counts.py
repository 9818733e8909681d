"""Pinned query counts of the API's list endpoints: the same for a page of 2 rows and of 12, so a list
costs no query per row. The audit write is left out of the count (tests/querycount.py) and checked to
be exactly one entry per request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_support import ApiClient, token_for
from tests.conftest import household_persons, make_agreed_plan, make_trajectory
from tests.querycount import AUDIT_WRITE
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.signals import services as signal_services
from toegang.signals.models import Signal

# the token with its user (1), the page (1) and what the page needs besides: prefetches and audit subjects.
# A list behind the access predicate reads its page's ids first, one way in at a time
# (cases.selectors.first_visible): one query more ("ids").
PINNED = {
    "/api/v1/signals/": 3,  # token, page, persons and life domains in one (the subjects come from it)
    "/api/v1/households/": 4,  # token, ids, page with the municipality, memberships (no involvement on consent)
    "/api/v1/persons/": 3,  # token, ids, page (no involvement on consent: no memberships and scopes to read)
    "/api/v1/trajectories/": 4,  # token, ids, page with the regisseur, members of the page's households
    "/api/v1/plans/": 4,  # token, ids, page, members of the page's households
}


def count(api: ApiClient, url: str) -> int:
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.count() - before == 1
    return sum(1 for q in ctx.captured_queries if not AUDIT_WRITE.search(q["sql"]))


@pytest.fixture
def many(world):
    for _ in range(12):
        trajectory = make_trajectory(world, members=2)
        make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
        persons = household_persons(trajectory.household)
        signal_services.register_signal(
            actor=world.professional,
            team=world.team,
            source=Signal.Source.values[0],
            channel=Signal.Channel.values[0],
            received_on=today(),
            description="Zorgen",
            persons=persons,
        )


@pytest.mark.parametrize("url", sorted(PINNED))
def test_list_query_count_is_pinned_and_independent_of_page_size(world, many, url):
    api = ApiClient(token_for(world, world.professional))
    small = count(api, f"{url}?page_size=2")
    large = count(api, f"{url}?page_size=12")
    assert small == large == PINNED[url], (small, large)
