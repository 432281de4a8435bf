"""Delivered prices on the listing cards of the home page and the search results.

Each card shows the engine's own total (quote_listings(...).as_dict()["total"]) for one unit,
delivered to the visitor's ship-to country in their currency; each card is quoted on its own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from djmoney.money import Money

from customs.landed_cost import QuoteRefused
from marketplace.models import Listing
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from marketplace.views import pricing
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

CARD_START = '<article class="card listing-card">'
PAGES = ("home", "search")


def card_of(page: str, listing: Listing) -> str:
    """The HTML of the one card that links to `listing`, whitespace collapsed."""
    href = f'href="{reverse("listing_detail", args=[listing.pk])}"'
    cards = [c.split("</article>")[0] for c in page.split(CARD_START)[1:] if href in c]
    assert len(cards) == 1, f"expected one card for listing {listing.pk}"
    return " ".join(cards[0].split())


def page_of(client: Client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def engine_total(listing: Listing, *, destination: str, currency: str) -> str:
    items = [Item(listing, 1)]
    total = quote_listings(items=items, destination=destination, currency=currency).as_dict()[
        "total"
    ]
    return format_money(total["amount"], total["currency"])


def choose(client: Client, country: str, currency: str) -> None:
    response = client.post(
        reverse("ship_to"), {"country": country, "currency": currency, "next": "/"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("country", "currency", "country_name"),
    [("BE", "EUR", "Belgium"), ("FR", "GBP", "France")],
)
def test_cards_show_the_engines_delivered_total_for_the_ship_to(
    client: Client,
    reference_data: None,
    name: str,
    country: str,
    currency: str,
    country_name: str,
) -> None:
    cheap = ListingFactory.create(price=Money(Decimal("20.00"), "USD"))
    dear = ListingFactory.create(price=Money(Decimal("200.00"), "USD"), weight_grams=900)
    choose(client, country, currency)

    page = page_of(client, name)

    totals = set()
    for listing in (cheap, dear):
        expected = engine_total(listing, destination=country, currency=currency)
        totals.add(expected)
        card = card_of(page, listing)
        assert (
            f'{expected}</span> <span class="card-delivered-note">delivered to {country_name}'
            in card
        )
        # The delivered price leads; the listing's own price follows as secondary text.
        goods = f"USD {listing.price.amount:.2f}</span> before delivery, duty and tax"
        assert card.index(expected) < card.index(goods)
        assert "Add to cart" in card
        assert "card-refused" not in card
    assert len(totals) == 2


@pytest.mark.parametrize("name", PAGES)
def test_a_refused_listing_shows_the_refusal_while_others_keep_their_prices(
    client: Client, reference_data: None, name: str
) -> None:
    pistol = ListingFactory.create(hs_code="930200")
    shirt = ListingFactory.create()
    with pytest.raises(QuoteRefused):
        quote_listings(items=[Item(pistol, 1)], destination="BE", currency="EUR")

    page = page_of(client, name)

    refused = card_of(page, pistol)
    assert 'data-code="prohibited">Cannot be shipped to Belgium</p>' in refused
    assert "delivered to Belgium" not in refused
    assert "Add to cart" not in refused
    priced = card_of(page, shirt)
    expected = engine_total(shirt, destination="BE", currency="EUR")
    assert f'{expected}</span> <span class="card-delivered-note">delivered to Belgium' in priced
    assert "Cannot be shipped" not in priced
    assert "Add to cart" in priced


@pytest.mark.parametrize("name", PAGES)
def test_a_currency_without_a_rate_adds_nothing_to_the_cards(
    client: Client, reference_data: None, name: str
) -> None:
    listing = ListingFactory.create()
    session = client.session
    session["ship_to"] = {"country": "BE", "currency": "JPY"}
    session.save()

    card = card_of(page_of(client, name), listing)

    assert "delivered to" not in card.lower()
    assert "USD 20.00" in card
    assert "Add to cart" not in card


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_without_reference_data(client: Client, name: str) -> None:
    listing = ListingFactory.create(title="Tea bowl")

    page = page_of(client, name)

    card = card_of(page, listing)
    assert "Tea bowl" in card
    assert escape("We don't deliver to Belgium yet") in card
    assert "Add to cart" not in card


def test_cards_are_quoted_once_per_listing_with_quantity_one(
    client: Client, reference_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    listings = ListingFactory.create_batch(3)
    calls: list[Any] = []

    real = pricing.quote_listings

    def spy(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(pricing, "quote_listings", spy)

    page_of(client, "home")

    assert len(calls) == len(listings)
    for call in calls:
        assert [item.quantity for item in call["items"]] == [1]
        assert (call["destination"], call["currency"]) == ("BE", "EUR")
