"""The hub dashboard in admin: its figures (marketplace.dashboard) for a world of known orders,
declarations and ledger entries (tests/marketplace/dashboard_world.py), the percentile and the
chart's geometry on their own, who sees which hub's page, the period chooser, empty states and
the page's query count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customs.models import Declaration
from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.admin.charts import Point, bar_chart, tick_step
from marketplace.admin.dashboard import duration_label
from marketplace.dashboard import (
    DEFAULT_PERIOD,
    Period,
    hub_clearance_times,
    hub_customs_collected,
    hub_orders_per_day,
    hub_payouts,
    hub_review_queue,
    percentile,
    period_days,
    period_ending,
)
from marketplace.models import Order
from marketplace.orders import order_event
from payments.money import money_format
from tests.factories import UserFactory
from tests.marketplace.dashboard_world import CNY_PER_EUR, FEE_RATE, DashboardWorld, dashboard_world
from tests.trade import Trade

pytestmark = pytest.mark.django_db

INDEX = reverse("admin-hub-dashboards")


def page_url(code: str) -> str:
    return reverse("admin-hub-dashboard", args=[code])


@pytest.fixture
def world(trade: Trade) -> DashboardWorld:
    return dashboard_world(trade)


def last(days: int) -> Period:
    return period_ending(days=days, now=timezone.now())


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def operator(username: str, *codes: str) -> User:
    user = UserFactory.create(username=username, is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    for code in codes:
        Hub.objects.get(code=code).operators.add(user)
    return user


@dataclass
class People:
    lgg: Client  # operates LGG
    both: Client  # operates LGG and KGL
    root: Client
    staff: Client  # staff, no hub
    buyer: Client  # logged in, not staff


@pytest.fixture
def people(world: DashboardWorld) -> People:
    return People(
        lgg=client_of(operator("lgg-operator", "LGG")),
        both=client_of(operator("two-hubs", "LGG", "KGL")),
        root=client_of(User.objects.create_superuser("root", password="x")),
        staff=client_of(UserFactory.create(username="clerk", is_staff=True)),
        buyer=client_of(world.trade.buyer.user),
    )


def text(response: Any) -> str:
    """The page's text as the operator reads it: tags dropped, spaces collapsed."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(response: Any, heading_id: str) -> str:
    """The text of the page's section labelled by `heading_id`."""
    html = response.content.decode()
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, flags=re.S
    )
    assert match, f"no section {heading_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


# --- percentile ----------------------------------------------------------------------------------


def test_the_percentile_of_no_values_is_none() -> None:
    assert percentile([], 0.5) is None
    assert percentile([], 0.95) is None


def test_the_percentile_of_one_value_is_that_value() -> None:
    assert percentile([42.0], 0.5) == 42.0
    assert percentile([42.0], 0.95) == 42.0


def test_the_percentile_of_two_values_interpolates_between_them() -> None:
    assert percentile([10.0, 20.0], 0.5) == 15.0
    assert percentile([20.0, 10.0], 0.95) == pytest.approx(19.5)
    assert percentile([10.0, 20.0], 0) == 10.0
    assert percentile([10.0, 20.0], 1) == 20.0


def test_the_percentile_interpolates_linearly_between_the_nearest_ranks() -> None:
    """PostgreSQL's percentile_cont: rank q·(n − 1) of the sorted values."""
    values = [float(n) for n in range(1, 21)]  # 1 … 20
    assert percentile(values, 0.5) == pytest.approx(10.5)
    assert percentile(values, 0.95) == pytest.approx(19.05)
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == pytest.approx(4.8)


@pytest.mark.parametrize("q", [-0.1, 1.5])
def test_a_quantile_outside_0_to_1_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], q)


# --- The period ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "days"),
    [
        ("7", 7),
        ("30", 30),
        ("90", 90),
        (" 90 ", 90),
        (None, DEFAULT_PERIOD),
        ("", DEFAULT_PERIOD),
        ("14", DEFAULT_PERIOD),
        ("-7", DEFAULT_PERIOD),
        ("7.0", DEFAULT_PERIOD),
        ("٧", DEFAULT_PERIOD),  # an Arabic-Indic seven
        ("9" * 40, DEFAULT_PERIOD),
        ("abc", DEFAULT_PERIOD),
    ],
)
def test_the_period_is_7_30_or_90_days_and_anything_else_the_default(
    asked: str | None, days: int
) -> None:
    assert period_days(asked) == days


def test_a_period_is_whole_utc_days_ending_today() -> None:
    now = timezone.now()
    period = period_ending(days=7, now=now)
    assert len(period.dates) == 7
    assert period.dates[-1] == now.date()
    assert period.start.hour == period.start.minute == 0
    assert period.end == now


# --- 1. Orders per day ---------------------------------------------------------------------------


def test_orders_per_day_count_the_paid_orders_through_the_hub(world: DashboardWorld) -> None:
    orders = hub_orders_per_day(hub=world.lgg, period=last(30))
    counts = {d.day: d.count for d in orders.days if d.count}
    today = timezone.now().date()
    assert counts == {
        today: 1,  # o4 (o6 awaits payment)
        today - timedelta(days=1): 2,  # o3, o5
        today - timedelta(days=2): 2,  # o1, o2
        today - timedelta(days=3): 1,  # o12, rejected by customs and refunded
        today - timedelta(days=5): 1,  # o8, paid then cancelled: refunded
    }
    assert orders.total == 7
    assert len(orders.days) == 30


def test_orders_never_paid_or_routed_elsewhere_are_not_counted(world: DashboardWorld) -> None:
    o = world.orders
    assert o["o6"].status == "pending_payment"
    assert o["o7"].status == "cancelled"
    assert o["o8"].status == "refunded"
    # o9 goes HGH → KGL: counted at those hubs, not at LGG.
    assert hub_orders_per_day(hub=world.kgl, period=last(30)).total == 1
    assert hub_orders_per_day(hub=world.hgh, period=last(30)).total == 8


def test_a_cancelled_order_counts_when_its_timeline_says_it_was_paid(
    world: DashboardWorld,
) -> None:
    cancelled = world.orders["o7"]  # cancelled before payment, 4 days ago: not counted
    assert hub_orders_per_day(hub=world.lgg, period=last(30)).total == 7
    order_event(order=cancelled, status=Order.Status.PAID, note="Payment captured.")
    assert hub_orders_per_day(hub=world.lgg, period=last(30)).total == 8


def test_a_longer_period_counts_older_orders(world: DashboardWorld) -> None:
    assert hub_orders_per_day(hub=world.lgg, period=last(7)).total == 7
    assert hub_orders_per_day(hub=world.lgg, period=last(90)).total == 8  # o10, 40 days ago


# --- 2. Clearance times --------------------------------------------------------------------------


def test_clearance_times_at_the_hub_split_automatic_and_reviewed(world: DashboardWorld) -> None:
    times = hub_clearance_times(hub=world.lgg, period=last(30))
    # Automatic 4 s and 10 s; by an officer 2 h (approved) and 30 min (rejected).
    assert (times.automatic.count, times.reviewed.count, times.overall.count) == (2, 2, 4)
    assert times.automatic.p50 == pytest.approx(7)
    assert times.automatic.p95 == pytest.approx(9.7)
    assert times.reviewed.p50 == pytest.approx(4500)
    assert times.reviewed.p95 == pytest.approx(1800 + 0.95 * 5400)
    assert times.overall.p50 == pytest.approx((10 + 1800) / 2)
    assert times.overall.p95 == pytest.approx(1800 + 0.85 * 5400)


def test_clearance_times_leave_out_withdrawn_and_older_declarations(
    world: DashboardWorld,
) -> None:
    withdrawn = world.import_at_lgg("o8")
    assert withdrawn.status == Declaration.Status.REJECTED and withdrawn.decided_at is not None
    ninety = hub_clearance_times(hub=world.lgg, period=last(90))
    assert ninety.automatic.count == 3  # o10's 6 s, 40 days ago, too
    assert ninety.automatic.p50 == pytest.approx(6)


def test_clearance_times_are_the_hubs_own(world: DashboardWorld) -> None:
    # HGH's exports of o1, o2 and o10 cleared in the job's own time (well under a second),
    # none by an officer.
    times = hub_clearance_times(hub=world.hgh, period=last(30))
    assert times.reviewed.count == 0
    assert times.automatic.count == 3
    assert times.automatic.p95 is not None and times.automatic.p95 < 60
    empty = hub_clearance_times(hub=world.kgl, period=last(30))
    assert (empty.overall.count, empty.overall.p50, empty.overall.p95) == (0, None, None)


# --- 3. The review queue -------------------------------------------------------------------------


def test_the_review_queue_counts_what_waits_and_how_long(world: DashboardWorld) -> None:
    queue = hub_review_queue(hub=world.lgg, now=timezone.now())
    assert (queue.size, queue.in_review, queue.held) == (2, 1, 1)
    assert queue.oldest is not None and queue.median_age is not None
    assert timedelta(hours=26) <= queue.oldest < timedelta(hours=26, minutes=5)
    assert timedelta(hours=14, minutes=30) <= queue.median_age < timedelta(hours=14, minutes=35)
    # HGH's queue: the exports of the unverified seller's o3, o4 and o5.
    assert hub_review_queue(hub=world.hgh, now=timezone.now()).size == 3
    kgl = hub_review_queue(hub=world.kgl, now=timezone.now())
    assert (kgl.size, kgl.oldest, kgl.median_age) == (0, None, None)


# --- 4. Duties and taxes -------------------------------------------------------------------------


def test_duties_and_taxes_are_the_credit_balances_of_the_hubs_accounts(
    world: DashboardWorld,
) -> None:
    o = world.orders
    (eur,) = hub_customs_collected(hub=world.lgg, period=last(30))
    # o1 and o2 in the period; o10's were posted today too (settled late).
    duty = o["o1"].duty + o["o2"].duty + o["o10"].duty
    tax = o["o1"].tax + o["o2"].tax + o["o10"].tax
    assert (eur.currency, eur.duty_period, eur.tax_period) == ("EUR", duty, tax)
    assert (eur.duty_all, eur.tax_all) == (duty, tax)
    assert duty > 0 and tax > 0
    assert hub_customs_collected(hub=world.hgh, period=last(30)) == []


def test_duties_posted_before_the_period_count_in_all_time_only(world: DashboardWorld) -> None:
    now = timezone.now()
    later = Period(days=7, start=now + timedelta(days=1), end=now + timedelta(days=8))
    (eur,) = hub_customs_collected(hub=world.lgg, period=later)
    assert (eur.duty_period, eur.tax_period) == (0, 0)
    assert eur.duty_all > 0 and eur.tax_all > 0


# --- 5. Payouts ----------------------------------------------------------------------------------


def _net_and_fee(order: Any) -> tuple[Decimal, Decimal]:
    fee = (order.goods * FEE_RATE).quantize(Decimal("0.01"))
    return order.goods - fee, fee


def test_payouts_sum_the_release_entries_of_the_hubs_settled_orders(
    world: DashboardWorld,
) -> None:
    o = world.orders
    net1, fee1 = _net_and_fee(o["o1"])
    net2, fee2 = _net_and_fee(o["o2"])
    payouts = hub_payouts(hub=world.lgg, period=last(30))
    # o1 and o2; not o10 (its release was reversed), o3 (not settled) nor o9 (through KGL).
    assert (payouts.settled_period, payouts.settled_all) == (2, 2)
    cny, eur = payouts.released
    assert (cny.currency, cny.sellers_period, cny.fees_period) == (
        "CNY",
        (net2 * CNY_PER_EUR).quantize(Decimal("0.01")),
        0,
    )
    assert (eur.currency, eur.sellers_period, eur.fees_period) == ("EUR", net1, fee1 + fee2)
    assert (eur.sellers_all, eur.fees_all) == (net1, fee1 + fee2)


def test_payouts_are_the_hubs_own_and_split_by_the_entrys_date(world: DashboardWorld) -> None:
    net9, fee9 = _net_and_fee(world.orders["o9"])
    kgl = hub_payouts(hub=world.kgl, period=last(7))
    assert (kgl.settled_all, kgl.released[0].sellers_all, kgl.released[0].fees_all) == (
        1,
        net9,
        fee9,
    )
    now = timezone.now()
    later = Period(days=7, start=now + timedelta(days=1), end=now + timedelta(days=8))
    lgg = hub_payouts(hub=world.lgg, period=later)
    assert (lgg.settled_period, lgg.settled_all) == (0, 2)
    assert all(r.sellers_period == 0 and r.sellers_all > 0 for r in lgg.released)


# --- The chart -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (3, 1), (5, 1), (7, 2), (12, 5), (40, 10), (230, 50)]
)
def test_the_y_axis_steps_are_round_numbers(largest: int, step: int) -> None:
    assert tick_step(largest) == step


def test_bars_are_as_tall_as_their_values_on_a_round_axis() -> None:
    points = [Point(label=str(n), title=f"day {n}: {v}", value=v) for n, v in enumerate([0, 3, 7])]
    chart = bar_chart(points, x_title="Day", y_title="Orders")
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    heights = [bar.height for bar in chart.bars]
    plot = chart.bottom - chart.top
    assert heights == [0, pytest.approx(plot * 3 / 8), pytest.approx(plot * 7 / 8)]
    assert all(bar.y + bar.height == pytest.approx(chart.bottom) for bar in chart.bars)
    assert [bar.title for bar in chart.bars] == ["day 0: 0", "day 1: 3", "day 2: 7"]
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x < chart.right


def test_ninety_days_get_at_most_twelve_labels_and_no_values_written_over_bars() -> None:
    points = [Point(label=f"d{n}", title="", value=1) for n in range(90)]
    chart = bar_chart(points, x_title="Day", y_title="Orders")
    assert len(chart.bars) == 90
    assert 6 <= len(chart.x_labels) <= 12
    assert chart.x_labels[0].label == "d0"
    assert not chart.show_values


def test_a_weeks_bars_are_capped_in_width_and_carry_their_values() -> None:
    points = [Point(label=f"d{n}", title="", value=n % 3) for n in range(7)]
    chart = bar_chart(points, x_title="Day", y_title="Orders")
    assert chart.show_values
    assert all(bar.width <= 56 for bar in chart.bars)
    assert [bar.value for bar in chart.bars] == ["", "1", "2", "", "1", "2", ""]


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (None, "—"),
        (0.4, "0.4 s"),
        (9.7, "9.7 s"),
        (42, "42 s"),
        (60, "1 min"),
        (905, "15 min 5 s"),
        (7200, "2 h"),
        (6390, "1 h 46 min"),
        (86400, "1 day"),
        (2 * 86400 + 4 * 3600 + 30, "2 days 4 h"),
    ],
)
def test_clearance_times_read_as_durations(seconds: float | None, label: str) -> None:
    assert duration_label(seconds) == label


# --- The page: who sees what ---------------------------------------------------------------------


def test_an_operator_of_one_hub_goes_straight_to_its_dashboard(people: People) -> None:
    response = people.lgg.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == page_url("LGG")


def test_an_operator_sees_their_hubs_figures(world: DashboardWorld, people: People) -> None:
    response = people.lgg.get(page_url("LGG"))
    page = text(response)
    assert "LGG dashboard" in page and "LGG — Liège eHub" in page
    orders = section(response, "orders-heading")
    assert "7 in the last 30 days" in orders
    clearance = section(response, "clearance-heading")
    assert "All decisions 4 15 min 5 s 1 h 46 min" in clearance
    assert "Cleared automatically 2 7.0 s 9.7 s" in clearance
    assert "Decided by an officer 2 1 h 15 min 1 h 55 min" in clearance
    queue = section(response, "queue-heading")
    assert "Waiting 2 In review 1 Held: a question to the seller 1" in queue
    assert "Oldest waiting for 26 h Median wait 14 h" in queue
    o = world.orders
    duty = sum((o[n].duty for n in ("o1", "o2", "o10")), Decimal(0))
    tax = sum((o[n].tax for n in ("o1", "o2", "o10")), Decimal(0))
    collected = section(response, "collected-heading")
    amounts = [money_format(duty, "EUR"), money_format(tax, "EUR")] * 2
    assert f"EUR {' '.join(amounts)}" in collected
    payouts = section(response, "payouts-heading")
    net1, fee1 = _net_and_fee(o["o1"])
    net2, fee2 = _net_and_fee(o["o2"])
    assert "2 in the last 30 days, 2 in all" in payouts
    eur = [money_format(net1, "EUR"), money_format(fee1 + fee2, "EUR")] * 2
    assert f"EUR {' '.join(eur)}" in payouts
    # o2's seller is paid in CNY, its fee is in EUR: no fee in CNY.
    cny = money_format((net2 * CNY_PER_EUR).quantize(Decimal("0.01")), "CNY")
    assert f"CNY {cny} — {cny} —" in payouts


def test_another_hubs_dashboard_is_not_found(people: People) -> None:
    for code in ("HGH", "KGL", "ZZZ"):
        assert people.lgg.get(page_url(code)).status_code == 404
    for path in ("/admin/dashboard/lgg/", "/admin/dashboard/L%00G/", "/admin/dashboard/LGG%20/"):
        assert people.lgg.get(path).status_code == 404


def test_an_operator_of_several_hubs_chooses_among_them(people: People) -> None:
    response = people.both.get(INDEX)
    page = text(response)
    assert "Choose a hub" in page
    assert "KGL — Kigali eHub" in page and "LGG — Liège eHub" in page
    assert "HGH" not in page
    assert people.both.get(page_url("KGL")).status_code == 200
    assert people.both.get(page_url("HGH")).status_code == 404


def test_a_superuser_sees_every_hub(people: People) -> None:
    page = text(people.root.get(INDEX))
    for hub in ("HGH — Hangzhou eHub", "KGL — Kigali eHub", "LAX — Los Angeles gateway", "LGG"):
        assert hub in page
    for code in ("HGH", "KGL", "LAX", "LGG"):
        assert people.root.get(page_url(code)).status_code == 200


def test_staff_with_no_hub_are_told_to_ask_for_one(people: People) -> None:
    assert "You operate no hub yet" in text(people.staff.get(INDEX))
    assert people.staff.get(page_url("LGG")).status_code == 404


@pytest.mark.parametrize("url", [INDEX, "/admin/dashboard/LGG/"])
def test_anonymous_and_non_staff_users_are_sent_to_the_admin_login(
    people: People, url: str
) -> None:
    login = reverse("admin:login")
    for client in (Client(), people.buyer):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=")


def test_the_admin_index_and_the_hubs_page_link_to_the_dashboard(
    world: DashboardWorld, people: People
) -> None:
    index = people.lgg.get(reverse("admin:index")).content.decode()
    assert f'href="{page_url("LGG")}"' in index
    assert page_url("HGH") not in index
    own = people.lgg.get(reverse("admin:ehubs_hub_change", args=[world.lgg.pk]))
    assert f'href="{page_url("LGG")}"' in own.content.decode()
    other = people.lgg.get(reverse("admin:ehubs_hub_change", args=[world.hgh.pk]))
    assert other.status_code == 200
    assert "/admin/dashboard/" not in other.content.decode()
    root_index = people.root.get(reverse("admin:index")).content.decode()
    assert all(page_url(code) in root_index for code in ("HGH", "KGL", "LAX", "LGG"))


def test_the_queue_link_opens_the_hubs_waiting_declarations(
    world: DashboardWorld, people: People
) -> None:
    response = people.lgg.get(page_url("LGG"))
    link = re.search(r'href="([^"]+)"[^>]*>Open the review queue', response.content.decode())
    assert link is not None
    queue = people.lgg.get(unescape(link[1]))
    assert queue.status_code == 200
    listed = {d.pk for d in queue.context["cl"].result_list}
    assert listed == {world.import_at_lgg("o4").pk, world.import_at_lgg("o5").pk}


# --- The page: the chart, the period, empty states -----------------------------------------------


def test_the_chart_is_an_inline_svg_with_a_table_of_the_same_figures(people: People) -> None:
    response = people.lgg.get(page_url("LGG"), {"days": "7"})
    html = response.content.decode()
    svg = re.search(r'<svg\b[^>]*class="bar-chart".*?</svg>', html, flags=re.S)
    assert svg is not None
    assert 'role="img"' in svg[0]
    assert len(re.findall(r"<rect\b", svg[0])) == 7
    today = timezone.now().date()
    yesterday = today - timedelta(days=1)
    assert f"<title>{yesterday:%a} {yesterday.day} {yesterday:%b %Y}: 2 orders</title>" in svg[0]
    assert "Day of creation (UTC)" in svg[0] and ">Orders<" in svg[0]
    table = re.search(r'<table class="visually-hidden" id="orders-per-day">.*?</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td></tr>", table[0])
    assert len(rows) == 8  # seven days and the total
    assert rows[-1] == ("Total", "7")
    assert (f"{today:%a} {today.day} {today:%b %Y}", "1") in rows
    assert "<script" not in html.split('id="content-main"')[1]


def test_the_period_chooser_changes_the_figures(people: People) -> None:
    ninety = people.lgg.get(page_url("LGG"), {"days": "90"})
    assert "8 in the last 90 days" in section(ninety, "orders-heading")
    assert 'aria-current="page">Last 90 days' in ninety.content.decode()
    assert len(re.findall(r"<rect\b", ninety.content.decode())) == 90
    default = people.lgg.get(page_url("LGG"))
    assert 'aria-current="page">Last 30 days' in default.content.decode()


@pytest.mark.parametrize("days", ["abc", "14", "", "-1", "1e3", "٣٠"])
def test_a_bad_period_falls_back_to_30_days(people: People, days: str) -> None:
    response = people.lgg.get(page_url("LGG"), {"days": days})
    assert "7 in the last 30 days" in section(response, "orders-heading")
    assert 'aria-current="page">Last 30 days' in response.content.decode()


def test_a_hub_with_nothing_yet_shows_empty_states(people: People) -> None:
    response = people.root.get(page_url("LAX"))
    assert 'class="bar-chart"' not in response.content.decode()
    assert "No paid order through LAX in the last 30 days." in section(response, "orders-heading")
    assert "No declaration at LAX was decided in the last 30 days." in section(
        response, "clearance-heading"
    )
    assert "The queue is empty" in section(response, "queue-heading")
    assert "Nothing collected yet" in section(response, "collected-heading")
    assert "No order through LAX has been settled yet" in section(response, "payouts-heading")


def test_before_settlement_a_hub_shows_no_duties_and_no_payouts(
    world: DashboardWorld, people: People
) -> None:
    response = people.root.get(page_url("HGH"))
    assert "Nothing collected yet" in section(response, "collected-heading")
    assert "8 in the last 30 days" in section(response, "orders-heading")


def test_the_page_runs_a_bounded_number_of_queries(
    people: People, django_assert_max_num_queries: Any
) -> None:
    """Nine for the figures, the hub and the session; the rest are every admin page's (the
    sidebar's permissions, the operator's scope line, the site's context). However many orders,
    declarations and entries there are."""
    people.lgg.get(page_url("LGG"))  # sessions and caches warm
    with django_assert_max_num_queries(20):
        response = people.lgg.get(page_url("LGG"), {"days": "90"})
    assert response.status_code == 200


# --- With the real settlement ----------------------------------------------------------------


def test_settled_orders_show_the_settlements_own_entries(trade: Trade) -> None:
    """Settlement (marketplace.settlement) credits what the dashboard reads: the hub's duty and
    tax accounts, the seller's payout and the platform's fee."""
    from marketplace.settlement import orders_settle
    from payments.models import Payout
    from tests.customs.clearing import delivered, verify

    verify(trade.seller)
    order = delivered(trade, [(trade.shirt, 2)])
    imported = Declaration.objects.get(reference=order.reference, direction="import")
    lgg = Hub.objects.get(code="LGG")
    assert hub_customs_collected(hub=lgg, period=last(7)) == []
    orders_settle()

    (collected,) = hub_customs_collected(hub=lgg, period=last(7))
    assert collected.currency == imported.currency
    assert (collected.duty_all, collected.tax_all) == (imported.duty, imported.tax)
    payouts = hub_payouts(hub=lgg, period=last(7))
    payout = Payout.objects.get()
    assert (payouts.settled_period, payouts.settled_all) == (1, 1)
    by_currency = {r.currency: r for r in payouts.released}
    assert by_currency[payout.currency].sellers_period == payout.amount
    # The fee is taken in the buyer's currency, before the seller's share is exchanged.
    assert by_currency[order.currency].fees_period > 0
