"""Quotes for listings: loads what the landed-cost engine needs and calls it.

The listing page, the cart, the quotes API (and, later, checkout and declarations) all quote
through `quote_listings`, so every figure a buyer sees comes from the one engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from customs.landed_cost import (
    Consignment,
    Quote,
    QuoteLine,
    QuoteRefused,
    quote,
)
from customs.nomenclature import hs_description
from customs.selectors import tariff_index_current
from ehubs.selectors import network_current
from ewtp.codes import RefusalCode
from marketplace.models import Listing
from payments.fx import MissingRate
from payments.selectors import rates_current


@dataclass(frozen=True)
class Item:
    listing: Listing
    quantity: int


@dataclass(frozen=True)
class Quotable:
    """What a quote reads of a listing and its seller."""

    listing_id: int
    seller_id: int
    title: str
    hs_code: str
    origin: str
    unit_price: Decimal
    currency: str
    weight_grams: int
    seller_country: str
    seller_employees: int

    @classmethod
    def of(cls, listing: Listing) -> Quotable:
        seller = listing.seller
        return cls(
            listing_id=listing.pk,
            seller_id=listing.seller_id,
            title=listing.title,
            hs_code=listing.hs_code,
            origin=str(listing.origin_country.code),
            unit_price=listing.price.amount,
            currency=str(listing.price.currency.code),
            weight_grams=listing.weight_grams,
            seller_country=str(seller.country.code),
            seller_employees=seller.employees,
        )


def consignments_of(items: Sequence[tuple[Quotable, int]]) -> list[Consignment]:
    """One consignment per seller, in the order sellers first appear."""
    by_seller: dict[int, list[tuple[Quotable, int]]] = {}
    for item in items:
        by_seller.setdefault(item[0].seller_id, []).append(item)
    return [
        Consignment(
            seller_country=group[0][0].seller_country,
            seller_employees=group[0][0].seller_employees,
            lines=tuple(
                QuoteLine(
                    listing_id=q.listing_id,
                    hs_code=q.hs_code,
                    origin=q.origin,
                    unit_price=q.unit_price,
                    currency=q.currency,
                    weight_grams=q.weight_grams,
                    quantity=quantity,
                    title=q.title,
                    hs_description=hs_description(q.hs_code),
                )
                for q, quantity in group
            ),
            seller_id=seller_id,
        )
        for seller_id, group in by_seller.items()
    ]


def quote_listings(
    *, items: Sequence[Item], destination: str, currency: str, on: date | None = None
) -> Quote:
    """Quote listings (pages and cart): see `quote_quotables`."""
    return quote_quotables(
        items=[(Quotable.of(i.listing), i.quantity) for i in items],
        destination=destination,
        currency=currency,
        on=on,
    )


def quote_quotables(
    *,
    items: Sequence[tuple[Quotable, int]],
    destination: str,
    currency: str,
    on: date | None = None,
) -> Quote:
    """Quote the items delivered to `destination`, in `currency`, on `on` (default: today).

    Raises QuoteRefused when the rules refuse, ValidationError({"currency": …}) when there is no
    exchange rate for the buyer's currency.
    """
    if not items:
        raise ValidationError({"lines": ["Add at least one line."]})
    rates = rates_current()
    if rates is None:
        raise QuoteRefused(RefusalCode.NOT_SERVED, "No exchange rates have been loaded yet.")
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
            RefusalCode.NOT_SERVED,
            f"No exchange rate for {missing.currency} is loaded, so this quote cannot be made.",
        ) from missing
