"""``field__any_of=ids`` (common/lookups.py): any number of ids in one parameter, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_trajectory
from toegang.cases.models import Trajectory


@pytest.mark.django_db
def test_any_of_finds_the_rows_of_more_ids_than_a_statement_may_have_parameters(world):
    wanted = [make_trajectory(world).pk, make_trajectory(world).pk]
    other = make_trajectory(world).pk
    ids = [*range(10**9, 10**9 + 70_000), *wanted]  # over PostgreSQL's 65,535 parameters per statement
    with CaptureQueriesContext(connection) as captured:
        found = sorted(Trajectory.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    assert found == sorted(wanted) and other not in found
    assert len(captured.captured_queries) == 1
    assert list(Trajectory.objects.filter(household_id__any_of=[])) == []


@pytest.mark.django_db
def test_any_of_takes_ids_only():
    with pytest.raises(ValueError, match="expected a number"):
        list(Trajectory.objects.filter(pk__any_of=["1 OR 1=1"]))
    with pytest.raises(TypeError, match="alleen gehele getallen"):
        list(Trajectory.objects.filter(status__any_of=["open"]))
