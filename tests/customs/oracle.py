"""An independent, deliberately plain reading of docs/LANDED_COST.md (steps 1–8).

Written from the spec alone, without looking at the engine (customs.landed_cost, customs.tariff,
ehubs.routing, payments.fx), so that tests can compare the engine with it. It is slow on purpose:
routes are found by trying every simple path, rows by scanning every row.

Where the spec leaves a choice open, the oracle says so in `notes` instead of guessing silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

ZERO = Decimal(0)
Route = tuple[str, ...]


class Refused(Exception):
    """The rules refuse the quote: `code` is one of prohibited, no_route, no_tariff, not_served."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


# ---------------------------------------------------------------- money and FX


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Half-up to the currency's minor unit (JPY 0, KWD 3, most others 2)."""
    exponent = Decimal(1).scaleb(-int(get_currency_precision(currency)))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rates:
    """`rates[X]` = units of X per 1 unit of `base`; the base itself is 1."""

    base: str
    rates: dict[str, Decimal]

    def rate(self, currency: str) -> Decimal:
        if currency == self.base:
            return Decimal(1)
        return self.rates[currency]

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal:
        """amount_X→Y = amount × rate[Y] / rate[X]."""
        if source == target:
            return amount
        return amount * self.rate(target) / self.rate(source)


# ---------------------------------------------------------------- the hub network


@dataclass(frozen=True)
class Corridor:
    source: str
    target: str
    transit_days: int
    currency: str
    base_fee: Decimal
    per_kg: Decimal


@dataclass(frozen=True)
class Network:
    serves: dict[str, tuple[str, ...]]  # hub code -> countries it serves
    corridors: tuple[Corridor, ...]
    unions: tuple[frozenset[str], ...] = ()

    def hub_serving(self, country: str) -> str | None:
        for hub, countries in self.serves.items():
            if country in countries:
                return hub
        return None

    def same_union(self, a: str, b: str) -> bool:
        return any(a in members and b in members for members in self.unions)

    def simple_paths(self, source: str, target: str) -> Iterator[tuple[Corridor, ...]]:
        """Every path of directed corridors from source to target visiting no hub twice."""

        def walk(
            at: str, seen: frozenset[str], legs: tuple[Corridor, ...]
        ) -> Iterator[tuple[Corridor, ...]]:
            if at == target:
                yield legs
                return
            for corridor in self.corridors:
                if corridor.source == at and corridor.target not in seen:
                    yield from walk(corridor.target, seen | {corridor.target}, (*legs, corridor))

        yield from walk(source, frozenset({source}), ())


def leg_cost(corridor: Corridor, weight_kg: Decimal) -> Decimal:
    """In the corridor's currency."""
    return corridor.base_fee + corridor.per_kg * weight_kg


def path_route(source: str, legs: Sequence[Corridor]) -> Route:
    return (source, *(leg.target for leg in legs)) if legs else ()


def best_paths(
    network: Network, rates: Rates, source: str, target: str, weight_kg: Decimal
) -> list[tuple[Corridor, ...]]:
    """All paths that are best by (USD cost, transit days, legs); several only on a full tie."""
    keyed = []
    for legs in network.simple_paths(source, target):
        cost = sum(
            (rates.convert(leg_cost(leg, weight_kg), leg.currency, "USD") for leg in legs), ZERO
        )
        keyed.append(((cost, sum(leg.transit_days for leg in legs), len(legs)), legs))
    if not keyed:
        return []
    best = min(key for key, _ in keyed)
    return [legs for key, legs in keyed if key == best]


def tie_breaks_used(
    network: Network, rates: Rates, source: str, target: str, weight_kg: Decimal
) -> list[str]:
    """Which tie-breaks decided the route (for test statistics only)."""
    keys = []
    for legs in network.simple_paths(source, target):
        cost = sum(
            (rates.convert(leg_cost(leg, weight_kg), leg.currency, "USD") for leg in legs), ZERO
        )
        keys.append((cost, sum(leg.transit_days for leg in legs), len(legs)))
    best = min(keys)
    used = []
    if sum(1 for key in keys if key[0] == best[0]) > 1:
        used.append("route: lowest cost tied, decided on transit days or legs")
    if sum(1 for key in keys if key[:2] == best[:2]) > 1:
        used.append("route: cost and transit days tied, decided on legs")
    return used


# ---------------------------------------------------------------- tariff rows


@dataclass(frozen=True)
class TariffRow:
    kind: str  # profile, duty, tax, prohibited
    destination: str
    hs_prefix: str = ""
    origin: str | None = None
    rate_percent: Decimal | None = None
    per_unit: Decimal | None = None
    currency: str | None = None
    valuation: str | None = None
    low_value_upto: Decimal | None = None
    low_value_duty_per_subheading: Decimal | None = None
    tax_free_upto: Decimal | None = None
    sme_max_employees: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""


def row_matches(
    row: TariffRow, destination: str, on: date, hs_code: str, origin: str, employees: int
) -> bool:
    return (
        row.destination == destination
        and (row.valid_from is None or row.valid_from <= on)
        and (row.valid_to is None or on < row.valid_to)
        and hs_code.startswith(row.hs_prefix)
        and (row.origin is None or row.origin == origin)
        and (row.sme_max_employees is None or row.sme_max_employees >= employees)
    )


def specificity(row: TariffRow) -> tuple[int, bool, bool, int, date]:
    """Bigger is more specific: longest prefix, a set origin, a set (smaller) SME ceiling,
    the latest valid_from (empty = earliest)."""
    return (
        len(row.hs_prefix),
        row.origin is not None,
        row.sme_max_employees is not None,
        -(row.sme_max_employees or 0),
        row.valid_from or date.min,
    )


def matching_row(
    rows: Sequence[TariffRow],
    kind: str,
    destination: str,
    on: date,
    hs_code: str = "",
    origin: str = "",
    employees: int = 1,
    notes: list[str] | None = None,
) -> TariffRow | None:
    candidates = [
        row
        for row in rows
        if row.kind == kind and row_matches(row, destination, on, hs_code, origin, employees)
    ]
    if not candidates:
        return None
    ranked = sorted(candidates, key=specificity, reverse=True)
    if notes is not None and len(ranked) > 1:
        best, runner_up = specificity(ranked[0]), specificity(ranked[1])
        what = ["hs_prefix", "origin", "sme", "sme", "valid_from"]
        decided = next(n for n in range(5) if best[n] != runner_up[n])
        notes.append(f"{kind} row chosen on {what[decided]}")
    return ranked[0]


# ---------------------------------------------------------------- the quote


@dataclass(frozen=True)
class Line:
    listing_id: int
    seller_id: int
    seller_country: str
    seller_employees: int
    hs_code: str
    origin: str
    unit_price: Decimal
    currency: str
    weight_grams: int
    quantity: int


@dataclass
class ConsignmentQuote:
    seller_id: int
    route: Route
    transit_days: int
    # buyer currency, rounded (step 8)
    goods: Decimal
    shipping: Decimal
    duty: Decimal
    tax: Decimal
    total: Decimal
    # the declaration, in the customs currency
    customs_currency: str
    valuation: str | None
    regime: str  # low_value, standard, domestic
    customs_value: Decimal
    customs_duty: Decimal
    customs_tax: Decimal
    route_candidates: list[Route] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Quote:
    currency: str
    consignments: list[ConsignmentQuote]

    def total_of(self, name: str) -> Decimal:
        return sum((getattr(c, name) for c in self.consignments), ZERO)


RoutePicker = Callable[[int, list[Route]], Route]


def first_route(seller_id: int, candidates: list[Route]) -> Route:
    return candidates[0]


def quote_consignment(
    lines: Sequence[Line],
    *,
    destination: str,
    currency: str,
    on: date,
    network: Network,
    rates: Rates,
    rows: Sequence[TariffRow],
    pick_route: RoutePicker = first_route,
) -> ConsignmentQuote:
    """Steps 1–8 for the lines of one seller."""
    seller_id = lines[0].seller_id
    seller_country = lines[0].seller_country
    employees = lines[0].seller_employees
    notes: list[str] = []

    # Step 1: domestic?
    domestic = seller_country == destination or network.same_union(seller_country, destination)

    # Step 2: the profile.
    profile = matching_row(rows, "profile", destination, on, notes=notes)
    if domestic:
        # Project decision: without a profile the goods' currency is the customs currency.
        customs_currency = profile.currency if profile and profile.currency else lines[0].currency
        for line in lines:
            prohibited = matching_row(
                rows, "prohibited", destination, on, line.hs_code, line.origin, employees
            )
            if prohibited is not None:
                notes.append("domestic consignment with a line matching a prohibited row")
    else:
        if profile is None or profile.currency is None:
            raise Refused("not_served", f"destination {destination} not served")
        customs_currency = profile.currency
        # Step 3: prohibitions.
        for line in lines:
            prohibited = matching_row(
                rows, "prohibited", destination, on, line.hs_code, line.origin, employees
            )
            if prohibited is not None:
                raise Refused(
                    "prohibited", f"listing {line.listing_id}: {prohibited.note or 'prohibited'}"
                )

    # Step 4: the route and shipping.
    weight_kg = sum((Decimal(ln.weight_grams) * ln.quantity for ln in lines), ZERO) / 1000
    origin_hub = network.hub_serving(seller_country)
    destination_hub = network.hub_serving(destination)
    if origin_hub is None:
        raise Refused("no_route", f"no hub serves the seller's country {seller_country}")
    if destination_hub is None:
        raise Refused("no_route", f"no hub serves the destination {destination}")
    paths = best_paths(network, rates, origin_hub, destination_hub, weight_kg)
    if not paths:
        raise Refused("no_route", f"no route {origin_hub} → {destination_hub}")
    candidates = [path_route(origin_hub, legs) for legs in paths]
    chosen = pick_route(seller_id, candidates) if len(candidates) > 1 else candidates[0]
    legs = paths[candidates.index(chosen)]
    if len(candidates) > 1:
        notes.append("several routes tie on cost, days and legs")
    notes.extend(tie_breaks_used(network, rates, origin_hub, destination_hub, weight_kg))
    shipping = sum(
        (rates.convert(leg_cost(leg, weight_kg), leg.currency, customs_currency) for leg in legs),
        ZERO,
    )
    transit_days = sum(leg.transit_days for leg in legs)

    # Step 5: values in the customs currency.
    goods_i = [
        rates.convert(ln.unit_price * ln.quantity, ln.currency, customs_currency) for ln in lines
    ]
    goods = sum(goods_i, ZERO)

    if domestic:
        duty = tax = ZERO
        regime = "domestic"
        valuation = profile.valuation if profile else None
        customs_value = goods
    else:
        assert profile is not None
        valuation = profile.valuation
        customs_value = goods + shipping if valuation == "CIF" else goods
        cv_i = [customs_value * g / goods for g in goods_i]

        # Step 6: duty.
        if profile.low_value_upto is not None and goods <= profile.low_value_upto:
            regime = "low_value"
            subheadings = {ln.hs_code[:6] for ln in lines}
            duty = (profile.low_value_duty_per_subheading or ZERO) * len(subheadings)
            d_i = [duty * g / goods for g in goods_i]
        else:
            regime = "standard"
            d_i = []
            for ln, cv in zip(lines, cv_i, strict=True):
                row = matching_row(
                    rows, "duty", destination, on, ln.hs_code, ln.origin, employees, notes
                )
                if row is None:
                    raise Refused(
                        "no_tariff", f"no tariff line for HS {ln.hs_code} into {destination}"
                    )
                d = cv * (row.rate_percent or ZERO) / 100
                if row.per_unit is not None:
                    assert row.currency is not None
                    d += rates.convert(row.per_unit, row.currency, customs_currency) * ln.quantity
                d_i.append(d)
            duty = sum(d_i, ZERO)

        # Step 7: import tax.
        if profile.tax_free_upto is not None and goods <= profile.tax_free_upto:
            tax = ZERO
        else:
            t_i = []
            for ln, cv, d in zip(lines, cv_i, d_i, strict=True):
                row = matching_row(
                    rows, "tax", destination, on, ln.hs_code, ln.origin, employees, notes
                )
                if row is None:
                    raise Refused(
                        "no_tariff", f"no tax line for HS {ln.hs_code} into {destination}"
                    )
                t_i.append((cv + d) * (row.rate_percent or ZERO) / 100)
            tax = sum(t_i, ZERO)

    # Step 8: rounding.
    customs_duty = round_money(duty, customs_currency)
    customs_tax = round_money(tax, customs_currency)

    def to_buyer(amount: Decimal) -> Decimal:
        return round_money(rates.convert(amount, customs_currency, currency), currency)

    goods_b, shipping_b = to_buyer(goods), to_buyer(shipping)
    duty_b, tax_b = to_buyer(customs_duty), to_buyer(customs_tax)
    return ConsignmentQuote(
        seller_id=seller_id,
        route=chosen,
        transit_days=transit_days,
        goods=goods_b,
        shipping=shipping_b,
        duty=duty_b,
        tax=tax_b,
        total=goods_b + shipping_b + duty_b + tax_b,
        customs_currency=customs_currency,
        valuation=valuation,
        regime=regime,
        customs_value=round_money(customs_value, customs_currency),
        customs_duty=customs_duty,
        customs_tax=customs_tax,
        route_candidates=candidates,
        notes=notes,
    )


@dataclass
class Outcome:
    """Either a quote, or the refusals: one per refused consignment, in consignment order."""

    quote: Quote | None
    refusals: list[Refused]


def landed_cost(
    lines: Sequence[Line],
    *,
    destination: str,
    currency: str,
    on: date,
    network: Network,
    rates: Rates,
    rows: Sequence[TariffRow],
    pick_route: RoutePicker = first_route,
) -> Outcome:
    """One consignment per seller, sellers in order of first appearance."""
    by_seller: dict[int, list[Line]] = {}
    for line in lines:
        by_seller.setdefault(line.seller_id, []).append(line)
    consignments: list[ConsignmentQuote] = []
    refusals: list[Refused] = []
    for group in by_seller.values():
        try:
            consignments.append(
                quote_consignment(
                    group,
                    destination=destination,
                    currency=currency,
                    on=on,
                    network=network,
                    rates=rates,
                    rows=rows,
                    pick_route=pick_route,
                )
            )
        except Refused as refusal:
            refusals.append(refusal)
    if refusals:
        return Outcome(None, refusals)
    return Outcome(Quote(currency, consignments), [])
