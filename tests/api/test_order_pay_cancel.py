"""POST /api/v1/orders/{id}/pay/ and /cancel/ as docs/API.md gives them: the sandbox cards'
answers, paying twice, cancelling before and after payment and after shipment."""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

import pytest
from rest_framework.test import APIClient

from marketplace import emails
from marketplace.models import Order
from payments.models import Payment
from payments.selectors import money_trail, trial_balance
from tests.api.conftest import _token_client
from tests.api.orders_api import ORDERS, balanced, cancel_url, pay_url, stock
from tests.factories import BuyerFactory
from tests.trade import DECLINED_CARD, ERROR_CARD, GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(trade: Trade) -> APIClient:
    return _token_client(trade.buyer.user)


# --- pay -------------------------------------------------------------------------------------


def test_the_good_card_pays_the_order(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 2)])

    response = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "paid"
    # Paid, then the customs declarations filed (the order stays paid until a job screens them).
    assert [event["status"] for event in body["timeline"]] == ["pending_payment", "paid", "paid"]
    assert body["timeline"][-1]["note"].startswith("Customs declarations filed")
    assert money_trail(reference=order.reference).paid == order.total
    assert stock(trade.shirt) == [8]
    assert balanced(trial_balance())


def test_a_declined_card_is_402_and_gives_the_stock_back(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 3)])

    response = client.post(pay_url(order.pk), {"card_number": DECLINED_CARD}, format="json")

    assert response.status_code == 402
    assert response.json()["code"] == "card_declined"
    assert response.json()["detail"]
    assert stock(trade.shirt) == [10]
    assert client.get(f"{ORDERS}{order.pk}/").json()["status"] == "cancelled"
    assert money_trail(reference=order.reference).paid == 0


def test_a_provider_error_is_502_and_the_order_can_be_paid_again(
    client: APIClient, trade: Trade
) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])

    failed = client.post(pay_url(order.pk), {"card_number": ERROR_CARD}, format="json")

    assert failed.status_code == 502
    assert failed.json()["code"] == "provider_error"
    assert client.get(f"{ORDERS}{order.pk}/").json()["status"] == "pending_payment"
    assert stock(trade.shirt) == [9]
    paid = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")
    assert (paid.status_code, paid.json()["status"]) == (200, "paid")
    assert balanced(trial_balance())


def test_paying_twice_is_409_and_charges_once(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    again = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "not_payable"
    assert Payment.objects.filter(reference=order.reference).count() == 1
    assert money_trail(reference=order.reference).paid == order.total


def test_paying_an_expired_order_is_409(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    Order.objects.filter(pk=order.pk).update(expires_at=order.created)

    response = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "order_expired")
    assert not Payment.objects.exists()


def test_paying_another_buyers_order_is_404(client: APIClient, trade: Trade) -> None:
    stranger = BuyerFactory.create()
    (order,) = place(trade, [(trade.shirt, 1)], buyer=stranger)

    response = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    assert response.status_code == 404
    assert not Payment.objects.exists()
    assert client.post(pay_url(10**9), {"card_number": GOOD_CARD}, format="json").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"card_number": ""}, {"card_number": "4242 4242"}, {"card_number": 4242424242424242}],
)
def test_a_malformed_card_number_is_a_400(
    client: APIClient, trade: Trade, body: dict[str, Any]
) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])

    response = client.post(pay_url(order.pk), body, format="json")

    assert response.status_code == 400
    assert "card_number" in response.json()
    assert not Payment.objects.exists()


# --- cancel ----------------------------------------------------------------------------------


def test_cancelling_an_unpaid_order_gives_the_stock_back(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 4)])

    response = client.post(cancel_url(order.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert stock(trade.shirt) == [10]


def test_cancelling_a_paid_order_refunds_it(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 4)])
    client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")

    response = client.post(cancel_url(order.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    assert stock(trade.shirt) == [10]
    trail = money_trail(reference=order.reference)
    assert (trail.paid, trail.in_escrow) == (order.total, 0)
    assert balanced(trial_balance())
    # Cancelling again changes nothing.
    again = client.post(cancel_url(order.pk))
    assert (again.status_code, again.json()["status"]) == (200, "refunded")
    assert stock(trade.shirt) == [10]


@pytest.mark.parametrize("status", ["shipped", "delivered", "settled"])
def test_cancelling_after_shipment_is_409(client: APIClient, trade: Trade, status: str) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    Order.objects.filter(pk=order.pk).update(status=status)

    response = client.post(cancel_url(order.pk))

    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert stock(trade.shirt) == [9]


def test_cancelling_another_buyers_order_is_404(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)], buyer=BuyerFactory.create())

    assert client.post(cancel_url(order.pk)).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


# --- after the commit ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("and_cancel", [False, True])
def test_an_email_that_fails_after_the_commit_never_turns_the_answer_into_a_500(
    trade: Trade, monkeypatch: pytest.MonkeyPatch, and_cancel: bool
) -> None:
    def smtp_down(*, order_id: int, order: object = None) -> None:
        raise SMTPException("The mail server is down.")

    monkeypatch.setattr(emails, "order_paid_send", smtp_down)
    monkeypatch.setattr(emails, "order_refunded_send", smtp_down)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=trade.buyer.user)
    (order,) = place(trade, [(trade.shirt, 1)])

    paid = client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, format="json")
    assert (paid.status_code, paid.json()["status"]) == (200, "paid")
    if and_cancel:
        refunded = client.post(cancel_url(order.pk))
        assert (refunded.status_code, refunded.json()["status"]) == (200, "refunded")
