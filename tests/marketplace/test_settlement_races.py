"""Settlement under real concurrency on PostgreSQL: two settlers over the same delivered orders,
each in a thread and connection of its own, started together by a barrier."""

from __future__ import annotations

import pytest
from django.db.models import Count

from marketplace.models import Order
from marketplace.reconciliation import reconcile
from marketplace.settlement import orders_settle
from payments.models import Entry, Payout, Settlement
from tests.customs.clearing import delivered, verify
from tests.marketplace.test_order_races import together
from tests.trade import Trade

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_settlers_at_once_settle_each_order_once_and_pay_it_out_once(trade: Trade) -> None:
    verify(trade.seller)
    verify(trade.other_seller)
    trade.other_seller.payout_currency = "EUR"
    trade.other_seller.save(update_fields=["payout_currency"])
    orders = [delivered(trade, [(listing, 1)]) for listing in (trade.shirt, trade.mug, trade.book)]
    orders += [delivered(trade, [(listing, 1)]) for listing in (trade.shirt, trade.book) * 4]

    # Chunks of two: each settler takes several, the other skipping the rows it holds.
    first, second = together([lambda: orders_settle(chunk=2), lambda: orders_settle(chunk=2)])

    assert first.problems == second.problems == {}
    assert first.settled + second.settled == len(orders)
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.SETTLED}
    references = sorted(Settlement.objects.values_list("reference", flat=True))
    assert references == sorted(o.reference for o in orders)
    assert Payout.objects.count() == first.payouts + second.payouts
    assert sum(Payout.objects.values_list("order_count", flat=True)) == len(orders)
    twice = Entry.objects.values("reference", "kind").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    report = reconcile()
    assert report.problems == []
    assert (report.orders, report.payouts) == (len(orders), Payout.objects.count())
