"""Orders follow their declarations: customs tells (`declarations_decided`), orders move.

Runs inside the transaction that decided the declarations. The orders are locked first, in id
order, and their declarations' statuses read after, so two hubs' jobs finishing the same order's
export and import at once are serialised and the second sees the first's decision.
Any declaration rejected: the order is cancelled and the buyer refunded. All cleared: `cleared`.
Any in review or held: `review`. Otherwise `in_customs`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from customs.models import Declaration
from customs.review import declarations_withdraw
from customs.selectors import declaration_rejection_reason, declaration_statuses
from customs.signals import declarations_decided
from marketplace.models import Order, OrderEvent
from marketplace.orders import order_refund_locked

S = Order.Status
D = Declaration.Status

# The order states customs moves between.
IN_CLEARANCE = (S.PAID, S.IN_CUSTOMS, S.REVIEW)


def customs_status(statuses: Sequence[str]) -> str:
    """The order status its declarations' statuses add up to ("rejected" if any is)."""
    if any(s == D.REJECTED for s in statuses):
        return "rejected"
    if statuses and all(s == D.CLEARED for s in statuses):
        return S.CLEARED
    if any(s in (D.REVIEW, D.HELD) for s in statuses):
        return S.REVIEW
    return S.IN_CUSTOMS


@receiver(declarations_decided, dispatch_uid="marketplace.orders_follow_declarations")
def _declarations_decided(sender: Any, declarations: Sequence[Declaration], **kwargs: Any) -> None:
    orders_customs_update(declarations=declarations)


def orders_customs_update(*, declarations: Sequence[Declaration]) -> None:
    """Move the orders of these just-decided declarations to what all their declarations say,
    with a line in each order's timeline for each decision."""
    by_order: dict[int, list[Declaration]] = defaultdict(list)
    for d in declarations:
        if d.order_id is not None:
            by_order[d.order_id].append(d)
    if not by_order:
        return
    # The id and status are all this reads of an order (a rejection reads the rest itself).
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .filter(pk__in=list(by_order))
        .only("id", "status")
        .order_by("pk")
    )
    statuses = declaration_statuses(references=[o.reference for o in orders])
    moves: dict[tuple[str, str], list[int]] = defaultdict(list)
    events: list[OrderEvent] = []
    now = timezone.now()
    for order in orders:
        if order.status in (S.CANCELLED, S.REFUNDED):
            # Closed while these were being decided: its cancellation skipped the declarations
            # this transaction held, so nothing clears them for it but this.
            declarations_withdraw(
                reference=order.reference,
                note=f"Withdrawn: the order was {order.get_status_display().lower()} meanwhile.",
            )
            continue
        if order.status not in IN_CLEARANCE:
            continue  # done with customs
        target = customs_status([status for _, status in statuses.get(order.reference, [])])
        if target == "rejected":
            rejected = next(
                (d for d in by_order[order.pk] if d.status == D.REJECTED), None
            ) or _rejected_of(order)
            # Locked above (id and status only); read whole for the refund.
            order_customs_reject(order=Order.objects.get(pk=order.pk), declaration=rejected)
            continue
        for d in by_order[order.pk]:
            events.append(OrderEvent(order=order, at=now, status=target, note=_decision_note(d)))
        if target != order.status:
            moves[(order.status, target)].append(order.pk)
    for (from_, to), ids in moves.items():
        Order.objects.filter(pk__in=ids, status=from_).update(status=to, updated=now)
    OrderEvent.objects.bulk_create(events)


def _rejected_of(order: Order) -> Declaration:
    # Its declarations add up to "rejected", though none of those just decided is: one decided
    # earlier is (statuses are read after the lock).
    return (
        Declaration.objects.select_related("hub")
        .filter(reference=order.reference, status=D.REJECTED)
        .order_by("decided_at", "pk")[0]
    )


def _decision_note(d: Declaration) -> str:
    what = f"{d.get_direction_display()} declaration at {d.hub.code}"
    if d.status == D.CLEARED:
        return f"{what} cleared by customs."
    if d.status == D.HELD:
        return f"{what} held: the hub asked the seller a question."
    if d.status == D.REVIEW:
        return f"{what} is being reviewed by the hub's customs officers."
    return f"{what}: {d.get_status_display().lower()}."


def order_customs_reject(*, order: Order, declaration: Declaration) -> None:
    """Customs refused the consignment: refund the buyer, give the stock back, withdraw the
    order's other declarations. `order` is locked by the caller."""
    # The operator's reason as they wrote it: the recorded reasons also name the operator.
    message = declaration_rejection_reason(declaration=declaration) or next(
        (r.get("message", "") for r in declaration.reasons if r.get("message")), ""
    )
    if message and not message.endswith((".", "!", "?")):
        message += "."
    # Lower-case the direction only: the hub code stays as it is written ("at LGG").
    what = f"{declaration.get_direction_display().lower()} declaration at {declaration.hub.code}"
    declarations_withdraw(reference=order.reference, note=f"Withdrawn: the {what} was rejected.")
    order_refund_locked(
        order=order,
        note=f"Customs rejected the {what}: {message} The payment was refunded in full and the "
        "goods released.",
    )
