"""A visitor, in a real browser: chooses where to ship, sees a listing's delivered price and
buys it into the cart, with the landed-cost engine's own figures all the way."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Listing
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.factories import ListingFactory, SellerFactory
from tests.marketplace.conftest import reference_data_load

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Listing:
    reference_data_load()
    seller = SellerFactory.create(company_name="Lotus Crafts", country="CN")
    return ListingFactory.create(
        seller=seller,
        title="Hand-loomed cotton T-shirt",
        price=Money(Decimal("20.00"), "USD"),
        weight_grams=250,
    )


def engine_total(listing: Listing, quantity: int) -> str:
    quote = quote_listings(items=[Item(listing, quantity)], destination="BE", currency="EUR")
    total = quote.as_dict()["total"]
    return format_money(total["amount"], total["currency"])


def test_visitor_sees_the_delivered_price_and_adds_it_to_the_cart(
    live_server: LiveServer, page: Page, world: Listing
) -> None:
    page.goto(live_server.url)

    # Ship to Belgium, prices in euros.
    page.get_by_label("Ship to").select_option("BE")
    page.get_by_label("Prices in").select_option("EUR")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Prices now include delivery to Belgium, in EUR.")).to_be_visible()
    expect(page.get_by_label("Ship to")).to_have_value("BE")

    # The listing page shows the delivered price: the engine's figure, with its route.
    page.get_by_role("link", name="Hand-loomed cotton T-shirt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand-loomed cotton T-shirt")
    delivered = page.get_by_role("region", name="Delivered to Belgium")
    expect(delivered.locator(".delivered-total")).to_contain_text(engine_total(world, 1))
    expect(delivered).to_contain_text("HGH → LGG")
    expect(delivered).to_contain_text("flat EUR 3 per tariff subheading")

    # Re-quote for two, then add two to the cart.
    delivered.get_by_label("Quantity", exact=True).fill("2")
    delivered.get_by_role("button", name="Update price").click()
    expect(page.locator(".delivered-total")).to_contain_text(engine_total(world, 2))
    expect(page.get_by_label("Quantity to add")).to_have_value("2")
    page.get_by_role("button", name="Add to cart").click()

    # The cart's grand total is the engine's, and the header counts the units.
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_text("Added 2 × “Hand-loomed cotton T-shirt” to your cart.")).to_be_visible()
    summary = page.get_by_role("region", name="Total to pay")
    expect(summary).to_contain_text("Grand total")
    expect(summary).to_contain_text(engine_total(world, 2))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"^Cart 2 items"))).to_be_visible()
