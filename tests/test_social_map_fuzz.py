"""No HSDS file makes the social-map import fail with an exception, and a file with any error stores
nothing: random JSON values, and an exported file with random damage."""

from __future__ import annotations

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toegang.network import socialmap
from toegang.network.models import CommunityService

GOOD = {
    "id": str(uuid.UUID(int=1)),
    "organization_id": str(uuid.UUID(int=2)),
    "name": "Koffieochtend",
    "status": "active",
    "organization": {"id": str(uuid.UUID(int=2)), "name": "Welzijn", "description": ""},
    "service_areas": [],
    "attributes": [],
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
keys = st.sampled_from(sorted(GOOD) + ["minimum_age", "phones", "schedules", "cost_options", "url", "email"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values, key=keys, raw=st.binary(max_size=60))
def test_no_file_raises_and_a_bad_file_stores_nothing(world, value, key, raw):
    before = CommunityService.objects.count()
    for data in (raw, json.dumps(value).encode(), json.dumps([{**GOOD, key: value}]).encode()):
        result = socialmap.import_hsds(data, world.gemeente)
        assert all(isinstance(error, str) and error for error in result.errors)
        if result.errors:
            assert CommunityService.objects.count() == before
        before = CommunityService.objects.count()
