"""Helpers for the order API tests: request bodies and reads of what a checkout left behind."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marketplace.models import Listing
from tests.trade import ADDRESS

ORDERS = "/api/v1/orders/"
ADDRESS_BODY: dict[str, str] = {
    "name": ADDRESS.name,
    "line1": ADDRESS.line1,
    "city": ADDRESS.city,
    "postal_code": ADDRESS.postal_code,
    "country": ADDRESS.country,
}


def checkout_body(
    *lines: tuple[Listing, int], currency: str = "EUR", country: str = "BE"
) -> dict[str, Any]:
    """A POST /api/v1/orders/ body for `lines` ((listing, quantity)), delivered to `country`."""
    return {
        "currency": currency,
        "shipping_address": {**ADDRESS_BODY, "country": country},
        "lines": [{"listing": listing.pk, "quantity": quantity} for listing, quantity in lines],
    }


def pay_url(order_id: int) -> str:
    return f"{ORDERS}{order_id}/pay/"


def cancel_url(order_id: int) -> str:
    return f"{ORDERS}{order_id}/cancel/"


def stock(*listings: Listing) -> list[int]:
    """The listings' stock now, in the order given."""
    return [Listing.objects.get(pk=listing.pk).stock for listing in listings]


def balanced(trial: dict[str, Decimal]) -> bool:
    """Every currency of the trial balance sums to zero."""
    return all(total == 0 for total in trial.values())
