"""Settlement benchmark. Run: `.venv/bin/python bench/settlement.py` (--quick for a short run).

Delivered orders settled per second by `marketplace.settlement.orders_settle` (what
`manage.py settle` and the scheduled job run) in this process, on PostgreSQL: 20,000 delivered
cross-border orders (bench/settlement_world.py: cleared export and import declarations, duty
and tax, six sellers paid out in five currencies, small and not) are settled in chunks of
EWTP_SETTLEMENT_CHUNK, each chunk one transaction. Baseline in the same run: a separate sample
of 1,000 orders settled one order per transaction (chunk 1). After both: every order settled
exactly once, the payouts per seller and currency as worked out independently, `reconcile()`
clean (timed) and the trial balance zero. Beside the rate, what bounds it: CPU of this process
and of PostgreSQL's backends (from /proc), time waiting for statements, and the commit split
into the ledger's deferred constraint triggers, the deferred foreign keys and the rest.
Then another 20,000 settled by `--settlers` processes at once (default
EWTP_SETTLEMENT_SETTLERS, 2: what beat starts, and `manage.py settle --processes 2`; SKIP LOCKED
shares the chunks out). Target: >= 1,000 orders/s with those settlers, on this machine's two
cores; the one-process rate is printed beside it. --profile adds cProfile's top functions. See
docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_PG_DB", "ewtp_bench_settlement")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "ewtp.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
    "EMAIL_URL": "dummymail://",
    "CELERY_BROKER_URL": REDIS,
    "REDIS_URL": REDIS,
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from bench.clearance_world import TEMPLATES  # noqa: E402
from bench.measure import cpu_seconds, database_drop, machine_load  # noqa: E402
from bench.settlement_world import World, expected_payouts, set_deliver, world_create  # noqa: E402

TARGET = 1000.0  # orders per second


class Meter:
    """Time spent waiting for statements (by statement shape) and in each commit, split into
    the ledger's deferred constraint triggers, the deferred foreign keys and the commit itself:
    just before COMMIT, `SET CONSTRAINTS … IMMEDIATE` runs the pending checks of each group
    (the same checks the commit would run, PostgreSQL's retroactive rule), each timed."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection: Any = connection  # its private `_commit` is wrapped
        self.sql = 0.0
        self.statements = 0
        self.by_statement: dict[str, list[float]] = {}
        self.commits = 0
        self.parts = {"ledger triggers": 0.0, "foreign keys": 0.0, "commit": 0.0}
        with connection.cursor() as cur:
            cur.execute(
                "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
                "WHERE contype = 't'"
            )
            self.ledger = cur.fetchone()[0]

    def __enter__(self) -> Meter:
        self.connection.ensure_connection()
        self._wrapper = self.connection.execute_wrapper(self._timed)
        self._wrapper.__enter__()
        self._commit = self.connection._commit
        self.connection._commit = self._timed_commit
        return self

    def __exit__(self, *exc: Any) -> None:
        self.connection._commit = self._commit
        self._wrapper.__exit__(*exc)

    def _timed(self, execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            took = time.perf_counter() - t
            self.sql += took
            self.statements += 1
            shape = re.sub(r"(%s, )+%s|[0-9]+", "N", query[:90])
            self.by_statement.setdefault(shape, []).append(took)

    def _timed_commit(self) -> None:
        raw = self.connection.connection
        with raw.cursor() as cur:
            for part, sql in (
                ("ledger triggers", f"SET CONSTRAINTS {self.ledger} IMMEDIATE"),
                ("foreign keys", "SET CONSTRAINTS ALL IMMEDIATE"),
            ):
                t = time.perf_counter()
                cur.execute(sql)
                self.parts[part] += time.perf_counter() - t
        t = time.perf_counter()
        self._commit()
        self.parts["commit"] += time.perf_counter() - t
        self.commits += 1

    @property
    def at_commit(self) -> float:
        return sum(self.parts.values())


def backends() -> dict[int, float]:
    """CPU seconds so far of this database's PostgreSQL backends (this process's included)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {int(pid): cpu_seconds(int(pid)) for (pid,) in cur.fetchall()}


def settle_run(world: World, name: str, chunk: int, *, profile: bool) -> dict[str, Any]:
    """Settle every delivered order (the set `name`'s), `chunk` a transaction, timed by part."""
    import cProfile
    import pstats

    from django.db import connection

    from marketplace.settlement import orders_settle, orders_to_settle_count

    low, high = world.sets.orders(name)
    due = orders_to_settle_count()
    if due != high - low + 1:
        raise SystemExit(f"{name}: {due} orders delivered, expected {high - low + 1}")
    connection.ensure_connection()
    pg_before = backends()
    me_before = cpu_seconds(os.getpid())
    profiler = cProfile.Profile()
    with Meter() as meter:
        t0 = time.perf_counter()
        if profile:
            profiler.enable()
        summary = orders_settle(chunk=chunk)
        if profile:
            profiler.disable()
        seconds = time.perf_counter() - t0
    me = cpu_seconds(os.getpid()) - me_before
    pg_after = backends()
    postgres = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items())
    if summary.problems or summary.settled != due:
        raise SystemExit(f"{name}: {summary}; {dict(list(summary.problems.items())[:5])}")
    if profile:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(r"wt/[^/]+/(marketplace|payments|customs)/", 25)
    return {
        "count": due,
        "chunk": chunk,
        "payouts": summary.payouts,
        "seconds": seconds,
        "rate": due / seconds,
        "python_cpu": me,
        "postgres_cpu": postgres,
        "meter": meter,
    }


def _settler(chunk: int, results: Any) -> None:
    """One settler process: `orders_settle` on its own connection; reports what it settled and
    the CPU it and its PostgreSQL backend used."""
    from django.db import connection

    from marketplace.settlement import orders_settle

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = int(cur.fetchone()[0])
    me, pg = cpu_seconds(os.getpid()), cpu_seconds(backend)
    summary = orders_settle(chunk=chunk)
    me, pg = cpu_seconds(os.getpid()) - me, cpu_seconds(backend) - pg
    results.put((summary.settled, summary.payouts, len(summary.problems), me, pg))
    connection.close()


def settlers_run(world: World, name: str, chunk: int, settlers: int) -> dict[str, Any]:
    """The set's orders settled by `settlers` processes at once, each running `orders_settle`
    as `manage.py settle` would (SKIP LOCKED shares the chunks out)."""
    import multiprocessing

    from django.db import connections

    low, high = world.sets.orders(name)
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_settler, args=(chunk, results)) for _ in range(settlers)]
    t0 = time.perf_counter()
    for process in processes:
        process.start()
    done = [results.get(timeout=600) for _ in processes]
    seconds = time.perf_counter() - t0
    for process in processes:
        process.join()
    count = sum(d[0] for d in done)
    if count != high - low + 1 or any(d[2] for d in done):
        raise SystemExit(f"{name}: {count} settled of {high - low + 1}, problems in {done}")
    return {
        "count": count,
        "payouts": sum(d[1] for d in done),
        "seconds": seconds,
        "rate": count / seconds,
        "python_cpu": sum(d[3] for d in done),
        "postgres_cpu": sum(d[4] for d in done),
        "split": [d[0] for d in done],
    }


def verify(world: World, name: str, chunk: int, payouts: int | None) -> list[str]:
    """Every order of the set settled exactly once, with one timeline line; its payouts as
    worked out from the orders (settlement_world.expected_payouts)."""
    from django.db import connection

    low, high = world.sets.orders(name)
    checks = {
        "orders not settled": (
            "SELECT count(*) FROM marketplace_order WHERE id BETWEEN %s AND %s "
            "AND status <> 'settled'"
        ),
        "orders without exactly one settlement": (
            "SELECT count(*) FROM marketplace_order o WHERE o.id BETWEEN %s AND %s AND "
            "(SELECT count(*) FROM payments_settlement s WHERE s.reference = 'order:' || o.id) <> 1"
        ),
        "orders without exactly one `settled` timeline line": (
            "SELECT count(*) FROM marketplace_order o WHERE o.id BETWEEN %s AND %s AND "
            "(SELECT count(*) FROM marketplace_orderevent e "
            " WHERE e.order_id = o.id AND e.status = 'settled') <> 1"
        ),
        "payouts whose order count is not their settlements'": (
            "SELECT count(*) FROM payments_payout p WHERE p.id IN (SELECT s.payout_id FROM "
            "payments_settlement s WHERE substr(s.reference, 7)::bigint BETWEEN %s AND %s) AND "
            "p.order_count <> (SELECT count(*) FROM payments_settlement s "
            "WHERE s.payout_id = p.id)"
        ),
    }
    problems = []
    with connection.cursor() as cur:
        for what, sql in checks.items():
            cur.execute(sql, [low, high])
            bad = int(cur.fetchone()[0])
            if bad:
                problems.append(f"{name}: {bad} {what}")
        cur.execute(
            "SELECT o.id, o.seller_id, o.goods, s.employees FROM marketplace_order o "
            "JOIN marketplace_sellerprofile s ON s.id = o.seller_id WHERE o.id BETWEEN %s AND %s",
            [low, high],
        )
        rows = cur.fetchall()
        cur.execute(
            "SELECT p.seller, p.currency, sum(p.amount), count(*) FROM payments_payout p "
            "WHERE p.id IN (SELECT s.payout_id FROM payments_settlement s "
            "WHERE substr(s.reference, 7)::bigint BETWEEN %s AND %s) GROUP BY 1, 2",
            [low, high],
        )
        paid = {(int(seller), cur_): Decimal(total) for seller, cur_, total, _ in cur.fetchall()}
    count, totals = expected_payouts(rows, world.sellers, chunk)
    if payouts is not None and count != payouts:
        problems.append(f"{name}: {payouts} payouts, expected {count}")
    if paid != totals:
        problems.append(f"{name}: paid out {paid}, expected {totals}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 orders, sample 200")
    parser.add_argument("--orders", type=int, default=None, help="orders settled (20,000)")
    parser.add_argument("--sample", type=int, default=None, help="orders of the baseline (1,000)")
    parser.add_argument("--chunk", type=int, default=None, help="EWTP_SETTLEMENT_CHUNK")
    parser.add_argument(
        "--settlers",
        type=int,
        default=None,
        help="processes settling the set held to the target (EWTP_SETTLEMENT_SETTLERS, 2); "
        "1: the one-process run is",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB_NAME} afterwards")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the main run (its rate then is slower)"
    )
    args = parser.parse_args()
    from django.conf import settings

    from marketplace.reconciliation import reconcile
    from payments.selectors import trial_balance

    orders = args.orders or (2000 if args.quick else 20_000)
    sample = args.sample or (200 if args.quick else 1000)
    chunk = args.chunk or settings.EWTP_SETTLEMENT_CHUNK
    args.settlers = args.settlers or settings.EWTP_SETTLEMENT_SETTLERS
    print(f"Settlement: {machine_load()} before the set-up, {os.cpu_count()} cores")
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="ewtp-bench-settlement-"))
    sets = {"main": orders, "sample": sample}
    if args.settlers > 1:
        sets["many"] = orders
    world = world_create(work, ADMIN_DSN, DB_NAME, sets, held=set(sets) - {"main"})
    print(
        f"  set-up: {sum(sets.values()):,} orders ({TEMPLATES} placed, paid, cleared and "
        f"delivered for real, the rest copies of their rows; {world.declarations_with_charges} "
        f"of their declarations carry duty or tax), sellers paid out in "
        f"{sorted(world.sellers.values())}, in {time.perf_counter() - t0:.1f} s"
    )
    print(f"  {machine_load()} before the runs")
    main_run = settle_run(world, "main", chunk, profile=args.profile)
    many = None
    if args.settlers > 1:
        set_deliver(world.sets, "many")
        many = settlers_run(world, "many", chunk, args.settlers)
    set_deliver(world.sets, "sample")
    baseline = settle_run(world, "sample", 1, profile=False)
    print(f"  {machine_load()} after the runs")
    problems = verify(world, "main", chunk, main_run["payouts"])
    problems += verify(world, "sample", 1, baseline["payouts"])
    if many is not None:
        # Where one process's chunk ends and the other's begins is the race's: not the count.
        problems += verify(world, "many", chunk, None)
    t = time.perf_counter()
    report = reconcile()
    reconciled = time.perf_counter() - t
    problems += report.problems[:10]
    if report.orders != sum(sets.values()):
        problems.append(f"reconcile checked {report.orders} orders")
    unbalanced = {c: a for c, a in trial_balance().items() if a != 0}
    if unbalanced:
        problems.append(f"trial balance not zero: {unbalanced}")

    def line(label: str, run: dict[str, Any]) -> str:
        m: Meter = run["meter"]
        n = run["count"]
        per = run["seconds"] / n * 1000
        in_sql = m.sql / n * 1000
        commit = m.at_commit / n * 1000
        return (
            f"  {label}: {n:6,} orders in {run['seconds']:6.2f} s = {run['rate']:7,.0f} "
            f"orders/s ({run['payouts']:,} payouts, {m.commits:,} transactions)\n"
            f"    wall time per order {per:.3f} ms: statements {in_sql:.3f} ms "
            f"({m.statements / max(m.commits, 1):.1f} per transaction), at COMMIT "
            f"{commit:.3f} ms ("
            + ", ".join(f"{k} {v / n * 1000:.3f}" for k, v in m.parts.items())
            + f"), Python {per - in_sql - commit:.3f} ms\n"
            f"    CPU per order: this process {run['python_cpu'] / n * 1000:.3f} ms, "
            f"PostgreSQL's backends {run['postgres_cpu'] / n * 1000:.3f} ms"
        )

    print(line(f"chunks of {chunk}", main_run))
    ranked = sorted(main_run["meter"].by_statement.items(), key=lambda kv: -sum(kv[1]))
    for statement, times in ranked[:8]:
        print(
            f"      {sum(times) / main_run['count'] * 1000:6.3f} ms/order "
            f"{len(times) / max(main_run['meter'].commits, 1):5.1f}×/chunk  {statement}"
        )
    if many is not None:
        n = many["count"]
        print(
            f"  {args.settlers} settlers at once (each orders_settle, chunks of {chunk}): "
            f"{n:,} orders in {many['seconds']:.2f} s = {many['rate']:,.0f} orders/s "
            f"({many['payouts']:,} payouts; shared {many['split']}); CPU per order: the "
            f"processes {many['python_cpu'] / n * 1000:.3f} ms, their PostgreSQL backends "
            f"{many['postgres_cpu'] / n * 1000:.3f} ms"
        )
    print(line("baseline, one order a transaction", baseline))
    print(
        f"  chunks of {chunk} / one order a transaction: "
        f"× {main_run['rate'] / baseline['rate']:.1f}"
    )
    print(
        f"  reconcile(): {report.orders:,} orders and {report.payouts:,} payouts in "
        f"{reconciled:.2f} s ({report.orders / reconciled:,.0f} orders/s), "
        + ("clean" if not report.problems else f"{len(report.problems)} differences")
    )
    print(f"  trial balance: {unbalanced or 'zero in every currency'}")
    if not args.keep_db:
        database_drop(ADMIN_DSN, DB_NAME)
    if problems:
        print("WRONG RESULT:\n  " + "\n  ".join(problems))
        return 2
    print("  checked: every order settled once with one timeline line, payouts as expected")
    held = many if many is not None else main_run
    failed = held["rate"] < TARGET
    note = " (profiled run)" if args.profile and many is None else ""
    print(
        f"target (≥ {TARGET:,.0f} orders/s with {args.settlers} settler(s)){note}: "
        f"{held['rate']:,.0f} orders/s, " + ("MISSED" if failed else "met")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
