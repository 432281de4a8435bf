"""Checkout: a cart becomes one order per seller, each with its frozen quote and reserved stock.

`orders_place` is the only way an order is created (the checkout page and `POST /api/v1/orders/`
both call it). The quote comes from the one landed-cost engine (`marketplace.quoting`); stock is
reserved by one conditional UPDATE per listing, in listing-id order so two checkouts sharing
listings never deadlock, with `CHECK (stock >= 0)` behind it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customs.landed_cost import ConsignmentQuote, Quote
from ehubs.models import Hub
from marketplace.models import BuyerProfile, Listing, Order, OrderEvent, OrderLine
from marketplace.quoting import Item, quote_listings
from payments.money import quantize


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2; fixes the destination


class OutOfStock(Exception):
    """A listing has fewer units than asked for; nothing was reserved."""

    def __init__(self, listing: Listing, wanted: int) -> None:
        self.listing_id = listing.pk
        self.title = listing.title
        self.wanted = wanted
        super().__init__(
            f"Only {listing.stock} of “{listing.title}” left; you asked for {wanted}."
            if listing.stock
            else f"“{listing.title}” is out of stock."
        )


class QuoteChanged(Exception):
    """The delivered total is no longer the one the buyer saw; nothing was reserved."""

    def __init__(self, quote: Quote, expected: Decimal) -> None:
        self.quote = quote
        self.expected = expected
        total = quantize(quote.total, quote.currency)
        super().__init__(
            f"The delivered total changed from {expected} to {total} {quote.currency} "
            "since you saw it (prices, rules or exchange rates moved). Check it and confirm again."
        )


def checkout_quote(
    *, lines: Sequence[tuple[int, int]], destination: str, currency: str
) -> tuple[Quote, dict[int, Listing], dict[int, int]]:
    """Quote what a checkout would order: (quote, listings by id, quantities by id).

    Raises ValidationError for lines naming listings not on sale, QuoteRefused when the rules
    refuse (as quotes do).
    """
    quantities: dict[int, int] = {}
    for listing_id, quantity in lines:
        quantities[listing_id] = quantities.get(listing_id, 0) + quantity
    if not quantities:
        raise ValidationError({"lines": ["Add at least one line."]})
    listings = {
        listing.pk: listing
        for listing in Listing.objects.filter(
            pk__in=quantities, status=Listing.Status.ACTIVE
        ).select_related("seller")
    }
    missing = [pk for pk in quantities if pk not in listings]
    if missing:
        raise ValidationError(
            {"lines": [f"Listing {pk} is not on sale." for pk in sorted(missing)]}
        )
    items = [Item(listings[pk], qty) for pk, qty in quantities.items()]
    return (
        quote_listings(items=items, destination=destination, currency=currency),
        listings,
        quantities,
    )


def orders_place(
    *,
    buyer: BuyerProfile,
    lines: Sequence[tuple[int, int]],
    currency: str,
    address: Address,
    expected_total: Decimal | None = None,
    by: Any = None,
) -> list[Order]:
    """Place one order per seller for `lines` ((listing id, quantity), merged by listing),
    delivered to `address` and quoted in `currency`, with their stock reserved.

    Raises ValidationError (bad lines or currency), QuoteRefused (the rules refuse),
    QuoteChanged (`expected_total` given and no longer the total) or OutOfStock; in every
    such case nothing is reserved or created.
    """
    quote, listings, quantities = checkout_quote(
        lines=lines, destination=address.country, currency=currency
    )
    if expected_total is not None and quantize(quote.total, currency) != quantize(
        expected_total, currency
    ):
        raise QuoteChanged(quote, expected_total)
    now = timezone.now()
    expires_at = now + timedelta(minutes=settings.ORDER_PAYMENT_MINUTES)
    with transaction.atomic():
        for listing_id in sorted(quantities):
            _reserve(listings[listing_id], quantities[listing_id])
        hubs = {hub.code: hub for hub in Hub.objects.filter(code__in=_route_codes(quote))}
        checkout = uuid.uuid4()
        orders = [
            _order_create(
                checkout=checkout,
                consignment=consignment,
                buyer=buyer,
                address=address,
                expires_at=expires_at,
                hubs=hubs,
                by=by,
            )
            for consignment in quote.consignments
        ]
    return orders


def _reserve(listing: Listing, quantity: int) -> None:
    reserved = Listing.objects.filter(
        pk=listing.pk, status=Listing.Status.ACTIVE, stock__gte=quantity
    ).update(stock=F("stock") - quantity)
    if reserved != 1:
        listing.refresh_from_db(fields=["stock", "status"])
        if listing.status != Listing.Status.ACTIVE:
            listing.stock = 0
        raise OutOfStock(listing, quantity)


def _route_codes(quote: Quote) -> set[str]:
    return {code for c in quote.consignments for code in c.route.hubs}


def _order_create(
    *,
    checkout: uuid.UUID,
    consignment: ConsignmentQuote,
    buyer: BuyerProfile,
    address: Address,
    expires_at: Any,
    hubs: dict[str, Hub],
    by: Any,
) -> Order:
    cur = consignment.currency
    assert consignment.seller_id is not None  # consignments_of names each one's seller
    order = Order.objects.create(
        checkout=checkout,
        buyer=buyer,
        seller_id=consignment.seller_id,
        currency=cur,
        goods=quantize(consignment.goods, cur),
        shipping=quantize(consignment.shipping, cur),
        duty=quantize(consignment.duty, cur),
        tax=quantize(consignment.tax, cur),
        total=quantize(consignment.total, cur),
        quote=consignment.as_dict(),
        ship_name=address.name,
        ship_line1=address.line1,
        ship_city=address.city,
        ship_postal_code=address.postal_code,
        ship_country=address.country,
        expires_at=expires_at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            listing_id=charge.line.listing_id,
            title=charge.line.title,
            hs_code=charge.line.hs_code,
            quantity=charge.line.quantity,
            unit_price=charge.line.unit_price,
            unit_currency=charge.line.currency,
        )
        for charge in consignment.lines
    )
    # add, not set: a new order has no hubs to compare with, and add reads none first.
    order.hubs.add(*[hubs[code] for code in consignment.route.hubs if code in hubs])
    minutes = settings.ORDER_PAYMENT_MINUTES
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        note=f"Order placed; the goods are reserved for {minutes} minutes awaiting payment.",
        actor=by,
    )
    return order
