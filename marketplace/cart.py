"""The visitor's shopping session: where they ship to, in which currency, and their cart.

Plain functions over the Django session, so views, the context processor and tests share them.
The session only ever holds ids, codes and quantities (JSON-serialisable); listings are loaded
fresh on every read, so a listing archived since it was added simply drops out of the cart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_countries import countries

from marketplace.models import Listing
from marketplace.quoting import Item
from payments.selectors import rates_current

CART_SESSION_KEY = "cart"
SHIP_TO_SESSION_KEY = "ship_to"
MIN_QUANTITY = 1
MAX_QUANTITY = 999

# Where prices are delivered to before a visitor chooses (Liège is the demo's home hub).
DEFAULT_COUNTRY = "BE"
DEFAULT_CURRENCY = "EUR"


# --- Ship-to ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShipTo:
    country: str
    currency: str

    @property
    def country_name(self) -> str:
        return str(countries.name(self.country)) or self.country


def ship_to_default(user: Any = None) -> ShipTo:
    """A signed-in buyer's profile country and preferred currency; otherwise the site default
    (settings STOREFRONT_SHIP_TO_COUNTRY / STOREFRONT_SHIP_TO_CURRENCY, else BE / EUR)."""
    profile = getattr(user, "buyer_profile", None) if _is_signed_in(user) else None
    if profile is not None:
        return ShipTo(country=str(profile.country.code), currency=profile.preferred_currency)
    return ShipTo(
        country=getattr(settings, "STOREFRONT_SHIP_TO_COUNTRY", DEFAULT_COUNTRY),
        currency=getattr(settings, "STOREFRONT_SHIP_TO_CURRENCY", DEFAULT_CURRENCY),
    )


def ship_to_get(session: SessionBase, user: Any = None) -> ShipTo:
    """The visitor's own choice if they made one this session, else `ship_to_default(user)`."""
    stored = session.get(SHIP_TO_SESSION_KEY)
    if isinstance(stored, Mapping):
        country, currency = stored.get("country"), stored.get("currency")
        if isinstance(country, str) and isinstance(currency, str) and country and currency:
            return ShipTo(country=country, currency=currency)
    return ship_to_default(user)


def ship_to_set(session: SessionBase, *, country: str, currency: str) -> ShipTo:
    """Remember the visitor's choice for the rest of the session (the caller validates it)."""
    choice = ShipTo(country=country.upper(), currency=currency.upper())
    session[SHIP_TO_SESSION_KEY] = {"country": choice.country, "currency": choice.currency}
    return choice


def currencies_quotable() -> list[str]:
    """The currencies prices can be shown in: those with a loaded exchange rate."""
    rates = rates_current()
    if rates is None:
        return []
    return sorted({rates.base, *rates.rates})


def ship_to_forget_if(session: SessionBase, choice: ShipTo) -> bool:
    """Drop the session's ship-to if it is `choice` (e.g. the old profile default), so the new
    default applies; a different choice the visitor made stays. True if it was dropped."""
    stored = session.get(SHIP_TO_SESSION_KEY)
    if stored == {"country": choice.country, "currency": choice.currency}:
        del session[SHIP_TO_SESSION_KEY]
        return True
    return False


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


# --- Cart ------------------------------------------------------------------------------------


def quantity_clamp(quantity: int) -> int:
    return max(MIN_QUANTITY, min(MAX_QUANTITY, int(quantity)))


def cart_quantities(session: SessionBase) -> dict[int, int]:
    """Listing id → quantity, in the order the listings were first added. Anything malformed in
    the stored cart is skipped rather than trusted."""
    stored = session.get(CART_SESSION_KEY)
    if not isinstance(stored, Mapping):
        return {}
    result: dict[int, int] = {}
    for key, value in stored.items():
        try:
            listing_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if listing_id > 0 and quantity > 0:
            result[listing_id] = quantity_clamp(quantity)
    return result


def _as_stored(quantities: Mapping[int, int]) -> dict[str, int]:
    return {str(pk): qty for pk, qty in quantities.items()}


def _store(session: SessionBase, quantities: Mapping[int, int]) -> None:
    # Assigning a new dict (never mutating the stored one) is what marks the session modified.
    session[CART_SESSION_KEY] = _as_stored(quantities)


def cart_add(session: SessionBase, listing_id: int, quantity: int) -> int:
    """Add `quantity` of a listing (on top of what is already there); returns the new quantity,
    capped at MAX_QUANTITY. The caller checks the listing is on sale."""
    quantities = cart_quantities(session)
    new = quantity_clamp(quantities.get(listing_id, 0) + quantity_clamp(quantity))
    quantities[listing_id] = new
    _store(session, quantities)
    return new


def cart_set(session: SessionBase, listing_id: int, quantity: int) -> int:
    """Set a listing's quantity (1–999, clamped), keeping its place in the cart."""
    quantities = cart_quantities(session)
    quantities[listing_id] = quantity_clamp(quantity)
    _store(session, quantities)
    return quantities[listing_id]


def cart_remove(session: SessionBase, listing_id: int) -> bool:
    """Take a listing out of the cart; False if it was not in it."""
    quantities = cart_quantities(session)
    if quantities.pop(listing_id, None) is None:
        return False
    _store(session, quantities)
    return True


def cart_clear(session: SessionBase) -> None:
    session.pop(CART_SESSION_KEY, None)


def cart_count(session: SessionBase) -> int:
    """Units in the cart as stored (no query: listings gone off sale count until the next read)."""
    return sum(cart_quantities(session).values())


def cart_items(session: SessionBase) -> list[Item]:
    """The cart's active listings with their quantities, in cart order. Listings no longer on
    sale (archived, back to draft, deleted) are dropped from the result and from the session."""
    quantities = cart_quantities(session)
    if not quantities:
        return []
    listings = Listing.objects.filter(
        pk__in=quantities, status=Listing.Status.ACTIVE
    ).select_related("seller")
    by_id = {listing.pk: listing for listing in listings}
    items = [Item(by_id[pk], qty) for pk, qty in quantities.items() if pk in by_id]
    if len(items) != len(quantities) or session.get(CART_SESSION_KEY) != _as_stored(quantities):
        _store(session, {item.listing.pk: item.quantity for item in items})
    return items
