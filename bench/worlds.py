"""Generated data for the benchmarks: a large tariff over many destinations, and its network."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from customs.tariff import TariffRule
from customs.validation import COLUMNS

HS_CODES = [
    "610910", "620520", "640399", "420221", "691200", "691110", "090111", "090210", "851830",
    "950300", "330499", "711319", "940360", "630260", "160414", "200819", "180690", "4901990000",
    "6109100010", "8518300000",
]  # fmt: skip
ORIGINS = ["CN", "MY", "TH", "VN", "RW", "ET", "DE", "FR", "IT", "KE"]
SELLER_COUNTRIES = ["CN", "MY", "TH", "RW", "ET", "KE"]


def destinations(n: int = 50) -> list[str]:
    """n two-letter codes that are real ISO countries, none of them a seller country."""
    from django_countries import countries

    codes = [c for c in countries if c.code not in SELLER_COUNTRIES]
    return [str(c.code) for c in codes[:n]]


def tariff_rows(dests: list[str], rows: int, seed: int = 7) -> list[dict[str, str]]:
    """`rows` tariff rows spread over `dests`, in the import CSV's columns."""
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    per_dest = rows // len(dests)
    for dest in dests:
        out.append(
            _row(
                "profile",
                dest,
                currency="USD",
                valuation=rng.choice(["FOB", "CIF"]),
                low_value_upto="100",
                low_value_duty_per_subheading="2",
                tax_free_upto="20",
                note="bench profile",
            )
        )
        out.append(_row("duty", dest, rate_percent="5", note="default duty"))
        out.append(_row("tax", dest, rate_percent="15", note="default tax"))
        seen: set[tuple[str, ...]] = set()
        while len(seen) < per_dest - 3:
            kind = rng.choice(["duty", "duty", "tax", "prohibited"])
            prefix = rng.choice(HS_CODES)[: rng.randint(2, 8)]
            if kind == "prohibited":
                prefix = "93" + prefix[2:]
            origin = rng.choice(["", "", "", *ORIGINS])
            sme = rng.choice(["", "", "", "10", "30"])
            vfrom = rng.choice(["", "", "2025-01-01", "2026-01-01"])
            key = (kind, prefix, origin, sme, vfrom)
            if key in seen or (kind == "prohibited" and sme):
                continue
            seen.add(key)
            rate = "" if kind == "prohibited" else str(Decimal(rng.randint(0, 300)) / 10)
            out.append(
                _row(
                    kind,
                    dest,
                    hs_prefix=prefix,
                    origin=origin,
                    rate_percent=rate,
                    sme_max_employees=sme,
                    valid_from=vfrom,
                    note="bench",
                )
            )
    return out


def _row(kind: str, dest: str, **values: str) -> dict[str, str]:
    return {c: values.get(c, "") for c in COLUMNS} | {"kind": kind, "destination": dest}


def to_rule(row: dict[str, str], rid: int) -> TariffRule:
    def dec(name: str) -> Decimal | None:
        return Decimal(row[name]) if row[name] else None

    return TariffRule(
        kind=row["kind"],
        destination=row["destination"],
        hs_prefix=row["hs_prefix"],
        origin=row["origin"],
        rate_percent=dec("rate_percent"),
        per_unit=dec("per_unit"),
        currency=row["currency"],
        valuation=row["valuation"],
        low_value_upto=dec("low_value_upto"),
        low_value_duty_per_subheading=dec("low_value_duty_per_subheading"),
        tax_free_upto=dec("tax_free_upto"),
        sme_max_employees=int(row["sme_max_employees"]) if row["sme_max_employees"] else None,
        valid_from=date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
        valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
        note=row["note"],
        id=rid,
    )


def network_document(dests: list[str]) -> dict[str, object]:
    """Six origin hubs and ten destination hubs (five destinations each), fully meshed."""
    hubs: list[dict[str, object]] = [
        {
            "code": f"O{i}",
            "name": f"Origin hub {c}",
            "country": c,
            "city": c,
            "currency": "USD",
            "serves": [c],
        }
        for i, c in enumerate(SELLER_COUNTRIES)
    ]
    for i in range(0, len(dests), 5):
        group = dests[i : i + 5]
        hubs.append(
            {
                "code": f"D{i // 5}",
                "name": f"Destination hub {i // 5}",
                "country": group[0],
                "city": group[0],
                "currency": "USD",
                "serves": group,
            }
        )
    codes = [str(h["code"]) for h in hubs]
    rng = random.Random(3)
    corridors = [
        {
            "from": a,
            "to": b,
            "transit_days": rng.randint(1, 9),
            "currency": "USD",
            "base_fee": f"{rng.randint(200, 900) / 100:.2f}",
            "per_kg": f"{rng.randint(300, 900) / 100:.2f}",
        }
        for a in codes
        for b in codes
        if a != b and (a.startswith("O") or rng.random() < 0.3)
    ]
    return {"hubs": hubs, "corridors": corridors}
