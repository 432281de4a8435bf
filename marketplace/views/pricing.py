"""Delivered prices for pages: every price comes from marketplace.quoting.quote_listings, the one
landed-cost engine; refusals are explained for buyers, never raised."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from customs.landed_cost import Quote, QuoteRefused
from ewtp.codes import RefusalCode
from marketplace import cart as shop
from marketplace.delivery import destination_of
from marketplace.models import Listing
from marketplace.quoting import Item, quote_listings
from marketplace.views.common import error_texts

# What each refusal code means for the buyer, in the buyer's words. The engine's own `detail`
# ("No customs profile for BR on 2026-12-01") is for developers (the API keeps it) and never
# reaches a page: pages show these sentences, built from the code and the country's name.
REFUSAL_MEANINGS = {
    RefusalCode.PROHIBITED: (
        "These goods may not be imported into {country}: they cannot be shipped there."
    ),
    RefusalCode.NO_ROUTE: (
        "No eHub route links the seller to {country} yet, so the goods cannot be delivered there."
    ),
    RefusalCode.NO_TARIFF: (
        "The customs tariff of {country} has no line for these goods yet, so their duty and tax "
        "cannot be worked out and they cannot be shipped there for now."
    ),
    RefusalCode.NOT_SERVED: (
        "No eHub serves {country}, so nothing can be delivered there for now."
    ),
}
REFUSAL_HEADLINES = {
    RefusalCode.PROHIBITED: "Cannot be shipped to {country}",
    RefusalCode.NO_ROUTE: "No delivery route to {country}",
    RefusalCode.NO_TARIFF: "No customs tariff for these goods in {country}",
    RefusalCode.NOT_SERVED: "We don't deliver to {country} yet",
}
# `not_served` for a destination the network does serve: a rate or a profile is missing for
# this quote (e.g. the seller's currency has no exchange rate), not the country.
UNPRICEABLE_HEADLINE = "No price for {country} right now"
UNPRICEABLE_MEANING = (
    "The delivered price of these goods to {country} cannot be worked out right now, so they "
    "cannot be ordered for delivery there for the moment."
)
# Refusals caused by particular goods (rather than by the seller's or buyer's country).
LINE_REFUSALS = (RefusalCode.PROHIBITED, RefusalCode.NO_TARIFF)
REGIME_LABELS = {
    "domestic": "Domestic: no customs border is crossed",
    "low_value": "Low-value consignment",
    "standard": "Standard import",
}


@dataclass(frozen=True)
class Refusal:
    """A refusal as a buyer reads it (no engine `detail`: see REFUSAL_MEANINGS)."""

    code: RefusalCode
    headline: str
    meaning: str


@dataclass
class Priced:
    """The outcome of quoting some items: the engine's quote (as the API renders it), or why
    there is none."""

    quote: dict[str, Any] | None = None
    engine_quote: Quote | None = None
    refusal: Refusal | None = None
    currency_error: str = ""
    rule_notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def regime_label(self) -> str:
        regime = (self.quote or {}).get("customs", {}).get("regime", "")
        return REGIME_LABELS.get(regime, regime)


def ship_to_of(request: HttpRequest) -> shop.ShipTo:
    return shop.ship_to_get(request.session, request.user)


def ship_to_message(choice: shop.ShipTo) -> tuple[int, str]:
    """What choosing a destination means for the prices shown (a messages level and text):
    delivered prices only where an eHub serves the country."""
    name = choice.country_name
    served = destination_of(choice.country)
    if served is None:
        return messages.WARNING, (
            f"We don't deliver to {name} yet. Prices are shown without delivery, and goods "
            "can't be ordered for delivery there; see “Where we deliver” for the countries "
            "we serve."
        )
    if not served.imports:
        return messages.WARNING, (
            f"We deliver to {name} only goods from sellers in {served.within}, in "
            f"{choice.currency}. Other goods are shown without delivery."
        )
    return messages.SUCCESS, f"Prices now include delivery to {name}, in {choice.currency}."


def refusal_of(refused: QuoteRefused, ship_to: shop.ShipTo) -> Refusal:
    country = ship_to.country_name
    headline = REFUSAL_HEADLINES.get(refused.code, "Cannot be delivered to {country}")
    meaning = REFUSAL_MEANINGS.get(refused.code, "")
    if refused.code == RefusalCode.NOT_SERVED:
        served = destination_of(ship_to.country)
        if served is not None and served.imports:
            headline, meaning = UNPRICEABLE_HEADLINE, UNPRICEABLE_MEANING
    return Refusal(
        code=refused.code,
        headline=headline.format(country=country),
        meaning=meaning.format(country=country),
    )


def rule_notes(quote: dict[str, Any]) -> list[tuple[str, str]]:
    """The notes of the rules behind the duty and the tax, as (what, note): each note once, in
    line order, naming both charges when one rule covers both (a domestic consignment)."""
    charges_of: dict[str, list[str]] = {}
    for line in quote.get("lines", []):
        for label, key in (("Duty", "duty_rule"), ("Import tax", "tax_rule")):
            note = (line.get(key) or {}).get("note") or ""
            if note and label not in charges_of.setdefault(note, []):
                charges_of[note].append(label)
    return [(" and ".join(labels).capitalize(), note) for note, labels in charges_of.items()]


def price_items(items: Sequence[Item], ship_to: shop.ShipTo) -> Priced:
    """Quote `items` with the one engine. A refusal or a currency without a rate is returned
    for the page to explain; it never escapes as an error."""
    try:
        quote = quote_listings(items=items, destination=ship_to.country, currency=ship_to.currency)
    except QuoteRefused as refused:
        return Priced(refusal=refusal_of(refused, ship_to))
    except ValidationError as error:
        return Priced(currency_error=" ".join(error_texts(error)))
    data = quote.as_dict()
    return Priced(quote=data, engine_quote=quote, rule_notes=rule_notes(data))


def delivered_card_prices(
    listings: Iterable[Listing], ship_to: shop.ShipTo
) -> dict[int, dict[str, Any]]:
    """Each card's delivered price for one unit, quoted on its own so one refusal leaves the
    other cards priced: listing id → {"total": money} or {"refused": Refusal}. A listing is
    left out when its price cannot be shown in the currency (no exchange rate)."""
    prices: dict[int, dict[str, Any]] = {}
    for listing in listings:
        try:
            quote = quote_listings(
                items=[Item(listing, 1)], destination=ship_to.country, currency=ship_to.currency
            )
        except QuoteRefused as refused:
            prices[listing.pk] = {"refused": refusal_of(refused, ship_to)}
        except ValidationError:
            continue
        else:
            prices[listing.pk] = {"total": quote.as_dict()["total"]}
    return prices


def card_context(listings: Iterable[Listing], request: HttpRequest) -> dict[str, Any]:
    """What the listing cards need: the ship-to, the id → price mapping, and the cards as
    (listing, delivered price or None) pairs, since templates cannot look up by a variable."""
    listings = list(listings)
    ship_to = ship_to_of(request)
    card_prices = delivered_card_prices(listings, ship_to)
    return {
        "ship_to": ship_to,
        "card_prices": card_prices,
        "cards": [(listing, card_prices.get(listing.pk)) for listing in listings],
    }
