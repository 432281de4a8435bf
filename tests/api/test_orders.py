"""POST /api/v1/orders/ (checkout) exactly as docs/API.md gives it; pay and cancel are in
test_order_pay_cancel.py."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from marketplace.models import Listing, Order
from tests.api.conftest import _token_client
from tests.api.orders_api import (
    ADDRESS_BODY,
    ORDERS,
    checkout_body,
    stock,
)
from tests.factories import ListingFactory
from tests.trade import Trade

pytestmark = pytest.mark.django_db

ORDER_FIELDS = {
    "id", "status", "seller", "buyer", "currency", "lines", "goods", "shipping", "duty", "tax",
    "total", "quote", "timeline",
}  # fmt: skip
MONEY_FIELDS = ("goods", "shipping", "duty", "tax", "total")


@pytest.fixture
def client(trade: Trade) -> APIClient:
    return _token_client(trade.buyer.user)


def _money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def _order_count() -> int:
    return Order.objects.count()


# --- checkout: 201 -----------------------------------------------------------------------------


def test_checkout_answers_one_order_per_seller_with_every_field(
    client: APIClient, trade: Trade
) -> None:
    body = checkout_body((trade.shirt, 2), (trade.mug, 1), (trade.book, 3))

    response = client.post(ORDERS, body, format="json")

    assert response.status_code == 201, response.json()
    orders = response.json()["orders"]
    assert len(orders) == 2
    by_seller = {order["seller"]: order for order in orders}
    assert set(by_seller) == {trade.seller.pk, trade.other_seller.pk}
    for order in orders:
        assert set(order) >= ORDER_FIELDS
        assert order["status"] == "pending_payment"
        assert order["buyer"] == trade.buyer.pk
        assert order["currency"] == "EUR"
        assert [event["status"] for event in order["timeline"]] == ["pending_payment"]
        assert set(order["timeline"][0]) == {"at", "status", "note"}
        assert order["quote"]["total"] == order["total"]
        assert order["quote"]["seller"] == order["seller"]
        assert order["quote"]["route"] == ["HGH", "LGG"]
        parts = sum(Decimal(order[name]["amount"]) for name in MONEY_FIELDS[:-1])
        assert Decimal(order["total"]["amount"]) == parts
    lines = by_seller[trade.seller.pk]["lines"]
    assert lines == [
        {
            "listing": trade.shirt.pk,
            "title": "Silk shirt",
            "quantity": 2,
            "unit_price": _money("20.00", "USD"),
        },
        {
            "listing": trade.mug.pk,
            "title": "Celadon mug",
            "quantity": 1,
            "unit_price": _money("12.50", "USD"),
        },
    ]
    assert [line["listing"] for line in by_seller[trade.other_seller.pk]["lines"]] == [
        trade.book.pk
    ]
    assert stock(trade.shirt, trade.mug, trade.book) == [8, 9, 7]
    # What GET shows is what the checkout answered.
    shown = client.get(f"{ORDERS}{orders[0]['id']}/").json()
    assert shown == orders[0]


@pytest.mark.parametrize(
    ("currency", "pattern"), [("EUR", r"[0-9]+\.[0-9]{2}"), ("RWF", r"[0-9]+")]
)
def test_every_amount_of_an_order_is_rounded_to_the_currencys_minor_unit(
    client: APIClient, trade: Trade, currency: str, pattern: str
) -> None:
    response = client.post(ORDERS, checkout_body((trade.mug, 3), currency=currency), "json")

    assert response.status_code == 201, response.json()
    (order,) = response.json()["orders"]
    for name in MONEY_FIELDS:
        assert order[name]["currency"] == currency
        assert re.fullmatch(pattern, order[name]["amount"]), (name, order[name])
    assert order["lines"][0]["unit_price"] == _money("12.50", "USD")


def test_one_listing_on_two_lines_is_one_order_line(client: APIClient, trade: Trade) -> None:
    response = client.post(ORDERS, checkout_body((trade.shirt, 2), (trade.shirt, 3)), "json")

    assert response.status_code == 201, response.json()
    (order,) = response.json()["orders"]
    assert [(line["listing"], line["quantity"]) for line in order["lines"]] == [(trade.shirt.pk, 5)]
    assert stock(trade.shirt) == [5]


# --- checkout: 409, 422 ------------------------------------------------------------------------


def test_out_of_stock_is_409_and_reserves_nothing(client: APIClient, trade: Trade) -> None:
    body = checkout_body((trade.shirt, 2), (trade.book, 1), (trade.mug, 11))

    response = client.post(ORDERS, body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert "Celadon mug" in response.json()["detail"]
    assert stock(trade.shirt, trade.mug, trade.book) == [10, 10, 10]
    assert _order_count() == 0


def test_a_listing_sold_out_is_409_out_of_stock(client: APIClient, trade: Trade) -> None:
    Listing.objects.filter(pk=trade.shirt.pk).update(stock=0)

    response = client.post(ORDERS, checkout_body((trade.shirt, 1)), format="json")

    assert (response.status_code, response.json()["code"]) == (409, "out_of_stock")
    assert "out of stock" in response.json()["detail"]


@pytest.mark.parametrize(
    ("country", "hs_code", "code"),
    [
        ("BE", "930200", "prohibited"),
        ("RW", "610910", "no_route"),
        ("NL", "610910", "no_tariff"),
        ("US", "610910", "not_served"),
    ],
)
def test_a_checkout_the_rules_refuse_is_422_with_the_quote_code_and_reserves_nothing(
    client: APIClient, trade: Trade, country: str, hs_code: str, code: str
) -> None:
    listing = ListingFactory.create(seller=trade.seller, hs_code=hs_code, stock=5)

    response = client.post(ORDERS, checkout_body((listing, 1), country=country), format="json")

    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert stock(listing) == [5]
    assert _order_count() == 0


# --- checkout: 400 field errors ----------------------------------------------------------------


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


def _bad_bodies(trade: Trade) -> list[tuple[str, Any, str]]:
    """(what is wrong, body, the field the 400 names)."""
    good = checkout_body((trade.shirt, 1))
    line = {"listing": trade.shirt.pk, "quantity": 1}
    draft = ListingFactory.create(seller=trade.seller, status=Listing.Status.DRAFT)
    archived = ListingFactory.create(seller=trade.seller, status=Listing.Status.ARCHIVED)
    address = good["shipping_address"]
    cases: list[tuple[str, Any, str]] = [
        (f"no {part}", {**good, "shipping_address": _without(address, part)}, part)
        for part in ADDRESS_BODY
    ]
    cases += [
        (f"blank {part}", {**good, "shipping_address": {**address, part: " "}}, part)
        for part in ("name", "line1", "city", "postal_code")
    ]
    cases += [
        ("no currency", _without(good, "currency"), "currency"),
        ("no address", _without(good, "shipping_address"), "shipping_address"),
        ("no lines", _without(good, "lines"), "lines"),
        ("unknown currency", {**good, "currency": "ZZZ"}, "currency"),
        ("currency without a rate", {**good, "currency": "JPY"}, "currency"),
        ("lower-case currency", {**good, "currency": "eur"}, "currency"),
        ("unknown country", {**good, "shipping_address": {**address, "country": "ZZ"}}, "country"),
        ("lines empty", {**good, "lines": []}, "lines"),
        ("lines not a list", {**good, "lines": line}, "lines"),
        ("quantity 0", {**good, "lines": [{**line, "quantity": 0}]}, "quantity"),
        ("quantity negative", {**good, "lines": [{**line, "quantity": -1}]}, "quantity"),
        ("quantity huge", {**good, "lines": [{**line, "quantity": 10**12}]}, "quantity"),
        ("quantity a string", {**good, "lines": [{**line, "quantity": "1"}]}, "quantity"),
        ("quantity a float", {**good, "lines": [{**line, "quantity": 1.5}]}, "quantity"),
        ("quantity a boolean", {**good, "lines": [{**line, "quantity": True}]}, "quantity"),
        (
            "listing a string",
            {**good, "lines": [{**line, "listing": str(trade.shirt.pk)}]},
            "listing",
        ),
        ("listing null", {**good, "lines": [{**line, "listing": None}]}, "listing"),
        ("listing unknown", {**good, "lines": [{**line, "listing": 999999}]}, "lines"),
        ("listing a draft", {**good, "lines": [{**line, "listing": draft.pk}]}, "lines"),
        ("listing archived", {**good, "lines": [{**line, "listing": archived.pk}]}, "lines"),
        ("listing past the id range", {**good, "lines": [{**line, "listing": 2**63}]}, "listing"),
        ("a line not an object", {**good, "lines": [5]}, "lines"),
        ("address a string", {**good, "shipping_address": "Brussels"}, "shipping_address"),
        ("currency a number", {**good, "currency": 978}, "currency"),
        ("name a number", {**good, "shipping_address": {**address, "name": 7}}, "name"),
        ("name with NUL", {**good, "shipping_address": {**address, "name": "A\x00"}}, "name"),
        ("body a list", [good], "non_field_errors"),
        ("body a string", "orders", "non_field_errors"),
    ]
    return cases


def test_every_bad_field_is_a_400_naming_it_and_nothing_is_reserved(
    client: APIClient, trade: Trade
) -> None:
    failures = []
    for what, body, field in _bad_bodies(trade):
        response = client.post(ORDERS, body, format="json")
        named = response.status_code == 400 and any(
            key == field or key.endswith(f".{field}") or key.startswith(f"{field}[")
            for key in response.json()
        )
        if not named:
            failures.append((what, response.status_code, response.content[:200]))
    assert failures == []
    assert stock(trade.shirt) == [10]
    assert _order_count() == 0


def test_malformed_json_is_a_400(client: APIClient, trade: Trade) -> None:
    response = client.post(ORDERS, '{"currency": "EUR",', content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- checkout: who may -------------------------------------------------------------------------


def test_a_seller_cannot_check_out(trade: Trade) -> None:
    seller = _token_client(trade.seller.user)

    response = seller.post(ORDERS, checkout_body((trade.book, 1)), format="json")

    assert response.status_code == 403
    assert "buyer" in response.json()["detail"]
    assert _order_count() == 0


def test_an_anonymous_checkout_is_401(trade: Trade) -> None:
    response = APIClient().post(ORDERS, checkout_body((trade.shirt, 1)), format="json")

    assert response.status_code == 401
    assert _order_count() == 0
