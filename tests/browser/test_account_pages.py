"""A buyer who forgot their password, in a real browser: reset it by email, log in, and move
their account to another country from the account page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import BuyerProfile
from tests.factories import BuyerFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Quiet-Meadow-Lantern-57"


def test_buyer_resets_the_password_then_changes_country(
    live_server: LiveServer, page: Page
) -> None:
    buyer = BuyerFactory.create(user__username="amelie", user__email="amelie@example.com")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill("amelie@example.com")
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/reset/\S+/", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Your password has been reset")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("amelie")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome back, amelie.")).to_be_visible()

    # The header's username opens the account page.
    page.get_by_role("link", name=re.compile("Your account, signed in as amelie")).click()
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    expect(page.get_by_text("Belgium, prices in EUR")).to_be_visible()
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Preferred currency").select_option("GBP")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your account details are saved.")).to_be_visible()
    expect(page.get_by_text("France, prices in GBP")).to_be_visible()
    # Prices now follow the new profile: the header's ship-to says so.
    expect(
        page.get_by_role("form", name="Delivery preferences").get_by_label("Ship to")
    ).to_have_value("FR")
    buyer = BuyerProfile.objects.get(pk=buyer.pk)
    assert (buyer.country.code, buyer.preferred_currency) == ("FR", "GBP")
