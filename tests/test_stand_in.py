"""Waarneming (stand-in): a colleague takes over an absent professional's cases for a period; what the
stand-in does in those dossiers is logged on behalf of the absent colleague (NEN 7513)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_trajectory, make_user
from toegang.accounts.models import Organisation, User
from toegang.audit.models import AuditEntry
from toegang.cases import services
from toegang.cases.models import StandIn
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy.models import Message


def arrange(world, *, actor=None, absent=None, stand_in=None, start=None, end=None):
    start = start or today()
    end = end or today() + dt.timedelta(days=14)
    return services.arrange_stand_in(
        actor=actor or world.team_lead,
        absent=absent or world.professional,
        stand_in=stand_in or world.colleague,
        start_date=start,
        end_date=end,
        reason="Vakantie",
    )


def last_entry(object_type: str) -> AuditEntry:
    return AuditEntry.objects.filter(object_type=object_type).order_by("-id").first()


def test_stand_in_acts_on_behalf_of_the_absent_regisseur(client, world):
    case = make_trajectory(world, regisseur=world.professional)
    own = make_trajectory(world, regisseur=world.colleague)
    arrange(world)
    client.force_login(world.colleague)

    caseload = client.get(reverse("caseload")).content.decode()
    assert case.household.name in caseload and "Waarnemer" in caseload

    assert client.get(reverse("household", args=[case.household_id])).status_code == 200
    assert last_entry("household").on_behalf_of == "professional"
    assert client.get(reverse("plan", args=[case.pk])).status_code == 200
    assert AuditEntry.objects.order_by("-id").first().on_behalf_of == "professional"
    response = client.post(
        reverse("note-add", args=[case.pk]),
        {"kind": "contact", "channel": "telefoon", "happened_on": today().isoformat(), "text": "Gebeld."},
    )
    assert response.status_code == 302
    assert last_entry("note").on_behalf_of == "professional"

    client.get(reverse("household", args=[own.household_id]))  # the stand-in's own case: on their own behalf
    assert last_entry("household").on_behalf_of == ""
    # the log screens show it
    client.force_login(world.privacy)
    person = case.household.memberships.first().person
    page = client.get(reverse("audit-person") + f"?bsn={person.bsn}").content.decode()
    assert "namens professional" in page


def test_outside_the_period_or_after_withdrawal_nothing_is_on_behalf(client, world):
    case = make_trajectory(world, regisseur=world.professional)
    later = arrange(world, start=today() + dt.timedelta(days=3))
    client.force_login(world.colleague)
    client.get(reverse("household", args=[case.household_id]))  # same team: may read, not as stand-in
    assert last_entry("household").on_behalf_of == ""
    assert case.household.name not in client.get(reverse("caseload")).content.decode()

    services.withdraw_stand_in(actor=world.professional, arrangement=later)
    now = arrange(world)
    services.withdraw_stand_in(actor=world.colleague, arrangement=now)
    client.get(reverse("household", args=[case.household_id]))
    assert last_entry("household").on_behalf_of == ""


def test_the_stand_in_gets_a_message(world):
    arrange(world)
    assert Message.objects.filter(recipient=world.colleague, text__contains="waar").exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("actor_other", "Afwezig: u regelt waarneming voor uzelf"),
        ("other_team", "Waarnemer: kies een collega uit hetzelfde team."),
        ("other_employer", "Waarnemer: kies een collega met dezelfde werkgever"),
        ("self", "Waarnemer: kies een andere collega"),
        ("backwards", "Tot en met: ligt vóór de begindatum."),
        ("past", "Tot en met: ligt in het verleden."),
        ("overlap", "Van: er is voor deze periode al een waarneming"),
        ("far_ahead", "Van: ligt meer dan een jaar vooruit"),  # 2126 typed for 2026
        ("too_long", "Tot en met: een waarneming duurt ten hoogste een jaar"),
    ],
)
def test_bad_arrangements_are_refused_and_change_nothing(world, who, message):
    if who == "overlap":
        arrange(world)
    before = StandIn.objects.count()
    kwargs = {
        "actor_other": {"actor": world.colleague},
        "other_team": {"stand_in": world.outsider},
        "other_employer": {
            "stand_in": make_user(
                "gedetacheerd",
                User.Role.PROFESSIONAL,
                org=Organisation.objects.exclude(pk=world.professional.organisation_id).first(),
                team=world.team,
            )
        },
        "self": {"stand_in": world.professional},
        "backwards": {"start": today() + dt.timedelta(days=5), "end": today() + dt.timedelta(days=4)},
        "past": {"start": today() - dt.timedelta(days=9), "end": today() - dt.timedelta(days=2)},
        "overlap": {"start": today() + dt.timedelta(days=2)},
        "far_ahead": {"start": today() + dt.timedelta(days=367), "end": today() + dt.timedelta(days=380)},
        "too_long": {"start": today(), "end": today() + dt.timedelta(days=367)},
    }[who]
    with pytest.raises(DomainError, match=message):
        arrange(world, **kwargs)
    assert StandIn.objects.count() == before


def test_page_arranges_and_ends_with_a_pinned_query_count(client, world):
    client.force_login(world.team_lead)
    response = client.post(
        reverse("stand-ins"),
        {
            "absent": world.professional.pk,
            "stand_in": world.colleague.pk,
            "start_date": today().isoformat(),
            "end_date": (today() + dt.timedelta(days=7)).isoformat(),
            "reason": "Ziek",
        },
    )
    assert response.status_code == 302
    arrangement = StandIn.objects.get()
    counts = []
    for extra in range(2):
        if extra:
            arrange(world, absent=world.colleague, stand_in=world.professional)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("stand-ins"))
        counts.append(len(ctx.captured_queries))
    assert page.status_code == 200 and "Ziek" in page.content.decode()
    assert counts == [6, 6]  # session, user, 2FA device, the two colleague lists, arrangements
    # a professional arranges only for themselves: the form offers no one else as absent
    client.force_login(world.colleague)
    bad = client.post(
        reverse("stand-ins"),
        {
            "absent": world.professional.pk,
            "stand_in": world.colleague.pk,
            "start_date": today().isoformat(),
            "end_date": today().isoformat(),
        },
    )
    assert bad.status_code == 400 and "Afwezig" in bad.content.decode()
    assert client.post(reverse("stand-in-withdraw", args=[arrangement.pk])).status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.withdrawn_at is not None
    client.force_login(world.outsider)  # another team: not found
    assert client.post(reverse("stand-in-withdraw", args=[arrangement.pk])).status_code == 404


def test_the_stand_in_sees_on_the_household_page_that_they_stand_in(client, world):
    case = make_trajectory(world, regisseur=world.professional)
    arrange(world)
    client.force_login(world.colleague)
    assert "u neemt waar" in client.get(reverse("household", args=[case.household_id])).content.decode()
    client.force_login(world.team_lead)
    assert "u neemt waar" not in client.get(reverse("household", args=[case.household_id])).content.decode()
