"""Numbers in API bodies and query strings are ASCII digits only; NUL never reaches the
database; a body over the size limits is a JSON 413."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client, override_settings
from rest_framework import serializers
from rest_framework.test import APIClient

from ewtp.api.fields import StrictDecimalField, StrictIntegerField
from ewtp.api.parsers import StrictJSONParser
from marketplace.models import Listing, SellerProfile
from tests.api.test_accounts import SELLERS, seller_body
from tests.api.test_listings import LISTINGS, listing_body

pytestmark = pytest.mark.django_db

WHOLE = "Enter a whole number using the digits 0-9."
DECIMAL = "Enter a number using the digits 0-9 and a point, e.g. 12.50."
NOT_DIGITS = ["1_0", "٣", "+1", " 1", "1 ", "1e3", "0x10", "١٢", "1.0", "", "-0"]
NOT_INTEGERS: list[Any] = [*NOT_DIGITS, 1.0, True, None]


@pytest.mark.parametrize("field", ["stock", "weight_grams"])
@pytest.mark.parametrize("value", NOT_DIGITS)
def test_listing_integers_must_be_ascii_digits(
    seller_client: APIClient, field: str, value: str
) -> None:
    response = seller_client.post(LISTINGS, listing_body(**{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {field: [WHOLE]}
    assert not Listing.objects.exists()


def test_listing_integers_are_json_integers(seller_client: APIClient) -> None:
    response = seller_client.post(LISTINGS, listing_body(stock=10), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["stock"] == 10


@pytest.mark.parametrize("value", ["10", "007"])
def test_listing_integers_as_digit_strings_are_refused_as_the_schema_says(
    seller_client: APIClient, value: str
) -> None:
    response = seller_client.post(LISTINGS, listing_body(stock=value), format="json")

    assert response.status_code == 400
    assert response.json() == {"stock": ["Enter a whole number (a JSON integer)."]}


def test_a_negative_stock_keeps_the_range_message(seller_client: APIClient) -> None:
    response = seller_client.post(LISTINGS, listing_body(stock="-1"), format="json")

    assert response.json() == {"stock": ["Ensure this value is greater than or equal to 0."]}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢"])
def test_seller_employees_must_be_ascii_digits(api_client: APIClient, value: str) -> None:
    response = api_client.post(SELLERS, seller_body(employees=value), format="json")

    assert response.status_code == 400
    assert response.json() == {"employees": [WHOLE]}
    assert not SellerProfile.objects.exists()


@pytest.mark.parametrize("amount", ["1_0", "٣", "+1", " 12.34", "1e3", "0x10", "١٢", "12,5"])
def test_money_amounts_must_be_ascii_digits_and_a_point(
    seller_client: APIClient, amount: str
) -> None:
    price = {"amount": amount, "currency": "EUR"}
    response = seller_client.post(LISTINGS, listing_body(price=price), format="json")

    assert response.status_code == 400
    assert response.json() == {"price": ['The amount must be a decimal number, e.g. "12.34".']}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢", "1.0"])
@pytest.mark.parametrize("field", ["listing", "quantity"])
def test_quote_line_numbers_must_be_ascii_digits(value: str, field: str, listing: Listing) -> None:
    line = {"listing": listing.pk, "quantity": 1, field: value}
    body = {"destination_country": "BE", "currency": "EUR", "lines": [line]}

    response = APIClient().post("/api/v1/quotes/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {f"lines[0].{field}": [f"Give the {field} as a whole number."]}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢"])
def test_page_size_must_be_ascii_digits(api_client: APIClient, value: str) -> None:
    response = api_client.get(LISTINGS, {"page_size": value})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a page size from 1 to 100."]}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "١٢"])
def test_page_must_be_ascii_digits(api_client: APIClient, value: str) -> None:
    response = api_client.get(LISTINGS, {"page": value})

    assert response.status_code == 400
    assert response.json() == {"page": ["Enter a page number from 1."]}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢"])
@pytest.mark.parametrize(("field", "message"), [("min_price", DECIMAL), ("max_price", DECIMAL)])
def test_price_filters_must_be_ascii_decimals(
    api_client: APIClient, value: str, field: str, message: str
) -> None:
    response = api_client.get(LISTINGS, {field: value, "currency": "EUR"})

    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢", "1.0"])
def test_seller_filter_must_be_ascii_digits(api_client: APIClient, value: str) -> None:
    response = api_client.get(LISTINGS, {"seller": value})

    assert response.status_code == 400
    assert response.json() == {"seller": [WHOLE]}


def test_price_filters_accept_plain_decimals(api_client: APIClient, listing: Listing) -> None:
    response = api_client.get(
        LISTINGS,
        {"min_price": "0.5", "max_price": "100000", "currency": str(listing.price.currency)},
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [listing.pk]


class _Numbers(serializers.Serializer):
    count = StrictIntegerField(min_value=0)
    delta = StrictIntegerField(required=False)
    rate = StrictDecimalField(max_digits=6, decimal_places=2, required=False)


@pytest.mark.parametrize("value", NOT_INTEGERS)
def test_strict_integer_field_refuses_anything_but_ascii_digits(value: Any) -> None:
    numbers = _Numbers(data={"count": value})

    assert not numbers.is_valid()
    assert numbers.errors["count"][0] in {WHOLE, "This field may not be null."}


def test_strict_integer_field_takes_a_sign_only_where_negatives_are_allowed() -> None:
    numbers = _Numbers(data={"count": "3", "delta": "-3"})

    assert numbers.is_valid(), numbers.errors
    assert numbers.validated_data == {"count": 3, "delta": -3}


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "1e3", "0x10", "١٢", "NaN", "Infinity"])
def test_strict_decimal_field_refuses_anything_but_ascii_digits_and_a_point(value: str) -> None:
    numbers = _Numbers(data={"count": 0, "rate": value})

    assert not numbers.is_valid()
    assert numbers.errors["rate"] == [DECIMAL]


@pytest.mark.parametrize(("value", "parsed"), [("12.50", "12.50"), (".5", "0.5"), (3, "3")])
def test_strict_decimal_field_reads_plain_decimals(value: Any, parsed: str) -> None:
    numbers = _Numbers(data={"count": 0, "rate": value})

    assert numbers.is_valid(), numbers.errors
    assert numbers.validated_data["rate"] == Decimal(parsed)


# --- NUL in query strings and bodies (run on PostgreSQL too: it cannot store NUL) ------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("search=%00", "search"),
        ("search=scarf%00", "search"),
        ("hs_prefix=61%00", "hs_prefix"),
        ("origin_country=%00", "origin_country"),
        ("currency=EU%00", "currency"),
        ("seller=%00", "seller"),
        ("status=%00", "status"),
        ("ordering=%00", "ordering"),
        ("page=%00", "page"),
        ("page_size=%00", "page_size"),
    ],
)
def test_nul_in_listing_query_parameters_is_a_400(query: str, field: str, listing: Listing) -> None:
    response = Client().get(f"{LISTINGS}?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_nul_in_hub_query_parameters_is_a_400() -> None:
    response = Client().get("/api/v1/hubs/?page=%00")

    assert response.status_code == 400
    assert response.json() == {"page": ["Enter a page number from 1."]}


def test_nul_in_a_listing_body_is_a_400(seller_client: APIClient) -> None:
    response = seller_client.post(LISTINGS, listing_body(title="Silk\x00scarf"), format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Null characters are not allowed."]}
    assert not Listing.objects.exists()


def test_nul_in_a_token_request_is_a_400() -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "demo\x00", "password": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"username": ["Null characters are not allowed."]}


# --- body size -------------------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_json_body_over_the_size_limit_is_a_json_413(listing: Listing) -> None:
    body = json.dumps({"destination_country": "BE", "currency": "EUR", "x": "a" * 20_000})

    response = Client().post("/api/v1/quotes/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is larger than 10,000 bytes, the most the API accepts.",
        "code": "too_large",
    }


def test_a_body_over_the_default_limit_is_a_json_413(seller_client: APIClient) -> None:
    body = listing_body(description="a" * 3_000_000)

    response = seller_client.post(LISTINGS, body, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Listing.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_the_json_parser_reads_no_further_than_the_limit() -> None:
    # A chunked body has no Content-Length for Django to check: the parser bounds it.
    stream = BytesIO(b'{"x": "' + b"a" * 20_000 + b'"}')

    with pytest.raises(RequestDataTooBig):
        StrictJSONParser().parse(stream)

    assert stream.tell() == 10_001


def test_a_form_body_with_too_many_fields_is_a_json_413() -> None:
    fields = "&".join(f"f{i}=1" for i in range(1_200))

    response = Client().post(
        "/api/v1/auth/token/", fields, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body has more than 1,000 fields, the most the API accepts.",
        "code": "too_many_fields",
    }


def test_a_page_body_over_the_limit_gets_the_sites_400() -> None:
    response = Client().post(
        "/accounts/login/",
        "username=" + "a" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
