"""Order state changes: pay, cancel (with refund), expire. The only code that moves an order.

Each change is a status-guarded conditional UPDATE whose row count is checked, or happens under
`select_for_update()` with the status re-checked, and appends a line to the order's timeline.
A lost race is an answer (`OrderConflict`), never an exception that becomes a 500. Stock goes
back by one conditional UPDATE per listing, in listing-id order (as checkout reserves it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customs.review import declarations_withdraw
from marketplace import emails
from marketplace.customs_filing import order_customs_file
from marketplace.models import Listing, Order, OrderEvent
from marketplace.models.orders import CANCELLABLE
from payments.selectors import payment_captured
from payments.services import PaymentDeclined, PaymentFailed, payment_refund, payment_take

S = Order.Status


class OrderConflict(Exception):
    """The order's state does not allow the change (409 with `code`)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class PaymentOutcome:
    """What a payment attempt did: `paid`, or the `code` (card_declined, provider_error) and
    the sentence for the buyer."""

    order: Order
    paid: bool
    code: str = ""
    message: str = ""


def order_event(*, order: Order, status: str, note: str, by: Any = None) -> OrderEvent:
    return OrderEvent.objects.create(order=order, status=status, note=note, actor=_actor(by))


def _actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def order_transition(
    *, order: Order, from_: Iterable[str], to: str, note: str, by: Any = None
) -> bool:
    """Move `order` from one of `from_` to `to` if it is still there; False if another change
    won the race (nothing written then)."""
    changed = Order.objects.filter(pk=order.pk, status__in=list(from_)).update(
        status=to, updated=timezone.now()
    )
    if changed != 1:
        return False
    order.status = to
    order_event(order=order, status=to, note=note, by=by)
    return True


def _stock_release(order: Order) -> None:
    for listing_id, quantity in sorted(order.lines.values_list("listing_id", "quantity")):
        Listing.objects.filter(pk=listing_id).update(stock=F("stock") + quantity)


def _locked(order: Order) -> Order:
    """The order row, locked; its buyer's and seller's users come along (read, not locked) for
    the emails sent after the commit."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("buyer__user", "seller__user")
        .get(pk=order.pk)
    )


def order_pay(*, order: Order, card_number: str, by: Any = None) -> PaymentOutcome:
    """Take the order's total with the configured provider and mark it paid.

    A decline cancels the order and gives its stock back; a provider error leaves it payable.
    Raises OrderConflict (not_payable, order_expired) when the order cannot be paid now.
    """
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != S.PENDING_PAYMENT:
            raise OrderConflict(
                "not_payable",
                f"This order is {locked.get_status_display().lower()}: it cannot be paid.",
            )
        if locked.expires_at <= timezone.now():
            raise OrderConflict(
                "order_expired",
                "The time to pay this order has run out; its goods were released. "
                "Place the order again.",
            )
        try:
            payment_take(
                reference=locked.reference,
                amount=locked.total,
                currency=locked.currency,
                card_number=card_number,
            )
        except PaymentDeclined as declined:
            _stock_release(locked)
            order_transition(
                order=locked,
                from_=[S.PENDING_PAYMENT],
                to=S.CANCELLED,
                note=f"Card declined: {declined.message} The goods were released.",
                by=by,
            )
            return PaymentOutcome(
                locked, paid=False, code="card_declined", message=declined.message
            )
        except PaymentFailed as failed:
            order_event(
                order=locked,
                status=locked.status,
                note=f"Payment did not go through: {failed.message} The order can be paid again.",
                by=by,
            )
            return PaymentOutcome(locked, paid=False, code="provider_error", message=failed.message)
        order_transition(
            order=locked,
            from_=[S.PENDING_PAYMENT],
            to=S.PAID,
            note="Payment captured; the money is held in escrow until delivery.",
            by=by,
        )
        declarations = order_customs_file(order=locked)
        if declarations:
            hubs = ", ".join(
                f"{d.get_direction_display().lower()} at {d.hub.code}" for d in declarations
            )
            order_event(
                order=locked,
                status=S.PAID,
                note=f"Customs declarations filed ({hubs}); clearance has started.",
            )
        else:
            order_transition(
                order=locked,
                from_=[S.PAID],
                to=S.CLEARED,
                note="Domestic consignment: no customs declaration is needed.",
            )
        # robust: the payment has committed; a failing email is logged, never the buyer's 500.
        transaction.on_commit(
            lambda: emails.order_paid_send(order_id=locked.pk, order=locked), robust=True
        )
    return PaymentOutcome(locked, paid=True)


def order_cancel(*, order: Order, by: Any = None, reason: str = "") -> Order:
    """Cancel an order before shipment: its stock goes back and, if it was paid, the buyer is
    refunded through the provider and the ledger (status `refunded`). Cancelling an order that
    is already cancelled or refunded returns it unchanged. Raises OrderConflict
    (not_cancellable) once it has shipped."""
    why = f" {reason.strip()}" if reason.strip() else ""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status in (S.CANCELLED, S.REFUNDED):
            return locked
        if locked.status not in CANCELLABLE:
            raise OrderConflict(
                "not_cancellable",
                f"This order is {locked.get_status_display().lower()}: it can no longer be "
                "cancelled.",
            )
        _stock_release(locked)
        if locked.status == S.PENDING_PAYMENT:
            order_transition(
                order=locked, from_=[S.PENDING_PAYMENT], to=S.CANCELLED,
                note=f"Cancelled before payment; the goods were released.{why}", by=by,
            )  # fmt: skip
            return locked
        declarations_withdraw(
            reference=locked.reference, note="Withdrawn: the buyer cancelled the order."
        )
        order_refund_locked(
            order=locked,
            note=f"Cancelled; the payment was refunded in full and the goods released.{why}",
            by=by,
            stock_released=True,
        )
    return locked


def order_refund_locked(
    *, order: Order, note: str, by: Any = None, stock_released: bool = False
) -> None:
    """Refund a paid, unshipped order in full (provider and ledger), give its stock back and
    mark it refunded; the buyer is told by email after the commit. `order` is locked by the
    caller. PaymentFailed propagates (nothing changes then)."""
    if not stock_released:
        _stock_release(order)
    payment = payment_captured(reference=order.reference)
    if payment is not None:
        payment_refund(payment=payment)
    order_transition(order=order, from_=CANCELLABLE, to=S.REFUNDED, note=note, by=by)
    transaction.on_commit(
        lambda: emails.order_refunded_send(order_id=order.pk, order=order), robust=True
    )


def orders_expire(*, now: datetime | None = None) -> int:
    """Cancel every unpaid order whose time to pay has run out and give its stock back; returns
    how many expired. Safe to run twice or beside a payment: each order moves at most once."""
    now = now or timezone.now()
    due = Order.objects.filter(status=S.PENDING_PAYMENT, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(order_expire(order_id=pk, now=now) for pk in list(due))


def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Expire one unpaid order if it is still due; False if it was paid or moved meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk=order_id, status=S.PENDING_PAYMENT, expires_at__lte=now)
            .first()
        )
        if order is None:
            return False
        _stock_release(order)
        return order_transition(
            order=order,
            from_=[S.PENDING_PAYMENT],
            to=S.CANCELLED,
            note="Not paid in time; the order expired and the goods were released.",
        )
