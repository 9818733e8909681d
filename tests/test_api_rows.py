"""The API's rows (api/serializers.py, FlatRowSerializer) are exactly what DRF's own generic path writes:
every list and a detail of each resource, once as served and once with DRF's ``to_representation``."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tests.api_support import api
from tests.conftest import make_agreed_plan, make_trajectory
from tests.test_api_network import _service
from tests.test_decisions import procedure
from tests.test_referrals import sent, setup  # noqa: F401 - the fixture
from toegang.api.serializers import FlatRowSerializer
from toegang.common.dates import today
from toegang.people.models import Membership
from toegang.procedures import decisions
from toegang.signals import services as signal_services

RESOURCES = ("signals", "households", "persons", "trajectories", "plans", "referrals", "decisions", "services")


def test_rows_are_what_drf_would_write(world, setup, monkeypatch):  # noqa: F811
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory)
    make_trajectory(world)  # no plan, no regisseur's history: null dates and ids
    sent(world, setup)
    decisions.draft_decision(actor=world.professional, procedure=procedure(world), outcome="afgewezen", reasoning="Nee")
    _service(world, 1)
    signal_services.register_signal(
        actor=world.professional,
        team=world.team,
        source="school",
        channel="mail",
        received_on=today(),
        description="Zorgen over schoolverzuim",
        persons=[trajectory.household.memberships.first().person],
    )
    client = api(world, world.professional)
    urls = []
    for resource in RESOURCES:
        rows = client.get(f"/api/v1/{resource}/?page_size=50").json()["results"]
        assert rows, resource  # every resource has something to compare
        urls += [f"/api/v1/{resource}/?page_size=50", f"/api/v1/{resource}/{rows[0]['id']}/"]
    served = {url: client.get(url).content for url in urls}  # the bytes: key order and formats count too
    monkeypatch.setattr(FlatRowSerializer, "to_representation", serializers.ModelSerializer.to_representation)
    for url in urls:
        assert client.get(url).content == served[url], url


def test_a_field_that_reads_the_context_is_refused():
    """Readers are made once per class from a serializer without context: a nested serializer would
    write its rows with that empty context, so the class says so at its first row instead."""

    class Nested(FlatRowSerializer):
        household = serializers.HyperlinkedRelatedField(view_name="household", read_only=True)

        class Meta:
            model = Membership
            fields = ("id", "household")

    with pytest.raises(TypeError, match="Nested.household"):
        _ = Nested(Membership(pk=1)).data
