"""The event-delivery benchmark (issue 9, "Measures"): 10,000 queued events delivered within a minute on the
2-core machine with Redis.

The script:

1. makes a fresh PostgreSQL database ``toegang_bench_events`` (drops and creates it; the name must hold
   "bench"), migrates it, and adds a municipality, its functional administrator and one subscription to
   all event types whose callback is a local receiver;
2. starts the receiver: a separate process with a ``ThreadingHTTPServer`` on 127.0.0.1 that speaks
   HTTP/1.1 keep-alive, checks every HMAC signature and answers 204 at once (a fast receiver);
3. starts a real Celery worker (``celery -A toegang.worker worker``, prefork, ``--concurrency`` 2 by
   default) on a Redis database of its own (``redis://127.0.0.1:6379/13``), and waits until it is ready;
4. publishes N events (default 10,000) with ``events.services.publish`` in one transaction (**publish**,
   timed apart), and from its commit (which hands one delivery task to the worker) times until every
   delivery is ``afgeleverd`` (**delivery**). Each task claims a batch of EVENTS_BATCH_SIZE deliveries
   and, when the batch is full, first queues its successor, so both worker processes send; each
   process posts over one keep-alive ``requests.Session``;
5. checks that the receiver saw N correctly signed requests, N distinct event ids, and writes
   ``benchmarks/results/<date>-events.json``.

Timings are reported, never asserted. Run: ``.venv/bin/python -m benchmarks.events [--n 10000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.istandaarden import fresh_database  # noqa: E402 - after the project is on the path
from benchmarks.run import machine, result_path, setup_django  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/toegang_bench_events"
BROKER = "redis://127.0.0.1:6379/13"
SECRET_ENV = "TOEGANG_BENCH_RECEIVER_SECRET"  # noqa: S105 - the name of the variable


# --- the receiver (its own process) ---------------------------------------------------------------------


def serve(port_file: str, count_file: str) -> None:
    """Answer 204 to every POST whose signature is right (401 otherwise); write the counts on SIGTERM."""
    secret = os.environ[SECRET_ENV].encode()
    counts = {"ok": 0, "bad": 0, "ids": set()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = dict(p.split("=", 1) for p in self.headers.get("Toegang-Signature", "t=0,v1=").split(","))
            mac = hmac.new(secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(mac, parts.get("v1", ""))
            counts["ok" if good else "bad"] += 1
            if good:
                counts["ids"].add(json.loads(body)["id"])
            self.send_response(204 if good else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop(*_args: Any) -> None:
        Path(count_file).write_text(json.dumps({"ok": counts["ok"], "bad": counts["bad"], "ids": len(counts["ids"])}))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    Path(port_file).write_text(str(server.server_port))
    server.serve_forever()


# --- the run --------------------------------------------------------------------------------------------


def wait_for_file(path: Path, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise SystemExit(f"{path} bleef leeg")


def start_worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "toegang.worker",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],  # fmt: skip
        cwd=PROJECT / "src",
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b" ready." in log.read_bytes():
            return worker
        if worker.poll() is not None:
            raise SystemExit("De Celery-worker stopte:\n" + log.read_text()[-2000:])
        time.sleep(0.1)
    raise SystemExit("De Celery-worker werd niet gereed binnen 60 s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="aantal gebeurtenissen (standaard 10000)")
    parser.add_argument("--database-url", default=DEFAULT_PG)
    parser.add_argument("--concurrency", type=int, default=2, help="processen van de Celery-worker (standaard 2)")
    parser.add_argument("--batch", type=int, default=200, help="afleveringen per taak (standaard 200)")
    parser.add_argument("--no-write", action="store_true", help="geen resultatenbestand schrijven")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("De benchmark draait op PostgreSQL (met Redis en een Celery-worker).")

    import redis

    broker = redis.Redis.from_url(BROKER)
    broker.flushdb()  # database 13 is the benchmark's own
    fresh_database(args.database_url)
    os.environ.update(
        {
            "CELERY_BROKER_URL": BROKER,
            "TOEGANG_WORKER": "celery",
            "TOEGANG_EVENTS_ALLOW_HTTP_LOCALHOST": "1",
            "TOEGANG_EVENTS_BATCH_SIZE": str(args.batch),
        }
    )
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from toegang.accounts.models import Municipality, User
    from toegang.events import catalogue, keys, services
    from toegang.events.models import Delivery, Subscription

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    municipality = Municipality.objects.create(code="9999", name="Benchmarkgemeente")
    admin = User.objects.create_user(username="beheerder", role=User.Role.FUNCTIONAL_ADMIN, municipality=municipality)
    secret = keys.new_secret()
    tmp = PROJECT / "var" / f"bench-events-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    port_file, count_file = tmp / "port", tmp / "counts.json"
    receiver = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "benchmarks.events", "--serve", str(port_file), str(count_file)],
        cwd=PROJECT,
        env={**os.environ, SECRET_ENV: secret},
    )
    worker = None
    try:
        port = int(wait_for_file(port_file))
        subscription = Subscription.objects.create(
            municipality=municipality,
            name="Snelle ontvanger",
            callback_url=f"http://127.0.0.1:{port}/hook",
            event_types=list(catalogue.TYPES),
            secret_encrypted=keys.encrypt(secret),
            created_by=admin,
        )
        setup_seconds = time.monotonic() - started
        worker = start_worker({**os.environ, "PYTHONPATH": str(PROJECT / "src")}, args.concurrency, tmp / "worker.log")

        begin = time.monotonic()
        with transaction.atomic():
            for k in range(1, args.n + 1):
                services.publish(
                    catalogue.SIGNAL_RECEIVED,
                    subject=f"melding/{k}",
                    data={"melding": services.ref(k, "signal-detail"), "ontvangen_op": dt.date.today().isoformat()},
                    municipality_id=municipality.pk,
                )
            publish_seconds = time.monotonic() - begin
            committed = time.monotonic()
        # the commit hands one delivery task to the worker (on_commit)
        samples = []
        delivered = 0
        deadline = committed + 600
        while time.monotonic() < deadline:
            delivered = Delivery.objects.filter(subscription=subscription, state=Delivery.State.DELIVERED).count()
            samples.append((round(time.monotonic() - committed, 2), delivered))
            if delivered >= args.n:
                break
            time.sleep(0.25)
        delivery_seconds = time.monotonic() - committed
        states = dict(Delivery.objects.values_list("state").order_by("state").annotate(n=Count("id")))
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(30)
    seen = json.loads(wait_for_file(count_file))
    shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "date": dt.date.today().isoformat(),
        "database": connection.vendor,
        "machine": machine(),
        "n": args.n,
        "method": (
            "fresh PostgreSQL database, one subscription to a local receiver (a separate process, "
            "ThreadingHTTPServer, HTTP/1.1 keep-alive, checks each HMAC signature, answers 204); N events published "
            "with events.services.publish in one transaction; from its commit (one task handed to the worker) until "
            "every delivery is afgeleverd, polled every 0.25 s; a real Celery worker (prefork) over Redis, each task "
            "one batch, a full batch queueing its successor first; one keep-alive requests.Session per process"
        ),
        "worker_concurrency": args.concurrency,
        "batch_size": args.batch,
        "setup_seconds": round(setup_seconds, 2),
        "publish_seconds": round(publish_seconds, 3),
        "delivery_seconds": round(delivery_seconds, 2),
        "events_per_second": round(delivered / delivery_seconds, 1) if delivery_seconds else None,
        "delivered": delivered,
        "states": states,
        "receiver": seen,
        "target_seconds": 60,
        "progress": samples[:: max(1, len(samples) // 20)],
    }
    print(json.dumps({k: v for k, v in result.items() if k != "progress"}, indent=2))
    if delivered < args.n or seen["bad"]:
        print("Niet alles afgeleverd of handtekeningen fout.", file=sys.stderr)
    if not args.no_write:
        out = result_path(f"{result['date']}-events")
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"Geschreven: {out.relative_to(PROJECT)}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        main()
