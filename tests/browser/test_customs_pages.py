"""Customs in a real browser: the buyer watches their order clear without touching the page
(it reloads itself while customs decides), and the seller answers a hub's question from their
Declarations page. Screenshots are kept in test-results/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from customs import clearance
from customs.models import Declaration
from customs.review import declaration_decide
from marketplace.orders import order_pay
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.trade import GOOD_CARD, Trade, place, trade_world

pytestmark = pytest.mark.browser

QUESTION = "Please send the mill's invoice for the silk."


@pytest.fixture
def world(transactional_db: Any) -> Trade:
    return trade_world()


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"customs-{name}.png"), full_page=True)


def log_in(page: Page, live_server: LiveServer, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def test_the_buyer_watches_the_order_clear_without_reloading(
    live_server: LiveServer, page: Page, world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.seller.verified = True
    world.seller.save(update_fields=["verified"])
    (order,) = place(world, [(world.shirt, 1)])
    # The hubs' workers are busy: the declarations wait, filed but not yet cleared.
    with monkeypatch.context() as patched:
        patched.setattr(clearance, "clearance_enqueue", lambda by_hub: None)
        order_pay(order=order, card_number=GOOD_CARD)
    log_in(page, live_server, world.buyer.user.username, f"/orders/{order.pk}/")
    customs = page.get_by_role("region", name="Customs")
    expect(customs.get_by_text("Waiting for clearance", exact=True)).to_have_count(2)
    expect(customs).to_contain_text("this page reloads itself every 5 seconds")
    snap(page, "1-waiting")

    clearance.declarations_clear(ids=[d.pk for d in Declaration.objects.all()])

    # No click: the page reloads itself and shows the decision.
    expect(customs.get_by_text("Cleared", exact=True)).to_have_count(2, timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cleared by customs")
    expect(customs).not_to_contain_text("reloads itself")
    snap(page, "2-cleared")


def test_the_seller_answers_the_hubs_question(
    live_server: LiveServer, page: Page, world: Trade
) -> None:
    (order,) = place(world, [(world.shirt, 2)])
    order_pay(order=order, card_number=GOOD_CARD)  # the seller is unverified: review
    imported = Declaration.objects.get(direction="import")
    declaration_decide(declaration=imported, decision="hold", reason=QUESTION)

    log_in(page, live_server, world.seller.user.username, "/seller/orders/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    expect(page.get_by_role("heading", name="Declarations", level=1)).to_be_visible()
    expect(page.get_by_text("1 declaration is held: the hub asks you a question.")).to_be_visible()
    expect(page.get_by_text(f"The hub asks: “{QUESTION}”")).to_be_visible()
    snap(page, "3-seller-list")

    page.get_by_role("link", name=f"Answer declaration {imported.pk}").click()
    expect(page.get_by_role("heading", name="The hub asks you a question")).to_be_visible()
    page.get_by_role("button", name="Send answer").click()  # empty: refused, nothing sent
    expect(page.get_by_text("Write your answer to the hub's question.")).to_be_visible()
    page.get_by_label("Your answer").fill("Invoice 2026-118 from the Hangzhou mill, sent today.")
    page.get_by_role("button", name="Send answer").click()

    expect(
        page.get_by_text("Your answer was sent to the customs officers of Liège eHub")
    ).to_be_visible()
    expect(page.get_by_text("In review by the hub's customs officers").first).to_be_visible()
    expect(page.get_by_role("region", name="Audit trail")).to_contain_text(
        "Answered: “Invoice 2026-118 from the Hangzhou mill, sent today.”"
    )
    expect(page.get_by_label("Your answer")).to_have_count(0)
    snap(page, "4-answered")
    page.set_viewport_size({"width": 390, "height": 844})
    snap(page, "5-answered-phone")
