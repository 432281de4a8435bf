from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from marketplace.cart import ShipTo, cart_items, currencies_quotable, ship_to_default, ship_to_get
from marketplace.forms.storefront import ShipToForm

SITE_NAME = "eWTP Marketplace"


class Shop:
    """The visitor's ship-to choice and cart for the header. Lazy: a page that never shows the
    header (an error page) costs nothing, and each value is worked out once per page."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def ship_to(self) -> ShipTo:
        session = getattr(self._request, "session", None)
        user = getattr(self._request, "user", None)
        return ship_to_default(user) if session is None else ship_to_get(session, user)

    @cached_property
    def ship_to_form(self) -> ShipToForm:
        current = self.ship_to
        # The current currency stays selectable even if its rate has gone, so the menu shows
        # what prices are asked in; choosing it again is refused with a reason.
        currencies = sorted({*currencies_quotable(), current.currency})
        return ShipToForm(
            initial={"country": current.country, "currency": current.currency},
            currencies=currencies,
        )

    @cached_property
    def cart_count(self) -> int:
        """Units of listings still on sale (one query, and only when the cart is not empty)."""
        session = getattr(self._request, "session", None)
        if session is None:
            return 0
        return sum(item.quantity for item in cart_items(session))


def site(request: HttpRequest) -> dict[str, Any]:
    """Who the visitor is, where they ship to and what is in their cart, for the header."""
    # No user when a request fails before the middleware ran (a 400 for an unknown host).
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "site_name": SITE_NAME,
        "is_seller": signed_in and hasattr(user, "seller_profile"),
        "is_buyer": signed_in and hasattr(user, "buyer_profile"),
        "shop": Shop(request),
    }
