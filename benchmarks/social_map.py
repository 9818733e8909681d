"""Social-map search over N community services (issue 6: p95 under 50 ms on PostgreSQL, 2 cores).

Makes a fresh database (``toegang_bench_socialmap``), migrates it and loads ``seed_demo`` size XS, adds
N services in bulk (random life domains, target groups and wijken/kernen of the demo municipality; not
timed), then times 300 searches with random combinations of words, domain, area and target group: the
full page through Django's test client as a professional (``/sociale-kaart/``) and, for the same
filters, the raw SQL of the search on a bare cursor. Timings are reported, never asserted; results go
to ``benchmarks/results/<date>-social-map.json``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/toegang_bench_socialmap \\
        .venv/bin/python benchmarks/social_map.py [--n 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.istandaarden import fresh_database  # noqa: E402 - after the project is on the path
from benchmarks.run import client_for, machine, result_path, setup_django  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/toegang_bench_socialmap"
WORDS = ["koffie", "hulp", "jongeren", "schuld", "taal", "sport", "buurt", "thuis", "inloop", "advies"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    database_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_PG
    if "bench" not in database_url:
        database_url = DEFAULT_PG
    fresh_database(database_url)
    setup_django(database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from toegang.accounts.models import Area, Municipality
    from toegang.network import socialmap
    from toegang.network.models import CommunityService, TargetGroup
    from toegang.plans.models import LifeDomain

    call_command("migrate", verbosity=0)
    call_command("seed_demo", size="XS", verbosity=0)
    rng = random.Random(6)  # noqa: S311 - deterministic test data, not security
    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None:
        raise SystemExit("seed_demo maakte geen gemeente")
    areas = list(Area.objects.filter(municipality=municipality))
    domains = list(LifeDomain.objects.all())
    groups = list(TargetGroup.objects.all())
    started = time.perf_counter()
    services = CommunityService.objects.bulk_create(
        CommunityService(
            hsds_id=uuid.uuid4(),
            municipality=municipality,
            organization_id=uuid.uuid4(),
            organization_name=f"Organisatie {i % 400}",
            name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
            description=" ".join(rng.choice(WORDS) for _ in range(30)),
            status="active" if rng.random() < 0.9 else "inactive",
        )
        for i in range(args.n)
    )
    link = CommunityService.domains.through
    link.objects.bulk_create(
        link(communityservice_id=s.pk, lifedomain_id=d.pk) for s in services for d in rng.sample(domains, 2)
    )
    link = CommunityService.target_groups.through
    link.objects.bulk_create(
        link(communityservice_id=s.pk, targetgroup_id=g.pk) for s in services for g in rng.sample(groups, 2)
    )
    link = CommunityService.areas.through
    link.objects.bulk_create(
        link(communityservice_id=s.pk, area_id=a.pk) for s in services for a in rng.sample(areas, min(2, len(areas)))
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup = time.perf_counter() - started
    client = client_for("professional")
    page_ms, sql_ms, queries = [], [], []
    for _ in range(args.searches):
        filters = {
            "q": rng.choice(["", "", rng.choice(WORDS)]),
            "domain": rng.choice(["", rng.choice(domains).pk]),
            "area": rng.choice(["", rng.choice(areas).pk]),
            "group": rng.choice(["", rng.choice(groups).pk]),
        }
        mark = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("social-map"), filters)
        page_ms.append((time.perf_counter() - mark) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"/sociale-kaart/ gaf {response.status_code}")
        queries.append(len(ctx.captured_queries))
        found = socialmap.search(
            municipality.pk,
            text=str(filters["q"]),
            domain_id=int(filters["domain"]) if filters["domain"] else None,
            area_id=int(filters["area"]) if filters["area"] else None,
            target_group_id=int(filters["group"]) if filters["group"] else None,
        )[:26]
        sql, params = found.query.sql_with_params()
        with connection.cursor() as cursor:
            mark = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            sql_ms.append((time.perf_counter() - mark) * 1000)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "database": connection.vendor,
        "machine": machine(),
        "n": args.n,
        "searches": args.searches,
        "setup_seconds": round(setup, 2),
        "page_p50_ms": round(statistics.median(page_ms), 2),
        "page_p95_ms": round(percentile(page_ms, 0.95), 2),
        "sql_p50_ms": round(statistics.median(sql_ms), 2),
        "sql_p95_ms": round(percentile(sql_ms, 0.95), 2),
        "queries_max": max(queries),
    }
    print(json.dumps(report, indent=2))
    target = result_path(f"{report['date']}-social-map")  # keyed by database, as the earlier files
    target.write_text(json.dumps({connection.vendor: report}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
