"""Payouts for tests: settled for real (a delivered order through `orders_settle`), or written
directly when only their number matters (pagination), as the settlement run writes them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.models import Order, SellerProfile
from marketplace.settlement import orders_settle
from payments.models import Payout, Settlement
from tests.customs.clearing import clear, paid_order, verify
from tests.trade import Trade, trade_world

D = Decimal


def trade_verified() -> Trade:
    """The trade world with both sellers verified: their declarations clear automatically."""
    world = trade_world()
    verify(world.seller)
    verify(world.other_seller)
    return world


def delivered(trade: Trade, lines: list[tuple[object, int]] | None = None) -> Order:
    """A paid order, cleared by customs and delivered to the buyer."""
    order = paid_order(trade, lines)  # type: ignore[arg-type]
    clear(order)
    Order.objects.filter(pk=order.pk, status=Order.Status.CLEARED).update(
        status=Order.Status.DELIVERED
    )
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    return order


def settled(trade: Trade, lines: list[tuple[object, int]] | None = None) -> Order:
    """A delivered order, settled by the settlement run."""
    order = delivered(trade, lines)
    summary = orders_settle()
    assert summary.problems == {}, summary.problems
    order.refresh_from_db()
    return order


def payout_write(
    seller: SellerProfile, *, order: int, days_ago: int = 0, amount: str = "97.50"
) -> Payout:
    """A one-order payout of `seller` in EUR, as the settlement run records one."""
    created = timezone.now() - timedelta(days=days_ago)
    payout = Payout.objects.create(
        seller=seller.pk,
        currency="EUR",
        amount=D(amount),
        fee=D("2.50"),
        gross=D(amount) + D("2.50"),
        order_count=1,
        provider="sandbox",
        created=created,
    )
    Settlement.objects.create(
        reference=f"order:{order}",
        payout=payout,
        currency="EUR",
        paid=D(amount) + D("12.50"),
        goods=D(amount) + D("2.50"),
        shipping=D("10.00"),
        duty=D("0.00"),
        tax=D("0.00"),
        fee=D("2.50"),
        fee_percent=D("2.50"),
        net=D(amount),
        payout_currency="EUR",
        rate=D(1),
        payout_amount=D(amount),
        created=created,
    )
    return payout
