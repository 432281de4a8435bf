"""GET /api/v1/payouts/ and /api/v1/payouts/{id}/: a seller's own payouts, paginated, each with
its orders; the detail with each order's settlement. Others' payouts are 404, buyers 403,
anonymous 401."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from rest_framework.test import APIClient

from payments.models import Payout, Settlement
from payments.money import quantize
from tests.api.conftest import _token_client
from tests.factories import BuyerFactory, SellerFactory, UserFactory
from tests.payouts import payout_write, settled, trade_verified
from tests.trade import Trade

pytestmark = pytest.mark.django_db
URL = "/api/v1/payouts/"


@pytest.fixture
def trade() -> Trade:
    return trade_verified()


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def test_a_seller_gets_their_payout_with_money_objects_and_its_orders(trade: Trade) -> None:
    first = settled(trade, [(trade.shirt, 1)])
    payout = Payout.objects.get(seller=trade.seller.pk)
    response = _token_client(trade.seller.user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    (got,) = body["results"]
    assert got == {
        "id": payout.pk,
        "currency": "CNY",
        "amount": _money(payout.amount, "CNY"),
        "fee": _money(payout.fee, "CNY"),
        "gross": _money(payout.gross, "CNY"),
        "orders": [first.pk],
        "order_count": 1,
        "created": got["created"],
    }
    assert got["created"].startswith(str(payout.created.date()))


def test_the_detail_gives_each_orders_settlement(trade: Trade) -> None:
    order = settled(trade, [(trade.shirt, 2)])
    s = Settlement.objects.get(reference=order.reference)
    response = _token_client(trade.seller.user).get(f"{URL}{s.payout_id}/")
    assert response.status_code == 200
    (row,) = response.json()["settlements"]
    assert row == {
        "order": order.pk,
        "paid": _money(s.paid, "EUR"),
        "goods": _money(s.goods, "EUR"),
        "fee_percent": str(s.fee_percent),
        "fee": _money(s.fee, "EUR"),
        "net": _money(s.net, "EUR"),
        "rate": format(s.rate.normalize(), "f"),
        "payout_amount": _money(s.payout_amount, "CNY"),
    }
    assert response.json()["orders"] == [order.pk]


def test_another_sellers_payout_is_not_found_and_not_listed(trade: Trade) -> None:
    settled(trade, [(trade.book, 1)])  # the other seller's
    theirs = Payout.objects.get(seller=trade.other_seller.pk)
    mine = _token_client(trade.seller.user)
    assert mine.get(f"{URL}{theirs.pk}/").status_code == 404
    assert mine.get(URL).json()["count"] == 0


@pytest.mark.parametrize("pk", ["0", "abc", "99999999999999999999999", "-1"])
def test_an_unknown_payout_is_not_found(pk: str) -> None:
    response = _token_client(SellerFactory.create().user).get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_buyer_and_a_staff_user_are_forbidden_and_anonymous_is_unauthorized() -> None:
    payout = payout_write(SellerFactory.create(), order=1)
    for user in (BuyerFactory.create().user, UserFactory.create(is_staff=True)):
        client = _token_client(user)
        for url in (URL, f"{URL}{payout.pk}/"):
            response = client.get(url)
            assert response.status_code == 403
            assert response.json() == {"detail": "Only sellers have payouts."}
    for url in (URL, f"{URL}{payout.pk}/"):
        assert APIClient().get(url).status_code == 401


def test_payouts_are_paginated_newest_first() -> None:
    seller = SellerFactory.create()
    payouts = [payout_write(seller, order=500 + n, days_ago=n) for n in range(3)]
    client = _token_client(seller.user)
    body = client.get(URL, {"page_size": "2"}).json()
    assert body["count"] == 3
    assert [p["id"] for p in body["results"]] == [payouts[0].pk, payouts[1].pk]
    assert body["previous"] is None and "page=2" in body["next"]
    last = client.get(URL, {"page_size": "2", "page": "2"}).json()
    assert [p["id"] for p in last["results"]] == [payouts[2].pk]
    assert last["next"] is None
    assert client.get(URL, {"page": "3", "page_size": "2"}).status_code == 404
    assert client.get(URL, {"page": "x"}).status_code == 400
    assert client.get(URL, {"page_size": "0"}).status_code == 400


def test_a_seller_without_payouts_gets_an_empty_page() -> None:
    body = _token_client(SellerFactory.create().user).get(URL).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_schema_describes_payouts(api_client: APIClient) -> None:
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    assert {"/api/v1/payouts/", "/api/v1/payouts/{id}/"} <= set(schema["paths"])
    listing = schema["paths"]["/api/v1/payouts/"]["get"]
    assert listing["summary"] == "Your payouts"
    assert {"200", "401", "403", "404"} <= set(listing["responses"])
    detail = schema["components"]["schemas"]["PayoutDetailOutput"]["properties"]
    assert detail["amount"]["allOf"] == [{"$ref": "#/components/schemas/Money"}]
    assert "settlements" in detail
    assert detail["orders"]["description"] == "The ids of the orders it paid."
