"""ZGW registration, the sending side (docs/zgw.md §2-§4), against the stub registry of tests/zgw_stub.py, which
keeps Open Zaak's rules: an identificatie is unique per bronorganisatie, a zaak closes only with a resultaat and
a hoofdzaak only when its deelzaken are closed, a closed zaak takes no more statuses.

- never twice: a zaak, besluit, resultaat or eindstatus the registry made while its answer got lost (a timeout,
  a gateway's 5xx, an answer without url) is found and adopted on the retry, not made again;
- a procedure's deelzaak is closed when the procedure ends (decision made known, the step "besluit bekendgemaakt
  op", withdrawal) with the resultaattype of its law, archiving attributes and its eindstatus, before the
  trajectory's zaak closes; without a resultaattype nothing is sent and the registration names what is missing;
- in order: the registrations of one zaak reach the registry in the order of the case, a deelzaak waits for its
  hoofdzaak, and a retry of a given-up start lets what waited for it go on at once;
- the dates sent are Toegang's own: the objection window of the Awb with the Algemene termijnenwet, statuses on
  the day the trajectory or procedure started, was decided or ended."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import make_trajectory, wmo_rule
from tests.test_zgw import CT, END_STATUSTYPES, RSIN, ZAAKTYPE_OF, configure, make_due, run_case
from tests.zgw_stub import StubRegistry
from toegang.cases import services as case_services
from toegang.common.dates import add_months, today
from toegang.procedures import clocks, decisions
from toegang.procedures import services as procedure_services
from toegang.zgw import client, registration, services
from toegang.zgw.client import RegistryError
from toegang.zgw.models import Registration

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
State = Registration.State
Kind = Registration.Kind
TRAJECT_CLOSED, PROCEDURE_CLOSED, _JEUGD_CLOSED = END_STATUSTYPES


@pytest.fixture
def stub():
    with StubRegistry(end_statustypes=END_STATUSTYPES, zaaktype_of=ZAAKTYPE_OF) as registry:
        yield registry


def rows() -> dict[str, Registration]:
    return {r.kind: r for r in Registration.objects.all()}


def start_procedure(world, trajectory, *, reported_on: dt.date | None = None):
    reported_on = reported_on or today() - dt.timedelta(days=10)
    person = trajectory.household.memberships.select_related("person").first().person
    return procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=reported_on
    )


def refuse(world, procedure, *, on: dt.date | None = None):
    """A refusal made known on ``on`` (no provisions, so no four eyes)."""
    on = on or today()
    procedure = procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=procedure.reported_on
    )
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="afgewezen", reasoning="Voorliggende voorziening"
    )
    decision = decisions.submit(actor=world.professional, decision=decision)
    return decisions.send(actor=world.professional, decision=decision, on=on)


def close(world, trajectory, *, on: dt.date | None = None):
    on = on or today()
    return case_services.close_trajectory(
        actor=world.professional, trajectory=trajectory, closed_on=on, reason="doelen_bereikt",
        retention_rule=wmo_rule(), note="",
    )  # fmt: skip


def statustypes_of(stub: StubRegistry, zaak_url: str) -> list[str]:
    return [s["statustype"].rsplit("/", 1)[-1] for s in stub.statussen_of(zaak_url)]


# --- never twice (finding 1): what the registry made while its answer got lost is adopted -----------------------

LOST = [("after", 502), ("after", "no-url"), ("after", ("slow", 2))]


@pytest.mark.parametrize("fault", LOST, ids=["gateway-5xx", "answer-without-url", "timeout"])
def test_a_zaak_made_while_its_answer_got_lost_is_adopted_not_made_again(world, stub, fault):
    config = configure(world, stub)
    config.zaken_service.timeout = 1  # the slow answer comes after 2 s
    config.zaken_service.save()
    stub.scripts["POST /zaken"] = [fault]
    trajectory = make_trajectory(world)
    registration.register_due()
    row = Registration.objects.get()
    assert row.state == State.FAILED and row.zaak_url == "" and len(stub.zaken) == 1  # made, not heard of

    make_due()
    assert registration.register_due().registered == 1
    row.refresh_from_db()
    (zaak,) = stub.zaken.values()
    assert zaak["identificatie"] == f"TOEGANG-TRAJECT-{trajectory.pk}" and zaak["bronorganisatie"] == RSIN
    assert row.state == State.REGISTERED and row.zaak_url == zaak["url"] and row.status_url
    assert [r["method"] for r in stub.requests if r["path"].endswith("/zaken")] == ["GET", "POST", "GET"]
    assert stub.violations == []


def test_a_besluit_made_while_its_answer_got_lost_is_adopted_not_made_again(world, stub):
    configure(world, stub)
    stub.scripts["POST /besluiten"] = [("after", 503)]
    _trajectory, _procedure, decision = run_case(world, close=False)
    registration.register_due()
    assert rows()[Kind.DECISION_SENT].state == State.FAILED and len(stub.besluiten) == 1

    make_due()
    registration.register_due()
    row = rows()[Kind.DECISION_SENT]
    (besluit,) = stub.besluiten.values()
    assert besluit["identificatie"] == f"TOEGANG-BESLUIT-{decision.pk}"
    assert row.state == State.REGISTERED and row.besluit_url == besluit["url"]
    assert len(stub.created["besluiten"]) == 1 and stub.violations == []


def test_a_first_or_decided_status_made_while_its_answer_got_lost_is_adopted_not_set_twice(world, stub):
    """The statuses before the eindstatus: the zaak is read on the retry, and a current status that is not the
    last one Toegang knows it set was made by the lost attempt (before, the zaak showed it twice)."""
    configure(world, stub)
    trajectory = make_trajectory(world)
    stub.scripts["POST /statussen"] = [("after", 502)]
    registration.register_due()
    started = rows()[Kind.TRAJECTORY_STARTED]
    assert started.state == State.FAILED and started.zaak_url and len(stub.statussen_of(started.zaak_url)) == 1
    make_due()
    registration.register_due()
    started = rows()[Kind.TRAJECTORY_STARTED]
    assert started.state == State.REGISTERED and started.status_url == stub.zaak(started.zaak_url)["status"]
    assert statustypes_of(stub, started.zaak_url) == ["1"]
    # the decided status of a procedure, after its "melding ontvangen"
    procedure = start_procedure(world, trajectory)
    registration.register_due()
    stub.scripts["POST /statussen"] = [("after", 502)]
    refuse(world, procedure)
    for _ in range(3):
        make_due()
        registration.register_due()
    zaak = rows()[Kind.PROCEDURE_STARTED].zaak_url
    assert statustypes_of(stub, zaak) == ["3", "4", "5"], statustypes_of(stub, zaak)
    assert all(r.state == State.REGISTERED for r in Registration.objects.all())
    assert stub.violations == []


@pytest.mark.parametrize("operation", ["POST /resultaten", "POST /statussen"])
def test_a_resultaat_or_eindstatus_made_while_its_answer_got_lost_is_adopted(world, stub, operation):
    """The registry allows one resultaat per zaak and no status on a closed zaak: sending them again fails."""
    configure(world, stub)
    trajectory = make_trajectory(world)
    registration.register_due()
    close(world, trajectory)
    stub.scripts[operation] = [("after", 502)]
    registration.register_due()
    assert rows()[Kind.TRAJECTORY_CLOSED].state == State.FAILED

    make_due()
    registration.register_due()
    closing = rows()[Kind.TRAJECTORY_CLOSED]
    zaak = stub.zaak(closing.zaak_url)
    assert closing.state == State.REGISTERED, closing.last_error
    assert closing.resultaat_url == zaak["resultaat"] and closing.status_url == zaak["status"]
    assert len(stub.created["resultaten"]) == 1 and statustypes_of(stub, zaak["url"]) == ["1", "2"]
    assert zaak["einddatum"] == today().isoformat() and stub.violations == []


def test_a_zaak_with_our_identificatie_of_another_zaaktype_is_not_taken_over(world, stub):
    config = configure(world, stub)
    trajectory = make_trajectory(world)
    other = {"identificatie": f"TOEGANG-TRAJECT-{trajectory.pk}", "bronorganisatie": RSIN,
             "verantwoordelijkeOrganisatie": RSIN, "zaaktype": f"{CT}/zaaktypen/iets-anders",
             "startdatum": "2026-01-05"}  # fmt: skip
    client.create_zaak(config.zaken_service, other)
    registration.register_due()
    row = Registration.objects.get()
    assert row.state == State.GIVEN_UP and row.zaak_url == ""
    assert f"Zaak TOEGANG-TRAJECT-{trajectory.pk} bestaat al in de registratie met een ander zaaktype" in row.last_error
    assert len(stub.zaken) == 1


def test_the_stub_keeps_open_zaaks_rules(world, stub):
    """The rules the tests rely on are really kept (otherwise the tests above prove nothing)."""
    config = configure(world, stub)
    service, traject = config.zaken_service, config.zaaktype_trajectory
    base = {"bronorganisatie": RSIN, "verantwoordelijkeOrganisatie": RSIN, "startdatum": "2026-01-05"}
    hoofdzaak = client.create_zaak(service, {**base, "identificatie": "H-1", "zaaktype": traject})
    deelzaak = client.create_zaak(
        service, {**base, "identificatie": "D-1", "zaaktype": f"{CT}/zaaktypen/wmo", "hoofdzaak": hoofdzaak}
    )
    with pytest.raises(RegistryError) as twice:
        client.create_zaak(service, {**base, "identificatie": "H-1", "zaaktype": traject})
    assert twice.value.refused("identificatie", "identificatie-niet-uniek")
    assert client.find_zaak(service, bronorganisatie=RSIN, identificatie="H-1")["url"] == hoofdzaak
    assert client.find_zaak(service, bronorganisatie=RSIN, identificatie="H-2") is None
    now = timezone.now()

    def closing(zaak, statustype, code):
        with pytest.raises(RegistryError) as refused:
            client.create_status(service, zaak=zaak, statustype=statustype, at=now)
        assert refused.value.refused("nonFieldErrors", code), refused.value.message

    closing(hoofdzaak, TRAJECT_CLOSED, "resultaat-does-not-exist")
    client.create_resultaat(service, zaak=hoofdzaak, resultaattype=f"{CT}/resultaattypen/wmo")
    closing(hoofdzaak, TRAJECT_CLOSED, "deelzaken-not-closed")
    with pytest.raises(RegistryError) as second:
        client.create_resultaat(service, zaak=hoofdzaak, resultaattype=f"{CT}/resultaattypen/wmo")
    assert second.value.refused("zaak", "unique")
    with pytest.raises(RegistryError) as other_zaaktype:  # a statustype of the Jeugdwet zaaktype on a Wmo zaak
        client.create_status(service, zaak=deelzaak, statustype=f"{CT}/statustypen/jeugd-ontvangen", at=now)
    assert other_zaaktype.value.refused("statustype", "zaaktype-mismatch")
    assert stub.violations == [
        f"statustype {CT}/statustypen/jeugd-ontvangen hoort niet bij zaaktype {CT}/zaaktypen/wmo"
    ]
    stub.violations.clear()
    client.create_resultaat(service, zaak=deelzaak, resultaattype=f"{CT}/resultaattypen/aanvraag-wmo-toegekend")
    client.create_status(service, zaak=deelzaak, statustype=PROCEDURE_CLOSED, at=now)
    client.create_status(service, zaak=hoofdzaak, statustype=TRAJECT_CLOSED, at=now)
    assert client.read_zaak(service, hoofdzaak)["einddatum"] == timezone.localdate().isoformat()
    with pytest.raises(RegistryError) as closed:
        client.create_status(service, zaak=hoofdzaak, statustype=f"{CT}/statustypen/1", at=now)
    assert closed.value.status == 403
    assert stub.violations == []


# --- the deelzaak of a procedure is closed when the procedure ends (finding 2b) -------------------------------


def test_a_decided_procedure_closes_its_deelzaak_before_the_trajectory_closes_its_zaak(world, stub):
    configure(world, stub)
    trajectory, procedure, decision = run_case(world)
    done = registration.register_due()
    assert (done.registered, done.failed, done.given_up) == (5, 0, 0)
    found = rows()
    deelzaak = stub.zaak(found[Kind.PROCEDURE_STARTED].zaak_url)
    closing = found[Kind.PROCEDURE_CLOSED]
    assert closing.zaak_url == deelzaak["url"] and closing.resultaat_url == deelzaak["resultaat"]
    assert stub.created["resultaten"][0] == {
        "zaak": deelzaak["url"], "resultaattype": f"{CT}/resultaattypen/aanvraag-wmo-toegekend"
    }  # fmt: skip
    assert deelzaak["archiefnominatie"] == "vernietigen"
    assert deelzaak["archiefactiedatum"] == add_months(today(), 12 * 15).isoformat()  # the Wmo term, 15 years
    assert deelzaak["einddatum"] == today().isoformat()
    assert statustypes_of(stub, deelzaak["url"]) == ["3", "4", "5"]  # melding, besloten, afgerond
    hoofdzaak = stub.zaak(found[Kind.TRAJECTORY_STARTED].zaak_url)
    assert hoofdzaak["deelzaken"] == [deelzaak["url"]] and hoofdzaak["einddatum"] == today().isoformat()
    assert stub.violations == []


@pytest.mark.parametrize(
    ("how", "resultaattype", "years", "days"),
    [
        ("withdrawn", "aanvraag-wmo-afgebroken", 0, 42),
        ("refused", "aanvraag-wmo-geweigerd", 5, 0),
        ("granted as a step", "aanvraag-wmo-toegekend", 15, 0),
        ("refused as a step", "aanvraag-wmo-geweigerd", 5, 0),
    ],
)
def test_every_end_of_a_procedure_closes_its_deelzaak_with_the_result_of_that_end(
    world, stub, how, resultaattype, years, days
):
    configure(world, stub)
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory)
    ended = today() - dt.timedelta(days=3) if how == "withdrawn" else today()  # the withdrawal's own date
    if how == "withdrawn":
        procedure_services.withdraw(actor=world.professional, procedure=procedure, on=ended)
    elif how == "refused":
        refuse(world, procedure)
    else:  # the decision was taken outside Toegang: only the day it was made known is recorded
        procedure = procedure_services.record_step(
            actor=world.professional, procedure=procedure, step="application_on", day=procedure.reported_on
        )
        procedure_services.record_step(
            actor=world.professional,
            procedure=procedure,
            step="decided_on",
            day=today(),
            outcome="toegekend" if how == "granted as a step" else "afgewezen",
        )
    registration.register_due()
    closing = rows()[Kind.PROCEDURE_CLOSED]
    assert closing.state == State.REGISTERED, closing.last_error
    deelzaak = stub.zaak(closing.zaak_url)
    assert stub.created["resultaten"] == [
        {"zaak": deelzaak["url"], "resultaattype": f"{CT}/resultaattypen/{resultaattype}"}
    ]
    assert deelzaak["archiefactiedatum"] == (add_months(ended, 12 * years) + dt.timedelta(days=days)).isoformat()
    assert deelzaak["einddatum"] == ended.isoformat() and statustypes_of(stub, deelzaak["url"])[-1] == "5"
    assert stub.violations == []


def test_a_trajectory_closed_while_its_procedure_runs_closes_its_zaak_once_the_procedure_ends(world, stub):
    configure(world, stub)
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory)
    close(world, trajectory)
    registration.register_due()
    closing = rows()[Kind.TRAJECTORY_CLOSED]
    assert closing.state == State.WAITING and closing.attempts == 0
    assert f"Wacht tot procedure {procedure.pk} is afgerond" in closing.last_error
    assert closing.next_attempt_at > timezone.now() + dt.timedelta(hours=5)  # it will not end by itself
    assert stub.created["resultaten"] == [] and statustypes_of(stub, closing.zaak_url) == ["1"]

    procedure_services.withdraw(actor=world.professional, procedure=procedure, on=today())
    registration.register_due()  # the deelzaak closes, and the trajectory's closing goes on at once
    assert {r.state for r in Registration.objects.all()} == {State.REGISTERED}
    assert statustypes_of(stub, closing.zaak_url) == ["1", "2"] and stub.violations == []


def test_a_procedure_that_ended_before_its_closing_was_registered_is_closed_by_the_trajectorys_closing(world, stub):
    """A procedure ended before Toegang registered procedure ends (no row for it): the trajectory's closing
    writes it, so that the zaak can close."""
    configure(world, stub)
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory)
    procedure_services.withdraw(actor=world.professional, procedure=procedure, on=today())
    Registration.objects.filter(kind=Kind.PROCEDURE_CLOSED).delete()
    close(world, trajectory)
    registration.register_due()
    make_due()
    registration.register_due()
    assert Registration.objects.filter(kind=Kind.PROCEDURE_CLOSED, object_id=procedure.pk).count() == 1
    assert {r.state for r in Registration.objects.all()} == {State.REGISTERED}
    assert stub.zaak(rows()[Kind.TRAJECTORY_CLOSED].zaak_url)["einddatum"] == today().isoformat()


def test_a_procedure_that_began_before_registering_was_switched_on_writes_no_closing(world, stub):
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory)  # no configuration yet: nothing registered
    configure(world, stub)
    procedure_services.withdraw(actor=world.professional, procedure=procedure, on=today())
    assert not Registration.objects.exists()


# --- without a resultaattype nothing is sent that the registry would refuse (finding 2a) ----------------------


def test_a_closing_without_a_resultaattype_is_given_up_naming_the_mapping_and_sends_nothing(world, stub):
    configure(world, stub, resultaattypen={"jeugd": f"{CT}/resultaattypen/jeugd"})
    trajectory = make_trajectory(world)
    close(world, trajectory)
    registration.register_due()
    closing = rows()[Kind.TRAJECTORY_CLOSED]
    assert closing.state == State.GIVEN_UP and closing.attempts == 1
    assert (
        "Resultaattypen per resultaat (Selectielijst): geen resultaattype voor resultaatcode 'wmo' "
        "(Plan van aanpak Wmo cliënt vastgesteld)" in closing.last_error
    )
    zaak = stub.zaak(rows()[Kind.TRAJECTORY_STARTED].zaak_url)
    assert stub.created["resultaten"] == [] and statustypes_of(stub, zaak["url"]) == ["1"]
    assert not [r for r in stub.requests if r["method"] == "PATCH"] and zaak.get("archiefactiedatum") is None


def test_a_procedure_closing_without_a_resultaattype_of_its_law_is_given_up_and_the_trajectory_waits(world, stub):
    configure(world, stub, resultaattypen_wmo={"wmo": f"{CT}/resultaattypen/aanvraag-wmo-toegekend"})
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory)
    procedure_services.withdraw(actor=world.professional, procedure=procedure, on=today())
    close(world, trajectory)
    registration.register_due()
    found = rows()
    assert found[Kind.PROCEDURE_CLOSED].state == State.GIVEN_UP
    assert (
        "Resultaattypen aanvraag Wmo: geen resultaattype voor resultaatcode 'afgebroken'"
        in found[Kind.PROCEDURE_CLOSED].last_error
    )
    assert found[Kind.TRAJECTORY_CLOSED].state == State.WAITING
    assert f"Wacht op registratie {found[Kind.PROCEDURE_CLOSED].pk}" in found[Kind.TRAJECTORY_CLOSED].last_error
    assert stub.created["resultaten"] == [] and stub.zaak(found[Kind.TRAJECTORY_STARTED].zaak_url)["einddatum"] is None


# --- in order (findings 10 and 4) ---------------------------------------------------------------------------


def test_the_statuses_of_a_zaak_reach_the_registry_in_the_order_of_the_case(world, stub):
    configure(world, stub)
    stub.down["POST /statussen"] = 503  # the registry fails only on statuses
    trajectory = make_trajectory(world)
    registration.register_due()
    close(world, trajectory)
    make_due()
    registration.register_due()
    del stub.down["POST /statussen"]
    # the start's next attempt (after its longer backoff) comes after the closing's
    Registration.objects.filter(kind=Kind.TRAJECTORY_STARTED).update(
        next_attempt_at=timezone.now() + dt.timedelta(hours=1)
    )
    Registration.objects.filter(kind=Kind.TRAJECTORY_CLOSED).update(next_attempt_at=timezone.now())
    registration.register_due()
    closing = rows()[Kind.TRAJECTORY_CLOSED]
    assert closing.state != State.REGISTERED and "Wacht op registratie" in closing.last_error
    make_due()
    registration.register_due()
    assert {r.state for r in Registration.objects.all()} == {State.REGISTERED}
    assert statustypes_of(stub, rows()[Kind.TRAJECTORY_STARTED].zaak_url) == ["1", "2"] and stub.violations == []


def test_a_deelzaak_is_never_made_without_its_hoofdzaak_and_goes_on_when_the_start_is_retried(world, stub, settings):
    settings.ZGW_MAX_ATTEMPTS = 1
    configure(world, stub)
    stub.scripts["POST /zaken"] = [("invalid", "zaaktype", "Het zaaktype is nog niet gepubliceerd.")]
    trajectory = make_trajectory(world)
    start_procedure(world, trajectory)
    close(world, trajectory)
    registration.register_due()
    found = rows()
    start = found[Kind.TRAJECTORY_STARTED]
    assert start.state == State.GIVEN_UP and stub.zaken == {}  # no deelzaak on its own
    for waiting in (found[Kind.PROCEDURE_STARTED], found[Kind.TRAJECTORY_CLOSED]):
        assert waiting.state == State.WAITING and waiting.attempts == 0  # not given up: it waits for the start
        assert (
            f"Wacht op registratie {start.pk} (Traject gestart: zaak aanmaken): die is opgegeven" in waiting.last_error
        )
    make_due()
    registration.register_due()
    assert stub.zaken == {} and rows()[Kind.PROCEDURE_STARTED].state == State.WAITING

    services.retry_registration(actor=world.admin, registration=start)
    registration.register_due()  # one round: the start, then what waited for it
    found = rows()
    assert found[Kind.TRAJECTORY_STARTED].state == found[Kind.PROCEDURE_STARTED].state == State.REGISTERED
    deelzaak = stub.zaak(found[Kind.PROCEDURE_STARTED].zaak_url)
    assert deelzaak["hoofdzaak"] == found[Kind.TRAJECTORY_STARTED].zaak_url
    # the trajectory's closing waits for the procedure, which still runs
    assert found[Kind.TRAJECTORY_CLOSED].state == State.WAITING and stub.violations == []


def test_rows_that_wait_do_not_keep_the_rest_of_the_round_waiting(world, stub, settings):
    """A full batch of rows that only wait (here: for a start that was given up) does not end the round: the
    rows after it are sent in the same round."""
    settings.ZGW_MAX_ATTEMPTS = 1
    settings.ZGW_BATCH_SIZE = 2
    configure(world, stub)
    stub.scripts["POST /zaken"] = [("invalid", "zaaktype", "Niet gepubliceerd.")] * 2
    for _n in range(2):
        start_procedure(world, make_trajectory(world))
    registration.register_due()  # the two starts are given up; their procedures wait
    make_due()
    later = make_trajectory(world)
    registration.register_due()
    assert Registration.objects.get(kind=Kind.TRAJECTORY_STARTED, object_id=later.pk).state == State.REGISTERED
    assert Registration.objects.filter(kind=Kind.PROCEDURE_STARTED, state=State.WAITING).count() == 2


# --- the dates sent are Toegang's (findings 5 and 13) -------------------------------------------------------


def test_the_objection_deadline_sent_follows_the_algemene_termijnenwet(world, stub):
    sunday = today() - dt.timedelta(days=(today().weekday() + 1) % 7)  # six weeks later is a Sunday too
    configure(world, stub)
    trajectory = make_trajectory(world)
    procedure = start_procedure(world, trajectory, reported_on=sunday - dt.timedelta(days=10))
    refuse(world, procedure, on=sunday)
    registration.register_due()
    (besluit,) = stub.created["besluiten"]
    deadline = dt.date.fromisoformat(besluit["uiterlijkeReactiedatum"])
    assert deadline == clocks.objection_window_end(sunday)
    assert deadline > sunday + dt.timedelta(weeks=6) and deadline.weekday() < 5
    assert besluit["verzenddatum"] == sunday.isoformat() and stub.violations == []


def test_statuses_are_dated_on_the_days_of_the_case_never_in_the_future(world, stub):
    configure(world, stub)
    trajectory = make_trajectory(world)  # started 100 days ago
    procedure = start_procedure(world, trajectory, reported_on=today() - dt.timedelta(days=30))
    refuse(world, procedure, on=today() - dt.timedelta(days=20))
    close(world, trajectory, on=today() - dt.timedelta(days=2))
    registration.register_due()
    assert {r.state for r in Registration.objects.all()} == {State.REGISTERED}
    found = rows()
    moments = {
        (zaak, s["statustype"].rsplit("/", 1)[-1]): dt.datetime.fromisoformat(s["datumStatusGezet"])
        for zaak in (found[Kind.TRAJECTORY_STARTED].zaak_url, found[Kind.PROCEDURE_STARTED].zaak_url)
        for s in stub.statussen_of(zaak)
    }
    days = {key[1]: moment.astimezone(AMSTERDAM).date() for key, moment in moments.items()}
    assert days == {
        "1": trajectory.started_on,  # gestart
        "3": procedure.reported_on,  # melding ontvangen
        "4": today() - dt.timedelta(days=20),  # besloten
        "5": today() - dt.timedelta(days=20),  # procedure afgerond
        "2": today() - dt.timedelta(days=2),  # afgesloten
    }
    assert all(moment <= timezone.now() for moment in moments.values())
    deelzaak = stub.zaak(found[Kind.PROCEDURE_STARTED].zaak_url)
    besloten, afgerond = (moments[(deelzaak["url"], code)] for code in ("4", "5"))
    assert besloten < afgerond  # the same day, still in order
    # the registry's einddatum is Toegang's closing date, from which the archiefactiedatum counts
    zaak = stub.zaak(found[Kind.TRAJECTORY_STARTED].zaak_url)
    trajectory.refresh_from_db()
    assert zaak["einddatum"] == trajectory.closed_on.isoformat()
    assert zaak["archiefactiedatum"] == trajectory.archive_action_date.isoformat()


def test_a_status_of_today_is_never_dated_later_than_it_is_sent(world, stub, monkeypatch):
    """A closing of today is dated at the closing time of day, unless that is still to come: then it is now."""
    monkeypatch.setattr(registration, "CLOSING_TIME", dt.time(23, 59, 59))  # always still to come
    configure(world, stub)
    trajectory = make_trajectory(world)
    close(world, trajectory, on=timezone.localdate())
    before = timezone.now().replace(microsecond=0)
    registration.register_due()
    (closing,) = [s for s in stub.created["statussen"] if s["statustype"] == TRAJECT_CLOSED]
    moment = dt.datetime.fromisoformat(closing["datumStatusGezet"])
    assert before <= moment <= timezone.now()
    assert moment.astimezone(AMSTERDAM).date() == timezone.localdate()


# --- what the configuration leaves out is not registered, and blocks nothing --------------------------------------


def _register_all() -> None:
    for _ in range(6):  # each round sends what the previous one left waiting for it
        make_due()
        registration.register_due()


@pytest.mark.parametrize("left_out", [{"besluittype_wmo": ""}, {"besluiten_service": None}])
def test_without_a_besluittype_the_decision_is_left_out_and_both_zaken_still_close(world, stub, left_out):
    """Before, the decision's row was written and given up as impossible, and the procedure's closing, and with
    it the trajectory's, waited for it for good."""
    configure(world, stub, **left_out)
    run_case(world)
    _register_all()
    found = rows()
    assert Kind.DECISION_SENT not in found and stub.besluiten == {}
    assert {kind: row.state for kind, row in found.items()} == {
        Kind.TRAJECTORY_STARTED: State.REGISTERED,
        Kind.PROCEDURE_STARTED: State.REGISTERED,
        Kind.PROCEDURE_CLOSED: State.REGISTERED,
        Kind.TRAJECTORY_CLOSED: State.REGISTERED,
    }, [(r.kind, r.state, r.last_error) for r in found.values()]
    assert statustypes_of(stub, found[Kind.TRAJECTORY_CLOSED].zaak_url)[-1] == TRAJECT_CLOSED.rsplit("/", 1)[-1]
    assert stub.violations == []


def test_a_row_another_round_took_after_the_lease_ran_out_is_not_sent_again(world, stub):
    """A batch to a slow registry can outlast its lease (5 minutes); another round then claims the rows not yet
    sent. The first round leaves those to it instead of sending them a second time."""
    configure(world, stub)
    first, second = make_trajectory(world), make_trajectory(world)
    batch = registration.claim()
    assert len(batch) == 2
    later = timezone.now() + dt.timedelta(minutes=7)
    Registration.objects.filter(object_id=second.pk).update(next_attempt_at=later)  # what the other round's claim does
    outcome = registration.send(batch)
    assert outcome.registered == 1
    assert [z["identificatie"] for z in stub.zaken.values()] == [f"TOEGANG-TRAJECT-{first.pk}"]
    untouched = Registration.objects.get(object_id=second.pk)
    assert untouched.state == State.WAITING and untouched.next_attempt_at == later and untouched.attempts == 0


def test_each_law_sends_the_statustypen_and_resultaattypen_of_its_own_zaaktype(world, stub):
    """A statustype belongs to one zaaktype, and the registry refuses a status of another zaaktype than the zaak's
    (the stub too, as Open Zaak does): a Jeugdwet procedure gets the statuses of the Jeugdwet zaaktype, a Wmo
    procedure those of the Wmo zaaktype. Before, one set of procedure statustypen served every law."""
    configure(
        world, stub, zaaktype_jeugd=f"{CT}/zaaktypen/jeugd",
        statustype_received_jeugd=f"{CT}/statustypen/jeugd-ontvangen",
        statustype_decided_jeugd=f"{CT}/statustypen/jeugd-besloten",
        statustype_closed_jeugd=f"{CT}/statustypen/jeugd-afgerond",
        resultaattypen_jeugd={
            "jeugd": f"{CT}/resultaattypen/aanvraag-jeugd-toegekend",
            "geweigerd": f"{CT}/resultaattypen/aanvraag-jeugd-geweigerd",
            "afgebroken": f"{CT}/resultaattypen/aanvraag-jeugd-afgebroken",
        },
    )  # fmt: skip
    trajectory = make_trajectory(world)
    wmo = start_procedure(world, trajectory)
    person = trajectory.household.memberships.select_related("person").first().person
    jeugd = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="jeugd",
        reported_on=today() - dt.timedelta(days=5),
    )  # fmt: skip
    refuse(world, wmo)
    procedure_services.withdraw(actor=world.professional, procedure=jeugd, on=today())
    close(world, trajectory)
    _register_all()
    found = {(r.kind, r.object_id): r for r in Registration.objects.all()}
    assert all(r.state == State.REGISTERED for r in found.values()), [r.last_error for r in found.values()]
    jeugd_zaak = found[(Kind.PROCEDURE_STARTED, jeugd.pk)].zaak_url
    assert statustypes_of(stub, jeugd_zaak) == ["jeugd-ontvangen", "jeugd-afgerond"]
    assert stub.zaak(jeugd_zaak)["resultaat"] is not None
    assert statustypes_of(stub, found[(Kind.PROCEDURE_STARTED, wmo.pk)].zaak_url) == ["3", "4", "5"]
    assert stub.violations == []
