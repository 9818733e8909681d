"""Read-only replica routing (issue 10, point 4; toegang/common/replica.py): with a replica configured,
the steering pages read from it and nothing else does; every write stays on the primary.

The "replica" here is the test settings' mirror of the test database: a second alias, as a streaming
replica is a second server with the same rows. What is asserted is where each query goes."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from toegang.cases.selectors import trajectories_visible_to
from toegang.common.replica import REPLICA, ReplicaRouter, replica_reads
from toegang.steering import views
from toegang.steering.models import Indicator


@pytest.fixture
def replica(settings):
    settings.REPLICA_READS = True  # the test settings define the replica as a mirror of the test database
    yield connections[REPLICA]
    connections[REPLICA].close()


@pytest.mark.django_db(databases=["default", REPLICA])
def test_the_steering_board_reads_from_the_replica_and_case_work_does_not(world, replica):
    request = RequestFactory().get("/sturing/manager/")
    request.user = world.manager
    world.manager.is_verified = lambda: True  # what django-otp's middleware adds (no login: see above)
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = views.dashboard(request, "manager")
    assert response.status_code == 200
    assert len(on_replica.captured_queries) >= 10 and not on_primary.captured_queries
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        assert not trajectories_visible_to(world.professional).exists()  # case work reads the primary
    assert not on_replica.captured_queries and len(on_primary.captured_queries) == 1


@pytest.mark.django_db(databases=["default", REPLICA])
def test_writes_and_migrations_stay_on_the_primary_even_inside_replica_reads(world, replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Indicator) == REPLICA
        assert router.db_for_write(Indicator) == "default"
    assert router.db_for_read(Indicator) is None  # outside the block: the primary
    assert router.allow_migrate("default", "steering") and not router.allow_migrate(REPLICA, "steering")


def test_without_a_replica_everything_reads_from_the_primary(settings):
    del settings.DATABASES[REPLICA]  # the settings fixture restores it
    settings.REPLICA_READS = True
    with replica_reads():
        assert ReplicaRouter().db_for_read(Indicator) is None
