"""POST /api/v1/quotes/ agrees with an independent reading of LANDED_COST.md (tests/customs/oracle).

Data goes in through the public import commands (import_network, import_rates, import_tariff) and
the factories; the oracle gets the same data as plain values. A few hand-picked cases come first,
then generated worlds (hypothesis): small hub networks, rate tables, tariff rows, sellers, listings.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from djmoney.money import Money
from hypothesis import (
    HealthCheck,
    currently_in_test_context,
    event,
    given,
    settings,
)
from hypothesis import strategies as st
from rest_framework.test import APIClient

from customs.nomenclature import nomenclature
from ewtp.datacache import forget_local
from tests.customs.oracle import (
    ConsignmentQuote,
    Corridor,
    Line,
    Network,
    Outcome,
    Rates,
    Route,
    TariffRow,
    landed_cost,
    round_money,
)
from tests.factories import ListingFactory, SellerFactory

URL = "/api/v1/quotes/"
D = Decimal
HEADER = [
    *("kind", "destination", "hs_prefix", "origin", "rate_percent", "per_unit", "currency"),
    *("valuation", "low_value_upto", "low_value_duty_per_subheading", "tax_free_upto"),
    *("sme_max_employees", "valid_from", "valid_to", "note"),
]


# ---------------------------------------------------------------- a world, as plain values


@dataclass(frozen=True)
class Item:
    """One quote line: a listing of seller number `seller` (index into World.sellers)."""

    seller: int
    hs_code: str
    origin: str
    price: Decimal
    currency: str
    weight_grams: int
    quantity: int


@dataclass(frozen=True)
class World:
    hub_currency: dict[str, str]
    network: Network
    rates: Rates
    rows: tuple[TariffRow, ...]
    sellers: tuple[tuple[str, int], ...]  # (country, employees)
    items: tuple[Item, ...]
    destination: str
    currency: str
    on: date


def network_document(world: World) -> dict[str, Any]:
    net = world.network
    return {
        "hubs": [
            {
                "code": code,
                "name": f"{code} eHub",
                "country": serves[0],
                "city": f"{code} city",
                "currency": world.hub_currency[code],
                "serves": list(serves),
            }
            for code, serves in net.serves.items()
        ],
        "corridors": [
            {
                "from": c.source,
                "to": c.target,
                "transit_days": c.transit_days,
                "currency": c.currency,
                "base_fee": str(c.base_fee),
                "per_kg": str(c.per_kg),
            }
            for c in net.corridors
        ],
        "customs_unions": [
            {"code": f"U{n}", "members": sorted(members)} for n, members in enumerate(net.unions)
        ],
    }


def rates_document(world: World) -> dict[str, Any]:
    return {
        "base": world.rates.base,
        "date": "2026-11-23",
        "rates": {code: str(rate) for code, rate in world.rates.rates.items()},
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tariff_csv(rows: tuple[TariffRow, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in HEADER])
    return out.getvalue()


def load(world: World, directory: Path) -> tuple[list[Line], dict[str, Any]]:
    """Import the world through the public commands and factories; return the oracle's lines
    and the request body."""
    (directory / "network.json").write_text(json.dumps(network_document(world)))
    (directory / "rates.json").write_text(json.dumps(rates_document(world)))
    (directory / "tariff.csv").write_text(tariff_csv(world.rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_network", str(directory / "network.json"), stdout=out, stderr=out)
    call_command("import_rates", str(directory / "rates.json"), stdout=out, stderr=out)
    call_command(
        "import_tariff", str(directory / "tariff.csv"), no_progress=True, stdout=out, stderr=out
    )
    sellers = [
        SellerFactory.create(country=country, employees=employees)
        for country, employees in world.sellers
    ]
    lines: list[Line] = []
    for item in world.items:
        seller = sellers[item.seller]
        listing = ListingFactory.create(
            seller=seller,
            hs_code=item.hs_code,
            origin_country=item.origin,
            price=Money(item.price, item.currency),
            weight_grams=item.weight_grams,
        )
        lines.append(
            Line(
                listing_id=listing.pk,
                seller_id=seller.pk,
                seller_country=world.sellers[item.seller][0],
                seller_employees=world.sellers[item.seller][1],
                hs_code=item.hs_code,
                origin=item.origin,
                unit_price=item.price,
                currency=item.currency,
                weight_grams=item.weight_grams,
                quantity=item.quantity,
            )
        )
    body = {
        "destination_country": world.destination,
        "currency": world.currency,
        "date": world.on.isoformat(),
        "lines": [{"listing": ln.listing_id, "quantity": ln.quantity} for ln in lines],
    }
    return lines, body


# ---------------------------------------------------------------- comparing API and oracle


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(round_money(amount, currency)), "currency": currency}


def _api_routes(data: dict[str, Any]) -> dict[int, Route]:
    if "consignments" in data:
        return {c["seller"]: tuple(c["route"]) for c in data["consignments"]}
    return {-1: tuple(data.get("route") or ())}


def check(world: World, directory: Path) -> str:
    """Quote through the API and through the oracle; assert they agree. Returns a label."""
    lines, body = load(world, directory)
    response = APIClient().post(URL, body, format="json")
    assert response.status_code in (200, 422), (response.status_code, response.content)
    data = response.json()

    api_routes = _api_routes(data) if response.status_code == 200 else {}

    def pick(seller_id: int, candidates: list[Route]) -> Route:
        """On a full tie (cost, days, legs) the spec allows any of the tied routes."""
        chosen = api_routes.get(seller_id, api_routes.get(-1))
        return chosen if chosen in candidates else candidates[0]

    outcome = landed_cost(
        lines,
        destination=world.destination,
        currency=world.currency,
        on=world.on,
        network=world.network,
        rates=world.rates,
        rows=world.rows,
        pick_route=pick,
    )
    context = {"request": body, "api": data, "oracle": _describe(outcome)}

    if response.status_code == 422:
        assert outcome.quote is None, f"API refused, oracle quotes: {context}"
        codes = {refusal.code for refusal in outcome.refusals}
        assert data["code"] in codes, f"refusal codes differ: {context}"
        if len(outcome.refusals) > 1:
            _event("several consignments refused; any of their codes accepted")
        return f"422 {data['code']}"

    assert outcome.quote is not None, f"API quotes, oracle refuses: {context}"
    quote = outcome.quote
    cur = world.currency
    if len(quote.consignments) == 1:
        _compare_consignment(data, quote.consignments[0], cur, context)
    else:
        assert len(data["consignments"]) == len(quote.consignments), context
        for got, expected in zip(data["consignments"], quote.consignments, strict=True):
            assert got["seller"] == expected.seller_id, context
            _compare_consignment(got, expected, cur, context)
    for name in ("goods", "shipping", "duty", "tax", "total"):
        assert data[name] == _money(quote.total_of(name), cur), (name, context)
    for consignment in quote.consignments:
        for note in consignment.notes:
            _event(note)
    regimes = "+".join(c.regime for c in quote.consignments)
    return f"200 {regimes}"


def _compare_consignment(
    got: dict[str, Any], expected: ConsignmentQuote, cur: str, context: dict[str, Any]
) -> None:
    for name in ("goods", "shipping", "duty", "tax", "total"):
        assert got[name] == _money(getattr(expected, name), cur), (name, context)
    assert tuple(got["route"]) == expected.route, ("route", context)
    assert got["transit_days"] == expected.transit_days, ("transit_days", context)
    customs = got["customs"]
    assert customs["regime"] == expected.regime, ("regime", context)
    if expected.regime == "domestic":
        # The customs currency of a domestic consignment is a project decision: compare only
        # that nothing is charged.
        assert D(customs["duty"]["amount"]) == 0 and D(customs["tax"]["amount"]) == 0, context
        return
    ccy = expected.customs_currency
    assert customs["currency"] == ccy, ("customs.currency", context)
    assert customs["valuation"] == expected.valuation, ("customs.valuation", context)
    assert customs["customs_value"] == _money(expected.customs_value, ccy), ("cv", context)
    assert customs["duty"] == _money(expected.customs_duty, ccy), ("customs.duty", context)
    assert customs["tax"] == _money(expected.customs_tax, ccy), ("customs.tax", context)


def _describe(outcome: Outcome) -> Any:
    if outcome.quote is None:
        return [f"{r.code}: {r.detail}" for r in outcome.refusals]
    return [
        {
            "seller": c.seller_id,
            "route": c.route,
            "transit_days": c.transit_days,
            "goods": str(c.goods),
            "shipping": str(c.shipping),
            "duty": str(c.duty),
            "tax": str(c.tax),
            "total": str(c.total),
            "customs": [
                c.customs_currency,
                c.valuation,
                c.regime,
                str(c.customs_value),
                str(c.customs_duty),
                str(c.customs_tax),
            ],
            "notes": c.notes,
        }
        for c in outcome.quote.consignments
    ]


def _event(text: str) -> None:
    """Hypothesis statistics; nothing in the plain example tests."""
    if currently_in_test_context():
        event(text)


def _forget_caches() -> None:
    cache.clear()
    forget_local()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything an example writes is undone; caches never carry one example into the next."""
    _forget_caches()
    try:
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        _forget_caches()


# ---------------------------------------------------------------- hand-picked cases

RATES = Rates(
    "USD",
    {
        "EUR": D("0.8650"),
        "CNY": D("7.1200"),
        "GBP": D("0.7600"),
        "JPY": D("151.3700"),
        "KWD": D("0.3071"),
        "CAD": D("1.3950"),
    },
)
NETWORK = Network(
    serves={"HGH": ("CN",), "LGG": ("BE", "DE", "FR"), "KWI": ("KW",), "LHR": ("GB",)},
    corridors=(
        Corridor("HGH", "LGG", 6, "USD", D("4.00"), D("6.50")),
        Corridor("HGH", "KWI", 4, "CNY", D("12.50"), D("30.00")),
        Corridor("HGH", "LHR", 7, "EUR", D("3.00"), D("5.25")),
        Corridor("LGG", "LHR", 2, "EUR", D("1.50"), D("0.80")),
        Corridor("LGG", "KWI", 5, "KWD", D("1.25"), D("0.75")),
    ),
    unions=(frozenset({"BE", "DE", "FR"}),),
)
HUB_CURRENCY = {"HGH": "CNY", "LGG": "EUR", "KWI": "KWD", "LHR": "GBP"}
ON = date(2026, 11, 23)
ROWS = (
    TariffRow(
        "profile",
        "BE",
        currency="EUR",
        valuation="CIF",
        low_value_upto=D("150"),
        low_value_duty_per_subheading=D("3"),
        valid_from=date(2026, 7, 1),
        valid_to=date(2028, 7, 1),
        note="EU low value",
    ),
    TariffRow("duty", "BE", "6109", rate_percent=D("12"), note="Cotton T-shirts"),
    TariffRow("duty", "BE", "", rate_percent=D("0"), note="Default duty"),
    TariffRow("tax", "BE", "", rate_percent=D("21"), note="Belgian VAT"),
    TariffRow("tax", "BE", "4901", rate_percent=D("6"), note="Books"),
    TariffRow("profile", "KW", currency="KWD", valuation="FOB", note="Kuwait"),
    TariffRow("duty", "KW", "", rate_percent=D("5"), note="GCC common tariff"),
    TariffRow("duty", "KW", "6912", origin="CN", rate_percent=D("7.5"), note="CN ceramics"),
    TariffRow("tax", "KW", "", rate_percent=D("0"), note="No VAT"),
    TariffRow("profile", "GB", currency="GBP", valuation="CIF", low_value_upto=D("135")),
    TariffRow(
        "duty",
        "GB",
        "6912",
        rate_percent=D("4.5"),
        per_unit=D("0.35"),
        currency="EUR",
        note="Ceramic tableware: ad valorem plus EUR per piece",
    ),
    TariffRow("duty", "GB", "", rate_percent=D("2"), sme_max_employees=50, note="SME"),
    TariffRow("duty", "GB", "", rate_percent=D("8"), note="Default"),
    TariffRow("tax", "GB", "", rate_percent=D("20"), note="UK VAT"),
)


def _world(items: list[Item], sellers: list[tuple[str, int]], dest: str, cur: str) -> World:
    return World(HUB_CURRENCY, NETWORK, RATES, ROWS, tuple(sellers), tuple(items), dest, cur, ON)


@pytest.mark.django_db
def test_a_low_value_cif_consignment_quoted_in_yen(tmp_path: Path) -> None:
    world = _world(
        [
            Item(0, "610910", "CN", D("100.00"), "CNY", 250, 2),
            Item(0, "691200", "CN", D("50.00"), "CNY", 400, 1),
        ],
        [("CN", 12)],
        "BE",
        "JPY",
    )
    assert check(world, tmp_path) == "200 low_value"


@pytest.mark.django_db
def test_a_standard_fob_consignment_into_kuwait_quoted_in_dinars(tmp_path: Path) -> None:
    world = _world(
        [
            Item(0, "691200", "CN", D("333.33"), "CNY", 1200, 3),
            Item(0, "420221", "VN", D("45.99"), "USD", 800, 2),
        ],
        [("CN", 40)],
        "KW",
        "KWD",
    )
    assert check(world, tmp_path) == "200 standard"


@pytest.mark.django_db
def test_cif_with_a_per_unit_duty_in_another_currency(tmp_path: Path) -> None:
    # GB: CIF in GBP, the ceramics line has 4.5 % plus EUR 0.35 a piece; the other line takes
    # the SME default (seller has 12 employees ≤ 50).
    world = _world(
        [
            Item(0, "691200", "CN", D("80.00"), "CNY", 700, 5),
            Item(0, "610910", "CN", D("39.99"), "EUR", 250, 4),
        ],
        [("CN", 12)],
        "GB",
        "USD",
    )
    assert check(world, tmp_path) == "200 standard"


@pytest.mark.django_db
def test_several_sellers_are_one_consignment_each(tmp_path: Path) -> None:
    world = _world(
        [
            Item(0, "610910", "CN", D("100.00"), "CNY", 250, 2),
            Item(1, "490199", "DE", D("12.40"), "EUR", 300, 1),
            Item(0, "691200", "CN", D("1500.00"), "CNY", 400, 3),
            Item(2, "691200", "CN", D("7.77"), "USD", 900, 2),
        ],
        [("CN", 12), ("DE", 4), ("CN", 400)],
        "BE",
        "GBP",
    )
    assert check(world, tmp_path) == "200 standard+domestic+low_value"


NL_ROWS = (
    TariffRow("profile", "NL", currency="EUR", valuation="CIF", note="NL"),
    TariffRow("duty", "NL", "", rate_percent=D("4"), note="Default duty"),
    TariffRow("tax", "NL", "", rate_percent=D("21"), note="Dutch VAT"),
    TariffRow("prohibited", "NL", "9302", note="Revolvers and pistols"),
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("profile, no eHub", "no_route"),  # steps 2–3 pass, step 4 finds no destination hub
        ("prohibited line", "prohibited"),  # step 3 comes before the route (step 4)
        ("domestic in a union, no eHub", "no_route"),  # step 1, then step 4
    ],
)
def test_a_destination_that_no_ehub_serves(tmp_path: Path, case: str, code: str) -> None:
    """NL has a customs profile but no hub serves it. LANDED_COST.md calls a quote "not served"
    only when the destination has no profile (step 2); a missing hub is a missing path (step 4)."""
    network = NETWORK
    seller, origin, hs_code = ("CN", 12), "CN", "610910"
    if case == "prohibited line":
        hs_code = "930200"
    if case.startswith("domestic"):
        network = replace(NETWORK, unions=(frozenset({"BE", "DE", "FR", "NL"}),))
        seller, origin = ("DE", 4), "DE"
    world = World(
        HUB_CURRENCY,
        network,
        RATES,
        (*ROWS, *NL_ROWS),
        (seller,),
        (Item(0, hs_code, origin, D("25.00"), "EUR", 300, 1),),
        "NL",
        "EUR",
        ON,
    )
    assert check(world, tmp_path) == f"422 {code}"


# ---------------------------------------------------------------- generated worlds

COUNTRIES = ["CN", "BE", "DE", "FR", "NL", "GB", "US", "JP", "KW", "CA", "MY", "RW"]
HUB_CODES = ["HGH", "LGG", "JFK", "KUL"]
CORRIDOR_CURRENCIES = ["USD", "EUR", "CNY", "JPY", "KWD"]
CURRENCIES = ["USD", "EUR", "CNY", "GBP", "JPY", "KWD", "CAD"]
RATE_RANGES = {
    "EUR": ("0.1", "10"),
    "CNY": ("0.5", "20"),
    "GBP": ("0.1", "10"),
    "JPY": ("1", "1000"),
    "KWD": ("0.01", "2"),
    "CAD": ("0.1", "10"),
}
# Rough size of one US dollar in each currency, to draw amounts of sensible magnitude.
SCALE: dict[str, Decimal] = {
    "USD": D(1),
    "EUR": D(1),
    "GBP": D(1),
    "CAD": D(1),
    "CNY": D(7),
    "JPY": D(150),
    "KWD": D("0.3"),
}
CHAPTERS = ["61", "69", "49", "93", "09", "42"]
# Listings carry real HS 2022 subheadings (a national suffix of up to 4 digits may follow).
SUBHEADINGS = [e.code for e in nomenclature().subheadings if e.code[:2] in CHAPTERS]
NICE_RATES = [D("1"), D("0.5000"), D("2"), D("1.2500"), D("0.8000"), D("4")]


def amount(draw: st.DrawFn, currency: str, lo_cents: int, hi_usd: int) -> Decimal:
    """An amount in `currency` with that currency's decimals, worth up to about `hi_usd`."""
    cents = draw(st.integers(lo_cents, hi_usd * 100))
    return round_money(D(cents) / 100 * SCALE[currency], currency)


MOSTLY_VALID = ["open"] * 10 + ["covers"] * 5 + ["random", "ends", "starts"]
ANY_WINDOW = ["open", "open", "covers", "random", "ends", "starts"]


def window(
    draw: st.DrawFn, on: date, modes: list[str] = ANY_WINDOW
) -> tuple[date | None, date | None]:
    """A validity window around the quote date, its ends often on the boundary days."""
    mode = draw(st.sampled_from(modes))
    days = st.integers(0, 400)
    if mode == "open":
        return None, None
    if mode == "covers":  # valid_from may be the very day; valid_to the day after
        start = draw(st.one_of(st.none(), days.map(lambda n: on - timedelta(days=n))))
        return start, on + timedelta(days=draw(st.integers(1, 400)))
    if mode == "ends":  # valid_to may be the very day: no longer valid
        return None, on - timedelta(days=draw(days))
    if mode == "starts":  # may start the day after
        return on + timedelta(days=draw(st.integers(-2, 30))), None
    a = draw(st.dates(date(2025, 1, 1), date(2029, 12, 31)))
    b = draw(st.dates(date(2025, 1, 1), date(2029, 12, 31)))
    if a == b:
        return a, None
    return min(a, b), max(a, b)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    # Hubs, each serving 1–3 countries.
    countries = draw(st.permutations(COUNTRIES))
    serves: dict[str, tuple[str, ...]] = {}
    start = 0
    for code in HUB_CODES[: draw(st.integers(2, 4))]:
        size = draw(st.integers(1, 3))
        serves[code] = tuple(countries[start : start + size])
        start += size
    hubs = list(serves)
    served = [country for group in serves.values() for country in group]
    # Sometimes (`aligned`) one currency for everything and round numbers: exact conversions,
    # so ties (routes, half-up rounding, G equal to a threshold) really happen.
    aligned = draw(st.sampled_from([False, False, True]))
    one = draw(st.sampled_from(CORRIDOR_CURRENCIES))
    fee = (
        st.sampled_from([D("0"), D("1.00")])
        if aligned
        else st.one_of(st.decimals(D("0"), D("30"), places=2), st.just(D("2.50")))
    )
    corridors = tuple(
        Corridor(
            a,
            b,
            draw(st.integers(1, 2) if aligned else st.integers(1, 9)),
            one if aligned else draw(st.sampled_from(CORRIDOR_CURRENCIES)),
            draw(fee),
            draw(fee),
        )
        for a in hubs
        for b in hubs
        if a != b and draw(st.sampled_from([True] * 4 + [False]))
    )
    unions: tuple[frozenset[str], ...] = ()
    if draw(st.sampled_from([False, False, True])):
        members = draw(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=4, unique=True))
        unions = (frozenset(members),)
    network = Network(serves, corridors, unions)
    hub_currency = {code: draw(st.sampled_from(CURRENCIES)) for code in hubs}

    rates = Rates(
        "USD",
        {
            code: draw(st.one_of(st.decimals(D(lo), D(hi), places=4), st.sampled_from(NICE_RATES)))
            for code, (lo, hi) in RATE_RANGES.items()
        },
    )
    on = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))

    hs_pool = draw(
        st.lists(
            st.tuples(st.sampled_from(SUBHEADINGS), st.text("0123456789", max_size=4)).map("".join),
            min_size=2,
            max_size=4,
            unique=True,
        )
    )
    if draw(st.booleans()):  # a sibling: same 6-digit subheading, another national code
        sibling = hs_pool[0][:6] + draw(st.text("0123456789", min_size=2, max_size=4))
        if sibling not in hs_pool:
            hs_pool.append(sibling)

    def prefix() -> str:
        if draw(st.sampled_from([True, True, True, False])):
            return draw(st.sampled_from(hs_pool))[: draw(st.integers(0, 6))]
        return draw(st.text("0123456789", max_size=6))

    rows: list[TariffRow] = []
    destinations = draw(st.lists(st.sampled_from(served), min_size=1, max_size=3, unique=True))
    for dest in destinations:
        for n in range(draw(st.sampled_from([1] * 11 + [2] * 3 + [0]))):
            ccy = one if aligned else draw(st.sampled_from(CURRENCIES))
            valid_from, valid_to = window(draw, on, MOSTLY_VALID if n == 0 else ANY_WINDOW)
            rows.append(
                TariffRow(
                    "profile",
                    dest,
                    currency=ccy,
                    valuation=draw(st.sampled_from(["FOB", "CIF"])),
                    low_value_upto=amount(draw, ccy, 0, 300) if draw(st.booleans()) else None,
                    low_value_duty_per_subheading=(
                        amount(draw, ccy, 0, 5) if draw(st.booleans()) else None
                    ),
                    tax_free_upto=amount(draw, ccy, 0, 200) if draw(st.booleans()) else None,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    note=f"{dest} profile",
                )
            )
        for kind in ("duty", "tax"):
            if draw(st.sampled_from([True] * 14 + [False])):
                rows.append(
                    TariffRow(kind, dest, "", rate_percent=draw(st.decimals(0, 30, places=2)))
                )
            for n in range(draw(st.integers(0, 4))):
                per_unit = currency = None
                if kind == "duty" and draw(st.sampled_from([False, False, True])):
                    per_unit = draw(st.decimals(0, 5, places=2))
                    currency = one if aligned else draw(st.sampled_from(CURRENCIES))
                valid_from, valid_to = window(draw, on)
                rows.append(
                    TariffRow(
                        kind,
                        dest,
                        prefix(),
                        origin=draw(st.sampled_from([None, None, *COUNTRIES[:4]])),
                        rate_percent=draw(st.decimals(0, 40, places=2)),
                        per_unit=per_unit,
                        currency=currency,
                        sme_max_employees=draw(st.sampled_from([None, None, None, 10, 50, 250])),
                        valid_from=valid_from,
                        valid_to=valid_to,
                        note=f"{kind} row {n}",
                    )
                )
        if draw(st.sampled_from([False] * 5 + [True])):
            valid_from, valid_to = window(draw, on)
            rows.append(
                TariffRow(
                    "prohibited",
                    dest,
                    draw(st.sampled_from(hs_pool))[: draw(st.integers(2, 6))],
                    origin=draw(st.sampled_from([None, None, *COUNTRIES[:4]])),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    note="Prohibited goods",
                )
            )
    # One row per import key (kind, destination, hs_prefix, origin, sme_max_employees,
    # valid_from): a second one would be an upsert of the first.
    unique: dict[tuple[object, ...], TariffRow] = {}
    for row in rows:
        key = (row.kind, row.destination, row.hs_prefix, row.origin, row.sme_max_employees)
        unique.setdefault((*key, row.valid_from), row)

    destination = draw(st.sampled_from(destinations))
    if draw(st.sampled_from([False] * 19 + [True])):
        destination = draw(st.sampled_from(COUNTRIES))
    abroad = [country for country in served if country != destination]

    def seller_country() -> str:
        if draw(st.sampled_from([False] * 11 + [True])):
            return draw(st.sampled_from(COUNTRIES))  # maybe served by no hub
        return draw(st.sampled_from(abroad * 3 + served))

    sellers = tuple(
        (seller_country(), draw(st.sampled_from([1, 10, 11, 50, 51, 250, 251, 500])))
        for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3])))
    )
    items = []
    for _ in range(draw(st.integers(1, 4))):
        seller = draw(st.integers(0, len(sellers) - 1))
        currency = one if aligned else draw(st.sampled_from(CURRENCIES))
        price = amount(draw, currency, 1, 400)  # at least one minor unit
        items.append(
            Item(
                seller=seller,
                hs_code=draw(st.sampled_from(hs_pool)),
                origin=draw(st.sampled_from([sellers[seller][0]] * 3 + COUNTRIES[:4])),
                price=price,
                currency=currency,
                weight_grams=draw(st.integers(1, 5000)),
                quantity=draw(st.integers(1, 5)),
            )
        )
    tariff = list(unique.values())
    if aligned:
        # A threshold exactly equal to the first consignment's intrinsic value G (≤ applies).
        first = [item for item in items if item.seller == items[0].seller]
        goods = sum((item.price * item.quantity for item in first), D(0))
        for n, row in enumerate(tariff):
            if row.kind == "profile" and row.destination == destination:
                tariff[n] = replace(
                    row,
                    low_value_upto=goods if draw(st.booleans()) else row.low_value_upto,
                    tax_free_upto=goods if draw(st.booleans()) else row.tax_free_upto,
                )
    return World(
        hub_currency=hub_currency,
        network=network,
        rates=rates,
        rows=tuple(tariff),
        sellers=sellers,
        items=tuple(items),
        destination=destination,
        currency=draw(st.sampled_from(CURRENCIES)),
        on=on,
    )


OUTCOMES: list[str] = []


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds())
def test_quotes_match_the_rules_in_generated_worlds(world: World) -> None:
    with tempfile.TemporaryDirectory() as tmp, rolled_back():
        label = check(world, Path(tmp))
    event(label)
    OUTCOMES.append(label)


def test_the_generated_worlds_were_mostly_quoted() -> None:
    """Runs after the property test (file order): the generator is biased towards quotes
    (typically 55–80 % are 200s); refusals must not crowd them out."""
    if not OUTCOMES:
        pytest.skip("the property test did not run (selected alone)")
    ok = sum(label.startswith("200") for label in OUTCOMES)
    assert ok >= 0.4 * len(OUTCOMES), OUTCOMES
