"""Run the load test (issue 10, point 3): gunicorn serving Toegang on a seeded PostgreSQL database,
Locust driving the working day's mix (``locustfile.py``) headless, bounded in time and request count;
the figures go to ``benchmarks/results/<date>-load-<label>.json`` next to the other benchmark results.

    .venv/bin/python benchmarks/load/run.py --database-url postgres://postgres@127.0.0.1:5432/toegang_bench_m \\
        [--users 30] [--run-time 3m] [--max-requests 3000] [--workers 3] [--label M]

The soak (issue 11, point 6) is the same run for 30 minutes with a timeline: ``--run-time 30m
--max-requests 0 --timeline`` adds, per minute, the throughput, p50 and p95 of that minute and the memory
(RSS) of gunicorn's processes, so that a leak or a slow drift shows (``make soak``).

The database must be seeded already (``make bench`` or ``seed_demo --size M|L``). gunicorn runs with
``--workers`` sync workers (default 2 × cores − 1 = 3 on this machine) on 127.0.0.1:8090, with the
production settings (2FA on, DEBUG off). Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.run import calibration_ms, machine, result_path, setup_django  # noqa: E402

PORT = 8090
VENV = PROJECT / ".venv" / "bin"


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn antwoordt niet op {url}")


def stats(prefix: Path) -> dict[str, dict[str, float]]:
    """Per request name: count, failures, median, p95, p99 and mean (ms), and requests per second."""
    found = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            found[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "rps": round(float(row["Requests/s"]), 2),
            }
    return found


def sample_memory(pid: int, every: float, into: list[tuple[float, int]], stop: threading.Event) -> None:
    """The resident memory of gunicorn's master and workers together, every ``every`` seconds."""
    import psutil

    started = time.monotonic()
    while not stop.wait(every):
        try:
            master = psutil.Process(pid)
            rss = sum(p.memory_info().rss for p in [master, *master.children(recursive=True)])
        except psutil.Error:
            continue
        into.append((round(time.monotonic() - started), rss))


class CpuSampler(threading.Thread):
    """CPU seconds (user + system) of gunicorn's master with its workers and of PostgreSQL's processes
    (every process named ``postgres``: this machine runs one cluster), sampled every second and
    remembered per process, so that a backend that ends during the run (a persistent connection is
    closed after CONN_MAX_AGE) still counts with what it used until its last sample. What a process used
    before its first sample or after its last (up to a second each) is missed, and lands in "other".
    ``spent`` gives the difference over the run, with the whole machine's for comparison."""

    def __init__(self, gunicorn_pid: int) -> None:
        super().__init__(daemon=True)
        self.gunicorn_pid = gunicorn_pid
        # per (group, pid, start time): a pid that the system gives to a new process is another key
        self.first: dict[tuple[str, int, float], float] = {}
        self.last: dict[tuple[str, int, float], float] = {}
        self.stop = threading.Event()
        self.machine_before = self._machine()

    @staticmethod
    def _machine() -> tuple[float, float]:
        import psutil

        times = psutil.cpu_times()
        return times.user + times.system + times.nice, times.system

    def sample(self) -> None:
        import psutil

        try:
            master = psutil.Process(self.gunicorn_pid)
            named = [("gunicorn", p) for p in [master, *master.children(recursive=True)]]
        except psutil.Error:
            named = []
        named += [("postgresql", p) for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        for group, process in named:
            try:
                times = process.cpu_times()
                key = (group, process.pid, process.create_time())
            except psutil.Error:
                continue
            self.first.setdefault(key, times.user + times.system)
            self.last[key] = times.user + times.system

    def run(self) -> None:
        self.sample()
        while not self.stop.wait(1.0):
            self.sample()

    def spent(self) -> dict[str, float]:
        self.stop.set()
        self.join()
        self.sample()
        machine, system = self._machine()
        spent = {"machine": machine - self.machine_before[0], "machine_system": system - self.machine_before[1]}
        for group in ("gunicorn", "postgresql"):
            spent[group] = sum(self.last[k] - self.first[k] for k in self.last if k[0] == group)
        return spent


def cpu_report(spent: dict[str, float], locust: float, requests: int) -> dict[str, float]:
    """Where the two cores went during the run, in CPU seconds and in CPU milliseconds per request; "other"
    is what none of gunicorn, PostgreSQL and Locust took: the rest of the machine, and what the sampler
    missed of a process before its first or after its last sample (so an upper bound on that)."""
    spent = {**spent, "locust": locust}
    spent["other"] = spent["machine"] - spent["gunicorn"] - spent["postgresql"] - locust
    report = {f"{name}_s": round(value, 1) for name, value in spent.items()}
    if requests:
        report |= {f"{name}_ms_per_request": round(1000 * value / requests, 1) for name, value in spent.items()}
    return report


def timeline(prefix: Path, memory: list[tuple[float, int]]) -> list[dict[str, float]]:
    """Per minute of the run: requests per second, p50 and p95 of that minute (Locust's history rows are
    cumulative for percentiles, so the minute's own figures come from its requests) and gunicorn's RSS."""
    with open(f"{prefix}_stats_history.csv", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["Name"] == "Aggregated" and row["Total Request Count"] not in ("", "0")
        ]
    if not rows:
        return []
    start = int(rows[0]["Timestamp"])
    minutes: dict[int, dict[str, float]] = {}
    for row in rows:
        minute = (int(row["Timestamp"]) - start) // 60
        minutes[minute] = {  # the last row of each minute: Locust's percentiles over its recent window
            "minute": minute + 1,
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]) if row["50%"] != "N/A" else 0.0,
            "p95_ms": float(row["95%"]) if row["95%"] != "N/A" else 0.0,
            "requests": int(row["Total Request Count"]),
            "failures": int(row["Total Failure Count"]),
        }
    for entry in minutes.values():
        at = [rss for second, rss in memory if second // 60 == entry["minute"] - 1]
        entry["rss_mb"] = round(max(at) / 2**20, 1) if at else 0.0
    return [minutes[m] for m in sorted(minutes)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="3m")
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--label", default="")
    parser.add_argument("--timeline", action="store_true", help="per minute: throughput, p50/p95, gunicorn RSS")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("De belastingtest draait op PostgreSQL (--database-url postgres://…).")

    subprocess.run(  # noqa: S603 - our own script
        [VENV / "python", PROJECT / "benchmarks" / "load" / "prepare.py", "--database-url", args.database_url],
        check=True,
    )
    calibration_before = calibration_ms()  # the VM's speed just before the run (machine() adds the one after)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "PYTHONPATH": str(PROJECT / "src"),
        "DJANGO_SETTINGS_MODULE": "toegang.conf.settings",
        "TOEGANG_SECRET_KEY": os.environ.get("TOEGANG_SECRET_KEY", "benchmark-only-not-secret"),
        "TOEGANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TOEGANG_REQUIRE_2FA": "1",
        "TOEGANG_DEBUG": "0",
        "TOEGANG_SECURE_COOKIES": "0",  # plain HTTP on the loopback; in production TLS ends in front of gunicorn
    }
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            VENV / "gunicorn",
            "toegang.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],  # fmt: skip
        env=env,
        cwd=PROJECT,
    )
    prefix = PROJECT / "var" / "load"
    memory: list[tuple[float, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.pid, 10.0, memory, stop), daemon=True)
    try:
        wait_for(f"http://127.0.0.1:{PORT}/gezondheid/")
        if args.timeline:
            sampler.start()
        started = time.monotonic()
        load_before = os.getloadavg()
        cpu = CpuSampler(server.pid)
        cpu.start()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(  # noqa: S603 - our own load test
            [
                VENV / "locust",
                "-f",
                PROJECT / "benchmarks" / "load" / "locustfile.py",
                "--headless",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--csv",
                prefix,
                "--only-summary",
                "--stop-timeout",
                "10",
                *(["--csv-full-history"] if args.timeline else []),
            ],  # fmt: skip
            env={**os.environ, "LOAD_MAX_REQUESTS": str(args.max_requests)},
            check=False,
        )
        seconds = round(time.monotonic() - started, 1)
        load_after = os.getloadavg()
        cpu_spent = cpu.spent()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # Locust is the one child reaped meanwhile
        locust_cpu = (children_after.ru_utime + children_after.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    setup_django(args.database_url)  # for the machine's description (PostgreSQL version)
    figures = stats(prefix)
    total = figures.get("Aggregated", {})
    report = {
        "date": dt.date.today().isoformat(),
        "label": args.label,
        "machine": machine(),
        "server": f"gunicorn, {args.workers} sync workers, 127.0.0.1",
        "users": args.users,
        "run_time_limit": args.run_time,
        "max_requests": args.max_requests,
        "seconds": seconds,
        "load_average_before_after": [load_before, load_after],
        "calibration_ms_before": calibration_before,
        "cpu": cpu_report(cpu_spent, locust_cpu, int(total.get("requests", 0))),
        "mix": {
            name: round(100 * f["requests"] / total["requests"], 1)
            for name, f in figures.items()
            if name != "Aggregated" and total.get("requests")
        },
        "requests": figures,
    }
    if args.timeline:
        report["timeline"] = timeline(prefix, memory)
    target = result_path(f"{report['date']}-load{'-' + args.label if args.label else ''}")
    target.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("seconds", "mix", "cpu")}, indent=1))
    print(f"geschreven: {target.relative_to(PROJECT)}")
    return 0 if total.get("failures", 1) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
