"""A buyer, in a real browser: search, cart, checkout (logging in on the way), pay with the
sandbox's test card, and the order page with its timeline and total; and a declined card,
shown as declined. Screenshots of each step are kept in test-results/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Listing, Order
from marketplace.orders import order_pay
from marketplace.templatetags.money import format_money
from tests.browser.conftest import ARTIFACTS
from tests.customs.clearing import verify
from tests.factories import PASSWORD
from tests.trade import DECLINED_CARD, GOOD_CARD, Trade, place, trade_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Trade:
    # Tests run jobs in-process: clearance runs in the paying request, after its commit.
    return trade_world()


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"checkout-{name}.png"), full_page=True)


def to_checkout(page: Page, live_server: LiveServer, world: Trade) -> None:
    """Search for the shirt, add it and the atlas to the cart, check out and log in there."""
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search", exact=True).fill("silk")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Silk shirt").click()
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/listings/{world.book.pk}/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    snap(page, "1-cart")

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Username").fill(world.buyer.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Checkout", exact=True)).to_be_visible()


def fill_address(page: Page) -> None:
    page.get_by_label("Recipient's name").fill("Amélie Dupont")
    page.get_by_label("Street address").fill("Rue de la Loi 16")
    page.get_by_label("Postal code").fill("1000")
    page.get_by_label("City").fill("Brussels")


def test_a_buyer_checks_out_pays_and_follows_the_order(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    for seller in (world.seller, world.other_seller):
        verify(seller)  # their declarations clear automatically
    to_checkout(page, live_server, world)
    expect(page.get_by_text("Your cart becomes 2 orders, one per seller")).to_be_visible()
    summary = page.get_by_role("region", name="Total to pay")
    expect(summary).to_contain_text("Grand total")
    fill_address(page)
    snap(page, "2-checkout")
    page.get_by_role("button", name="Place orders").click()

    # One card entry pays both orders, each reported on its own.
    expect(page.get_by_role("heading", name="Pay your orders")).to_be_visible()
    expect(page.get_by_text("Thank you: 2 orders placed")).to_be_visible()
    orders = list(Order.objects.filter(buyer=world.buyer).order_by("id"))
    both = format_money(sum(o.total for o in orders), "EUR")
    expect(page.get_by_role("region", name="Pay 2 orders")).to_contain_text(both)
    expect(page.get_by_text(GOOD_CARD)).to_be_visible()  # the sandbox's test cards as help
    snap(page, "3-pay")
    page.get_by_label("Card number").fill(GOOD_CARD)
    page.get_by_role("button", name="Pay now").click()
    for order in orders:
        expect(
            page.get_by_text(f"Order {order.pk} from {order.seller.company_name} is paid")
        ).to_be_visible()
    expect(page.get_by_role("heading", name="Nothing left to pay")).to_be_visible()
    snap(page, "4-paid")

    # The order's page: its timeline (placed, paid, declared, cleared at each hub), its total.
    first = orders[0]
    page.get_by_role("link", name=f"Order {first.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Order {first.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cleared by customs")
    timeline = page.get_by_role("region", name="Timeline").locator("li")
    expect(timeline).to_have_count(5)
    expect(timeline.nth(0)).to_contain_text("Awaiting payment")
    expect(timeline.nth(0)).to_contain_text("Order placed")
    expect(timeline.nth(1)).to_contain_text("Paid")
    expect(timeline.nth(1)).to_contain_text("Payment captured")
    expect(timeline.nth(2)).to_contain_text("Customs declarations filed")
    expect(timeline.nth(3)).to_contain_text("Export declaration at HGH cleared by customs")
    expect(timeline.nth(4)).to_contain_text("Cleared by customs")
    expect(timeline.nth(4)).to_contain_text("Import declaration at LGG cleared by customs")
    customs = page.get_by_role("region", name="Customs")
    expect(customs.get_by_text("Cleared", exact=True)).to_have_count(2)
    money = page.get_by_role("region", name="Money")
    expect(money).to_contain_text(format_money(first.total, "EUR"))
    expect(page.get_by_role("region", name="Shipping address")).to_contain_text("1000 Brussels")
    snap(page, "5-order")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My orders").click()
    expect(page.get_by_text("2 orders.")).to_be_visible()
    snap(page, "6-my-orders")


def test_a_declined_card_is_shown_as_declined(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    to_checkout(page, live_server, world)
    fill_address(page)
    # The price moves while the page is open: the buyer is told and confirms the new total.
    Listing.objects.filter(pk=world.shirt.pk).update(price=Decimal("24.00"))
    page.get_by_role("button", name="Place orders").click()
    expect(page.get_by_role("alert")).to_contain_text("The total has changed.")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was charged or reserved.")
    assert not Order.objects.exists()
    snap(page, "7-total-changed")
    page.get_by_role("button", name="Confirm and place orders").click()
    expect(page.get_by_role("heading", name="Pay your orders")).to_be_visible()
    first = Order.objects.filter(buyer=world.buyer).order_by("id").first()
    assert first is not None

    page.get_by_role("link", name=f"Order {first.pk}", exact=True).click()
    page.get_by_label("Card number").fill(DECLINED_CARD)
    page.get_by_role("button", name="Pay now").click()

    expect(page.get_by_text("the card was declined")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancelled")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Card declined")
    expect(page.get_by_label("Card number")).to_have_count(0)
    snap(page, "8-declined")


def test_the_seller_sees_the_paid_order_in_review_in_incoming_orders(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    paid, unpaid = (
        place(world, [(world.shirt, 1), (world.mug, 2)]),
        place(world, [(world.shirt, 1)]),
    )
    order_pay(order=paid[0], card_number=GOOD_CARD)

    page.goto(f"{live_server.url}/accounts/login/?next=/seller/orders/")
    page.get_by_label("Username").fill(world.seller.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Incoming orders")).to_be_visible()
    expect(page.get_by_text("2 orders.")).to_be_visible()
    # An unverified seller: the paid order's declarations went to the hubs' review queues.
    page.get_by_label("Status").select_option(label="In customs review")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 order with the status “In customs review”.")).to_be_visible()
    snap(page, "9-seller-orders")

    page.get_by_role("link", name=f"Order {paid[0].pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In customs review")
    # The seller reads why customs looks closer (the buyer does not).
    expect(page.get_by_role("region", name="Customs")).to_contain_text(
        "Unverified seller: The seller Hangzhou Shirts Co is not verified."
    )
    expect(page.get_by_text(f"For {world.buyer.user.username}")).to_be_visible()
    expect(page.get_by_role("region", name="Shipping address")).to_contain_text("1000 Brussels")
    expect(page.get_by_label("Card number")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel order…")).to_have_count(0)
    snap(page, "10-seller-order")
    assert unpaid[0].status == Order.Status.PENDING_PAYMENT
