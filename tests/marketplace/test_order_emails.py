"""Order emails, sent once the change commits: the buyer's confirmation and the seller's new
order once paid, the refund notice on a paid order's cancellation, and nothing otherwise."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from marketplace.models import Order
from marketplace.orders import order_cancel, order_pay
from marketplace.templatetags.money import format_money
from tests.trade import DECLINED_CARD, ERROR_CARD, GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def link(name: str, *args: Any) -> str:
    return settings.EWTP_SITE_URL.rstrip("/") + reverse(name, args=args)


@pytest.fixture
def order(trade: Trade) -> Order:
    (placed,) = place(trade, [(trade.shirt, 2)])
    return placed


def paid(order: Order, capture: Capture) -> Order:
    with capture(execute=True):
        outcome = order_pay(order=order, card_number=GOOD_CARD)
    assert outcome.paid
    return outcome.order


def test_paying_sends_the_buyer_a_confirmation_and_the_seller_the_new_order(
    order: Order, trade: Trade, django_capture_on_commit_callbacks: Capture
) -> None:
    paid(order, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    confirmation, new_order = mail.outbox
    assert confirmation.to == [trade.buyer.user.email]
    assert confirmation.subject == f"Order {order.pk} confirmed"
    assert "your payment for order" in confirmation.body
    assert "2 × Silk shirt" in confirmation.body
    assert f"Total:     {format_money(order.total, 'EUR')}" in confirmation.body
    assert "Amélie Dupont, Rue de la Loi 16, 1000 Brussels, Belgium" in confirmation.body
    assert link("order_detail", order.pk) in confirmation.body
    assert new_order.to == [trade.seller.user.email]
    assert new_order.subject == f"New order {order.pk} from {trade.buyer.user.username}"
    assert "2 × Silk shirt (HS 610910)" in new_order.body
    assert "Route: HGH → LGG" in new_order.body
    assert link("order_detail", order.pk) in new_order.body
    assert link("seller_orders") in new_order.body
    # Plain text: nothing is HTML-escaped.
    assert "&amp;" not in confirmation.body and "&#x27;" not in new_order.body


def test_no_email_goes_out_before_the_payment_commits(
    order: Order, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_pay(order=order, card_number=GOOD_CARD)

    # The paid emails and the clearance jobs both wait for the commit.
    assert len(callbacks) == 2
    assert mail.outbox == []


@pytest.mark.parametrize("card", [DECLINED_CARD, ERROR_CARD])
def test_a_failed_payment_sends_no_email(
    order: Order, card: str, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order_pay(order=order, card_number=card)

    assert mail.outbox == []


def test_cancelling_a_paid_order_sends_the_refund_notice_once(
    order: Order, trade: Trade, django_capture_on_commit_callbacks: Capture
) -> None:
    paid(order, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)  # already refunded: unchanged, nothing sent again

    assert len(mail.outbox) == 1
    (notice,) = mail.outbox
    assert notice.to == [trade.buyer.user.email]
    assert notice.subject == f"Order {order.pk} refunded"
    assert f"{format_money(order.total, 'EUR')} was refunded" in notice.body
    assert link("order_detail", order.pk) in notice.body


def test_cancelling_an_unpaid_order_sends_nothing(
    order: Order, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)

    assert mail.outbox == []


def test_paying_through_the_page_sends_both_emails(
    client: Any, order: Order, trade: Trade, django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(trade.buyer.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("order_pay", args=[order.pk]), {"card_number": GOOD_CARD})

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [trade.buyer.user.email, trade.seller.user.email]
    )
