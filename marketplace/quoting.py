"""Quotes for listings: loads what the landed-cost engine needs and calls it.

The listing page, the cart, the quotes API (and, later, checkout and declarations) all quote
through `quote_listings`, so every figure a buyer sees comes from the one engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from customs.landed_cost import Consignment, Quote, QuoteLine, QuoteRefused, quote
from customs.selectors import tariff_index_current
from ehubs.selectors import network_current
from marketplace.models import Listing
from payments.fx import MissingRate
from payments.selectors import rates_current


@dataclass(frozen=True)
class Item:
    listing: Listing
    quantity: int


def quote_line(item: Item) -> QuoteLine:
    listing = item.listing
    return QuoteLine(
        listing_id=listing.pk,
        hs_code=listing.hs_code,
        origin=str(listing.origin_country.code),
        unit_price=listing.price.amount,
        currency=str(listing.price.currency.code),
        weight_grams=listing.weight_grams,
        quantity=item.quantity,
        title=listing.title,
    )


def consignments_of(items: Sequence[Item]) -> list[Consignment]:
    """One consignment per seller, in the order sellers first appear."""
    by_seller: dict[int, list[Item]] = {}
    for item in items:
        by_seller.setdefault(item.listing.seller_id, []).append(item)
    result = []
    for group in by_seller.values():
        seller = group[0].listing.seller
        result.append(
            Consignment(
                seller_country=str(seller.country.code),
                seller_employees=seller.employees,
                lines=tuple(quote_line(i) for i in group),
                seller_id=seller.pk,
            )
        )
    return result


def quote_listings(
    *, items: Sequence[Item], destination: str, currency: str, on: date | None = None
) -> Quote:
    """Quote the items delivered to `destination`, in `currency`, on `on` (default: today).

    Raises QuoteRefused when the rules refuse, ValidationError({"currency": …}) when there is no
    exchange rate for the buyer's currency.
    """
    if not items:
        raise ValidationError({"lines": ["Add at least one line."]})
    rates = rates_current()
    if rates is None:
        raise QuoteRefused("not_served", "No exchange rates have been loaded yet.")
    if not rates.has(currency):
        raise ValidationError({"currency": [f"No exchange rate for {currency}."]})
    try:
        return quote(
            consignments_of(items),
            destination=destination,
            currency=currency,
            on=on or timezone.localdate(),
            network=network_current(),
            tariff=tariff_index_current(),
            rates=rates,
        )
    except MissingRate as missing:
        raise QuoteRefused(
            "not_served",
            f"No exchange rate for {missing.currency} is loaded, so this quote cannot be made.",
        ) from missing
