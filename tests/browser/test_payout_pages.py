"""Payouts in a real browser: the seller finds an empty Payouts page before anything is
delivered, then, after the settlement run, the payout in the list, its page with the order's
figures, and the link from the order's page. Screenshots are kept in test-results/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.settlement import orders_settle
from marketplace.templatetags.money import format_money
from payments.models import Payout, Settlement
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_customs_pages import log_in
from tests.payouts import delivered, trade_verified
from tests.trade import Trade

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Trade:
    return trade_verified()


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"payouts-{name}.png"), full_page=True)


def test_the_seller_follows_a_settled_order_to_its_payout(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    log_in(page, live_server, world.seller.user.username, "/seller/orders/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payouts").click()
    expect(page.get_by_role("heading", name="No payouts yet")).to_be_visible()
    snap(page, "1-empty")

    order = delivered(world, [(world.shirt, 2)])
    delivered(world, [(world.mug, 1)])
    orders_settle()
    payout = Payout.objects.get(seller=world.seller.pk)
    settlement = Settlement.objects.get(reference=order.reference)

    page.reload()
    row = page.get_by_role("row", name=f"Payout {payout.pk}")
    expect(row).to_contain_text(format_money(payout.amount, "CNY"))
    expect(row).to_contain_text("2")
    snap(page, "2-list")

    row.get_by_role("link", name=f"Payout {payout.pk}").click()
    expect(page.get_by_role("heading", name=f"Payout {payout.pk}")).to_be_visible()
    line = page.get_by_role("row", name=f"Order {order.pk}")
    expect(line).to_contain_text(format_money(settlement.paid, "EUR"))
    expect(line).to_contain_text(format_money(settlement.payout_amount, "CNY"))
    snap(page, "3-detail")

    line.get_by_role("link", name=f"Order {order.pk}").click()
    note = page.get_by_role("note").filter(has_text="Settled:")
    expect(note).to_contain_text(format_money(settlement.payout_amount, "CNY"))
    snap(page, "4-order")
    note.get_by_role("link", name=f"payout {payout.pk}").click()
    expect(page.get_by_role("heading", name=f"Payout {payout.pk}")).to_be_visible()
