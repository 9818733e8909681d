"""The token lookup of every API request (api/tokens.py) is a statement written by hand (ADR 0018): it
gives the same token, user, organisation, team and break-the-glass flag as the ORM query it replaced,
and says whether the user is involved on a consent that holds by the access predicate's own rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model
from django.utils import timezone

from tests.api_support import token_for
from tests.conftest import make_household, make_trajectory, make_user
from toegang.accounts.models import User
from toegang.api import tokens
from toegang.api.models import ApiToken
from toegang.cases.models import Involvement
from toegang.cases.selectors import active_involvements
from toegang.common.dates import today
from toegang.privacy.context import running_flag
from toegang.privacy.models import Consent, EmergencyAccess, ProcessingActivity


def _values(obj: Model | None) -> dict[str, object] | None:
    return None if obj is None else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _by_orm(prefix: str) -> ApiToken:
    return (
        ApiToken.objects.select_related("user", "user__organisation", "user__team")
        .annotate(user_emergency=running_flag(f'"{ApiToken._meta.db_table}"."user_id"'))
        .get(prefix=prefix)
    )


def _involve(world, user, *, valid_until=None, end=None, **trajectory) -> None:
    """An involvement of ``user`` in a new trajectory: on a consent valid until ``valid_until``, or on a
    legal basis when that is None."""
    trajectory = make_trajectory(world, **trajectory)
    consent = None
    if valid_until is not None:
        consent = Consent.objects.create(
            person=trajectory.household.memberships.first().person,
            activity=ProcessingActivity.objects.get(code="integrale-ondersteuning"),
            given_by="inwoner",
            categories=["plan"],
            given_on=today() - dt.timedelta(days=30),
            valid_until=valid_until,
            recorded_by=world.professional,
            recorded_at=timezone.now(),
        )
    Involvement.objects.create(
        trajectory=trajectory,
        professional=user,
        organisation=user.organisation,
        role="Jeugdhulp",
        start_date=today() - dt.timedelta(days=5),
        end_date=end,
        consent=consent,
        legal_basis="" if consent else "Jeugdwet art. 7.4.0",
    )


def test_the_token_lookup_gives_what_the_orm_gives(world, django_assert_num_queries):
    household = make_household(world)
    now = timezone.now()
    EmergencyAccess.objects.create(  # running for the professional, over for the team lead
        user=world.professional,
        household=household,
        reason="Crisis",
        started_at=now,
        expires_at=now + dt.timedelta(hours=1),
    )
    EmergencyAccess.objects.create(
        user=world.team_lead,
        household=household,
        reason="Crisis",
        started_at=now - dt.timedelta(hours=2),
        expires_at=now - dt.timedelta(hours=1),
    )
    later = today() + dt.timedelta(days=30)
    _involve(world, world.partner, valid_until=later)  # on a consent that holds: the only one involved on consent
    _involve(world, world.team_lead, valid_until=today() - dt.timedelta(days=1))  # the consent expired
    _involve(world, world.outsider, valid_until=later, end=today() - dt.timedelta(days=1))  # the involvement ended
    _involve(world, world.professional, team=world.other_team, regisseur=world.outsider)  # on a legal basis
    nobody = make_user("los", User.Role.MANAGER, org=None, team=None)  # no organisation, no team
    users = (world.professional, world.team_lead, world.admin, world.partner, world.outsider, nobody)
    compared = []
    for user in users:
        secret = token_for(world, user)
        with django_assert_num_queries(1):
            token = tokens.token_for(secret)
            assert token is not None
            person = token.user
            found = (token, person, person.organisation, person.team, person.emergency_running)
        orm = _by_orm(token.prefix)
        expected = (orm, orm.user, orm.user.organisation, orm.user.team, orm.user_emergency)
        assert [_values(o) for o in found[:4]] == [_values(o) for o in expected[:4]], user.username
        assert found[4] is expected[4], user.username
        on_consent = active_involvements(user).filter(consent__isnull=False).exists()  # the predicate's rule
        assert person.involved_on_consent is on_consent, user.username
        compared.append((*found, person.involved_on_consent))
    assert [c[4] for c in compared] == [True, False, False, False, False, False]  # break-the-glass running
    assert [c[5] for c in compared] == [False, False, False, True, False, False]  # involved on consent
    assert compared[2][3] is None and compared[0][3] is not None  # the admin has no team
    assert compared[5][2] is None and compared[5][3] is None  # nor organisation for the last
    assert isinstance(compared[0][0].scopes, list) and isinstance(compared[0][0].expires_at, dt.datetime)


def test_a_text_that_is_no_token_of_ours_finds_nothing(world):
    secret = token_for(world, world.professional)
    prefix = secret.removeprefix(tokens.TOKEN_MARK).partition("_")[0]
    assert tokens.token_for(f"{tokens.TOKEN_MARK}{prefix}_wrong") is None  # the right prefix, a wrong secret
    assert tokens.token_for(f"{tokens.TOKEN_MARK}onbekend_{'x' * 20}") is None
    assert tokens.token_for("niet-van-ons") is None
