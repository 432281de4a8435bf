"""Sorting and price bounds compare every listing's price converted into the visitor's currency
with the current FX table, in SQL (storefront search and the listings API)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from djmoney.money import Money
from rest_framework.test import APIClient

from payments.services import rates_import
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

# USD 1 = EUR 0.865 = VND 25,400; XOF has no rate.
RATES = {"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.8650", "VND": "25400"}}


@pytest.fixture
def catalogue(db: Any) -> None:
    rates_import(data=RATES)
    ListingFactory.create(title="USD 100", price=Money(Decimal("100.00"), "USD"))
    ListingFactory.create(title="VND 4.5M", price=Money(Decimal("4500000"), "VND"))  # USD 177.17
    ListingFactory.create(title="USD 349", price=Money(Decimal("349.00"), "USD"))
    ListingFactory.create(title="XOF, no rate", price=Money(Decimal("1000"), "XOF"))


def search_titles(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    page = response.content.decode()
    return [
        chunk.split(">", 1)[1].split("</a>", 1)[0]
        for chunk in page.split('<h3 class="card-title"><a href=')[1:]
    ]


def shop_in(client: Client, currency: str) -> None:
    response = client.post(reverse("ship_to"), {"country": "BE", "currency": currency})
    assert response.status_code == 302


def api_titles(**params: str) -> list[str]:
    response = APIClient().get("/api/v1/listings/", params)
    assert response.status_code == 200, response.json()
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.usefixtures("catalogue")
def test_a_usd_visitor_sees_the_vnd_listing_between_100_and_349_usd(client: Client) -> None:
    shop_in(client, "USD")

    assert search_titles(client, sort="price_asc") == [
        "USD 100",
        "VND 4.5M",
        "USD 349",
        "XOF, no rate",
    ]
    # Listings whose currency has no rate sort last both ways.
    assert search_titles(client, sort="price_desc") == [
        "USD 349",
        "VND 4.5M",
        "USD 100",
        "XOF, no rate",
    ]


@pytest.mark.usefixtures("catalogue")
def test_price_bounds_are_typed_in_the_visitors_currency(client: Client) -> None:
    shop_in(client, "EUR")  # USD 100 = EUR 86.50, VND 4.5M = EUR 153.25, USD 349 = EUR 301.89

    assert search_titles(client, min_price="100", max_price="200") == ["VND 4.5M"]
    assert search_titles(client, max_price="86.50", sort="price_asc") == ["USD 100"]
    assert search_titles(client, min_price="86.51", sort="price_asc") == ["VND 4.5M", "USD 349"]


@pytest.mark.usefixtures("catalogue")
def test_a_listing_without_a_rate_is_left_out_by_any_price_bound(client: Client) -> None:
    shop_in(client, "USD")

    assert "XOF, no rate" in search_titles(client)
    assert "XOF, no rate" not in search_titles(client, min_price="0")
    assert "XOF, no rate" not in search_titles(client, max_price="99999")


@pytest.mark.usefixtures("catalogue")
def test_a_huge_bound_finds_nothing_instead_of_failing(client: Client) -> None:
    shop_in(client, "USD")

    # In VND this bound has more digits than the price column holds.
    assert search_titles(client, min_price="9999999999") == []
    assert len(search_titles(client, max_price="9999999999")) == 3


@pytest.mark.usefixtures("catalogue")
def test_the_api_converts_bounds_and_price_ordering_into_currency() -> None:
    assert api_titles(ordering="price", currency="USD") == [
        "USD 100",
        "VND 4.5M",
        "USD 349",
        "XOF, no rate",
    ]
    assert api_titles(ordering="-price", currency="EUR") == [
        "USD 349",
        "VND 4.5M",
        "USD 100",
        "XOF, no rate",
    ]
    assert api_titles(currency="EUR", min_price="100", max_price="200") == ["VND 4.5M"]
    # Without a currency, price ordering converts into the table's base currency.
    assert api_titles(ordering="price")[:3] == ["USD 100", "VND 4.5M", "USD 349"]


@pytest.mark.usefixtures("catalogue")
def test_price_sorted_pages_follow_the_converted_order(client: Client) -> None:
    shop_in(client, "USD")
    for n in range(24):
        ListingFactory.create(title=f"Filler {n:02d}", price=Money(Decimal("50.00"), "USD"))

    second = search_titles(client, sort="price_asc", page="2")

    assert second == ["USD 100", "VND 4.5M", "USD 349", "XOF, no rate"]
