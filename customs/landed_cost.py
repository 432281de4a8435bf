"""The landed-cost engine: LANDED_COST.md as one pure function (no ORM, no request).

Every price a buyer sees for goods crossing a border comes from `quote()`: the listing page, the
cart, checkout, `POST /api/v1/quotes/` and the customs declaration. Amounts stay full-precision
`Decimal` until step 8, where duty and tax are rounded once in the customs currency and the four
charges are converted to the buyer's currency and rounded; each charge names the rule behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from customs.tariff import DUTY, PROHIBITED, TAX, TariffIndex, TariffRule
from ehubs.routing import Network, Route, route_cheapest_cached
from ewtp.codes import RefusalCode
from payments.fx import Rates
from payments.money import quantize

ZERO = Decimal(0)
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)

DOMESTIC, LOW_VALUE, STANDARD = "domestic", "low_value", "standard"


class QuoteRefused(Exception):
    """A valid request the rules refuse, with its `code` and a sentence saying why."""

    def __init__(self, code: RefusalCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class QuoteLine:
    listing_id: int
    hs_code: str
    origin: str
    unit_price: Decimal
    currency: str
    weight_grams: int
    quantity: int
    title: str = ""
    hs_description: str = ""  # for people: carried into the quote, not used by the rules

    @property
    def label(self) -> str:
        name = f" ({self.title})" if self.title else ""
        return f"listing {self.listing_id}{name}, HS {self.hs_code}"


@dataclass(frozen=True)
class Consignment:
    """The lines of one seller, shipped together."""

    seller_country: str
    seller_employees: int
    lines: tuple[QuoteLine, ...]
    seller_id: int | None = None


@dataclass(frozen=True)
class LineCharge:
    line: QuoteLine
    goods: Decimal  # g_i, customs currency, full precision
    duty: Decimal  # d_i
    tax: Decimal  # t_i
    duty_rule: dict[str, Any]
    tax_rule: dict[str, Any]


@dataclass(frozen=True)
class ConsignmentQuote:
    currency: str
    destination: str
    on: date
    route: Route
    regime: str
    customs_currency: str
    valuation: str
    customs_value: Decimal  # CV, full precision
    customs_duty: Decimal  # D, rounded in the customs currency
    customs_tax: Decimal  # T, rounded in the customs currency
    goods: Decimal  # buyer currency, rounded
    shipping: Decimal
    duty: Decimal
    tax: Decimal
    lines: tuple[LineCharge, ...]
    rates: dict[str, str]
    explanations: dict[str, str]
    seller_id: int | None = None
    # Each leg's shipping in the buyer currency, rounded (they may differ from `shipping` by
    # rounding): settlement shares the shipping among the route's hubs in these proportions.
    leg_shipping: tuple[Decimal, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.goods + self.shipping + self.duty + self.tax

    def as_dict(self) -> dict[str, Any]:
        cur, ccur = self.currency, self.customs_currency
        data: dict[str, Any] = {
            "currency": cur,
            "destination_country": self.destination,
            "date": self.on.isoformat(),
            "route": self.route.hubs,
            "transit_days": self.route.transit_days,
            "legs": [
                {
                    "from": leg.from_hub,
                    "to": leg.to_hub,
                    "transit_days": leg.transit_days,
                    "shipping": _money(cost, cur),
                }
                for leg, cost in zip(self.route.legs, self.leg_shipping, strict=False)
            ],
            "goods": _money(self.goods, cur),
            "shipping": _money(self.shipping, cur),
            "duty": _money(self.duty, cur),
            "tax": _money(self.tax, cur),
            "total": _money(self.total, cur),
            "customs": {
                "currency": ccur,
                "valuation": self.valuation or None,
                "regime": self.regime,
                "customs_value": _money(self.customs_value, ccur),
                "duty": _money(self.customs_duty, ccur),
                "tax": _money(self.customs_tax, ccur),
            },
            "lines": [
                {
                    "listing": lc.line.listing_id,
                    "quantity": lc.line.quantity,
                    "hs_code": lc.line.hs_code,
                    "hs_description": lc.line.hs_description,
                    "duty": _money(lc.duty, ccur),
                    "tax": _money(lc.tax, ccur),
                    "duty_rule": lc.duty_rule,
                    "tax_rule": lc.tax_rule,
                }
                for lc in self.lines
            ],
            "explanations": self.explanations,
            "rates": self.rates,
        }
        if self.seller_id is not None:
            data["seller"] = self.seller_id
        return data


@dataclass(frozen=True)
class Quote:
    """One consignment per seller; the top-level sums are in the buyer's currency."""

    currency: str
    destination: str
    on: date
    consignments: tuple[ConsignmentQuote, ...]
    rates: dict[str, str] = field(default_factory=dict)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(c, name) for c in self.consignments), ZERO)

    @property
    def goods(self) -> Decimal:
        return self._sum("goods")

    @property
    def shipping(self) -> Decimal:
        return self._sum("shipping")

    @property
    def duty(self) -> Decimal:
        return self._sum("duty")

    @property
    def tax(self) -> Decimal:
        return self._sum("tax")

    @property
    def total(self) -> Decimal:
        return self._sum("total")

    def as_dict(self) -> dict[str, Any]:
        if len(self.consignments) == 1:
            return self.consignments[0].as_dict()
        cur = self.currency
        return {
            "currency": cur,
            "destination_country": self.destination,
            "date": self.on.isoformat(),
            "goods": _money(self.goods, cur),
            "shipping": _money(self.shipping, cur),
            "duty": _money(self.duty, cur),
            "tax": _money(self.tax, cur),
            "total": _money(self.total, cur),
            "consignments": [c.as_dict() for c in self.consignments],
            "rates": self.rates,
        }


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 21.0000 → "21", 6.50 → "6.5"."""
    return f"{value.normalize():f}"


def _fmt(amount: Decimal | None, currency: str) -> str:
    return f"{currency} {plain(ZERO if amount is None else amount)}"


def _memo(rule: TariffRule, key: tuple[Any, ...], build: Any) -> Any:
    """Per-rule memo of derived values (rules are immutable and shared by every quote)."""
    memo: dict[tuple[Any, ...], Any] = rule.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


def _rule_dict(rule: TariffRule) -> dict[str, Any]:
    return dict(_memo(rule, ("dict",), lambda: _build_rule_dict(rule)))


def _build_rule_dict(rule: TariffRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind,
        "hs_prefix": rule.hs_prefix,
        "origin": rule.origin or None,
        "rate_percent": None if rule.rate_percent is None else plain(rule.rate_percent),
        "per_unit": None if rule.per_unit is None else plain(rule.per_unit),
        "per_unit_currency": rule.currency or None if rule.per_unit is not None else None,
        "sme_max_employees": rule.sme_max_employees,
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "note": rule.note,
    }


def _profile_rule_dict(profile: TariffRule, what: str) -> dict[str, Any]:
    data = _rule_dict(profile)
    data["applies"] = what
    return data


def quote(
    consignments: Sequence[Consignment],
    *,
    destination: str,
    currency: str,
    on: date,
    network: Network,
    tariff: TariffIndex,
    rates: Rates,
) -> Quote:
    """Quote each seller's consignment to `destination` in `currency` on date `on`.

    Raises QuoteRefused (the rules refuse) or payments.fx.MissingRate (no rate for a currency).
    """
    parts = tuple(
        quote_consignment(
            c,
            destination=destination,
            currency=currency,
            on=on,
            network=network,
            tariff=tariff,
            rates=rates,
        )
        for c in consignments
    )
    used: dict[str, str] = {}
    for part in parts:
        used.update(part.rates)
    return Quote(currency=currency, destination=destination, on=on, consignments=parts, rates=used)


def quote_consignment(
    consignment: Consignment,
    *,
    destination: str,
    currency: str,
    on: date,
    network: Network,
    tariff: TariffIndex,
    rates: Rates,
) -> ConsignmentQuote:
    lines = consignment.lines
    used = {currency, "USD"} | {ln.currency for ln in lines}

    # Step 1: a domestic consignment crosses no border.
    domestic = network.same_customs_territory(consignment.seller_country, destination)

    # Step 2: the destination's profile on the date.
    profile = tariff.profile(destination, on=on)
    if profile is None and not domestic:
        raise QuoteRefused(
            RefusalCode.NOT_SERVED,
            f"Destination not served: there is no customs profile for {destination} on "
            f"{on.isoformat()}.",
        )
    # A domestic consignment to a destination without a profile has no customs currency of its
    # own: its values stay in the goods' currency, so they do not depend on the buyer's.
    customs_currency = profile.currency if profile is not None else lines[0].currency
    valuation = profile.valuation if profile is not None else ""
    used.add(customs_currency)

    # Step 3: prohibitions.
    if not domestic:
        for line in lines:
            banned = tariff.match(
                PROHIBITED, destination, hs_code=line.hs_code, origin=line.origin, on=on
            )
            if banned is not None:
                reason = f": {banned.note}" if banned.note else ""
                raise QuoteRefused(
                    RefusalCode.PROHIBITED,
                    f"{line.label} may not be imported into {destination}{reason}.",
                )

    # Step 4: route and shipping.
    route = _route(consignment, destination, network, rates)
    weight_kg = sum((Decimal(ln.weight_grams) * ln.quantity for ln in lines), ZERO) / THOUSAND
    used |= {leg.currency for leg in route.legs}
    leg_costs = [
        rates.convert(leg.cost(weight_kg), leg.currency, customs_currency) for leg in route.legs
    ]
    shipping = sum(leg_costs, ZERO)

    # Step 5: values in the customs currency.
    goods_i = [
        rates.convert(ln.unit_price * ln.quantity, ln.currency, customs_currency) for ln in lines
    ]
    goods = sum(goods_i, ZERO)
    customs_value = goods + shipping if valuation == "CIF" else goods

    explanations: dict[str, str] = {"shipping": _explain_shipping(route, weight_kg)}
    if domestic:
        regime = DOMESTIC
        rule = {
            "kind": "domestic",
            "note": f"No border crossed from {consignment.seller_country} to {destination}.",
        }
        charges = tuple(
            LineCharge(ln, g, ZERO, ZERO, rule, rule) for ln, g in zip(lines, goods_i, strict=True)
        )
        explanations["duty"] = explanations["tax"] = (
            f"No duty or import tax: {consignment.seller_country} to {destination} crosses no "
            "customs border."
        )
    else:
        assert profile is not None
        regime, charges = _duty_and_tax(
            consignment, destination, on, tariff, rates, profile, goods_i, goods, customs_value
        )
        used |= {
            str(lc.duty_rule["per_unit_currency"])
            for lc in charges
            if lc.duty_rule.get("per_unit_currency")
        }
        explanations.update(_explain_charges(regime, profile, charges, destination))

    # Step 8: round D and T once in the customs currency, then convert and round each charge.
    duty_c = quantize(sum((lc.duty for lc in charges), ZERO), customs_currency)
    tax_c = quantize(sum((lc.tax for lc in charges), ZERO), customs_currency)

    def to_buyer(amount: Decimal) -> Decimal:
        return quantize(rates.convert(amount, customs_currency, currency), currency)

    return ConsignmentQuote(
        currency=currency,
        destination=destination,
        on=on,
        route=route,
        regime=regime,
        customs_currency=customs_currency,
        valuation=valuation,
        customs_value=customs_value,
        customs_duty=duty_c,
        customs_tax=tax_c,
        goods=to_buyer(goods),
        shipping=to_buyer(shipping),
        leg_shipping=tuple(to_buyer(cost) for cost in leg_costs),
        duty=to_buyer(duty_c),
        tax=to_buyer(tax_c),
        lines=charges,
        rates=rates.as_dict({c for c in used if rates.has(c)}),
        explanations=explanations,
        seller_id=consignment.seller_id,
    )


def _route(consignment: Consignment, destination: str, network: Network, rates: Rates) -> Route:
    destination_hub = network.hub_for_country.get(destination)
    if destination_hub is None:
        # A destination with a profile but no hub has no destination hub: no path (step 4).
        raise QuoteRefused(RefusalCode.NO_ROUTE, f"No route: no eHub serves {destination}.")
    origin_hub = network.hub_for_country.get(consignment.seller_country)
    if origin_hub is None:
        raise QuoteRefused(
            RefusalCode.NO_ROUTE,
            f"No route: no eHub serves the seller's country {consignment.seller_country}.",
        )
    weight_kg = (
        sum((Decimal(ln.weight_grams) * ln.quantity for ln in consignment.lines), ZERO) / THOUSAND
    )
    route = route_cheapest_cached(
        network,
        origin_hub,
        destination_hub,
        weight_kg,
        lambda amount, cur: rates.convert(amount, cur, "USD"),
        priced_with=rates,
    )
    if route is None:
        raise QuoteRefused(
            RefusalCode.NO_ROUTE,
            f"No route from {origin_hub} to {destination_hub} over the eHub network.",
        )
    return route


def _duty_and_tax(
    consignment: Consignment,
    destination: str,
    on: date,
    tariff: TariffIndex,
    rates: Rates,
    profile: TariffRule,
    goods_i: list[Decimal],
    goods: Decimal,
    customs_value: Decimal,
) -> tuple[str, tuple[LineCharge, ...]]:
    ccur = profile.currency
    lines = consignment.lines
    employees = consignment.seller_employees

    def share(total: Decimal, g: Decimal) -> Decimal:
        return total * g / goods if goods else ZERO

    # Step 6: duty.
    low_value = profile.low_value_upto is not None and goods <= profile.low_value_upto
    duties: list[Decimal] = []
    duty_rules: list[dict[str, Any]] = []
    if low_value:
        flat = profile.low_value_duty_per_subheading or ZERO
        total_duty = flat * len({ln.hs_code[:6] for ln in lines})
        rule = _profile_rule_dict(profile, "low_value_duty")
        for g in goods_i:
            duties.append(share(total_duty, g))
            duty_rules.append(rule)
    else:
        for line, g in zip(lines, goods_i, strict=True):
            row = tariff.match(
                DUTY,
                destination,
                hs_code=line.hs_code,
                origin=line.origin,
                employees=employees,
                on=on,
            )
            if row is None:
                raise QuoteRefused(
                    RefusalCode.NO_TARIFF,
                    f"No tariff line for HS {line.hs_code} into {destination}.",
                )
            d = share(customs_value, g) * (row.rate_percent or ZERO) / HUNDRED
            if row.per_unit is not None:
                d += rates.convert(row.per_unit, row.currency or ccur, ccur) * line.quantity
            duties.append(d)
            duty_rules.append(_rule_dict(row))

    # Step 7: import tax.
    tax_free = profile.tax_free_upto is not None and goods <= profile.tax_free_upto
    taxes: list[Decimal] = []
    tax_rules: list[dict[str, Any]] = []
    for line, g, d in zip(lines, goods_i, duties, strict=True):
        if tax_free:
            taxes.append(ZERO)
            tax_rules.append(_profile_rule_dict(profile, "tax_free"))
            continue
        row = tariff.match(
            TAX, destination, hs_code=line.hs_code, origin=line.origin, employees=employees, on=on
        )
        if row is None:
            raise QuoteRefused(
                RefusalCode.NO_TARIFF,
                f"No import tax line for HS {line.hs_code} into {destination}.",
            )
        taxes.append((share(customs_value, g) + d) * (row.rate_percent or ZERO) / HUNDRED)
        tax_rules.append(_rule_dict(row))

    charges = tuple(
        LineCharge(*parts)
        for parts in zip(lines, goods_i, duties, taxes, duty_rules, tax_rules, strict=True)
    )
    return (LOW_VALUE if low_value else STANDARD), charges


def _explain_shipping(route: Route, weight_kg: Decimal) -> str:
    # Routes are cached per weight, so the sentence is too.
    memo: dict[Decimal, str] = route.__dict__.setdefault("_explained", {})
    if weight_kg not in memo:
        memo[weight_kg] = _build_explain_shipping(route, weight_kg)
    return memo[weight_kg]


def _build_explain_shipping(route: Route, weight_kg: Decimal) -> str:
    if not route.legs:
        return "No shipping between eHubs: the seller and the buyer are served by the same eHub."
    legs = "; ".join(
        f"{leg.from_hub}→{leg.to_hub}: {_fmt(leg.base_fee, leg.currency)} + "
        f"{_fmt(leg.per_kg, leg.currency)}/kg"
        for leg in route.legs
    )
    return (
        f"Cheapest route {' → '.join(route.hubs)} ({route.transit_days} days) for "
        f"{weight_kg.normalize():f} kg: {legs}."
    )


def _explain_charges(
    regime: str, profile: TariffRule, charges: tuple[LineCharge, ...], destination: str
) -> dict[str, str]:
    ccur = profile.currency
    if regime == LOW_VALUE:
        flat = profile.low_value_duty_per_subheading
        if flat:
            duty = (
                f"{destination}: flat {_fmt(flat, ccur)} per tariff subheading on consignments up "
                f"to {_fmt(profile.low_value_upto, ccur)}."
            )
        else:
            duty = (
                f"{destination}: no duty on consignments up to "
                f"{_fmt(profile.low_value_upto, ccur)}."
            )
    else:
        duty = "; ".join(
            sorted({_explain_row("duty", lc.duty_rule, profile, ccur) for lc in charges})
        )
    if charges and charges[0].tax_rule.get("applies") == "tax_free":
        upto = _fmt(profile.tax_free_upto, ccur)
        tax = f"{destination}: no import tax on goods up to {upto}."
    else:
        tax = "; ".join(sorted({_explain_row("tax", lc.tax_rule, profile, ccur) for lc in charges}))
    return {"duty": duty, "tax": tax}


def _explain_row(what: str, rule: dict[str, Any], profile: TariffRule, ccur: str) -> str:
    return str(
        _memo(
            profile,
            ("explain", what, rule.get("id"), rule.get("applies")),
            lambda: _build_explain_row(what, rule, profile, ccur),
        )
    )


def _build_explain_row(what: str, rule: dict[str, Any], profile: TariffRule, ccur: str) -> str:
    scope = f"HS {rule['hs_prefix']}…" if rule.get("hs_prefix") else "all goods"
    parts = []
    if rule.get("rate_percent") is not None:
        base = "customs value" if what == "duty" else "customs value plus duty"
        basis = f" ({profile.valuation})" if what == "duty" and profile.valuation else ""
        parts.append(f"{Decimal(rule['rate_percent']).normalize():f} % of the {base}{basis}")
    if rule.get("per_unit") is not None:
        parts.append(
            f"{_fmt(Decimal(rule['per_unit']), rule.get('per_unit_currency') or ccur)} per unit"
        )
    note = f" — {rule['note']}" if rule.get("note") else ""
    return f"{what.capitalize()} on {scope}: {' + '.join(parts) or 'none'}{note}"
