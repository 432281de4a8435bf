"""The listing page, the cart and POST /api/v1/quotes/ show the same figures for the same input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Listing
from marketplace.templatetags.money import format_money
from tests.factories import ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db
CHARGES = ("goods", "shipping", "duty", "tax", "total")


def api_quote(lines: list[tuple[Listing, int]], country: str, currency: str) -> dict[str, Any]:
    body = {
        "destination_country": country,
        "currency": currency,
        "lines": [{"listing": listing.pk, "quantity": qty} for listing, qty in lines],
    }
    response = APIClient().post("/api/v1/quotes/", body, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def shown(money: dict[str, str]) -> str:
    return format_money(money["amount"], money["currency"])


def ship_to(client: Client, country: str, currency: str) -> None:
    client.post(reverse("ship_to"), {"country": country, "currency": currency, "next": "/"})


@pytest.mark.parametrize(
    ("country", "currency", "quantity", "regime"),
    [("BE", "EUR", 3, "low_value"), ("FR", "GBP", 2, "low_value"), ("BE", "CNY", 8, "standard")],
)
def test_listing_page_shows_the_apis_figures(
    client: Client, reference_data: None, country: str, currency: str, quantity: int, regime: str
) -> None:
    listing = ListingFactory.create(price=Money("35.50", "USD"), weight_grams=700)
    ship_to(client, country, currency)

    page = client.get(reverse("listing_detail", args=[listing.pk]), {"quantity": quantity})
    quote = api_quote([(listing, quantity)], country, currency)

    assert quote["customs"]["regime"] == regime
    for charge in CHARGES:
        assert shown(quote[charge]) in page.content.decode(), charge


def test_cart_page_shows_the_apis_figures_per_seller_and_in_total(
    client: Client, reference_data: None
) -> None:
    first = ListingFactory.create(price=Money("12.00", "USD"))
    second = ListingFactory.create(
        seller=SellerFactory.create(country="CN"), price=Money("80", "CNY"), hs_code="691200"
    )
    ship_to(client, "BE", "EUR")
    client.post(reverse("cart_add"), {"listing": first.pk, "quantity": 2})
    client.post(reverse("cart_add"), {"listing": second.pk, "quantity": 1})

    page = client.get(reverse("cart")).content.decode()
    quote = api_quote([(first, 2), (second, 1)], "BE", "EUR")

    assert len(quote["consignments"]) == 2
    for consignment in quote["consignments"]:
        for charge in CHARGES:
            assert shown(consignment[charge]) in page, charge
    for charge in CHARGES:
        assert shown(quote[charge]) in page, charge
