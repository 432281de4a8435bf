"""Order emails: confirmation to the buyer and a new order to the seller once paid, and the
refund notice. Sent after the change commits (callers use transaction.on_commit); the backend is
Django's (console by default, EMAIL_URL for SMTP or a provider)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.models import Order


def _order(order_id: int, order: Order | None) -> Order:
    """`order` if the caller has it with its buyer's and seller's users loaded, else a read."""
    if order is not None and order.pk == order_id:
        return order
    return Order.objects.select_related("buyer__user", "seller__user").get(pk=order_id)


def _send(*, template: str, subject: str, order: Order, to: str, **extra: object) -> int:
    if not to:
        return 0
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "order_url": settings.EWTP_SITE_URL.rstrip("/") + reverse("order_detail", args=[order.pk]),
        "seller_orders_url": settings.EWTP_SITE_URL.rstrip("/") + reverse("seller_orders"),
        **extra,
    }
    body = render_to_string(f"emails/{template}.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def order_paid_send(*, order_id: int, order: Order | None = None) -> None:
    """The buyer's order confirmation and the seller's new-order notice."""
    order = _order(order_id, order)
    _send(
        template="order_confirmation",
        subject=f"Order {order.pk} confirmed",
        order=order,
        to=order.buyer.user.email,
    )
    _send(
        template="order_new_for_seller",
        subject=f"New order {order.pk} from {order.buyer.user.username}",
        order=order,
        to=order.seller.user.email,
    )


def order_refunded_send(*, order_id: int, order: Order | None = None) -> None:
    order = _order(order_id, order)
    _send(
        template="order_refunded",
        subject=f"Order {order.pk} refunded",
        order=order,
        to=order.buyer.user.email,
    )
