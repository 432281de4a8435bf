"""Checkout benchmark. Run: `.venv/bin/python bench/checkout.py` (--quick for a short run).

Checkouts per second (order + stock + payment + ledger): 16 concurrent clients, each a process
with its own buyer and PostgreSQL connection, run orders_place then order_pay (sandbox good card)
back to back on a fresh database (bench/checkout_services.py). In the same run, the bound:
pgbench -c 16 -j 2 running the statements the application runs for one checkout, in the same
two transactions (bench/checkout_world.py). Target: checkouts >= 25 % of pgbench's. Beside them,
with no target, the same checkouts over HTTP (POST /api/v1/orders/, POST .../pay/) against
gunicorn sync workers with API rate limits off (EWTP_API_THROTTLE=false), a hot-row variant
(every client buys the same listings) and a phase profile of one client's path (SQL time and
query count per request; --profile adds cProfile's top functions). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_PG_DB", "ewtp_bench_checkout")
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", "5432", "postgres"
SERVER_ENV = {
    "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "ewtp.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_LOG_LEVEL": "WARNING",
    # Persistent database connections, as ewtp.settings.production configures them.
    "DJANGO_CONN_MAX_AGE": "60",
    # 16 clients send hundreds of requests a second: far past the per-user API rate limits.
    "EWTP_API_THROTTLE": "false",
    # The paid-order emails are rendered, then dropped: no mail server in the benchmark.
    "EMAIL_URL": "dummymail://",
}
os.environ.update(SERVER_ENV)
os.environ.pop("CELERY_BROKER_URL", None)

import django  # noqa: E402

django.setup()

from bench.checkout_services import services_run  # noqa: E402
from bench.checkout_world import (  # noqa: E402
    CURRENCY,
    World,
    database_create,
    database_drop,
    pgbench_script,
    reference_data_load,
    world_create,
)
from bench.quotes import _free_port  # noqa: E402

GOOD_CARD = "4242424242424242"
TARGET = 0.25


class Tally:
    """Checkouts done and request latencies, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.errors: list[str] = []
        self.create_ms: list[float] = []
        self.pay_ms: list[float] = []


def _post(port: int, path: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw[:300]
    finally:
        conn.close()


def _order_body(buyer_country: str, a: int, b: int) -> dict[str, Any]:
    return {
        "currency": CURRENCY,
        "shipping_address": {
            "name": "Bench Buyer",
            "line1": "1 Bench Street",
            "city": "Bench City",
            "postal_code": "1000",
            "country": buyer_country,
        },
        "lines": [{"listing": a, "quantity": 1}, {"listing": b, "quantity": 1}],
    }


def _client(port: int, world: World, n: int, hot: bool, until: float, tally: Tally) -> None:
    buyer = world.buyers[n]
    rng = random.Random(n)
    while time.perf_counter() < until:
        a, b = (world.first_listing, world.first_listing + 1) if hot else world.pair(rng)
        t0 = time.perf_counter()
        body = _order_body(buyer.country, a, b)
        code, created = _post(port, "/api/v1/orders/", buyer.token, body)
        t1 = time.perf_counter()
        if code != 201:
            with tally.lock:
                tally.errors.append(f"POST /api/v1/orders/: {code} {created}")
            return
        order_id = created["orders"][0]["id"]
        code, paid = _post(
            port, f"/api/v1/orders/{order_id}/pay/", buyer.token, {"card_number": GOOD_CARD}
        )
        t2 = time.perf_counter()
        if code != 200 or paid["status"] != "paid":
            with tally.lock:
                tally.errors.append(f"POST /api/v1/orders/{order_id}/pay/: {code} {paid}")
            return
        with tally.lock:
            if t2 <= until:
                tally.done += 1
            tally.create_ms.append((t1 - t0) * 1000)
            tally.pay_ms.append((t2 - t1) * 1000)


def http_run(port: int, world: World, seconds: float, *, hot: bool = False) -> dict[str, float]:
    """Checkouts per second with one thread per buyer, for `seconds`."""
    tally = Tally()
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, world, n, hot, until, tally))
        for n in range(len(world.buyers))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if tally.errors:
        raise SystemExit(f"{len(tally.errors)} checkouts failed, e.g. {tally.errors[0]}")
    return {
        "cps": tally.done / seconds,
        "create_p50": statistics.median(tally.create_ms),
        "pay_p50": statistics.median(tally.pay_ms),
        "create_p95": statistics.quantiles(tally.create_ms, n=20)[-1],
        "pay_p95": statistics.quantiles(tally.pay_ms, n=20)[-1],
    }


def pgbench_run(script: Path, variables: dict[str, int], seconds: float, clients: int) -> float:
    """pgbench's transactions (checkouts) per second with the custom script."""
    defines = [f"-D{name}={value}" for name, value in variables.items()]
    result = subprocess.run(  # noqa: S603
        [
            *("pgbench", "-n", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-c", str(clients)),
            *("-j", "2", "-T", str(max(1, round(seconds))), "-f", str(script), *defines, DB_NAME),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout)
    failed = re.search(r"number of failed transactions: ([1-9][0-9]*)", result.stdout)
    if result.returncode or found is None or failed:
        raise SystemExit(f"pgbench failed:\n{result.stdout}{result.stderr}")
    return float(found.group(1))


def _server_start(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            *(sys.executable, "-m", "gunicorn", "ewtp.wsgi:application", "--backlog", "256"),
            *("--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/v1/health/")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def pgbench_variables(world: World, *, hot: bool) -> dict[str, int]:
    """The ids the script needs: listings, buyers, the two ledger accounts and a route's hubs."""
    from marketplace.models import Order
    from payments.models import Account

    order = Order.objects.filter(status="paid").order_by("id").first()
    assert order is not None, "warm up first: the accounts and a route come from a real order"
    hubs = sorted(order.hubs.values_list("id", flat=True))
    accounts = dict(Account.objects.values_list("code", "id"))
    return {
        "first_listing": world.first_listing,
        "sellers": world.sellers,
        "per_seller": world.per_seller,
        "hot": int(hot),
        "first_buyer": world.buyers[0].buyer_id,
        "first_user": world.buyers[0].user_id,
        "hub_a": hubs[0],
        "hub_b": hubs[-1] if len(hubs) > 1 else hubs[0],
        "provider_account": accounts["provider:sandbox"],
        "escrow_account": accounts["escrow"],
    }


def phase_profile(world: World, checkouts: int, *, cprofile: bool) -> None:
    """One client's path in this process (Django's test client, no HTTP): time per request,
    the part spent waiting for SQL, and the query count."""
    from django.db import connection
    from django.test import Client

    buyer = world.buyers[0]
    client = Client(HTTP_AUTHORIZATION=f"Token {buyer.token}")
    rng = random.Random(99)
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
            by_statement.setdefault(re.sub(r"[0-9]+", "N", query[:90]), []).append(took)

    phases: dict[str, list[tuple[float, float, float]]] = {"create": [], "pay": []}

    def one() -> None:
        a, b = world.pair(rng)
        for phase in ("create", "pay"):
            sql["n"], sql["s"] = 0, 0.0
            t = time.perf_counter()
            if phase == "create":
                response = client.post(
                    "/api/v1/orders/", _order_body(buyer.country, a, b), "application/json"
                )
                order_id = response.json()["orders"][0]["id"]
            else:
                pay = {"card_number": GOOD_CARD}
                response = client.post(f"/api/v1/orders/{order_id}/pay/", pay, "application/json")
            assert response.status_code in (200, 201), response.content
            phases[phase].append((time.perf_counter() - t, sql["s"], sql["n"]))

    with connection.execute_wrapper(timed):
        for _ in range(3):
            one()  # warm
        phases = {"create": [], "pay": []}
        by_statement.clear()
        if cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        for _ in range(checkouts):
            one()
        if cprofile:
            profiler.disable()
    print(f"  one client's path, in-process (no HTTP, no concurrency), {checkouts} checkouts:")
    for phase, rows in phases.items():
        total = statistics.mean(r[0] for r in rows) * 1000
        in_sql = statistics.mean(r[1] for r in rows) * 1000
        queries = statistics.mean(r[2] for r in rows)
        print(
            f"    {phase:6}: {total:5.1f} ms, of which {in_sql:4.1f} ms waiting for SQL "
            f"({queries:.0f} queries), {total - in_sql:4.1f} ms Python"
        )
    if cprofile:
        print("  statements by total time per checkout (ms, count per checkout):")
        ranked = sorted(by_statement.items(), key=lambda kv: -sum(kv[1]))
        for statement, times in ranked[:25]:
            per = sum(times) / checkouts * 1000
            print(f"    {per:5.2f} ms {len(times) / checkouts:4.1f}×  {statement}")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        # The project's own functions, and the framework's that its requests spend most in.
        project = r"wt/[^/]+/(marketplace|payments|customs|ehubs|ewtp)/|rest_framework|models/sql"
        stats.sort_stats("cumulative").print_stats(project, 45)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs, no hot-row variant")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=None, help="alternating HTTP/pgbench rounds")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--no-hot", action="store_true", help="skip the hot-row variant")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument(
        "--profile-only", action="store_true", help="set up, then only the phase profile"
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB_NAME} afterwards")
    args = parser.parse_args()
    seconds = args.seconds or (8.0 if args.quick else 15.0)
    rounds = args.rounds or 2
    hot = not (args.no_hot or args.quick)

    t0 = time.perf_counter()
    database_create(ADMIN_DSN, DB_NAME)
    work = Path(tempfile.mkdtemp(prefix="ewtp-bench-checkout-"))
    dests = reference_data_load(work)
    world = world_create(clients=args.clients, dests=dests)
    setup_s = time.perf_counter() - t0
    if args.profile_only:
        phase_profile(world, 60, cprofile=args.profile)
        return 0
    server, port = _server_start(args.workers)
    try:
        http_run(port, world, 3.0)  # warm up: every worker loads tariffs, network and rates
        from marketplace.models import Order

        quote = Order.objects.order_by("id").values_list("quote", flat=True).first()
        script = work / "checkout.sql"
        script.write_text(pgbench_script(quote))
        spread = pgbench_variables(world, hot=False)
        pgbench_run(script, spread, 2.0, args.clients)  # warm up
        svc_runs, http_runs, pg_runs = [], [], []
        # Alternate so that drift in the shared machine's speed falls on all alike.
        for _ in range(rounds):
            svc_runs.append(services_run(world, seconds))
            pg_runs.append(pgbench_run(script, spread, seconds, args.clients))
            http_runs.append(http_run(port, world, seconds))
        if hot:
            hot_svc = services_run(world, seconds / 2, hot=True)
            hot_pg = pgbench_run(script, pgbench_variables(world, hot=True), seconds / 2, 16)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ratios = [c / p for c, p in zip(svc_runs, pg_runs, strict=True)]
    ratio = statistics.median(ratios)
    svc = statistics.median(svc_runs)
    cps = statistics.median(h["cps"] for h in http_runs)
    bound = statistics.median(pg_runs)
    last = http_runs[-1]
    print(
        f"Checkout: {args.clients} concurrent clients (one buyer and one PostgreSQL connection "
        f"each), database {DB_NAME}, {os.cpu_count()} cores"
    )
    print(f"  set-up (create, migrate, import, {len(world.buyers)} buyers): {setup_s:.1f} s")
    print(f"  {rounds} alternating rounds of {seconds:.0f} s each")
    print(
        f"  checkouts (orders_place + order_pay, {args.clients} processes): {svc:8.1f} checkouts/s"
    )
    print(f"  bound: pgbench -c {args.clients} -j 2, same SQL writes:   {bound:8.1f} checkouts/s")
    print(
        f"  checkouts / bound: {ratio:.1%}  (target ≥ {TARGET:.0%}); by round: "
        + ", ".join(f"{r:.1%}" for r in ratios)
    )
    print(
        f"  over HTTP (POST orders + POST pay, gunicorn {args.workers} sync workers, "
        f"{args.clients} client threads; API rate limits off, EWTP_API_THROTTLE=false): "
        f"{cps:.1f} checkouts/s ({cps / bound:.1%} of the bound; no target)"
    )
    print(
        f"    latency p50/p95: create {last['create_p50']:.0f}/{last['create_p95']:.0f} ms, "
        f"pay {last['pay_p50']:.0f}/{last['pay_p95']:.0f} ms"
    )
    if hot:
        print(
            f"  hot row (every client buys the same two listings): {hot_svc:.1f} checkouts/s, "
            f"pgbench {hot_pg:.1f} ({hot_svc / hot_pg:.1%})"
        )
    phase_profile(world, 30 if args.quick else 60, cprofile=args.profile)
    if not args.keep_db:
        from django.db import connections

        connections.close_all()
        database_drop(ADMIN_DSN, DB_NAME)
    failed = ratio < TARGET
    print("target: " + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
