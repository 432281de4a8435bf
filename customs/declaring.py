"""What customs declares for an order: a pure module (no ORM).

`declarations_for(filing)` turns a paid order's frozen quote into the declarations its route
needs: an export declaration at the origin hub and an import declaration at the destination hub,
none for a domestic consignment. Import figures are the frozen quote's own (customs value, duty
and tax in the destination's customs currency), so the buyer, the order and the declaration
never disagree; an export declares the goods' invoice value, free of duty and tax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from customs.landed_cost import DOMESTIC
from payments.fx import Rates
from payments.money import quantize

EXPORT, IMPORT = "export", "import"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Party:
    user_id: int
    name: str
    country: str


@dataclass(frozen=True)
class FilingLine:
    listing_id: int
    title: str
    hs_code: str
    hs_description: str
    origin: str
    quantity: int
    unit_price: Decimal  # the price paid, in `currency` (the invoice)
    currency: str
    listing_price: Decimal  # the listing's price when the declaration is filed
    listing_currency: str
    weight_grams: int


@dataclass(frozen=True)
class Filing:
    """A paid order as customs sees it: plain values and an opaque reference."""

    reference: str
    quote: dict[str, Any]  # the order's frozen ConsignmentQuote.as_dict()
    seller: Party
    seller_verified: bool
    seller_employees: int
    buyer: Party
    consignee_name: str
    consignee_country: str
    currency: str  # the order's (the buyer's) currency
    goods: Decimal
    total: Decimal
    lines: tuple[FilingLine, ...]


@dataclass(frozen=True)
class LineSpec:
    listing_id: int
    title: str
    hs_code: str
    hs_description: str
    origin: str
    quantity: int
    unit_value: Decimal
    value: Decimal
    currency: str
    listing_price: Decimal
    listing_currency: str


@dataclass(frozen=True)
class DeclarationSpec:
    reference: str
    hub: str  # hub code
    direction: str
    currency: str
    customs_value: Decimal
    duty: Decimal
    tax: Decimal
    origin_country: str
    destination_country: str
    quoted_on: date
    lines: tuple[LineSpec, ...]
    basis: dict[str, Any] = field(default_factory=dict)
    order_document: dict[str, Any] = field(default_factory=dict)


def is_domestic(quote: dict[str, Any]) -> bool:
    return quote.get("customs", {}).get("regime") == DOMESTIC


def declarations_for(filing: Filing) -> list[DeclarationSpec]:
    """The export and import declarations of a cross-border consignment; [] if domestic."""
    quote = filing.quote
    route = list(quote.get("route") or [])
    if is_domestic(quote) or not route:
        return []
    customs = quote["customs"]
    basis = _basis(filing)
    document = order_document(filing)
    common: dict[str, Any] = {
        "reference": filing.reference,
        "origin_country": filing.seller.country,
        "destination_country": str(quote["destination_country"]),
        "quoted_on": date.fromisoformat(quote["date"]),
        "basis": basis,
        "order_document": document,
    }
    export_currency = _invoice_currency(filing)
    rates = frozen_rates(quote)
    export_lines = tuple(_line(ln, export_currency, rates) for ln in filing.lines)
    export_value = quantize(sum((ln.value for ln in export_lines), ZERO), export_currency)
    import_currency = str(customs["currency"])
    import_lines = tuple(_line(ln, import_currency, rates) for ln in filing.lines)
    return [
        DeclarationSpec(
            hub=route[0],
            direction=EXPORT,
            currency=export_currency,
            customs_value=export_value,
            duty=ZERO,
            tax=ZERO,
            lines=export_lines,
            **common,
        ),
        DeclarationSpec(
            hub=route[-1],
            direction=IMPORT,
            currency=import_currency,
            customs_value=Decimal(customs["customs_value"]["amount"]),
            duty=Decimal(customs["duty"]["amount"]),
            tax=Decimal(customs["tax"]["amount"]),
            lines=import_lines,
            **common,
        ),
    ]


def frozen_rates(quote: dict[str, Any]) -> Rates:
    """The exchange rates the quote was made with (its record: base and rates)."""
    recorded = dict(quote.get("rates") or {})
    base = str(recorded.pop("base", "USD"))
    return Rates(base=base, rates={c: Decimal(r) for c, r in recorded.items()})


def _invoice_currency(filing: Filing) -> str:
    # An export declares the invoice; goods invoiced in several currencies are declared in USD,
    # which every quote's rates hold.
    currencies = {ln.currency for ln in filing.lines}
    return currencies.pop() if len(currencies) == 1 else "USD"


def _line(line: FilingLine, currency: str, rates: Rates) -> LineSpec:
    unit = rates.convert(line.unit_price, line.currency, currency)
    return LineSpec(
        listing_id=line.listing_id,
        title=line.title,
        hs_code=line.hs_code,
        hs_description=line.hs_description,
        origin=line.origin,
        quantity=line.quantity,
        unit_value=quantize(unit, currency),
        value=quantize(unit * line.quantity, currency),
        currency=currency,
        listing_price=line.listing_price,
        listing_currency=line.listing_currency,
    )


def _basis(filing: Filing) -> dict[str, Any]:
    """The landed-cost engine's inputs, to quote the consignment again on the clearance date."""
    return {
        "destination": str(filing.quote["destination_country"]),
        "currency": filing.currency,
        "seller_country": filing.seller.country,
        "seller_employees": filing.seller_employees,
        "seller_id": filing.seller.user_id,
        "lines": [
            {
                "listing_id": ln.listing_id,
                "title": ln.title,
                "hs_code": ln.hs_code,
                "origin": ln.origin,
                "unit_price": str(ln.unit_price),
                "currency": ln.currency,
                "weight_grams": ln.weight_grams,
                "quantity": ln.quantity,
            }
            for ln in filing.lines
        ],
    }


def order_document(filing: Filing) -> dict[str, Any]:
    """The order, one of the three documents customs matches (with the payment and waybill)."""
    return {
        "consignee": {"name": filing.consignee_name, "country": filing.consignee_country},
        "goods": sorted([ln.listing_id, ln.quantity] for ln in filing.lines),
        "goods_value": str(filing.goods),
        "amount": str(filing.total),
        "currency": filing.currency,
    }
