"""GET /api/v1/listings/: visibility, every filter, ordering and the page shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Listing, SellerProfile
from payments.services import rates_import
from tests.factories import ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


def titles(client: APIClient, **params: Any) -> list[str]:
    response = client.get(LISTINGS, params)
    assert response.status_code == 200, response.json()
    return [row["title"] for row in response.json()["results"]]


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


# --- visibility -------------------------------------------------------------------------------


def test_the_public_sees_only_active_listings(api_client: APIClient) -> None:
    ListingFactory.create(title="On sale")
    ListingFactory.create(title="Draft", status=Listing.Status.DRAFT)
    ListingFactory.create(title="Archived", status=Listing.Status.ARCHIVED)

    assert titles(api_client) == ["On sale"]


def test_a_seller_also_sees_their_own_drafts_but_not_others(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    ListingFactory.create(title="Mine, draft", seller=seller, status=Listing.Status.DRAFT)
    ListingFactory.create(title="Mine, archived", seller=seller, status=Listing.Status.ARCHIVED)
    ListingFactory.create(title="Theirs, draft", status=Listing.Status.DRAFT)
    ListingFactory.create(title="Theirs, active")

    assert sorted(titles(seller_client)) == ["Mine, archived", "Mine, draft", "Theirs, active"]


def test_a_buyer_sees_what_the_public_sees(buyer_client: APIClient) -> None:
    ListingFactory.create(title="On sale")
    ListingFactory.create(title="Draft", status=Listing.Status.DRAFT)

    assert titles(buyer_client) == ["On sale"]


def test_status_filters_a_sellers_own_listings(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    ListingFactory.create(title="Mine, draft", seller=seller, status=Listing.Status.DRAFT)
    ListingFactory.create(title="Mine, active", seller=seller)
    ListingFactory.create(title="Theirs, draft", status=Listing.Status.DRAFT)

    assert titles(seller_client, status="draft") == ["Mine, draft"]
    assert titles(seller_client, status="active") == ["Mine, active"]


def test_status_cannot_reveal_others_drafts(api_client: APIClient) -> None:
    ListingFactory.create(status=Listing.Status.DRAFT)

    assert titles(api_client, status="draft") == []


# --- filters ----------------------------------------------------------------------------------


def test_search_matches_every_word_over_title_description_hs_code_and_company(
    api_client: APIClient,
) -> None:
    ListingFactory.create(title="Silk scarf", description="Red", hs_code="621410")
    ListingFactory.create(title="Cotton shirt", description="Blue silk trim", hs_code="610910")
    ListingFactory.create(
        title="Teapot", seller=SellerFactory.create(company_name="Silk Road Ceramics")
    )
    ListingFactory.create(title="Mug", hs_code="691200")

    assert sorted(titles(api_client, search="silk")) == ["Cotton shirt", "Silk scarf", "Teapot"]
    assert titles(api_client, search="silk red") == ["Silk scarf"]
    assert titles(api_client, search="6912") == ["Mug"]


def test_origin_country(api_client: APIClient) -> None:
    ListingFactory.create(title="Chinese", origin_country="CN")
    ListingFactory.create(title="Vietnamese", origin_country="VN")

    assert titles(api_client, origin_country="VN") == ["Vietnamese"]


def test_hs_prefix(api_client: APIClient) -> None:
    ListingFactory.create(title="Shirt", hs_code="610910")
    ListingFactory.create(title="Scarf", hs_code="621410")

    assert titles(api_client, hs_prefix="61") == ["Shirt"]
    assert titles(api_client, hs_prefix="6214") == ["Scarf"]


def test_min_and_max_price_are_inclusive(api_client: APIClient) -> None:
    ListingFactory.create(title="Cheap", price=eur("5.00"))
    ListingFactory.create(title="Middle", price=eur("10.00"))
    ListingFactory.create(title="Dear", price=eur("20.00"))

    assert sorted(titles(api_client, min_price="10", currency="EUR")) == ["Dear", "Middle"]
    assert sorted(titles(api_client, max_price="10.00", currency="EUR")) == ["Cheap", "Middle"]
    assert titles(api_client, min_price="6", max_price="19.99", currency="EUR") == ["Middle"]


def test_price_currency_keeps_only_listings_priced_in_it(api_client: APIClient) -> None:
    ListingFactory.create(title="Euro", price=eur("15.00"))
    ListingFactory.create(title="Yen", price=Money(1500, "JPY"))

    assert titles(api_client, price_currency="EUR") == ["Euro"]
    assert titles(api_client, price_currency="JPY", currency="JPY", min_price="1000") == ["Yen"]
    assert titles(api_client, price_currency="EUR", currency="EUR", min_price="1000") == []


def test_price_bounds_without_a_currency_are_in_the_rate_tables_base(
    api_client: APIClient,
) -> None:
    rates_import(data={"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.8000"}})
    ListingFactory.create(title="Euro", price=eur("10.00"))  # USD 12.50

    assert titles(api_client, min_price="12.50") == ["Euro"]
    assert titles(api_client, min_price="12.51") == []
    assert titles(api_client, min_price="12.51", currency="EUR") == []
    assert titles(api_client, max_price="10", currency="EUR") == ["Euro"]


def test_price_bounds_match_nothing_before_any_rates_are_loaded(api_client: APIClient) -> None:
    ListingFactory.create(title="Euro", price=eur("10.00"))

    assert titles(api_client, min_price="1") == []


def test_seller(api_client: APIClient, seller: SellerProfile) -> None:
    ListingFactory.create(title="Mine", seller=seller)
    ListingFactory.create(title="Theirs")

    assert titles(api_client, seller=seller.pk) == ["Mine"]
    assert titles(api_client, seller=10**12) == []


def test_filters_combine(api_client: APIClient) -> None:
    ListingFactory.create(title="Match", origin_country="VN", hs_code="610910", price=eur("9"))
    ListingFactory.create(
        title="Wrong country", origin_country="CN", hs_code="610910", price=eur("9")
    )
    ListingFactory.create(title="Too dear", origin_country="VN", hs_code="610910", price=eur("99"))

    assert titles(
        api_client, origin_country="VN", hs_prefix="6109", max_price="50", currency="EUR"
    ) == ["Match"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("hs_prefix", "61a"),
        ("hs_prefix", "61 09"),
        ("hs_prefix", "12345678901"),
        ("min_price", "cheap"),
        ("max_price", "1e999999"),
        ("max_price", "NaN"),
        ("min_price", "1.23456"),
        ("currency", "XYZ"),
        ("origin_country", "XX"),
        ("seller", "me"),
        ("seller", str(10**30)),
        ("status", "sold"),
        ("ordering", "price; DROP TABLE"),
        ("ordering", "seller__user__password"),
        ("search", "x" * 201),
        ("search", "nul\x00"),
    ],
)
def test_invalid_filter_values_are_400_field_errors(
    api_client: APIClient, param: str, value: str
) -> None:
    response = api_client.get(LISTINGS, {param: value})

    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_empty_filter_values_are_ignored(api_client: APIClient) -> None:
    ListingFactory.create(title="Any")

    assert titles(api_client, search="", hs_prefix="", min_price="", currency="") == ["Any"]


def test_unknown_query_parameters_are_ignored(api_client: APIClient) -> None:
    ListingFactory.create(title="Any")

    assert titles(api_client, colour="red") == ["Any"]


# --- ordering ---------------------------------------------------------------------------------


@pytest.fixture
def three_listings(db: Any) -> None:
    # Created in this order, so "created" ordering is B, C, A.
    ListingFactory.create(title="B", price=eur("20"))
    ListingFactory.create(title="C", price=eur("5"))
    ListingFactory.create(title="A", price=eur("10"))


@pytest.mark.usefixtures("three_listings")
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["A", "C", "B"]),
        ("-created", ["A", "C", "B"]),
        ("created", ["B", "C", "A"]),
        ("price", ["C", "A", "B"]),
        ("-price", ["B", "A", "C"]),
        ("title", ["A", "B", "C"]),
        ("-title", ["C", "B", "A"]),
    ],
)
def test_ordering(api_client: APIClient, ordering: str | None, expected: list[str]) -> None:
    params = {"ordering": ordering, "currency": "EUR"} if ordering else {}

    assert titles(api_client, **params) == expected


# --- pagination -------------------------------------------------------------------------------


def test_pages_have_count_next_previous_and_results(api_client: APIClient) -> None:
    ListingFactory.create_batch(5)

    first = api_client.get(LISTINGS, {"page_size": "2"}).json()
    last = api_client.get(LISTINGS, {"page_size": 2, "page": 3}).json()

    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert "page=2" in last["previous"]


def test_pages_do_not_overlap_when_prices_tie(api_client: APIClient) -> None:
    ListingFactory.create_batch(6, price=eur("10"))

    seen = [
        row["id"]
        for page in (1, 2, 3)
        for row in api_client.get(
            LISTINGS, {"ordering": "price", "page_size": "2", "page": str(page)}
        ).json()["results"]
    ]

    assert len(set(seen)) == 6


def test_filters_are_kept_in_page_links(api_client: APIClient) -> None:
    ListingFactory.create_batch(3, origin_country="VN")

    body = api_client.get(LISTINGS, {"origin_country": "VN", "page_size": "1"}).json()

    assert "origin_country=VN" in body["next"]


def test_page_size_100_is_the_largest_page(api_client: APIClient) -> None:
    ListingFactory.create_batch(101)

    assert len(api_client.get(LISTINGS, {"page_size": "100"}).json()["results"]) == 100


@pytest.mark.parametrize("page_size", ["101", "500", "0", "-1", "abc", "2.0", " 2"])
def test_a_page_size_out_of_range_is_a_400(api_client: APIClient, page_size: str) -> None:
    response = api_client.get(LISTINGS, {"page_size": page_size})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a page size from 1 to 100."]}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "２"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(
    api_client: APIClient, page: str
) -> None:
    response = api_client.get(LISTINGS, {"page": page})

    assert response.status_code == 400
    assert response.json() == {"page": ["Enter a page number from 1."]}


def test_page_last_is_the_last_page(api_client: APIClient) -> None:
    ListingFactory.create_batch(3)

    body = api_client.get(LISTINGS, {"page": "last", "page_size": "2"}).json()

    assert len(body["results"]) == 1
    assert body["next"] is None


def test_a_page_past_the_end_is_a_404(api_client: APIClient) -> None:
    response = api_client.get(LISTINGS, {"page": 99})

    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "1e3"}, "min_price"),
        ({"max_price": "-5"}, "max_price"),
        ({"seller": "5.0"}, "seller"),
        ({"hs_prefix": " 6109"}, "hs_prefix"),
    ],
)
def test_filter_values_outside_the_schema_are_a_400(
    api_client: APIClient, params: dict[str, str], field: str
) -> None:
    response = api_client.get(LISTINGS, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
