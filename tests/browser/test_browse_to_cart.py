"""A visitor, in a real browser: from the home page to a search sorted by price, into the dearest
listing and the cart, reading delivered prices in the one money format (with grouping) all the
way. Screenshots of each step are kept in test-results/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Listing
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.browser.conftest import ARTIFACTS
from tests.factories import ListingFactory, SellerFactory
from tests.marketplace.conftest import reference_data_load

pytestmark = pytest.mark.browser


@pytest.fixture
def listings(transactional_db: Any) -> tuple[Listing, Listing]:
    reference_data_load()
    seller = SellerFactory.create(company_name="Lotus Crafts", country="CN")
    cheap = ListingFactory.create(
        seller=seller, title="Cotton tote bag", price=Money(Decimal("12.00"), "USD")
    )
    dear = ListingFactory.create(
        seller=seller,
        title="Hand-loomed cotton rug",
        price=Money(Decimal("1450.00"), "USD"),
        weight_grams=4000,
    )
    return cheap, dear


def delivered(listing: Listing, quantity: int = 1) -> str:
    """The engine's delivered total, as every page formats it (EUR 1,234.56)."""
    total = quote_listings(
        items=[Item(listing, quantity)], destination="BE", currency="EUR"
    ).as_dict()["total"]
    return format_money(total["amount"], total["currency"])


def snap(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browse-to-cart-{step}.png"), full_page=True)


def test_visitor_browses_by_price_to_the_cart_with_grouped_delivered_prices(
    live_server: LiveServer, page: Page, listings: tuple[Listing, Listing]
) -> None:
    cheap, dear = listings
    dear_total = delivered(dear)
    assert "," in dear_total  # over a thousand: the grouping is what is being checked

    page.goto(live_server.url)
    snap(page, "1-home")

    # Search, dearest first: the cards lead with the delivered price to Belgium (the default).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Sort by").select_option(label="Price before delivery: high to low")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("2 listings found")).to_be_visible()
    cards = page.locator(".listing-card")
    expect(cards.first.get_by_role("heading")).to_have_text("Hand-loomed cotton rug")
    expect(cards.nth(1).get_by_role("heading")).to_have_text("Cotton tote bag")
    expect(cards.first.locator(".card-delivered")).to_contain_text(dear_total)
    expect(cards.first.locator(".card-delivered")).to_contain_text("delivered to Belgium")
    expect(cards.first).to_contain_text("USD 1,450.00 before delivery, duty and tax")
    expect(cards.nth(1).locator(".card-delivered")).to_contain_text(delivered(cheap))
    snap(page, "2-search")

    # The listing page shows the same delivered figure, and adds to the cart.
    cards.first.get_by_role("link", name="Hand-loomed cotton rug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand-loomed cotton rug")
    region = page.get_by_role("region", name="Delivered to Belgium")
    expect(region.locator(".delivered-total")).to_contain_text(dear_total)
    snap(page, "3-listing")
    page.get_by_role("button", name="Add to cart").click()

    # The cart's grand total is the engine's, grouped.
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    summary = page.get_by_role("region", name="Total to pay")
    expect(summary).to_contain_text("Grand total")
    expect(summary).to_contain_text(dear_total)
    expect(page.get_by_text("Delivered to Belgium, prices in EUR.")).to_be_visible()
    snap(page, "4-cart")
