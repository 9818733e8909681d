"""The steering benchmark (issue 7): the summary refresh and the three dashboards on seeded data.

The issue's measures are for seed L (a 1M-inhabitant region) on PostgreSQL on a 2-core machine: every
dashboard p95 at most 200 ms, and the summary refresh for one day of changes at most 10 s. The script:

1. makes a fresh database (``toegang_bench_steering``; refuses a name without "bench"), migrates it and
   loads ``seed_demo --size <size>`` (``--reuse``: keep a database that already holds households). The
   seed ends by computing the summaries over the whole demo history; the script times that call apart
   (``seed_refresh_seconds``), so seed-without-summaries = seed - seed refresh;
2. times ``summaries.refresh`` over the whole history (once), for today (5 runs) and for the last 35 days
   (the daily job, 3 runs); and the summary sources one by one (``_signals``, ``_procedures``, …; the
   computation only, nothing written) over the whole history and over today, to show where the time goes;
3. times each dashboard (``/sturing/team|manager|opdrachtgever/``) through the full Django stack with the
   in-process client, as the demo ``teamleider`` (team) and ``manager`` (the other two): 50 requests each
   after 5 warm-ups, with varying filters (the current quarter, a past year, a month of the last twelve;
   with and without area, team and law). For each request the same filters are requested once more with
   the queries captured, and those SELECTs are replayed on a bare psycopg connection (``run.raw_sql_p50``):
   the raw SQL time; ratio = page p50 ÷ raw-SQL p50;
4. times the manager board's CSV export for last year (20 requests);
5. writes ``benchmarks/results/<date>-steering-<size>.json`` (machine, data counts, all figures) and
   prints a summary. Timings are reported, never asserted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/toegang_bench_steering \\
        .venv/bin/python benchmarks/steering.py --size M [--reuse] [--requests 50] [--profile] [--no-write]

``--profile`` runs cProfile around the whole-history refresh and one request of each dashboard and
prints the top functions (the timings then include the profiler's overhead; nothing is written).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.istandaarden import fresh_database  # noqa: E402 - after the project is on the path
from benchmarks.run import client_for, machine, percentile, raw_sql_p50, result_path, setup_django  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/toegang_bench_steering"
BOARDS = {"team": "teamleider", "manager": "manager", "opdrachtgever": "manager"}  # board → demo account
PERIOD_KINDS = ("kwartaal", "jaar", "maand")  # the current quarter, a past year, a month of the last twelve
TARGET_P95_MS = 200.0  # issue 7, on seed L
TARGET_DAY_REFRESH_S = 10.0  # issue 7, on seed L


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(percentile(values, 0.95), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


# --- 1. database and seed ----------------------------------------------------------------------------------


def prepare(database_url: str, size: str, reuse: bool) -> dict[str, Any]:
    """Fresh database, migrate, seed (unless --reuse finds a seeded one); the seed's own refresh timed."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    seeded = False
    if reuse:
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(database_url, autocommit=True) as conn:
                has_table = conn.execute("SELECT to_regclass('people_household')").fetchone()[0]
                seeded = bool(has_table) and bool(conn.execute("SELECT 1 FROM people_household LIMIT 1").fetchone())
    if not seeded:
        fresh_database(database_url)
    setup_django(database_url)

    from django.core.management import call_command

    from toegang.steering import summaries
    from toegang.steering.models import Refresh

    if seeded:
        first_run = Refresh.objects.order_by("started_at").first()
        return {
            "reused": True,
            "seed_seconds": None,
            "seed_refresh_seconds": (
                round((first_run.finished_at - first_run.started_at).total_seconds(), 2)
                if first_run and first_run.finished_at
                else None
            ),
        }
    call_command("migrate", verbosity=0, interactive=False)
    original = summaries.refresh
    spent: list[float] = []

    def timed(**kwargs: Any) -> Any:  # the seed calls summaries.refresh through the module attribute
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    summaries.refresh = timed
    started = time.perf_counter()
    try:
        call_command("seed_demo", size=size, seed=1, verbosity=0)  # ends with VACUUM (ANALYZE), in the seconds
    finally:
        summaries.refresh = original
    seconds = time.perf_counter() - started
    print(f"seed {size}: {seconds:.1f} s, waarvan samenvattingen {sum(spent):.1f} s", flush=True)
    return {"reused": False, "seed_seconds": round(seconds, 2), "seed_refresh_seconds": round(sum(spent), 2)}


def data_counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "persons": "people_person",
        "households": "people_household",
        "trajectories": "cases_trajectory",
        "signals": "signals_signal",
        "procedures": "procedures_procedure",
        "plans": "plans_plan",
        "referrals": "network_referral",
        "claim_lines": "istandaarden_claimline",
        "facts": "steering_fact",
        "month_facts": "steering_monthfact",
    }
    counts = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[label] = cursor.fetchone()[0]
    return counts


# --- 2. the refresh ----------------------------------------------------------------------------------------


def time_refresh(first: dt.date, last: dt.date, runs: int) -> dict[str, Any]:
    from toegang.steering import summaries

    seconds, facts = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = summaries.refresh(first=first, last=last)
        seconds.append(time.perf_counter() - started)
        facts = result.facts
    return {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "runs": runs,
        "seconds": [round(s, 2) for s in seconds],
        "median_seconds": round(statistics.median(seconds), 2),
        "facts": facts,
    }


def time_sources(first: dt.date, last: dt.date) -> dict[str, Any]:
    """Each summary source alone over first–last (computation only, nothing written): where a refresh
    spends its time. Reads the module's private sources, so it follows refresh() as it is today."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toegang.steering import summaries

    states = summaries.state_days(first, last)
    cells = summaries.Cells()
    parts: list[tuple[str, Callable[[], None]]] = [
        (source.__name__, lambda source=source: source(cells, first, last)) for source in summaries.SOURCES
    ]
    parts += [
        ("_procedures", lambda: summaries._procedures(cells, first, last, states)),
        ("_decisions_and_provisions", lambda: summaries._decisions_and_provisions(cells, first, last, states)),
        ("_caseload", lambda: summaries._caseload(cells, states)),
        ("_plan_reviews", lambda: summaries._plan_reviews(cells, states)),
    ]
    found: dict[str, Any] = {}
    for name, run in parts:
        before = len(cells.values)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            seconds = time.perf_counter() - started
        sql = sum(float(q["time"] or 0) for q in captured.captured_queries)
        found[name] = {
            "seconds": round(seconds, 3),
            "sql_seconds": round(sql, 3),  # as the cursor saw it, fetch included
            "queries": len(captured.captured_queries),
            "new_cells": len(cells.values) - before,
        }
    found["_total"] = {"seconds": round(sum(v["seconds"] for v in found.values()), 3), "cells": len(cells.values)}
    return found


# --- 3. the dashboards -------------------------------------------------------------------------------------


def filter_sets(board: str, n: int, on: dt.date, areas: list[int], teams: list[int], rng: random.Random) -> list[dict]:
    """n query strings: the period cycles through the current quarter, a past year and a month of the
    last twelve; area, team and law are each present in about a third (the team board ignores area and
    team: it is the lead's own team)."""
    from toegang.common.periods import Period

    quarter = Period.containing(on, "kwartaal").code
    months = [Period.containing(on, "maand")]
    while len(months) < 12:
        months.append(months[-1].previous())
    sets = []
    for i in range(n):
        periods = [quarter, str(on.year - 1 - rng.randrange(3)), rng.choice(months).code]
        params = {"periode": periods[i % 3]}
        if board != "team" and rng.random() < 1 / 3:
            params["gebied"] = str(rng.choice(areas))
        if board != "team" and rng.random() < 1 / 3:
            params["team"] = str(rng.choice(teams))
        if rng.random() < 1 / 3:
            params["wet"] = rng.choice(["wmo", "jeugd"])
        sets.append(params)
    return sets


def get(client: Any, url: str, params: dict[str, str]) -> Any:
    response = client.get(url, params)
    if response.status_code != 200:
        raise SystemExit(f"{url}?{params} gaf HTTP {response.status_code}")
    return response


def measure_board(board: str, requests: int, warmup: int, database_url: str, rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toegang.accounts.models import Area, Team, User
    from toegang.common.dates import today

    user = User.objects.get(username=BOARDS[board])
    areas = list(Area.objects.filter(municipality_id=user.municipality_id).values_list("pk", flat=True))
    teams = list(Team.objects.filter(area__municipality_id=user.municipality_id).values_list("pk", flat=True))
    client = client_for(user.username)
    url = f"/sturing/{board}/"
    sets = filter_sets(board, requests, today(), areas, teams, rng)
    for params in sets[:warmup]:
        get(client, url, params)
    page, raw, counts = [], [], []
    per_query: dict[int, list[float]] = defaultdict(list)  # position of the query in the request → seconds
    sql_of: dict[int, str] = {}
    for params in sets:
        started = time.perf_counter()
        get(client, url, params)
        page.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            get(client, url, params)
        counts.append(len(captured.captured_queries))
        for index, query in enumerate(captured.captured_queries):
            per_query[index].append(float(query["time"] or 0))
            sql_of.setdefault(index, query["sql"])
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        raw.append(raw_sql_p50(selects, database_url, 3))
    by_period = {}
    for offset, kind in enumerate(PERIOD_KINDS):  # filter_sets cycles through the kinds in this order
        kind_page, kind_raw = page[offset::3], raw[offset::3]
        by_period[kind] = {"page_ms": summary(kind_page), "raw_sql_p50_ms": round(statistics.median(kind_raw), 2)}
    slowest = sorted(per_query, key=lambda i: -statistics.median(per_query[i]))[:3]
    page_p50, raw_p50 = statistics.median(page), statistics.median(raw)
    return {
        "board": board,
        "user": user.username,
        "requests": requests,
        "page_ms": summary(page),
        "queries": {"min": min(counts), "max": max(counts)},
        "raw_sql_ms": summary(raw),
        "ratio": round(page_p50 / raw_p50, 1) if raw_p50 else None,
        "by_period": by_period,
        "slowest_queries": [
            {"position": i, "p50_ms": ms(statistics.median(per_query[i])), "sql": sql_of[i][:300]} for i in slowest
        ],
        "filters_sample": sets[:6],
    }


def measure_export(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toegang.common.dates import today

    client = client_for("manager")
    url = "/sturing/manager/export.csv"
    params = {"periode": str(today().year - 1)}
    get(client, url, params)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get(client, url, params)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get(client, url, params)
    return {
        "url": f"{url}?periode={params['periode']}",
        "requests": repeat,
        "ms": summary(times),
        "queries": len(captured.captured_queries),
        "bytes": len(response.content),
        "lines": response.content.decode("utf-8-sig").count("\n"),
    }


def commit() -> str:
    """The code measured: HEAD, and "+changes" when src/ differs from it (someone editing meanwhile)."""
    import subprocess

    def git(*args: str) -> str:
        found = subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return found.stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    return head + (" +changes" if git("status", "--porcelain", "--", "src") else "")


# --- profile -----------------------------------------------------------------------------------------------


def profiled(label: str, run: Callable[[], Any], top: int = 25) -> None:
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    run()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(r"toegang/", top)  # the project's own functions, cumulative
    stats.sort_stats("tottime").print_stats(top // 2)  # and where the time itself is spent
    print(f"\n=== profiel: {label} ({time.perf_counter() - started:.2f} s met profiler) ===")
    print(out.getvalue())


# --- main --------------------------------------------------------------------------------------------------


def time_refreshes(history_first: dt.date, on: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The refresh over the whole history, for today and for the daily 35 days; then the sources apart."""
    refresh = {
        "history": time_refresh(history_first, on, 1),
        "day": time_refresh(on, on, 5),
        "days_35": time_refresh(on - dt.timedelta(days=34), on, 3),
    }
    for label, r in refresh.items():
        print(f"refresh {label:8} {r['first']}–{r['last']}: mediaan {r['median_seconds']} s {r['seconds']}", flush=True)
    sources = {"history": time_sources(history_first, on), "day": time_sources(on, on)}
    for label, found in sources.items():
        parts = sorted(((k, v) for k, v in found.items() if k != "_total"), key=lambda kv: -kv[1]["seconds"])
        print(
            f"bronnen {label}: " + ", ".join(f"{k} {v['seconds']:.2f} s (sql {v['sql_seconds']:.2f})" for k, v in parts)
        )
    return refresh, sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", choices=["XS", "S", "M", "L"])
    parser.add_argument("--database-url", default="", help="standaard DATABASE_URL, anders " + DEFAULT_PG)
    parser.add_argument("--reuse", action="store_true", help="een al gevulde database hergebruiken")
    parser.add_argument("--requests", type=int, default=50, help="verzoeken per dashboard (standaard 50)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile; er wordt niets geschreven")
    parser.add_argument("--no-write", action="store_true", help="geen resultaatbestand")
    parser.add_argument(
        "--dashboards-only",
        action="store_true",
        help="alleen de dashboards en de export (met --reuse; geen verversing)",
    )
    args = parser.parse_args(argv)
    database_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_PG
    if not database_url.startswith("postgres"):
        raise SystemExit("De benchmark draait op PostgreSQL (DATABASE_URL postgres://…).")
    seed = prepare(database_url, args.size, args.reuse)

    from django.db import connection

    from toegang.common import demo
    from toegang.common.dates import today

    on = today()
    history_first = dt.date(on.year - demo.SIZES[args.size].horizon_years, 1, 1)
    if args.profile:
        from toegang.steering import summaries

        profiled("refresh, hele geschiedenis", lambda: summaries.refresh(first=history_first, last=on), top=40)
        for board, username in BOARDS.items():
            client = client_for(username)
            get(client, f"/sturing/{board}/", {})
            profiled(f"/sturing/{board}/", lambda client=client, board=board: get(client, f"/sturing/{board}/", {}))
        return 0

    refresh: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    if not args.dashboards_only:
        refresh, sources = time_refreshes(history_first, on)
    with connection.cursor() as cursor:  # the refreshes rewrote the tables; as autovacuum would after it
        cursor.execute("VACUUM (ANALYZE) steering_fact")
        cursor.execute("VACUUM (ANALYZE) steering_monthfact")

    rng = random.Random(7)  # noqa: S311 - the choice of filters, not security
    boards = []
    for board in BOARDS:
        result = measure_board(board, args.requests, args.warmup, database_url, rng)
        boards.append(result)
        print(
            f"{board:14} p50 {result['page_ms']['p50']:7.2f} ms  p95 {result['page_ms']['p95']:7.2f}  "
            f"q {result['queries']['min']}–{result['queries']['max']}  sql p50 {result['raw_sql_ms']['p50']:6.2f}  "
            f"ratio {result['ratio']}",
            flush=True,
        )
        for kind, figures in result["by_period"].items():
            print(
                f"  {kind:12} p50 {figures['page_ms']['p50']:7.2f} ms  p95 {figures['page_ms']['p95']:7.2f}  "
                f"sql p50 {figures['raw_sql_p50_ms']:6.2f}"
            )
    export = measure_export(20)
    print(f"export csv     p50 {export['ms']['p50']:7.2f} ms  p95 {export['ms']['p95']:7.2f}  q {export['queries']}")

    report = {
        "date": on.isoformat(),
        "size": args.size,
        "machine": machine(),
        "commit": commit(),
        "data": data_counts(),
        "method": (
            "in-process Django client, full middleware stack; raw SQL replayed on a bare psycopg connection; "
            "refresh timed around summaries.refresh (one transaction, commit included)"
        ),
        "targets": {"dashboard_p95_ms": TARGET_P95_MS, "day_refresh_seconds": TARGET_DAY_REFRESH_S, "on_size": "L"},
        "seed": seed,
        "refresh": refresh,
        "refresh_sources": sources,
        "dashboards": boards,
        "export_csv": export,
    }
    print(
        f"\nseed {args.size}: {seed['seed_seconds']} s (samenvattingen in de seed: {seed['seed_refresh_seconds']} s); "
        f"feiten: {report['data']['facts']}"
    )
    if not args.no_write:
        target = result_path(f"{report['date']}-steering-{args.size}")
        target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"geschreven: {target.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
