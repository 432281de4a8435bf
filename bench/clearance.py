"""Clearance benchmark. Run: `.venv/bin/python bench/clearance.py` (--quick for a short run).

Declarations cleared per second by real Celery workers on PostgreSQL and Redis: 10,000 paid
cross-border orders (20,000 declarations, export at hub O0 and import at hub D0, all
`submitted`; bench/clearance_world.py) are sent to the hubs' queues through
`customs.clearance.clearance_enqueue`, in batches of EWTP_CLEARANCE_BATCH, and cleared by one,
then (on a second set of 10,000 orders) two worker processes, each
`celery -A ewtp worker -Q customs.O0,customs.D0 --concurrency 1`. A run is timed from the
enqueue to the moment the database shows no declaration of its set still submitted, then
checked: every declaration screened once and cleared, every order cleared with one timeline line
per decision, the ledger balanced. Baseline in the same run: a sample cleared one declaration per
job (batch size 1) by the same two workers. Beside the rates: CPU per declaration of the workers
and of PostgreSQL's backends (from /proc), and what the workers' database sessions were doing
(pg_stat_activity, sampled). Target: >= 1,400 declarations/s with 2 workers.
--profile-only clears one set in this process, job after job, with the time spent in SQL
(--cprofile adds the top functions). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_PG_DB", "ewtp_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "ewtp.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
    # Persistent database connections, as ewtp.settings.production configures them: a worker
    # keeps its connection from one job to the next.
    "DJANGO_CONN_MAX_AGE": "60",
    "EMAIL_URL": "dummymail://",
    # The broker and the "versions" cache (reference data tokens) in the benchmark's own Redis db.
    "CELERY_BROKER_URL": REDIS,
    "REDIS_URL": REDIS,
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from bench.clearance_world import EXPORT_HUB, IMPORT_HUB, TEMPLATES, Sets, world_create  # noqa: E402
from bench.measure import cpu_seconds, database_drop, machine_load  # noqa: E402

TARGET = 1400.0  # declarations per second with 2 workers
QUEUES = f"customs.{EXPORT_HUB},customs.{IMPORT_HUB}"


def redis_flush() -> None:
    """Empty the benchmark's Redis database: no message left from an earlier run. Once, before
    any process declares the queues (their bindings live there too)."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def workers_start(n: int, log: Path) -> list[subprocess.Popen[bytes]]:
    """`n` worker processes on both hubs' queues, each one prefork child; back once all answer.
    Their output goes to `log`."""
    from ewtp.celery import app

    host = socket.gethostname()
    names = [f"bench{i}@{host}" for i in range(1, n + 1)]
    with log.open("ab") as out:
        workers = [
            subprocess.Popen(  # noqa: S603
                [
                    *(sys.executable, "-m", "celery", "-A", "ewtp", "worker", "-Q", QUEUES),
                    *("--concurrency", "1", "-n", name, "-l", "warning"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            for name in names
        ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answered = {name for reply in app.control.ping(timeout=0.5) or [] for name in reply}
        if answered >= set(names):
            return workers
        if any(w.poll() is not None for w in workers):
            break
    workers_stop(workers)
    raise SystemExit(f"the Celery workers did not start; see {log}")


def workers_stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()  # warm shutdown: the running job finishes
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def _queues_state() -> str:
    import redis

    client = redis.Redis.from_url(REDIS)
    waiting = {q: client.llen(q) for q in QUEUES.split(",")}
    return f"messages waiting {waiting}, unacknowledged {client.hlen('unacked')}"


def _children(pids: set[int]) -> set[int]:
    found = set(pids)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent in pids:
            found.add(int(stat.parent.name))
    return found


def cpu_snapshot(workers: list[subprocess.Popen[bytes]]) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the worker processes (each with its pool child) and of this
    database's PostgreSQL backends other than this process's own."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = {int(pid) for (pid,) in cur.fetchall()}
    return {
        "workers": {pid: cpu_seconds(pid) for pid in _children({w.pid for w in workers})},
        "postgres": {pid: cpu_seconds(pid) for pid in backends},
    }


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _submitted(low: int, high: int) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM customs_declaration "
            "WHERE id BETWEEN %s AND %s AND status = 'submitted'",
            [low, high],
        )
        return int(cur.fetchone()[0])


def declarations_by_hub(sets: Sets, name: str) -> dict[str, list[int]]:
    """The set's declaration ids by hub code, as clearance_enqueue takes them."""
    from customs.models import Declaration

    low, high = sets.declarations(name)
    by_hub: dict[str, list[int]] = {EXPORT_HUB: [], IMPORT_HUB: []}
    found = Declaration.objects.filter(pk__range=(low, high)).order_by("pk")
    for pk, hub in found.values_list("pk", "hub__code"):
        by_hub[hub].append(pk)
    return by_hub


def clear_run(sets: Sets, name: str, workers: int, batch: int, log: Path) -> dict[str, Any]:
    """Send the set's declarations to the hubs' queues, in jobs of `batch`, and time `workers`
    fresh workers clearing them all."""
    from django.test.utils import override_settings

    from customs.clearance import clearance_enqueue

    low, high = sets.declarations(name)
    by_hub = declarations_by_hub(sets, name)
    count = sum(len(ids) for ids in by_hub.values())
    started = workers_start(workers, log)
    try:
        before = cpu_snapshot(started)
        t0 = time.perf_counter()
        with override_settings(EWTP_CLEARANCE_BATCH=batch):
            clearance_enqueue(by_hub)
        sent = time.perf_counter() - t0
        left, last_change, last_left = count, time.perf_counter(), count
        states: dict[str, int] = {}
        while left:
            time.sleep(0.05)
            left = _submitted(low, high)
            _states_sample(states)
            now = time.perf_counter()
            if left != last_left:
                last_change, last_left = now, left
            elif now - last_change > 60:
                raise SystemExit(
                    f"{name}: {left} declarations still submitted after a minute "
                    f"({_queues_state()}); see {log}"
                )
        seconds = time.perf_counter() - t0
        after = cpu_snapshot(started)
    finally:
        workers_stop(started)
    verify(sets, name)
    return {
        "count": count,
        "seconds": seconds,
        "rate": count / seconds,
        "enqueue": sent,
        # CPU per declaration, in ms: the workers' Python, PostgreSQL's backends.
        "worker_ms": _cpu_used(before["workers"], after["workers"]) / count * 1000,
        "postgres_ms": _cpu_used(before["postgres"], after["postgres"]) / count * 1000,
        "states": states,
    }


# What a worker's database session is doing, as pg_stat_activity shows it.
STATES = {
    "python": "the worker's Python, in a job's transaction",
    "postgres": "PostgreSQL running a statement",
    "lock": "waiting for a row lock",
    "commit": "waiting for the WAL at commit",
    "between": "between jobs (Python outside a transaction, the broker)",
}


def _states_sample(states: dict[str, int]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        for state, wait_type, wait in cur.fetchall():
            if state == "idle in transaction":
                what = "python"
            elif state != "active":
                what = "between"
            elif wait_type == "Lock":
                what = "lock"
            elif wait_type in ("IO", "LWLock") and str(wait).startswith("WAL"):
                what = "commit"
            else:
                what = "postgres"
            states[what] = states.get(what, 0) + 1


def profile_run(sets: Sets, name: str, batch: int, *, cprofile: bool) -> None:
    """The set's jobs run one after another in this process (no Celery, no concurrency): time
    per declaration, the part spent waiting for PostgreSQL, statements per job, and with
    `cprofile` the top functions."""
    import cProfile
    import pstats
    import re

    from django.db import connection

    from customs.clearance import declarations_clear

    low, high = sets.declarations(name)
    by_hub = declarations_by_hub(sets, name)
    jobs = [
        ids[start : start + batch] for ids in by_hub.values() for start in range(0, len(ids), batch)
    ]
    sql = {"n": 0, "s": 0.0}
    by_statement: dict[str, list[float]] = {}

    def timed(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            took = time.perf_counter() - t
            sql["s"] += took
            sql["n"] += 1
            by_statement.setdefault(re.sub(r"[0-9]+", "N", query[:100]), []).append(took)

    declarations_clear(ids=jobs.pop())  # warm: the tariff, network and rates; not counted
    count = sum(len(j) for j in jobs)
    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        if cprofile:
            profiler.enable()
        for job in jobs:
            declarations_clear(ids=job)
        if cprofile:
            profiler.disable()
        seconds = time.perf_counter() - t0
    verify_declarations = _submitted(low, high)
    per = seconds / count * 1000
    in_sql = sql["s"] / count * 1000
    print(
        f"  one process, {len(jobs)} jobs of {batch} run in turn ({count:,} declarations): "
        f"{count / seconds:,.0f} declarations/s, {per:.3f} ms each, of which {in_sql:.3f} ms "
        f"waiting for PostgreSQL ({sql['n'] / len(jobs):.1f} statements a job), "
        f"{per - in_sql:.3f} ms Python; {verify_declarations} left submitted"
    )
    ranked = sorted(by_statement.items(), key=lambda kv: -sum(kv[1]))
    for statement, times in ranked[:12]:
        print(
            f"    {sum(times) / count * 1000:6.3f} ms/decl {len(times) / len(jobs):5.1f}×/job  "
            f"{statement}"
        )
    if cprofile:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)
        project = r"wt/[^/]+/(marketplace|payments|customs|ehubs)/"
        stats.sort_stats("cumulative").print_stats(project, 40)


def verify(sets: Sets, name: str) -> None:
    """Every declaration of the set screened exactly once and cleared; every order cleared, with
    one timeline line for each of its two decisions; the ledger balanced."""
    from django.db import connection

    from payments.selectors import trial_balance

    d_low, d_high = sets.declarations(name)
    o_low, o_high = sets.orders(name)
    checks = {
        "declarations not cleared": (
            "SELECT count(*) FROM customs_declaration WHERE id BETWEEN %s AND %s "
            "AND (status <> 'cleared' OR decided_at IS NULL)",
            [d_low, d_high],
        ),
        "declarations not screened exactly once": (
            "SELECT count(*) FROM customs_declaration d WHERE d.id BETWEEN %s AND %s AND "
            "(SELECT count(*) FROM customs_declarationevent e "
            " WHERE e.declaration_id = d.id AND e.kind = 'screened') <> 1",
            [d_low, d_high],
        ),
        "orders not cleared": (
            "SELECT count(*) FROM marketplace_order WHERE id BETWEEN %s AND %s "
            "AND status <> 'cleared'",
            [o_low, o_high],
        ),
        # Three lines from the payment, then "in customs" after the first decision and
        # "cleared" after the second.
        "orders without their two customs lines": (
            "SELECT count(*) FROM marketplace_order o WHERE o.id BETWEEN %s AND %s AND "
            "(SELECT array_agg(e.status ORDER BY e.at, e.id) FROM marketplace_orderevent e "
            " WHERE e.order_id = o.id) <> "
            "ARRAY['pending_payment', 'paid', 'paid', 'in_customs', 'cleared']::varchar[]",
            [o_low, o_high],
        ),
    }
    problems = []
    with connection.cursor() as cur:
        for what, (sql, params) in checks.items():
            cur.execute(sql, params)
            bad = int(cur.fetchone()[0])
            if bad:
                problems.append(f"{bad} {what}")
    unbalanced = {c: a for c, a in trial_balance().items() if a != 0}
    if unbalanced:
        problems.append(f"trial balance not zero: {unbalanced}")
    if problems:
        raise SystemExit(f"{name}: wrong result: " + "; ".join(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 orders a set, sample 200")
    parser.add_argument("--orders", type=int, default=None, help="orders per set (10,000)")
    parser.add_argument("--sample", type=int, default=None, help="orders of the baseline (500)")
    parser.add_argument("--batch", type=int, default=None, help="EWTP_CLEARANCE_BATCH")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB_NAME} afterwards")
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="set up, then only clear one set in this process, timed by part",
    )
    parser.add_argument("--cprofile", action="store_true", help="with --profile-only: cProfile")
    args = parser.parse_args()
    from django.conf import settings

    orders = args.orders or (2000 if args.quick else 10_000)
    sample = args.sample or (200 if args.quick else 500)
    batch = args.batch or settings.EWTP_CLEARANCE_BATCH
    print(f"Clearance: {machine_load()} before the set-up, {os.cpu_count()} cores")
    if args.profile_only:
        work = Path(tempfile.mkdtemp(prefix="ewtp-bench-clearance-"))
        sets = world_create(work, ADMIN_DSN, DB_NAME, {"profile": orders})
        profile_run(sets, "profile", batch, cprofile=args.cprofile)
        if not args.keep_db:
            database_drop(ADMIN_DSN, DB_NAME)
        return 0
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="ewtp-bench-clearance-"))
    log = work / "workers.log"
    redis_flush()
    sets = world_create(
        work,
        ADMIN_DSN,
        DB_NAME,
        {"one": orders, "two": orders, "sample": sample},
    )
    setup = time.perf_counter() - t0
    total = 2 * orders + sample
    print(
        f"  set-up: {total:,} paid orders ({TEMPLATES} paid through order_pay, the rest copies "
        f"of their rows), {2 * total:,} declarations submitted, in {setup:.1f} s"
    )
    print(f"  {machine_load()} before the runs")
    one = clear_run(sets, "one", 1, batch, log)
    two = clear_run(sets, "two", 2, batch, log)
    single = clear_run(sets, "sample", 2, 1, log)
    print(f"  {machine_load()} after the runs")

    def line(label: str, run: dict[str, Any]) -> str:
        return (
            f"  {label}: {run['count']:6,.0f} declarations in {run['seconds']:6.2f} s = "
            f"{run['rate']:7,.0f} declarations/s (enqueue {run['enqueue'] * 1000:.0f} ms); "
            f"CPU per declaration: workers {run['worker_ms']:.3f} ms, PostgreSQL "
            f"{run['postgres_ms']:.3f} ms"
        )

    print(f"  workers: celery worker -Q {QUEUES} --concurrency 1, each a process; batch {batch}")
    print(line("1 worker ", one))
    print(line("2 workers", two))
    for label, run in (("1 worker", one), ("2 workers", two)):
        seen = sum(run["states"].values()) or 1
        print(
            f"    {label}, the workers' database sessions, sampled every 50 ms: "
            + ", ".join(
                f"{run['states'].get(key, 0) / seen:.0%} {what}" for key, what in STATES.items()
            )
        )
    print(f"  scaling 1 → 2 workers: × {two['rate'] / one['rate']:.2f}")
    print(line("baseline, batch 1, 2 workers", single))
    print(f"  batching ({batch}) / one per job: × {two['rate'] / single['rate']:.1f}")
    cpu = two["worker_ms"] + two["postgres_ms"]
    print(
        f"  CPU bound: {cpu:.3f} ms of CPU per declaration (2 workers' run) → at most "
        f"{(os.cpu_count() or 1) * 1000 / cpu:,.0f} declarations/s on {os.cpu_count()} "
        "cores with nothing else running (Redis, the broker's round trips and this process's "
        "polling not counted)"
    )
    print("  every run checked: each declaration screened once and cleared, each order cleared")
    if not args.keep_db:
        database_drop(ADMIN_DSN, DB_NAME)
    failed = two["rate"] < TARGET
    print(f"target (≥ {TARGET:,.0f}/s with 2 workers): " + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
