"""Settling delivered orders: escrow released to the seller, customs and carriers, one payout
per seller and currency, exactly once; `manage.py settle` and `manage.py reconcile`."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ehubs.models import Hub
from marketplace.models import Order
from marketplace.reconciliation import reconcile
from marketplace.settlement import orders_settle
from payments.models import Payout, Settlement
from payments.money import money_format, quantize
from payments.selectors import account_balances, money_trail, trial_balance
from tests.customs.clearing import clear, delivered, paid_order, verify
from tests.trade import Trade, trade_world

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def trade() -> Trade:
    world = trade_world()
    verify(world.seller)
    verify(world.other_seller)
    return world


def test_a_delivered_order_is_settled_and_its_escrow_emptied(trade: Trade) -> None:
    order = delivered(trade)
    summary = orders_settle()
    assert (summary.settled, summary.payouts, summary.problems) == (1, 1, {})
    order.refresh_from_db()
    assert order.status == Order.Status.SETTLED
    last = order.events.order_by("at", "pk").last()
    assert last is not None and last.note.startswith("Settled: the money held in escrow was paid")
    trail = money_trail(reference=order.reference)
    assert trail.balanced and trail.in_escrow == 0
    settlement = Settlement.objects.get(reference=order.reference)
    fee = quantize(order.goods * D("2.50") / 100, "EUR")  # 12 staff: the SME rate, half-up
    assert (settlement.fee, settlement.net) == (fee, order.goods - fee)
    assert trail.seller_payout == settlement.net and trail.platform_fee == fee
    assert (trail.shipping, trail.duties, trail.taxes) == (order.shipping, order.duty, order.tax)


def test_the_seller_is_paid_out_in_the_payout_currency(trade: Trade) -> None:
    order = delivered(trade)
    orders_settle()
    payout = Payout.objects.get()
    settlement = Settlement.objects.get(reference=order.reference)
    assert (payout.seller, payout.currency) == (trade.seller.pk, "CNY")
    assert payout.amount == settlement.payout_amount > 0
    assert payout.order_count == 1
    # Released to the seller's payable and paid out in the same run: nothing left owed.
    assert account_balances(code=f"seller:{trade.seller.pk}") == {
        (f"seller:{trade.seller.pk}", "CNY"): D("0.00")
    }
    assert account_balances(code="provider:sandbox")[("provider:sandbox", "CNY")] == -payout.amount


def test_customs_and_logistics_accounts_of_the_route_receive_their_parts(trade: Trade) -> None:
    order = delivered(trade)
    orders_settle()
    route = order.route
    duty = account_balances(code=f"hub:{route[-1]}:duty")
    assert sum(-v for v in duty.values()) > 0
    logistics = {
        key: value
        for hub in route
        for key, value in account_balances(code=f"hub:{hub}:logistics").items()
    }
    assert sum(-v for v in logistics.values()) == order.shipping


def test_orders_of_one_seller_share_a_payout_and_each_seller_gets_one(trade: Trade) -> None:
    first = delivered(trade, [(trade.shirt, 1)])
    second = delivered(trade, [(trade.mug, 2)])
    third = delivered(trade, [(trade.book, 1)])
    summary = orders_settle()
    assert (summary.settled, summary.payouts) == (3, 2)
    mine = Payout.objects.get(seller=trade.seller.pk)
    assert mine.order_count == 2
    assert set(mine.settlements.values_list("reference", flat=True)) == {
        first.reference,
        second.reference,
    }
    assert Payout.objects.get(seller=trade.other_seller.pk).settlements.get().reference == (
        third.reference
    )


def test_settling_again_settles_nothing_twice(trade: Trade) -> None:
    delivered(trade)
    orders_settle()
    again = orders_settle()
    assert (again.settled, again.payouts) == (0, 0)
    assert Payout.objects.count() == Settlement.objects.count() == 1


def test_orders_not_delivered_are_not_settled(trade: Trade) -> None:
    order = paid_order(trade)
    clear(order)
    assert orders_settle().settled == 0
    order.refresh_from_db()
    assert order.status == Order.Status.CLEARED
    assert not Settlement.objects.exists()


def test_an_order_that_cannot_be_settled_stays_delivered_and_the_rest_are_settled(
    trade: Trade,
) -> None:
    good = delivered(trade, [(trade.shirt, 1)])
    stuck = delivered(trade, [(trade.book, 1)])
    trade.other_seller.payout_currency = "ISK"  # no rate for it
    trade.other_seller.save(update_fields=["payout_currency"])
    summary = orders_settle()
    assert summary.settled == 1
    assert summary.problems == {stuck.pk: f"{stuck.reference}: no exchange rate from EUR to ISK."}
    good.refresh_from_db()
    stuck.refresh_from_db()
    assert (good.status, stuck.status) == (Order.Status.SETTLED, Order.Status.DELIVERED)


def test_the_hubs_standard_fee_applies_to_sellers_with_thirty_staff(trade: Trade) -> None:
    trade.seller.employees = 30
    trade.seller.save(update_fields=["employees"])
    Hub.objects.filter(code="HGH").update(fee_percent=D("7.00"))
    order = delivered(trade)
    orders_settle()
    settlement = Settlement.objects.get(reference=order.reference)
    assert (settlement.fee_percent, settlement.fee) == (
        D("7.00"),
        quantize(order.goods * D("0.07"), "EUR"),
    )


def test_chunks_settle_everything_a_chunk_at_a_time(trade: Trade) -> None:
    for _ in range(3):
        delivered(trade, [(trade.shirt, 1)])
    done: list[int] = []
    summary = orders_settle(chunk=2, progress=done.append)
    assert summary.settled == 3 and done == [2, 1]
    assert Payout.objects.count() == 2  # one per chunk: each commits on its own


def test_settle_command_reports_what_it_did(trade: Trade) -> None:
    delivered(trade)
    out = StringIO()
    call_command("settle", stdout=out)
    assert "1 order(s) settled in 1 payout(s)." in out.getvalue()


def test_settle_command_fails_listing_orders_it_could_not_settle(trade: Trade) -> None:
    stuck = delivered(trade)
    trade.seller.payout_currency = "ISK"
    trade.seller.save(update_fields=["payout_currency"])
    out = StringIO()
    with pytest.raises(CommandError, match="1 delivered order"):
        call_command("settle", stdout=out)
    assert f"order {stuck.pk}: {stuck.reference}: no exchange rate" in out.getvalue()


def test_settle_command_refuses_a_chunk_of_zero() -> None:
    with pytest.raises(CommandError, match="--chunk must be 1 or more"):
        call_command("settle", "--chunk", "0")


def test_reconcile_prints_the_identity_for_every_settled_order(trade: Trade) -> None:
    order = delivered(trade)
    orders_settle()
    out = StringIO()
    call_command("reconcile", stdout=out)
    text = out.getvalue()
    settlement = Settlement.objects.get()
    assert f"{order.reference}" in text and "ok" in text
    assert f"payout {money_format(settlement.net, 'EUR')} + shipping" in text
    assert "1 settled order(s), 1 payout(s) checked." in text
    assert "Reconciled: every settled order and payout." in text
    assert all(total == 0 for total in trial_balance().values())


def test_reconcile_with_nothing_settled_is_clean() -> None:
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "0 settled order(s), 0 payout(s) checked." in out.getvalue()


def test_reconcile_fails_on_an_order_marked_settled_without_a_settlement(trade: Trade) -> None:
    order = delivered(trade)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SETTLED)
    out = StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("reconcile", "--quiet", stdout=out)
    assert f"{order.reference}: `settled`, but it has no settlement." in out.getvalue()


@pytest.mark.ledger_broken
def test_reconcile_fails_when_escrow_money_of_a_settled_order_moves_again(trade: Trade) -> None:
    from payments.ledger import EntrySpec, transfer
    from payments.services import ledger_post

    order = delivered(trade)
    orders_settle()
    ledger_post(
        spec=EntrySpec(
            kind="refund",
            reference=order.reference,
            lines=transfer(
                debit="escrow", credit="provider:sandbox", amount=D("1.00"), currency="EUR"
            ),
        )
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile", stdout=out)
    text = out.getvalue()
    assert "DIFFERS" in text and "NOT reconciled." in text
    assert f"{order.reference}: refunds is 1.00 in the ledger, 0 in the settlement." in text


def test_beat_starts_as_many_settlement_jobs_as_settings_say(
    trade: Trade, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marketplace import tasks

    delivered(trade)
    settings.EWTP_SETTLEMENT_SETTLERS = 3
    sent: list[int] = []
    real = tasks.orders_settle.delay

    def delay() -> Any:
        sent.append(1)
        return real()

    monkeypatch.setattr(tasks.orders_settle, "delay", delay)
    assert tasks.settlement_start.delay().get() == 3
    assert len(sent) == 3  # the first settled the order; the others found nothing left
    assert Settlement.objects.count() == 1


def test_settle_command_refuses_a_limit_with_several_processes() -> None:
    with pytest.raises(CommandError, match="--limit settles in one process"):
        call_command("settle", "--processes", "2", "--limit", "5")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_settle_command_in_two_processes_settles_everything_once() -> None:
    world = trade_world()
    verify(world.seller)
    verify(world.other_seller)
    orders = [delivered(world, [(listing, 1)]) for listing in (world.shirt, world.mug, world.book)]
    out = StringIO()
    call_command("settle", "--processes", "2", "--chunk", "1", stdout=out)
    assert "3 order(s) settled in 3 payout(s)" in out.getvalue()
    assert sorted(Settlement.objects.values_list("reference", flat=True)) == sorted(
        o.reference for o in orders
    )
    assert not reconcile().problems


def test_an_order_settled_already_but_still_delivered_is_reported_not_settled_twice(
    trade: Trade,
) -> None:
    order = delivered(trade)
    orders_settle()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)  # a broken row
    summary = orders_settle()
    assert summary.settled == 0
    assert summary.problems == {
        order.pk: f"{order.reference} has a settlement already but is still delivered."
    }
    assert Settlement.objects.count() == Payout.objects.count() == 1
