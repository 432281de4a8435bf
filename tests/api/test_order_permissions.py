"""Who sees which order: its buyer, the seller of its goods, operators of a hub on its route;
anyone else gets a 404 (as for an unknown order), anonymous callers a 401."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from ehubs.models import Hub
from marketplace.models import Order
from tests.api.conftest import _token_client
from tests.api.orders_api import ORDERS, cancel_url, checkout_body, pay_url
from tests.factories import BuyerFactory, SellerFactory, UserFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db


def _operator(*hub_codes: str) -> User:
    user = UserFactory.create(is_staff=True)
    for code in hub_codes:
        Hub.objects.get(code=code).operators.add(user)
    return user


def _listed(client: APIClient) -> set[int]:
    response = client.get(ORDERS)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return {order["id"] for order in body["results"]}


def _sees(client: APIClient, order: Order) -> bool:
    status = client.get(f"{ORDERS}{order.pk}/").status_code
    assert status in (200, 404), status
    return status == 200


@pytest.fixture
def orders(trade: Trade) -> dict[str, Order]:
    """The buyer's order of each seller, and another buyer's order of the seller's goods."""
    mine_a, mine_b = place(trade, [(trade.shirt, 1), (trade.book, 1)])
    (theirs,) = place(trade, [(trade.mug, 1)], buyer=BuyerFactory.create())
    return {"seller": mine_a, "other_seller": mine_b, "stranger": theirs}


def test_a_buyer_sees_only_their_own_orders(trade: Trade, orders: dict[str, Order]) -> None:
    client = _token_client(trade.buyer.user)

    assert _listed(client) == {orders["seller"].pk, orders["other_seller"].pk}
    assert _sees(client, orders["seller"])
    assert not _sees(client, orders["stranger"])


def test_a_seller_sees_only_the_orders_for_their_goods(
    trade: Trade, orders: dict[str, Order]
) -> None:
    seller = _token_client(trade.seller.user)
    other = _token_client(trade.other_seller.user)

    assert _listed(seller) == {orders["seller"].pk, orders["stranger"].pk}
    assert _listed(other) == {orders["other_seller"].pk}
    assert not _sees(other, orders["seller"])
    assert _sees(other, orders["other_seller"])


def test_a_seller_with_no_orders_sees_none(trade: Trade, orders: dict[str, Order]) -> None:
    client = _token_client(SellerFactory.create().user)

    assert _listed(client) == set()
    assert not _sees(client, orders["seller"])


@pytest.mark.parametrize("hub", ["HGH", "LGG"])
def test_operators_of_a_hub_on_the_route_see_its_orders(
    trade: Trade, orders: dict[str, Order], hub: str
) -> None:
    client = _token_client(_operator(hub))

    assert _listed(client) == {order.pk for order in orders.values()}
    assert _sees(client, orders["stranger"])


def test_operators_of_other_hubs_see_nothing(trade: Trade, orders: dict[str, Order]) -> None:
    client = _token_client(_operator("KGL", "LAX"))

    assert _listed(client) == set()
    assert not any(_sees(client, order) for order in orders.values())


def test_a_deactivated_operator_cannot_sign_in(trade: Trade, orders: dict[str, Order]) -> None:
    user = _operator("LGG")
    client = _token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.get(ORDERS).status_code == 401


def test_only_the_buyer_pays_or_cancels(trade: Trade, orders: dict[str, Order]) -> None:
    order = orders["seller"]
    card = {"card_number": GOOD_CARD}
    for user in (trade.seller.user, _operator("LGG"), BuyerFactory.create().user):
        client = _token_client(user)
        assert client.post(pay_url(order.pk), card, "json").status_code == 404
        assert client.post(cancel_url(order.pk)).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ORDERS),
        ("get", f"{ORDERS}{{id}}/"),
        ("post", ORDERS),
        ("post", f"{ORDERS}{{id}}/pay/"),
        ("post", f"{ORDERS}{{id}}/cancel/"),
    ],
)
def test_anonymous_callers_get_401(
    trade: Trade, orders: dict[str, Order], method: str, path: str
) -> None:
    url = path.format(id=orders["seller"].pk)
    body = checkout_body((trade.shirt, 1)) if path == ORDERS else {"card_number": GOOD_CARD}

    response = getattr(APIClient(), method)(url, body if method == "post" else None, "json")

    assert response.status_code == 401
    assert "detail" in response.json()
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_401(trade: Trade, orders: dict[str, Order]) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get(ORDERS).status_code == 401


def test_a_page_past_the_end_is_a_404_and_a_bad_page_a_400(
    trade: Trade, orders: dict[str, Order]
) -> None:
    client = _token_client(trade.buyer.user)

    assert client.get(ORDERS, {"page": 2}).status_code == 404
    assert client.get(ORDERS, {"page": 0}).json() == {"page": ["Enter a page number from 1."]}
    assert client.get(ORDERS, {"page_size": 1}).json()["count"] == 2
