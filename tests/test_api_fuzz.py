"""No JSON body makes the signal endpoint answer 500: random JSON values, a valid body with one field
replaced by a random value, and random bytes; every refusal is a problem-details body."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api_support import ApiClient, token_for
from tests.conftest import household_persons, make_household
from toegang.common.dates import today

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
_made: dict = {}
FIELDS = ["source", "channel", "received_on", "urgency", "reporter", "description", "persons", "life_domains"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values, field=st.sampled_from([*FIELDS, "onbekend"]), raw=st.binary(max_size=80))
def test_no_json_body_gives_a_500(world, value, field, raw):
    if _made.get("world") is not world:  # the fixture lives for all examples of the test: set up once
        _made.update(world=world, secret=token_for(world, world.professional))
        _made["bsn"] = household_persons(make_household(world, members=1))[0].bsn
    api = ApiClient(_made["secret"])
    good = {
        "source": "zelfmelder",
        "channel": "telefoon",
        "received_on": today().isoformat(),
        "description": "Zorgen",
        "persons": [_made["bsn"]],
    }
    for body in (json.dumps(value), json.dumps({**good, field: value}), raw):
        response = api.post("/api/v1/signals/", raw=body)
        assert response.status_code in (201, 400, 413), (body, response.content)
        if response.status_code != 201:
            assert response["Content-Type"].startswith("application/problem+json")
            problem = response.json()
            assert problem["status"] == response.status_code and problem["detail"]
