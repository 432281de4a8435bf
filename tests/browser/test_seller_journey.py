"""A new seller, in a real browser: sign up, list goods, find them in the storefront."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Listing, SellerProfile
from payments.services import rates_import

pytestmark = pytest.mark.browser


def test_new_seller_lists_goods_and_finds_them_in_the_storefront(
    live_server: LiveServer, page: Page
) -> None:
    # Sign-up offers only currencies with an exchange rate.
    rates_import(
        data={"base": "USD", "date": "2026-11-23", "rates": {"MYR": "4.40", "EUR": "0.865"}}
    )
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Buy from small businesses")

    # Sign up as a seller.
    page.get_by_role("link", name="Sign up").click()
    page.get_by_role("link", name=re.compile("I want to sell")).click()
    expect(page.get_by_role("heading", name="Create a seller account")).to_be_visible()
    page.get_by_label("Username").fill("lotus-crafts")
    page.get_by_label("Email address").fill("hello@lotus.example")
    page.get_by_label("Password", exact=True).fill("Tall-Lantern-Harbour-81")
    page.get_by_label("Password confirmation").fill("Tall-Lantern-Harbour-81")
    page.get_by_label("Company name").fill("Lotus Crafts Sdn Bhd")
    page.get_by_label("Country", exact=True).select_option("MY")
    page.get_by_label("Number of employees").fill("7")
    page.get_by_label("Payout currency").select_option("MYR")
    page.get_by_role("button", name="Create seller account").click()

    # Signed in, and invited straight to the first listing.
    expect(page.get_by_role("heading", name="New listing")).to_be_visible()
    expect(page.get_by_text("Your seller account is ready")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_label("Title").fill("Hand-drawn batik silk scarf")
    page.get_by_label("Description").fill("Wax-resist dyed by hand in Kelantan.")
    page.get_by_label("HS code").fill("6214.10")
    page.get_by_label("Country of origin").select_option("MY")
    page.get_by_label("Amount").fill("45")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Units in stock").fill("5")
    page.get_by_label("Weight per unit (grams)").fill("120")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save listing").click()

    expect(page.get_by_text("Listing saved")).to_be_visible()
    expect(page.get_by_role("heading", name="My listings")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Hand-drawn batik silk scarf")
    expect(row).to_contain_text("Active")

    # The storefront finds it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    search_form = page.get_by_role("search", name="Search filters")
    search_form.get_by_label("Search", exact=True).fill("batik")
    search_form.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 listing found")).to_be_visible()
    page.get_by_role("link", name="Hand-drawn batik silk scarf").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hand-drawn batik silk scarf")
    details = page.get_by_role("complementary")
    expect(details).to_contain_text("Lotus Crafts Sdn Bhd")
    expect(details).to_contain_text("Malaysia")
    expect(details).to_contain_text("621410")
    expect(page.get_by_text("In stock")).to_be_visible()
    expect(page.locator(".listing-price")).to_contain_text("EUR")

    listing = Listing.objects.get()
    assert listing.seller == SellerProfile.objects.get(user__username="lotus-crafts")
    assert listing.status == Listing.Status.ACTIVE


def test_pages_are_styled_by_the_sites_stylesheet(live_server: LiveServer, page: Page) -> None:
    responses = []
    page.on("response", lambda response: responses.append(response))

    page.goto(live_server.url)

    stylesheet = [r for r in responses if r.url.endswith("/static/css/site.css")]
    assert stylesheet, "the page does not link /static/css/site.css"
    assert stylesheet[0].status == 200
    # The hand-written stylesheet is applied: the nav's brand uses the brand colour.
    color = page.locator(".brand").evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(11, 92, 173)"
