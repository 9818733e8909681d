"""Time-series exports in the background (issue 7, "Bad input and faults"): the form refuses bad months
naming the field and the rule and records nothing; a run writes one line per indicator per month with
the values the board's own export prints, saves its progress after every month and offers only a
complete file; a fault midway (a full disk, a directory it cannot write, a computation that breaks, a
broker that is down) ends as a failed export with a Dutch message and no file; only the person who
asked sees the export; old exports are cleaned up; the real Celery worker runs one over Redis."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import stat
import threading
import time
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.querycount import page_queries
from toegang.common.dates import today
from toegang.common.periods import Period
from toegang.steering import exports, views
from toegang.steering.models import Export
from toegang.steering.views import BOARDS


def the_month():
    return Period.containing(today(), "maand")


def month_before():
    return the_month().previous()


REDIS = "redis://127.0.0.1:6379/15"  # a database of its own; the queue name is unique per run


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"  # made by the first run
    return settings.EXPORT_DIR


def signals(world, rows) -> None:
    """Signals as registered (day, area, team, source, how many), then the summaries refreshed: the
    export reads what the dashboards read. Made without the services, so without audit rows (which the
    flush after a transactional test could not remove on SQLite)."""
    from toegang.people.models import Person
    from toegang.signals.models import Signal
    from toegang.steering import summaries

    person = Person.objects.create(voornamen="Test", geslachtsnaam="Inwoner")
    Signal.objects.bulk_create(
        Signal(
            municipality=world.gemeente,
            area=area,
            team=team,
            source=source,
            channel="telefoon",
            received_on=day,
            description="Melding",
            main_person=person,
            registered_by=world.professional,
        )
        for day, area, team, source, n in rows
        for _n in range(n)
    )
    summaries.refresh(first=month_before().start, last=today())


@pytest.fixture
def facts(world):
    """Signals this month and the month before, in two areas: 9 this month in Noord (7 from the GP, 2
    from a school) and 3 in Zuid-Oost, 6 the month before."""
    from toegang.accounts.models import Area, Team

    second = Area.objects.create(municipality=world.gemeente, name="Zuid-Oost")
    second_team = Team.objects.create(name="Team Zuid-Oost", area=second)
    signals(
        world,
        [
            (the_month().start, world.area, world.team, "huisarts", 7),
            (the_month().start, world.area, world.team, "school", 2),
            (the_month().start, second, second_team, "huisarts", 3),
            (month_before().start, world.area, world.team, "huisarts", 6),
        ],
    )


def post(client, board="manager", **data):
    values = {"eerste": month_before().code, "laatste": the_month().code, "formaat": "csv", **data}
    return client.post(reverse("steering-timeseries", args=[board]), {k: v for k, v in values.items() if v is not None})


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def download(client, export) -> bytes:
    response = client.get(reverse("steering-export-download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def series(world, **overrides) -> exports.Series:
    values = {"first": month_before().code, "last": the_month().code, "municipality_id": world.gemeente.pk, **overrides}
    return exports.Series(**values)


# --- the form ------------------------------------------------------------------------------------------


def test_the_form_names_each_field_and_rule_and_records_nothing(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("steering-timeseries", args=["manager"]) + "?periode=2026-K1&wet=wmo").content.decode()
    assert 'name="eerste"' in page and 'name="laatste"' in page and 'value="xlsx"' in page
    assert '<option value="wmo" selected>' in page  # the board's filters come along; its period does not
    assert "Periode" not in page
    later = Period.containing(the_month().end + dt.timedelta(days=1), "maand")
    too_long = exports.month_count(dt.date(2015, 1, 1), the_month().start)
    assert too_long > 120
    cases = [
        ({"eerste": the_month().code, "laatste": month_before().code}, "Laatste maand: ligt voor de eerste maand"),
        ({"eerste": "2014-12"}, "Eerste maand: kies januari 2015 of later"),
        ({"laatste": later.code}, f"Laatste maand: kies {the_month().label} of eerder"),
        (
            {"eerste": "2015-01"},
            f"Laatste maand: een tijdreeks loopt over hoogstens 120 maanden (10 jaar); van januari 2015 tot en met "
            f"{the_month().label} zijn het er {too_long}.",
        ),
        ({"eerste": "2020-K1"}, "Eerste maand: kies een maand uit de lijst."),
        ({"laatste": "gisteren"}, "Laatste maand: kies een maand uit de lijst."),
        ({"eerste": None}, "Eerste maand: dit veld is verplicht."),
        ({"formaat": "pdf"}, "Formaat: selecteer een geldige keuze"),
        ({"gebied": "999"}, "Wijk of kern: kies een waarde uit de lijst."),
    ]
    for data, message in cases:
        response = post(client, **data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert not Export.objects.exists()


def test_a_person_has_at_most_three_exports_waiting(client, world):
    for _n in range(3):  # not run: nothing commits in this test's transaction
        exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
    client.force_login(world.manager)
    response = post(client)
    assert response.status_code == 400 and "U heeft al 3 exports in de wachtrij of bezig" in response.content.decode()
    assert Export.objects.count() == 3


def test_the_dashboard_links_to_the_time_series_with_its_filters(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("steering", args=["manager"]) + "?wet=jeugd").content.decode()
    assert f'href="{reverse("steering-timeseries", args=["manager"])}?wet=jeugd">Tijdreeks exporteren' in page


# --- a run ---------------------------------------------------------------------------------------------


def test_a_run_writes_every_month_with_the_values_of_the_boards_own_export(
    client, world, facts, export_dir, django_capture_on_commit_callbacks
):
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == reverse("steering-export-status", args=[export.pk])
    assert export.state == Export.State.DONE and export.months_done == export.months_total == 2
    assert sorted(p.name for p in export_dir.iterdir()) == [f"export-{export.pk}.csv"]  # no temporary file left
    assert stat.S_IMODE((export_dir / export.file_name).stat().st_mode) == 0o640  # the web's group may read it

    page = client.get(response.url).content.decode()
    assert "Klaar" in page and 'aria-live="polite"' in page and "hx-trigger" not in page
    assert f"tijdreeks-manager-{month_before().code}-{the_month().code}.csv" in page

    got = client.get(reverse("steering-export-download", args=[export.pk]))
    assert (
        got["Content-Disposition"]
        == f'attachment; filename="tijdreeks-manager-{month_before().code}-{the_month().code}.csv"'
    )
    table = rows_of(b"".join(got.streaming_content))
    assert table[0][0].startswith(
        f"# Dashboard manager Toegang: tijdreeks; maanden {month_before().code} t/m {the_month().code}"
    )
    assert "kleine aantallen als <5" in ";".join(table[0])
    assert table[1] == exports.HEADER
    indicators = {row[0] for row in table[2:]}
    assert len(table) - 2 == 2 * len(indicators)  # one line per indicator per month
    assert {row[3] for row in table[2:]} == {month_before().code, the_month().code}

    for month in (month_before(), the_month()):  # the board's own export of that month prints the same values
        url = reverse("steering-export", args=["manager", "csv"]) + f"?periode={month.code}"
        own = rows_of(client.get(url).content)
        printed = {row[0]: row[3] for row in own[2:] if row[2] and not row[5]}
        assert {row[0]: row[4] for row in table[2:] if row[3] == month.code} == printed
    this_month = {row[0]: row[4] for row in table[2:] if row[3] == the_month().code}
    assert this_month["meldingen_bron"] == "10"  # 12 signals: protected, rounded down to fives


def test_an_xlsx_run_holds_the_same_lines(client, world, facts, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, formaat="csv")
        post(client, formaat="xlsx")
    as_csv, as_xlsx = Export.objects.order_by("pk")
    assert as_xlsx.state == Export.State.DONE
    book = load_workbook(io.BytesIO(download(client, as_xlsx)))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    cells = [
        ["" if v is None else v for v in row[: max(i + 1 for i, v in enumerate(row) if v not in (None, ""))]]
        for row in cells
    ]
    assert cells[0] == ["Dashboard manager Toegang: tijdreeks"] and cells[2] == exports.HEADER
    printed = rows_of(download(client, as_csv))[2:]
    assert len(cells[3:]) == len(printed)
    for as_cells, as_text in zip(cells[3:], printed, strict=True):  # a number cell where the CSV prints a number
        assert [
            views.number(text) if isinstance(cell, int | float) else text
            for cell, text in zip(as_cells, as_text, strict=True)
        ] == as_cells
    assert any(isinstance(cell, int) for row in cells for cell in row)


def test_the_progress_is_saved_after_every_month(client, world, facts, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    compute = exports.month_lines

    def watched(board, filters, run):
        seen.append(Export.objects.values_list("months_done", flat=True).get())
        return compute(board, filters, run)

    monkeypatch.setattr(exports, "month_lines", watched)
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            eerste=Period.containing(dt.date(the_month().start.year - 1, the_month().start.month, 1), "maand").code,
        )
    export = Export.objects.get()
    assert seen == list(range(13)) and export.months_done == export.months_total == 13


def test_a_waiting_export_shows_its_progress_and_asks_again(client, world):
    export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
    client.force_login(world.manager)
    url = reverse("steering-export-status", args=[export.pk])
    page = client.get(url).content.decode()
    assert "In de wachtrij" in page and f'hx-get="{url}" hx-trigger="every 2s"' in page
    assert '<progress id="export-progress-' in page and "0 van 2 maanden" in page
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING, months_done=1)
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="export-state"') and "1 van 2 maanden berekend" in part and "<html" not in part
    assert client.get(reverse("steering-export-download", args=[export.pk])).status_code == 404  # not done yet


def test_only_the_person_who_asked_sees_the_export(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
    export.refresh_from_db()
    assert export.state == Export.State.DONE
    for someone in (world.other_manager, world.team_lead, world.professional):
        client.force_login(someone)
        assert client.get(reverse("steering-export-status", args=[export.pk])).status_code == 404
        assert client.get(reverse("steering-export-download", args=[export.pk])).status_code == 404
        assert client.post(reverse("steering-export-retry", args=[export.pk])).status_code == 404
    client.force_login(world.manager)
    assert client.get(reverse("steering-export-download", args=[export.pk])).status_code == 200


def test_the_team_board_exports_its_own_team_only(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.team_lead)
    refused = post(client, board="team", gebied=str(world.area.pk))  # no area on the team board: said, not dropped
    assert refused.status_code == 400 and "alleen uw eigen team" in refused.content.decode()
    assert not Export.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, board="team")
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.parameters["team_id"] == world.team.pk and export.parameters["area_id"] is None
    assert export.parameters["description"] == "team Team Noord"
    assert post(client, board="manager").status_code == 403


# --- faults --------------------------------------------------------------------------------------------


def test_a_fault_midway_leaves_no_file_and_says_so_in_dutch(
    client, world, facts, export_dir, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    compute, calls = exports.month_lines, []

    def breaks_at_the_third(board, filters, run):
        calls.append(filters.period)
        if len(calls) == 3:
            raise RuntimeError("berekening kapot")
        return compute(board, filters, run)

    monkeypatch.setattr(exports, "month_lines", breaks_at_the_third)
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            eerste=Period.containing(dt.date(the_month().start.year - 1, the_month().start.month, 1), "maand").code,
        )
    export = Export.objects.get()
    assert export.state == Export.State.FAILED and export.months_done == 2 and export.file_name == ""
    assert export.error == exports.FAULT
    assert not export_dir.exists() or not list(export_dir.iterdir())
    assert any(r.exc_info and "Tijdreeksexport" in r.getMessage() for r in caplog.records)  # logged with traceback
    page = client.get(reverse("steering-export-status", args=[export.pk])).content.decode()
    assert exports.FAULT in page and "Opnieuw proberen" in page and "hx-trigger" not in page
    assert "Traceback" not in page and "RuntimeError" not in page and "kapot" not in page
    assert client.get(reverse("steering-export-download", args=[export.pk])).status_code == 404

    monkeypatch.undo()  # the fault is gone: trying again makes a new, complete export
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("steering-export-retry", args=[export.pk]))
    retried = Export.objects.latest("pk")
    assert again.url == reverse("steering-export-status", args=[retried.pk]) and retried.pk != export.pk
    assert retried.state == Export.State.DONE and retried.parameters == export.parameters
    assert client.get(reverse("steering-export-download", args=[retried.pk])).status_code == 200


def test_a_full_disk_is_named_and_the_partial_file_removed(
    client, world, facts, export_dir, monkeypatch, django_capture_on_commit_callbacks
):
    real_replace, written = os.replace, []

    def disk_full(source, target):
        written.append((os.path.basename(source), os.path.getsize(source)))  # the whole file was there, unnamed
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, formaat="xlsx")
    monkeypatch.setattr(os, "replace", real_replace)
    export = Export.objects.get()
    assert written and written[0][0].startswith(f".export-{export.pk}-") and written[0][1] > 0
    assert export.state == Export.State.FAILED
    assert export.error == "De export is mislukt: de schijf is vol. Probeer het later opnieuw of vraag de beheerder."
    assert list(export_dir.iterdir()) == []  # neither the temporary file nor a final one
    assert client.get(reverse("steering-export-download", args=[export.pk])).status_code == 404


def test_a_directory_that_cannot_be_written_fails_the_export(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "bestand").write_text("geen map")
    settings.EXPORT_DIR = tmp_path / "bestand" / "exports"  # a real OSError: its parent is a file
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client)
    export = Export.objects.get()
    assert export.state == Export.State.FAILED and export.error == exports.FAULT


def test_an_unreachable_broker_fails_the_export_instead_of_leaving_it_waiting(
    world, settings, django_capture_on_commit_callbacks
):
    from toegang import worker

    settings.WORKER = "celery"
    down = worker.make_app("toegang-down", broker_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
    finally:
        worker.app.set_current()
        down.close()
    export.refresh_from_db()
    assert export.state == Export.State.FAILED and export.error == exports.NOT_STARTED


# --- cleanup and query counts ----------------------------------------------------------------------------


def test_the_cleanup_removes_old_exports_their_files_and_strays(
    world, export_dir, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        old = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
        fresh = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="xlsx")
    stuck = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")  # never ran
    now = dt.datetime.now(dt.UTC)
    Export.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=8))
    Export.objects.filter(pk=stuck.pk).update(created_at=now - dt.timedelta(days=2))
    week_ago = (now - dt.timedelta(days=8)).timestamp()
    stray, foreign = export_dir / ".export-999-abc.tmp", export_dir / "notities.txt"
    for path in (stray, foreign):
        path.write_text("x")
        os.utime(path, (week_ago, week_ago))
    assert (export_dir / f"export-{old.pk}.csv").is_file()

    call_command("sturing", "opruimen")
    assert "Exports opgeruimd: 1 verwijderd, 2 bestanden weg, 1 afgebroken" in capsys.readouterr().out
    assert not Export.objects.filter(pk=old.pk).exists()
    assert sorted(p.name for p in export_dir.iterdir()) == [f"export-{fresh.pk}.xlsx", "notities.txt"]
    stuck.refresh_from_db()
    assert stuck.state == Export.State.FAILED and stuck.error == exports.ABANDONED


def test_the_status_page_has_a_pinned_query_count(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
    client.force_login(world.manager)
    url = reverse("steering-export-status", args=[export.pk])
    few = page_queries(client, url, audit_rows=0)
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(3):
            exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="xlsx")
    assert page_queries(client, url, audit_rows=0) == few == 4  # session, user, second factor, the export
    assert page_queries(client, reverse("steering-timeseries", args=["manager"]), audit_rows=0) == 7


# --- the workers for real ------------------------------------------------------------------------------
# These run the export in another thread, which sees only committed rows: a transactional test (the
# migrations' rows restored for it). They log nobody in: a flush cannot remove audit rows on SQLite.


def wait_until_done(export: Export, seconds: float = 60) -> Export:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if not export.running:
            return export
        time.sleep(0.05)
    raise AssertionError(f"export {export.pk} still {export.state} after {seconds} s")


@pytest.fixture
def celery_app():
    """A Celery app configured as the application's (toegang.worker.make_app), on a Redis database for
    tests and a queue of this run only; afterwards the application's app is the current one again and
    the queue's keys are gone."""
    import redis

    from toegang import worker

    queue = f"toegang-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    app = worker.make_app(
        "toegang-test",
        broker_url=REDIS,
        task_default_queue=queue,
        task_default_exchange=queue,
        task_default_routing_key=queue,
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
    )
    assert app.conf.broker_url == REDIS and app.conf.task_default_queue == queue
    yield app
    worker.app.set_current()
    worker.app.set_default()
    app.close()
    keys = redis.Redis.from_url(REDIS)
    for key in keys.scan_iter(f"*{queue}*"):
        keys.delete(key)
    keys.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_celery_worker_runs_an_export_over_redis(world, settings, export_dir, celery_app):
    from celery.contrib.testing.worker import start_worker

    settings.WORKER = "celery"
    signals(world, [(the_month().start, world.area, world.team, "huisarts", 12)])
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="csv")
        export = wait_until_done(export)
    assert export.state == Export.State.DONE, export.error
    assert export.months_done == export.months_total == 2 and export.started_at and export.finished_at
    table = rows_of((export_dir / export.file_name).read_bytes())
    assert ["meldingen_bron", the_month().code, "10"] in [[row[0], row[3], row[4]] for row in table[2:]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_worker_runs_an_export_in_a_thread(world, settings, export_dir):
    settings.WORKER = "thread"
    export = exports.start(user=world.manager, board=BOARDS["manager"], series=series(world), fmt="xlsx")
    export = wait_until_done(export)
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(10)  # it closes its database connection before it ends
    assert export.state == Export.State.DONE, export.error
    assert (export_dir / export.file_name).is_file()
