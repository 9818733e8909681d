"""The iWmo/iJw bulk benchmark: export N toewijzingen (WMO301) and import N claimed prestaties (WMO323).

The issue asks for 10,000 of each, "well under a minute on a 2-core machine". The script:

1. makes a fresh database (PostgreSQL: drops and creates ``toegang_bench_istd``; SQLite: removes
   ``var/bench-istandaarden.sqlite3``), migrates it and loads ``seed_demo`` size XS for the
   municipality, team, professional, providers and product categories;
2. adds N decisions made known (Wmo, one Provision in kind each, all with one provider) in bulk: the
   persons carry BSNs from the 9999 test range that pass the elfproef, each in a household of their
   own with a trajectory. The range holds about 9,090 such numbers, so above that a person gets a
   second decision (round robin). Not timed;
3. times ``queue_assignments_for`` in chunks of 1000 decisions (``--queue bulk``, the default), or
   ``queue_assignments`` per decision, each in its own transaction as ``decisions.send`` calls it
   (``--queue per-decision``) (**queue**), then one ``export_pending`` of all N messages into a temporary directory
   (**export**); checks that N files were written and that a sample validates against the XSD;
4. builds the claims with ``provider.claim`` (not timed) in two shapes: files of 100 prestaties
   (period: three months back) and one file with all N prestaties (two months back); times
   ``inbound.import_file`` over each shape (**import**) and checks that every file is accepted and
   that each shape added N granted ClaimLines.

Timings are reported, never asserted. Results go to ``benchmarks/results/<date>-istandaarden.json``
(one entry per database, so a PostgreSQL and a SQLite run of the same day sit side by side) and, by
hand, to docs/performance.md. ``--profile`` runs cProfile around each timed phase and prints where
the time goes (the timings then include the profiler's overhead; nothing is written).
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
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.run import RESULTS, machine, setup_django  # noqa: E402 - after the project is on the path

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/toegang_bench_istd"
SQLITE_FILE = PROJECT / "var" / "bench-istandaarden.sqlite3"
AGB = "98000001"  # Thuiszorg De Linde (demo.DEMO_PROVIDERS)
CATEGORY, PRODUCT, UNIT, RATE_CENTS, VOLUME = "01", "01A01", "04", 3_500, 12  # 12 hours in a month, 3 h a week


# --- database --------------------------------------------------------------------------------------------


def fresh_database(database_url: str) -> None:
    """Drop and create the benchmark's own database; refuse any name without "bench" in it."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("sqlite:///", 1)[1])
        if "bench" not in path.name:
            raise SystemExit(f"SQLite-bestand '{path}': de benchmark gebruikt alleen een eigen bestand (met 'bench').")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        raise SystemExit(f"Databasenaam '{name}': alleen kleine letters, cijfers en _, en 'bench' in de naam.")
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def months_back(today: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """The calendar month ``count`` months before this one: (first day, last day)."""
    first = today.replace(day=1)
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


# --- setup (not timed) ------------------------------------------------------------------------------------


def seed(n: int, today: dt.date) -> dict[str, Any]:
    """seed_demo XS, then N decisions made known with one provision in kind each, in bulk."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from toegang.accounts.models import Team, User
    from toegang.cases.models import RegisseurAssignment, Trajectory
    from toegang.common import demo
    from toegang.people.models import Household, Membership, Person
    from toegang.procedures.models import Decision, Procedure, ProductCategory, Provider, Provision

    call_command("migrate", verbosity=0, interactive=False)
    demo.seed_demo(size="XS", seed=1, today=today)
    professional = User.objects.get(username="professional")
    if professional.team_id is None:
        raise SystemExit("seed_demo: de demo-professional hoort bij geen team.")
    team = Team.objects.select_related("area__municipality").get(pk=professional.team_id)
    area, municipality = team.area, team.area.municipality
    provider = Provider.objects.get(agb_code=AGB)
    category = ProductCategory.objects.get(law="wmo", code=CATEGORY)
    taken = set(Person.objects.filter(bsn__startswith="9999").values_list("bsn", flat=True))
    bsns = [bsn for bsn in demo.iter_test_bsns() if bsn not in taken][:n]
    if not bsns:
        raise SystemExit("Geen vrije test-BSN's meer in de 9999-reeks.")
    start = months_back(today, 3)[0]
    now = timezone.now()
    rng = random.Random(1)  # noqa: S311 - synthetic names, not security
    surnames = ["Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"]
    with transaction.atomic():
        persons = Person.objects.bulk_create(
            [
                Person(
                    bsn=bsn,
                    voornamen=rng.choice(["Anna", "Johan", "Fatima", "Pieter", "Sanne", "Mohamed", "Els", "Kees"]),
                    geslachtsnaam=rng.choice(surnames),
                    geboortedatum=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000)),
                    postcode=f"{1000 + i % 9000:04d}AB",
                    huisnummer=str(1 + i % 200),
                    straat="Kerkstraat",
                    woonplaats="Lindenhoeve",
                )
                for i, bsn in enumerate(bsns)
            ],
            batch_size=2000,
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    municipality=municipality,
                    area=area,
                    name=f"Huishouden {p.geslachtsnaam}",
                    postcode=p.postcode,
                    huisnummer=p.huisnummer,
                    straat=p.straat,
                    woonplaats=p.woonplaats,
                )
                for p in persons
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(person=p, household=h, role=Membership.Role.PARENT, start_date=dt.date(2010, 1, 1))
                for p, h in zip(persons, households, strict=True)
            ],
            batch_size=2000,
        )
        trajectories = Trajectory.objects.bulk_create(
            [Trajectory(household=h, team=team, started_on=start - dt.timedelta(days=90)) for h in households],
            batch_size=2000,
        )
        RegisseurAssignment.objects.bulk_create(
            [
                RegisseurAssignment(trajectory=t, professional=professional, start_date=t.started_on)
                for t in trajectories
            ],
            batch_size=2000,
        )
        owners = [i % len(persons) for i in range(n)]  # round robin when the test range has fewer numbers than n
        procedures = Procedure.objects.bulk_create(
            [
                Procedure(
                    trajectory=trajectories[i],
                    person=persons[i],
                    law="wmo",
                    status=Procedure.Status.DECIDED,
                    reported_on=start - dt.timedelta(days=60),
                    receipt_confirmed_on=start - dt.timedelta(days=59),
                    application_on=start - dt.timedelta(days=30),
                    decided_on=start - dt.timedelta(days=5),
                    decided_outcome="toegekend",
                    created_by=professional,
                )
                for i in owners
            ],
            batch_size=2000,
        )
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    procedure=proc,
                    outcome=Decision.Outcome.GRANTED,
                    status=Decision.Status.SENT,
                    reasoning="U kunt het huishouden niet zelf voeren (benchmark).",
                    created_by=professional,
                    approved_by=professional,
                    approved_at=now,
                    sent_on=start - dt.timedelta(days=5),
                )
                for proc in procedures
            ],
            batch_size=2000,
        )
        Provision.objects.bulk_create(
            [
                Provision(
                    decision=d,
                    category=category,
                    product_code=PRODUCT,
                    delivery=Provision.Delivery.IN_KIND,
                    provider=provider,
                    volume=3,
                    unit=UNIT,
                    frequency=Provision.Frequency.PER_WEEK,
                    start_date=start,
                    end_date=today + dt.timedelta(days=300),
                )
                for d in decisions
            ],
            batch_size=2000,
        )
    if connection.vendor == "postgresql":  # fresh statistics after the bulk load (seed_demo vacuums too)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "persons": len(persons),
        "decisions": len(decisions),
        "decision_ids": [d.pk for d in decisions],
        "municipality": municipality.code,
    }


def clear_seed_queue() -> int:
    """seed_demo queues the toewijzingen of its own demo decisions: send them out of the way first."""
    from toegang.istandaarden import services

    with tempfile.TemporaryDirectory(prefix="istd-seed-") as scratch:
        return len(services.export_pending(out=Path(scratch)))


# --- measuring ---------------------------------------------------------------------------------------------


class Phases:
    """Times the named phases and counts their SQL statements (and with ``profile`` also profiles them)."""

    def __init__(self, profile: bool) -> None:
        self.profile = profile
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.profiles: dict[str, str] = {}

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        from django.db import connection

        count = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        profiler = cProfile.Profile() if self.profile else None
        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            try:
                yield
            finally:
                if profiler is not None:
                    profiler.disable()
                self.seconds[name] = round(time.perf_counter() - started, 3)
                self.queries[name] = count
        if profiler is not None:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(20)
            self.profiles[name] = out.getvalue()


def queue_all(decision_ids: list[int], splits: list[float]) -> int:
    """queue_assignments per decision, in its own transaction, on the decision as decisions.send loads it;
    ``splits`` gets the seconds per tenth of the decisions (a rate that drifts shows up there)."""
    from django.db import transaction

    from toegang.istandaarden.services import queue_assignments
    from toegang.procedures.models import Decision

    queued = 0
    step = max(1, len(decision_ids) // 10)
    mark = time.perf_counter()
    for index, pk in enumerate(decision_ids, start=1):
        with transaction.atomic():
            decision = Decision.objects.select_for_update().select_related("procedure").get(pk=pk)
            queued += len(queue_assignments(decision))
        if index % step == 0 or index == len(decision_ids):
            now = time.perf_counter()
            splits.append(round(now - mark, 2))
            mark = now
    return queued


def queue_bulk(decision_ids: list[int], splits: list[float], chunk: int = 1000) -> int:
    """queue_assignments_for in chunks of ``chunk`` decisions, each chunk in one transaction (a
    re-assignment of many clients at once, for example after a contract change)."""
    from django.db import transaction

    from toegang.istandaarden.services import queue_assignments_for

    queued = 0
    for start in range(0, len(decision_ids), chunk):
        mark = time.perf_counter()
        with transaction.atomic():
            queued += len(queue_assignments_for(decision_ids[start : start + chunk]))
        splits.append(round(time.perf_counter() - mark, 2))
    return queued


def check_export(written: list[Path], out: Path, n: int) -> dict[str, Any]:
    from toegang.istandaarden import messages

    files = sorted(out.glob("WMO301_*.xml"))
    if len(written) != n or len(files) != n:
        raise SystemExit(f"export: {len(written)} geschreven, {len(files)} WMO301-bestanden; verwacht {n}")
    sample = [files[0], files[-1], *random.Random(2).sample(files, min(20, len(files)))]  # noqa: S311
    for path in sample:
        problems = messages.validate("WMO", "301", path.read_bytes())
        if problems:
            raise SystemExit(f"export: {path.name} is niet geldig: {problems[0]}")
    return {"files": len(files), "validated_sample": len(sample), "bytes": sum(p.stat().st_size for p in files)}


def claim_lines(decision_ids: list[int], period: tuple[dt.date, dt.date], prefix: str) -> list[Any]:
    """One prestatie per benchmark assignment: 12 hours in ``period`` (3 hours a week allows 12 to 14)."""
    from toegang.istandaarden import provider
    from toegang.procedures.models import Provision

    rows = (
        Provision.objects.filter(decision_id__in=decision_ids)
        .order_by("pk")
        .values_list("pk", "decision__procedure__person__bsn")
    )
    return [
        provider.Line(
            bsn=bsn or "",
            reference=f"{prefix}{pk}",
            assignment=pk,
            category=CATEGORY,
            code=PRODUCT,
            start=period[0],
            end=period[1],
            volume=VOLUME,
            unit=UNIT,
            rate_cents=RATE_CENTS,
            amount_cents=VOLUME * RATE_CENTS,
        )
        for pk, bsn in rows
    ]


def write_claims(
    folder: Path,
    lines: list[Any],
    *,
    per_file: int,
    period: tuple[dt.date, dt.date],
    tag: str,
    municipality: str,
    on: dt.date,
) -> list[Path]:
    from toegang.istandaarden import provider

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, first in enumerate(range(0, len(lines), per_file), start=1):
        data = provider.claim(
            "WMO",
            agb=AGB,
            municipality=municipality,
            identification=f"{tag}{index:05d}",
            on=on,
            number=f"{tag}{index:05d}",
            period=period,
            lines=lines[first : first + per_file],
        )
        path = folder / f"WMO323_{tag}{index:05d}.xml"
        path.write_bytes(data)
        paths.append(path)
    return paths


def import_all(paths: list[Path], answers: Path) -> list[Any]:
    from toegang.istandaarden import inbound

    return [inbound.import_file(path, out=answers) for path in paths]


def check_import(outcomes: list[Any], before: int, n: int) -> dict[str, Any]:
    from toegang.istandaarden.models import ClaimLine

    refused = [o for o in outcomes if o.status != "accepted" or o.errors]
    if refused:
        raise SystemExit(f"import: {len(refused)} bestand(en) niet geaccepteerd, bijv. {refused[0].as_json()[:400]}")
    added = ClaimLine.objects.count() - before
    granted = ClaimLine.objects.filter(approved=True).count()
    if added != n:
        raise SystemExit(f"import: {added} ClaimLines toegevoegd; verwacht {n}")
    return {"files": len(outcomes), "claim_lines": added, "granted_total": granted}


# --- main --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="toewijzingen en prestaties (standaard 10000)")
    parser.add_argument("--per-file", type=int, default=100, help="prestaties per declaratiebestand (standaard 100)")
    parser.add_argument("--database-url", default="", help="standaard DATABASE_URL, anders " + DEFAULT_PG)
    parser.add_argument("--sqlite", action="store_true", help=f"op SQLite ({SQLITE_FILE.relative_to(PROJECT)})")
    parser.add_argument("--profile", action="store_true", help="cProfile per fase; schrijft niets weg")
    parser.add_argument("--no-write", action="store_true", help="geen resultaatbestand")
    parser.add_argument(
        "--queue",
        choices=("bulk", "per-decision"),
        default="bulk",
        help="301's klaarzetten met queue_assignments_for in blokken van 1000 (standaard), of per beschikking",
    )
    args = parser.parse_args(argv)
    if args.sqlite:
        database_url = f"sqlite:///{SQLITE_FILE}"
    else:
        database_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_PG
    n = args.n
    fresh_database(database_url)
    setup_django(database_url)

    from django.db import connection

    from toegang.common.dates import today as local_today
    from toegang.istandaarden import services
    from toegang.istandaarden.models import ClaimLine, Message

    today = local_today()
    phases = Phases(args.profile)
    started = time.perf_counter()
    seeded = seed(n, today)
    cleared = clear_seed_queue()
    setup_seconds = round(time.perf_counter() - started, 3)
    vendor = connection.vendor
    print(
        f"{vendor}: {seeded['decisions']} beschikkingen voor {seeded['persons']} personen klaargezet "
        f"in {setup_seconds:.1f} s ({cleared} demo-bericht(en) eerst uitgezonden)",
        flush=True,
    )

    with tempfile.TemporaryDirectory(prefix="istd-bench-") as tmp:
        work = Path(tmp)
        splits: list[float] = []
        with phases.measure("queue"):
            if args.queue == "bulk":
                queued = queue_bulk(seeded["decision_ids"], splits)
            else:
                queued = queue_all(seeded["decision_ids"], splits)
        print(f"queue ({args.queue}) per blok/tiende: {splits}", flush=True)
        if queued != n:
            raise SystemExit(f"queue: {queued} toewijzingen; verwacht {n}")
        pending = Message.objects.filter(direction="uit", status="klaar").count()
        if pending != n:
            raise SystemExit(f"queue: {pending} berichten klaar voor export; verwacht {n}")
        with phases.measure("export"):
            written_files = services.export_pending(out=work / "uit")
        exported = check_export(written_files, work / "uit", n)

        shapes: list[dict[str, Any]] = []
        for label, per_file, months, tag in (
            (f"{args.per_file} per bestand", args.per_file, 3, "BA"),
            ("1 bestand", n, 2, "BB"),
        ):
            period = months_back(today, months)
            built_at = time.perf_counter()
            lines = claim_lines(seeded["decision_ids"], period, prefix=f"{tag}-")
            paths = write_claims(
                work / f"in-{tag}",
                lines,
                per_file=per_file,
                period=period,
                tag=tag,
                municipality=seeded["municipality"],
                on=today,
            )
            build_seconds = round(time.perf_counter() - built_at, 3)
            before = ClaimLine.objects.count()
            name = f"import {label}"
            with phases.measure(name):
                outcomes = import_all(paths, work / f"antwoord-{tag}")
            checked = check_import(outcomes, before, n)
            shapes.append(
                {
                    "shape": label,
                    "files": len(paths),
                    "prestaties_per_file": per_file,
                    "claim_bytes": sum(p.stat().st_size for p in paths),
                    "build_seconds": build_seconds,
                    "import_seconds": phases.seconds[name],
                    "import_statements": phases.queries[name],
                    **checked,
                }
            )

    report = {
        "date": today.isoformat(),
        "database": vendor,
        "machine": machine(),
        "n": n,
        "method": (
            "fresh database, seed_demo XS plus N Wmo decisions made known in bulk (not timed); queue_assignments_for "
            "in chunks of 1000 (bulk) or queue_assignments per decision in its own transaction (per-decision); "
            "one export_pending of all N; claims built with provider.claim "
            "(not timed) and imported with inbound.import_file, one file after the other"
        ),
        "setup_seconds": setup_seconds,
        "persons": seeded["persons"],
        "queue_mode": args.queue,
        "queue_seconds": phases.seconds["queue"],
        "queue_statements": phases.queries["queue"],
        "queue_split_seconds": splits,
        "export_seconds": phases.seconds["export"],
        "export_statements": phases.queries["export"],
        "export": exported,
        "import": shapes,
        "profiled": args.profile,
    }
    print()
    print(f"{'fase':28} {'s':>8} {'per stuk (ms)':>14} {'SQL':>8}")
    print(f"{'klaarzetten (niet getimed)':28} {setup_seconds:8.2f}")
    rows = [(f"queue 301 ×{n} ({args.queue})", "queue"), (f"export ×{n}", "export")]
    rows += [(f"import {s['files']}×{s['prestaties_per_file']}", f"import {s['shape']}") for s in shapes]
    for label, phase in rows:
        seconds = phases.seconds[phase]
        print(f"{label:28} {seconds:8.2f} {seconds / n * 1000:14.2f} {phases.queries[phase]:8}")
    for name, text in phases.profiles.items():
        print(f"\n===== profiel: {name} =====\n{text}")
    if not args.no_write and not args.profile:
        RESULTS.mkdir(parents=True, exist_ok=True)
        target = RESULTS / f"{report['date']}-istandaarden.json"
        runs = json.loads(target.read_text()) if target.exists() else {}
        runs[vendor if args.queue == "bulk" else f"{vendor}-per-decision"] = report
        target.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
        print(f"geschreven: {target.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
