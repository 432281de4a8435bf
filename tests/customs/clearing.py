"""Helpers for the clearance and settlement tests: pay an order of the trade world, run its hubs'
clearance jobs by hand, deliver it, read what its declarations and timeline say."""

from __future__ import annotations

from collections.abc import Sequence

from customs.clearance import declarations_clear
from customs.models import Declaration, DeclarationEvent
from marketplace.models import Listing, Order, SellerProfile
from marketplace.orders import order_pay
from tests.trade import GOOD_CARD, Trade, place


def verify(seller: SellerProfile) -> SellerProfile:
    """Verified sellers' declarations clear automatically (the rest go to review)."""
    seller.verified = True
    seller.save(update_fields=["verified"])
    return seller


def paid_order(trade: Trade, lines: Sequence[tuple[Listing, int]] | None = None) -> Order:
    """Check out `lines` (two shirts by default) and pay: its declarations are filed, submitted.
    A test's transaction never commits, so no clearance job runs until the test runs one."""
    (order,) = place(trade, lines or [(trade.shirt, 2)])
    outcome = order_pay(order=order, card_number=GOOD_CARD, by=trade.buyer.user)
    assert outcome.paid, outcome.message
    order.refresh_from_db()
    return order


def delivered(trade: Trade, lines: Sequence[tuple[Listing, int]] | None = None) -> Order:
    """A paid order, cleared by customs and delivered to the buyer."""
    order = paid_order(trade, lines)
    clear(order)
    order.refresh_from_db()
    assert order.status == Order.Status.CLEARED
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    order.refresh_from_db()
    return order


def declarations(order: Order) -> dict[str, Declaration]:
    """The order's declarations by direction, as stored now."""
    found = {d.direction: d for d in Declaration.objects.filter(reference=order.reference)}
    assert len(found) == Declaration.objects.filter(reference=order.reference).count()
    return found


def clear(order: Order, hub: str | None = None) -> int:
    """Run the clearance job of `hub` (every hub if None) for the order's declarations."""
    found = Declaration.objects.filter(reference=order.reference)
    if hub is not None:
        found = found.filter(hub__code=hub)
    return declarations_clear(ids=list(found.values_list("pk", flat=True)))


def status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def timeline(order: Order) -> list[tuple[str, str]]:
    """(status, note) of each line of the order's timeline."""
    return list(order.events.order_by("at", "pk").values_list("status", "note"))


def kinds(declaration: Declaration) -> list[str]:
    """The kinds of the declaration's audit trail, oldest first."""
    return list(
        DeclarationEvent.objects.filter(declaration=declaration)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def rules(declaration: Declaration) -> list[str]:
    declaration.refresh_from_db()
    return [reason["rule"] for reason in declaration.reasons]
