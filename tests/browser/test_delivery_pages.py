"""Delivery in a real browser: the seller marks a cleared order shipped, the carrier reports the
parcel's journey, and the buyer reads it and confirms receipt. Screenshots are kept in
test-results/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from marketplace.models import Order
from marketplace.shipping import ReportedEvent, shipment_event_record
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_customs_pages import log_in
from tests.shipping import cleared_order, parsed, partner
from tests.trade import Trade, trade_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Trade:
    return trade_world()


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"delivery-{name}.png"), full_page=True)


def test_the_seller_ships_and_the_buyer_follows_and_confirms_receipt(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    order = cleared_order(world)
    cainiao = partner()
    partner("dhl", "DHL eCommerce")

    log_in(page, live_server, world.seller.user.username, f"/orders/{order.pk}/")
    delivery = page.get_by_role("region", name="Delivery")
    delivery.get_by_role("button", name="Mark shipped").click()  # nothing chosen yet
    delivery = page.get_by_role("region", name="Delivery")
    expect(delivery).to_contain_text("This field is required.")
    snap(page, "1-seller-errors")
    delivery.get_by_label("Carrier").select_option(label="Cainiao Network")
    delivery.get_by_label("Tracking number").fill("cn123456789")
    delivery.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_text("is marked shipped with Cainiao Network")).to_be_visible()
    expect(page.get_by_role("region", name="Delivery")).to_contain_text("CN123456789")
    snap(page, "2-seller-shipped")

    for event_id, kind, at, extra in [
        ("e1", "picked_up", "2026-11-24T09:30:00+08:00", {"location": "Hangzhou"}),
        ("e2", "departed_hub", "2026-11-25T22:00:00+08:00", {"hub": "HGH"}),
        ("e3", "arrived_at_hub", "2026-11-29T08:00:00+01:00", {"hub": "LGG"}),
    ]:
        event = ReportedEvent(
            event_id=event_id,
            tracking_number="CN123456789",
            kind=kind,
            occurred_at=parsed(at),
            **extra,
        )
        shipment_event_record(partner=cainiao, event=event)

    page.context.clear_cookies()
    log_in(page, live_server, world.buyer.user.username, f"/orders/{order.pk}/")
    delivery = page.get_by_role("region", name="Delivery")
    timeline = delivery.get_by_role("list", name="Delivery timeline")
    expect(timeline.get_by_role("listitem")).to_have_text(
        [
            "24 Nov 2026, 01:30 UTC Cainiao Network picked up the parcel in Hangzhou.",
            "25 Nov 2026, 14:00 UTC Left Hangzhou eHub (HGH).",
            "29 Nov 2026, 07:00 UTC Arrived at Liège eHub (LGG).",
        ]
    )
    snap(page, "3-buyer-shipped")
    delivery.get_by_role("button", name="Confirm receipt").click()
    expect(page.get_by_text(f"receipt of order {order.pk} is confirmed")).to_be_visible()
    expect(page.get_by_role("region", name="Delivery").get_by_role("button")).to_have_count(0)
    snap(page, "4-buyer-delivered")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
