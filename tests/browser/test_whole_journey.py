"""The whole journey, in a real browser, on the real worker: a seller in China lists goods, a
buyer in Belgium orders and pays, the hubs' clearance jobs run on the Celery worker .ci/run
starts, the seller ships, the carrier's signed webhook reports delivery, settlement runs on the
worker, the seller reads the payout and the Liège hub's operator sees it on the dashboard.

A full-page screenshot of every step is saved in test-results/journey/, pass or fail. Without a
broker the test is skipped (failed under EWTP_REQUIRE_WORKER), like tests/integration/."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.demo import REFERENCE_FILES
from marketplace.models import Listing, LogisticsPartner, Order, SellerProfile
from marketplace.tasks import orders_settle
from marketplace.templatetags.money import format_money
from marketplace.webhooks import signed_headers
from payments.models import Payout
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_customs_pages import log_in
from tests.factories import PASSWORD, BuyerFactory, SellerFactory, UserFactory
from tests.integration.conftest import real_worker  # noqa: F401 (the fixture, shared)
from tests.trade import GOOD_CARD

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SHOTS = ARTIFACTS / "journey"
SECRET = "journey-cainiao-secret"
TRACKING = "CN20261207001"
TITLE = "Celadon tea bowl, hand-thrown"
# The worker needs a moment per job; a cold worker (first job) a few more.
WORKER_SECONDS = 60


@pytest.fixture
def journey(request: pytest.FixtureRequest, transactional_db: Any) -> dict[str, Any]:
    request.getfixturevalue("real_worker")  # skipped (failed in CI) without a broker
    # The demo's hubs, rates and tariff: the hubs the CI worker listens for (.ci/run reads the
    # same network file), loaded through the operators' import commands.
    for command, path in REFERENCE_FILES:
        call_command(command, str(path), verbosity=0)
    seller = SellerFactory.create(
        user__username="celadon-studio",
        company_name="Longquan Celadon Studio",
        country="CN",
        payout_currency="CNY",
        verified=True,  # its declarations clear without review
    )
    buyer = BuyerFactory.create(
        user__username="marie-antwerp", country="BE", preferred_currency="EUR"
    )
    operator = UserFactory.create(username="liege-operator", is_staff=True)
    operator.groups.add(hub_operator_group_ensure())
    Hub.objects.get(code="LGG").operators.add(operator)
    LogisticsPartner.objects.create(code="cainiao", name="Cainiao Network", secret=SECRET)
    return {"seller": seller, "buyer": buyer, "operator": operator}


class Steps:
    """Numbered full-page screenshots: test-results/journey/NN-step.png."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.n = 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()

    def snap(self, step: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.n:02d}-{step}.png"), full_page=True)


def until(what: str, done: Callable[[], bool], seconds: float = WORKER_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what} did not happen within {seconds} s: is a worker listening on `celery` "
                "and every hub's queue (manage.py clearance_queues)?"
            )
        time.sleep(0.25)


def partner_reports(live_server: LiveServer, event_id: str, kind: str, **extra: str) -> None:
    """The carrier's own request: a real HTTP POST, signed with its secret."""
    body = json.dumps(
        {
            "event_id": event_id,
            "tracking_number": TRACKING,
            "type": kind,
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            **extra,
        }
    ).encode()
    # The live server's own http:// URL (hence noqa: S310, which guards against file:// URLs).
    request = urllib.request.Request(  # noqa: S310
        f"{live_server.url}/api/v1/logistics/cainiao/events/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            **signed_headers(SECRET, int(time.time()), body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert (response.status, json.load(response)) == (201, {"status": "recorded"})


def test_goods_go_from_a_sellers_listing_to_its_payout_through_the_real_worker(
    live_server: LiveServer, page: Page, journey: dict[str, Any]
) -> None:
    seller: SellerProfile = journey["seller"]
    operator: User = journey["operator"]
    steps = Steps(page)

    # 1. The seller lists goods on the seller pages.
    log_in(page, live_server, seller.user.username, "/seller/listings/")
    page.get_by_role("link", name="New listing").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Thrown and glazed by hand in Longquan.")
    page.get_by_label("HS code").fill("6912.00")
    page.get_by_label("Country of origin").select_option("CN")
    page.get_by_label("Amount").fill("260")
    page.get_by_label("Currency").select_option("CNY")
    page.get_by_label("Units in stock").fill("8")
    page.get_by_label("Weight per unit (grams)").fill("450")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save listing").click()
    expect(page.get_by_text("Listing saved")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Active")
    steps.snap("seller-lists-goods")
    listing = Listing.objects.get(title=TITLE)

    # 2. A buyer in Belgium adds it to the cart, checks out and pays in euros.
    page.context.clear_cookies()
    log_in(page, live_server, journey["buyer"].user.username, f"/listings/{listing.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    steps.snap("buyer-cart")
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Recipient's name").fill("Marie Peeters")
    page.get_by_label("Street address").fill("Meir 50")
    page.get_by_label("Postal code").fill("2000")
    page.get_by_label("City").fill("Antwerp")
    steps.snap("buyer-checkout")
    page.get_by_role("button", name="Place order").click()
    order = Order.objects.get(seller=seller)
    page.get_by_label("Card number").fill(GOOD_CARD)
    page.get_by_role("button", name="Pay now").click()
    expect(page.get_by_text(f"Order {order.pk} from {seller.company_name} is paid")).to_be_visible()
    steps.snap("buyer-paid")

    # 3. Clearance runs on the worker; the buyer's order page follows it without a reload.
    page.get_by_role("link", name=f"Order {order.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Cleared by customs", timeout=WORKER_SECONDS * 1000
    )
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Export declaration at HGH cleared by customs")
    expect(timeline).to_contain_text("Import declaration at LGG cleared by customs")
    steps.snap("buyer-sees-customs-clear")

    # 4. The seller marks it shipped on the order's page.
    page.context.clear_cookies()
    log_in(page, live_server, seller.user.username, f"/orders/{order.pk}/")
    delivery = page.get_by_role("region", name="Delivery")
    delivery.get_by_label("Carrier").select_option(label="Cainiao Network")
    delivery.get_by_label("Tracking number").fill(TRACKING)
    delivery.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_text("is marked shipped with Cainiao Network")).to_be_visible()
    steps.snap("seller-ships")

    # 5. The carrier's signed webhook reports the parcel picked up, then delivered.
    partner_reports(live_server, "journey-1", "picked_up", location="Longquan")
    partner_reports(live_server, "journey-2", "delivered", location="Antwerp")
    page.context.clear_cookies()
    log_in(page, live_server, journey["buyer"].user.username, f"/orders/{order.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delivered")
    timeline = page.get_by_role("region", name="Delivery").get_by_role(
        "list", name="Delivery timeline"
    )
    expect(timeline.get_by_role("listitem")).to_have_count(2)
    steps.snap("buyer-sees-delivery")

    # 6. Settlement runs on the worker, as beat sends it every few minutes.
    orders_settle.apply_async()
    until(
        f"settlement of order {order.pk}",
        lambda: Order.objects.filter(pk=order.pk, status=Order.Status.SETTLED).exists(),
    )
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Settled")
    steps.snap("buyer-sees-settled")

    # 7. The seller reads the payout and its detail.
    payout = Payout.objects.get(seller=seller.pk)
    amount = format_money(payout.amount, "CNY")
    page.context.clear_cookies()
    log_in(page, live_server, seller.user.username, "/seller/orders/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payouts").click()
    row = page.get_by_role("row", name=f"Payout {payout.pk}")
    expect(row).to_contain_text(amount)
    steps.snap("seller-payouts")
    row.get_by_role("link", name=f"Payout {payout.pk}").click()
    expect(page.get_by_role("heading", name=f"Payout {payout.pk}")).to_be_visible()
    expect(page.get_by_role("row", name=f"Order {order.pk}")).to_contain_text(amount)
    steps.snap("seller-payout-detail")

    # 8. Liège's operator sees the settled order and the duty and tax on the hub's dashboard.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(operator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="LGG — Liège eHub").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LGG dashboard")
    table = page.get_by_role("table", name="Paid orders through LGG per day")
    expect(table.get_by_role("row", name="Total")).to_contain_text("1")
    order.refresh_from_db()
    collected = page.locator("#customs-collected").get_by_role("row", name="EUR")
    expect(collected).to_contain_text(format_money(order.duty, "EUR"))
    expect(collected).to_contain_text(format_money(order.tax, "EUR"))
    payouts = page.get_by_role("region", name="Payouts on orders through LGG")
    expect(payouts).to_contain_text("Settled orders whose route passes LGG: 1 in the last")
    expect(payouts.get_by_role("row", name="CNY")).to_be_visible()
    steps.snap("operator-dashboard")
