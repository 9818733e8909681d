"""The token lookup of every API request (api/tokens.py) is a statement written by hand (ADR 0018): it
gives the same token, user, organisation, team and break-the-glass flag as the ORM query it replaced."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model
from django.utils import timezone

from tests.api_support import token_for
from tests.conftest import make_household
from toegang.api import tokens
from toegang.api.models import ApiToken
from toegang.privacy.context import running_flag
from toegang.privacy.models import EmergencyAccess


def _values(obj: Model | None) -> dict[str, object] | None:
    return None if obj is None else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _by_orm(prefix: str) -> ApiToken:
    return (
        ApiToken.objects.select_related("user", "user__organisation", "user__team")
        .annotate(user_emergency=running_flag(f'"{ApiToken._meta.db_table}"."user_id"'))
        .get(prefix=prefix)
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
    compared = []
    for user in (world.professional, world.team_lead, world.admin, world.partner):  # admin: no team
        secret = token_for(world, user)
        with django_assert_num_queries(1):
            token = tokens.token_for(secret)
            assert token is not None
            found = (token, token.user, token.user.organisation, token.user.team, token.user.emergency_running)
        orm = _by_orm(token.prefix)
        expected = (orm, orm.user, orm.user.organisation, orm.user.team, orm.user_emergency)
        assert [_values(o) for o in found[:4]] == [_values(o) for o in expected[:4]], user.username
        assert found[4] is expected[4], user.username
        compared.append(found)
    assert [c[4] for c in compared] == [True, False, False, False]
    assert compared[2][3] is None and compared[0][3] is not None  # the admin has no team
    assert isinstance(compared[0][0].scopes, list) and isinstance(compared[0][0].expires_at, dt.datetime)


def test_a_text_that_is_no_token_of_ours_finds_nothing(world):
    secret = token_for(world, world.professional)
    prefix = secret.removeprefix(tokens.TOKEN_MARK).partition("_")[0]
    assert tokens.token_for(f"{tokens.TOKEN_MARK}{prefix}_wrong") is None  # the right prefix, a wrong secret
    assert tokens.token_for(f"{tokens.TOKEN_MARK}onbekend_{'x' * 20}") is None
    assert tokens.token_for("niet-van-ons") is None
