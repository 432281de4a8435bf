"""Quote benchmarks. Run: `.venv/bin/python bench/quotes.py` (add --quick for a short run).

(a) engine quotes per second on one core with 50,000 tariff rows over 50 destinations, beside a
    baseline that finds rows by scanning them all (the same engine, a naive look-up);
(b) HTTP throughput of POST /api/v1/quotes/ beside a trivial DRF endpoint (GET /api/v1/health/)
    on the same gunicorn server (one sync worker) with the same data loaded through the import
    commands, with the API rate limits turned off (EWTP_API_THROTTLE=false). Targets: (a) ≥
    2,000 quotes/s; (b) ≥ 50 % of the trivial endpoint.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.base")

import django  # noqa: E402

django.setup()

from bench.worlds import (  # noqa: E402
    COLUMNS,
    HS_CODES,
    ORIGINS,
    SELLER_COUNTRIES,
    destinations,
    network_document,
    tariff_rows,
    to_rule,
)
from customs.landed_cost import Consignment, QuoteLine, QuoteRefused, quote  # noqa: E402
from customs.tariff import TariffIndex, TariffRule  # noqa: E402
from ehubs.routing import Leg, Network  # noqa: E402
from payments.fx import Rates  # noqa: E402

ROWS = 50_000
DESTS = 50
RATES = {
    "CNY": "7.12",
    "MYR": "4.40",
    "THB": "34.5",
    "RWF": "1450",
    "ETB": "155",
    "KES": "129",
    "EUR": "0.865",
}


class ScanningIndex(TariffIndex):
    """Baseline: the same matching rule, found by scanning every row."""

    def __init__(self, rules: list[TariffRule]) -> None:
        super().__init__(rules)
        self._rows = rules

    def match(
        self,
        kind: str,
        destination: str,
        *,
        hs_code: str = "",
        origin: str = "",
        employees: int | None = None,
        on: date,
    ) -> TariffRule | None:
        best = None
        for rule in self._rows:
            if (
                rule.kind == kind
                and rule.destination == destination
                and hs_code.startswith(rule.hs_prefix)
                and rule.applies(on=on, origin=origin, employees=employees)
                and (best is None or rule.specificity() > best.specificity())
            ):
                best = rule
        return best


def _consignments(n: int, dests: list[str], seed: int = 11) -> list[tuple[Consignment, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lines = tuple(
            QuoteLine(
                listing_id=i,
                hs_code=rng.choice(HS_CODES),
                origin=rng.choice(ORIGINS),
                unit_price=Decimal(rng.randint(100, 40000)) / 100,
                currency="USD",
                weight_grams=rng.randint(50, 5000),
                quantity=rng.randint(1, 5),
            )
            for i in range(rng.randint(1, 4))
        )
        country = rng.choice(SELLER_COUNTRIES)
        out.append((Consignment(country, rng.choice([3, 12, 40, 250]), lines), rng.choice(dests)))
    return out


def engine_bench(quick: bool) -> dict[str, float]:
    dests = destinations(DESTS)
    rows = tariff_rows(dests, ROWS)
    rules = [to_rule(r, i) for i, r in enumerate(rows, 1)]
    t0 = time.perf_counter()
    index = TariffIndex(rules)
    build_s = time.perf_counter() - t0
    doc: dict[str, Any] = network_document(dests)
    network = Network.build(
        serves={h["code"]: h["serves"] for h in doc["hubs"]},
        legs=[
            Leg(
                c["from"],
                c["to"],
                c["transit_days"],
                c["currency"],
                Decimal(c["base_fee"]),
                Decimal(c["per_kg"]),
            )
            for c in doc["corridors"]
        ],
    )
    rates = Rates("USD", {k: Decimal(v) for k, v in RATES.items()})
    work = _consignments(2000, dests)
    on = date(2026, 11, 23)

    def run(idx: TariffIndex, items: list[tuple[Consignment, str]]) -> tuple[float, int]:
        refused = 0
        t = time.perf_counter()
        for cons, dest in items:
            try:
                quote(
                    [cons],
                    destination=dest,
                    currency="EUR",
                    on=on,
                    network=network,
                    tariff=idx,
                    rates=rates,
                )
            except QuoteRefused:
                refused += 1
        return len(items) / (time.perf_counter() - t), refused

    cold, _ = run(index, work)  # first pass: every route found afresh
    rounds = 1 if quick else 3
    indexed = max(run(index, work)[0] for _ in range(rounds))
    _, refused = run(index, work)
    scanning, _ = run(ScanningIndex(rules), work[: 20 if quick else 60])
    print(f"(a) engine, {index.size:,} tariff rows over {len(index.destinations)} destinations")
    print(f"    index build:          {build_s * 1000:8.1f} ms")
    print(f"    indexed look-up:      {indexed:8.0f} quotes/s  (target ≥ 2,000)")
    print(f"      first pass, no route remembered yet: {cold:8.0f} quotes/s")
    print(
        f"    baseline (row scan):  {scanning:8.1f} quotes/s  → index is {indexed / scanning:,.0f}×"
    )
    print(f"    refused quotes in the mix: {refused / len(work):.0%} (prohibited goods, no tariff)")
    return {"engine_qps": indexed, "scan_qps": scanning}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request_bytes(method: str, path: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _hammer(args: tuple[int, list[bytes], float]) -> tuple[int, int]:
    """One client process: send requests back to back for `seconds`; count 200s and others."""
    port, requests, seconds = args
    ok = bad = 0
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(requests[i % len(requests)])
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        status = b"".join(chunks)[9:12]
        if status == b"200":
            ok += 1
        else:
            bad += 1
        i += 1
    return ok, bad


def _throughput(port: int, requests: list[bytes], seconds: float, clients: int) -> float:
    from multiprocessing import Pool

    with Pool(clients) as pool:
        results = pool.map(_hammer, [(port, requests, seconds)] * clients)
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    if bad:
        raise SystemExit(f"{bad} requests did not answer 200; the benchmark data is wrong")
    return ok / seconds


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


LISTINGS_SCRIPT = """
import json, random
from djmoney.money import Money
from marketplace import services
from bench.worlds import HS_CODES, ORIGINS, SELLER_COUNTRIES
rng = random.Random(5)
ids = []
for n, country in enumerate(SELLER_COUNTRIES):
    seller = services.seller_register(username=f"bench-{n}", password="Bench-pass-2026!",
        email="", company_name=f"Bench {country}", country=country, employees=[5, 40][n % 2])
    for i in range(40):
        ids.append(services.listing_create(seller=seller, title=f"Bench item {n}-{i}",
            hs_code=rng.choice(HS_CODES), origin_country=rng.choice(ORIGINS),
            price=Money(rng.randint(100, 90000) / 100, "USD"), stock=100,
            weight_grams=rng.randint(50, 4000), status="active").pk)
print(json.dumps(ids))
"""


def http_bench(rounds: int, seconds: float) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="ewtp-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
        "DJANGO_SETTINGS_MODULE": "ewtp.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        # Persistent database connections, as ewtp.settings.production configures them.
        "DJANGO_CONN_MAX_AGE": "60",
        # The benchmark sends thousands of requests a second from one address: far past the
        # API rate limits (300 a minute anonymous), which would answer 429 and measure nothing.
        "EWTP_API_THROTTLE": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    dests = destinations(DESTS)
    (work / "network.json").write_text(json.dumps(network_document(dests)))
    rates = {"base": "USD", "date": "2026-11-23", "rates": RATES}
    (work / "rates.json").write_text(json.dumps(rates))
    with (work / "tariff.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(tariff_rows(dests, ROWS))
    _manage(env, "migrate", "--noinput", "-v0")
    t0 = time.perf_counter()
    _manage(env, "import_network", str(work / "network.json"), "-v0")
    _manage(env, "import_rates", str(work / "rates.json"), "-v0")
    _manage(env, "import_tariff", str(work / "tariff.csv"), "--no-progress", "-v0")
    import_s = time.perf_counter() - t0
    ids = json.loads(_manage(env, "shell", "-v0", "-c", LISTINGS_SCRIPT).strip().splitlines()[-1])

    rng = random.Random(9)
    bodies = []
    for _ in range(500):
        lines = [
            {"listing": rng.choice(ids), "quantity": rng.randint(1, 3)}
            for _ in range(rng.randint(1, 3))
        ]
        body = {"destination_country": rng.choice(dests), "currency": "EUR", "lines": lines}
        bodies.append(_request_bytes("POST", "/api/v1/quotes/", json.dumps(body).encode()))
    trivial = [_request_bytes("GET", "/api/v1/health/")]

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ewtp.wsgi:application",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/api/v1/health/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        _throughput(port, bodies[:20], 1.0, 1)  # warm up: loads the tariff index once
        clients = 2
        # Alternate short runs of each endpoint so that drift in the machine's speed falls on
        # both alike; report medians and the median of the paired ratios.
        trivial_runs, quote_runs = [], []
        for _ in range(rounds):
            trivial_runs.append(_throughput(port, trivial, seconds, clients))
            quote_runs.append(_throughput(port, bodies, seconds, clients))
    finally:
        server.terminate()
        server.wait(timeout=10)
    trivial_rps = statistics.median(trivial_runs)
    quote_rps = statistics.median(quote_runs)
    ratio = statistics.median(q / t for q, t in zip(quote_runs, trivial_runs, strict=True))
    print(
        f"(b) HTTP, gunicorn with 1 sync worker, {clients} client processes, "
        f"{rounds} alternating rounds of {seconds:.0f} s per endpoint"
    )
    print(f"    data loaded through import commands in {import_s:.1f} s ({ROWS:,} tariff rows)")
    print("    API rate limits turned off for the benchmark (EWTP_API_THROTTLE=false)")
    print(f"    GET  /api/v1/health/  (trivial DRF): {trivial_rps:8.0f} requests/s")
    print(f"    POST /api/v1/quotes/  (1–3 lines):   {quote_rps:8.0f} requests/s")
    print(
        f"    quotes / trivial: {ratio:.0%}  (target ≥ 50 %); by round: "
        + ", ".join(f"{q / t:.0%}" for q, t in zip(quote_runs, trivial_runs, strict=True))
    )
    return {"trivial_rps": trivial_rps, "quote_rps": quote_rps, "ratio": ratio}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per HTTP run")
    args = parser.parse_args()
    figures = engine_bench(args.quick)
    if not args.skip_http:
        figures |= http_bench(
            rounds=2 if args.quick else 7, seconds=args.seconds or (2.0 if args.quick else 3.0)
        )
    failed = figures["engine_qps"] < 2000 or figures.get("ratio", 1.0) < 0.5
    print("targets: " + ("MISSED" if failed else "met"))
    sys.exit(1 if failed else 0)
