"""The hub dashboard in a real browser: the demo operator logs in to the admin, opens LGG's
dashboard from the admin's index and reads the chart and its table. The screenshot is kept in
test-results/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.demo import DEMO_OPERATOR
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, UserFactory
from tests.marketplace.dashboard_world import DashboardWorld, dashboard_world
from tests.trade import trade_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> DashboardWorld:
    world = dashboard_world(trade_world())
    # As seed_demo makes them: the demo operator runs the Liège hub.
    operator = UserFactory.create(username=DEMO_OPERATOR, is_staff=True)
    operator.groups.add(hub_operator_group_ensure())
    Hub.objects.get(code="LGG").operators.add(operator)
    return world


def test_the_demo_operator_reads_the_hubs_dashboard(
    live_server: LiveServer, page: Page, world: DashboardWorld
) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(DEMO_OPERATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    dashboards = page.locator("#hub-dashboards")
    expect(dashboards).to_contain_text("Hub dashboards")
    dashboards.get_by_role("link", name="LGG — Liège eHub").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("LGG dashboard")
    chart = page.get_by_role("img", name="Bar chart of the orders through LGG per day")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(30)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 150
    table = page.get_by_role("table", name="Paid orders through LGG per day")
    expect(table.get_by_role("row")).to_have_count(32)  # header, 30 days, total
    expect(table.get_by_role("row", name="Total")).to_contain_text("7")
    expect(page.locator("#clearance-times")).to_contain_text("Cleared automatically")
    expect(page.locator("#review-queue")).to_contain_text("Held: a question to the seller")
    expect(page.locator("#customs-collected")).to_contain_text("EUR")
    expect(page.locator("#payouts")).to_contain_text("CNY")

    page.get_by_role("link", name="Last 7 days").click()
    expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "page")
    expect(chart.locator("rect")).to_have_count(7)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hub-dashboard-7-days.png"), full_page=True)
    page.get_by_role("link", name="Last 30 days").click()
    expect(chart.locator("rect")).to_have_count(30)
    page.screenshot(path=str(ARTIFACTS / "hub-dashboard.png"), full_page=True)
