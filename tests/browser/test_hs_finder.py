"""A seller finds the HS code of their goods on the listing form, in a browser without
JavaScript: search by words, use a result, save; Enter in a box still saves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Listing
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import PASSWORD, SellerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, live_server: LiveServer) -> None:
    seller = SellerFactory.create(user__username="weaver")
    page.goto(f"{live_server.url}/accounts/login/?next=/seller/listings/new/")
    page.get_by_label("Username").fill(seller.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="New listing")).to_be_visible()


def test_a_seller_finds_uses_and_saves_an_hs_code_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    page = page_without_js
    sign_in(page, live_server)
    page.get_by_label("Title").fill("Organic cotton tee")
    page.get_by_label("Amount").fill("19")
    page.get_by_label("Describe the goods").fill("cotton t-shirt")
    page.get_by_role("button", name="Find HS code").click()

    expect(page.get_by_label("Title")).to_have_value("Organic cotton tee")
    results = page.locator(".hs-results li")
    expect(results.first).to_contain_text("610910")
    expect(results.first).to_contain_text("of cotton, knitted or crocheted")
    page.get_by_role("button", name="Use 610910").click()

    expect(page.get_by_label("HS code", exact=True)).to_have_value("610910")
    expect(page.get_by_label("Title")).to_have_value("Organic cotton tee")
    page.get_by_label("Weight per unit (grams)").fill("180")
    page.get_by_label("Weight per unit (grams)").press("Enter")  # the default button: Save

    expect(page.get_by_text("Listing saved")).to_be_visible()
    listing = Listing.objects.get()
    assert (listing.title, listing.hs_code) == ("Organic cotton tee", "610910")
