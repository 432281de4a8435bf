"""Listing CRUD over the API: the money object, validation and who may do what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Listing, SellerProfile
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


def detail(listing: Listing) -> str:
    return f"{LISTINGS}{listing.pk}/"


def listing_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Silk scarf",
        "description": "Hand-rolled edges.",
        "hs_code": "621410",
        "origin_country": "CN",
        "price": {"amount": "12.34", "currency": "EUR"},
        "stock": 5,
        "weight_grams": 80,
        "status": "active",
    }
    body.update(overrides)
    return body


# --- create and read --------------------------------------------------------------------------


def test_a_seller_creates_a_listing_and_gets_it_back(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    response = seller_client.post(LISTINGS, listing_body(), format="json")

    assert response.status_code == 201
    listing = Listing.objects.get()
    body = response.json()
    assert {k: v for k, v in body.items() if k not in {"created", "updated"}} == {
        "id": listing.pk,
        "seller": seller.pk,
        "title": "Silk scarf",
        "description": "Hand-rolled edges.",
        "hs_code": "621410",
        "hs_description": (
            "Shawls, scarves, mufflers, mantillas, veils and the like; "
            "of silk or silk waste (not knitted or crocheted)"
        ),
        "origin_country": "CN",
        "price": {"amount": "12.34", "currency": "EUR"},
        "stock": 5,
        "weight_grams": 80,
        "status": "active",
    }
    assert listing.price == Money(Decimal("12.34"), "EUR")


def test_optional_fields_take_their_defaults(seller_client: APIClient) -> None:
    body = listing_body()
    for optional in ("description", "stock", "status"):
        del body[optional]

    response = seller_client.post(LISTINGS, body, format="json")

    assert response.status_code == 201
    assert response.json()["description"] == ""
    assert response.json()["stock"] == 0
    assert response.json()["status"] == "draft"


def test_the_seller_comes_from_the_login_not_the_body(
    seller_client: APIClient, seller: SellerProfile, other_seller: SellerProfile
) -> None:
    response = seller_client.post(
        LISTINGS, listing_body(seller=other_seller.pk, id=4242), format="json"
    )

    assert response.status_code == 201
    assert response.json()["seller"] == seller.pk
    assert response.json()["id"] != 4242 or Listing.objects.get().seller == seller


@pytest.mark.parametrize("amount", [12.34, "12.34", "12.3400", 12])
def test_a_price_amount_may_be_a_string_or_a_number(seller_client: APIClient, amount: Any) -> None:
    price = {"amount": amount, "currency": "USD"}

    response = seller_client.post(LISTINGS, listing_body(price=price), format="json")

    assert response.status_code == 201
    expected = "12.00" if amount == 12 else "12.34"
    assert response.json()["price"] == {"amount": expected, "currency": "USD"}


@pytest.mark.parametrize(
    ("stored", "currency", "shown"),
    [
        ("1500", "JPY", "1500"),
        ("1500.4", "JPY", "1500"),
        ("1500.5", "JPY", "1501"),
        ("1.25", "KWD", "1.250"),
        ("1.2345", "KWD", "1.235"),
        ("12.345", "EUR", "12.35"),
        ("20", "USD", "20.00"),
    ],
)
def test_price_amounts_are_rounded_to_the_currencys_minor_unit(
    api_client: APIClient, stored: str, currency: str, shown: str
) -> None:
    listing = ListingFactory.create(price=Money(Decimal(stored), currency))

    response = api_client.get(detail(listing))

    assert response.json()["price"] == {"amount": shown, "currency": currency}


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [("1500", "JPY", "1500"), ("1.25", "KWD", "1.250"), ("0.5", "KWD", "0.500")],
)
def test_prices_in_zero_and_three_decimal_currencies_round_trip(
    seller_client: APIClient, amount: str, currency: str, shown: str
) -> None:
    price = {"amount": amount, "currency": currency}

    response = seller_client.post(LISTINGS, listing_body(price=price), format="json")

    assert response.status_code == 201
    assert response.json()["price"] == {"amount": shown, "currency": currency}


def test_trailing_zeros_of_a_price_amount_are_the_same_amount(seller_client: APIClient) -> None:
    price = {"amount": "941206.580000000000", "currency": "EUR"}

    response = seller_client.post(LISTINGS, listing_body(price=price), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["price"] == {"amount": "941206.58", "currency": "EUR"}
    patched = seller_client.patch(
        f"{LISTINGS}{response.json()['id']}/",
        {"price": {"amount": "9999999999.990000000", "currency": "USD"}},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["price"] == {"amount": "9999999999.99", "currency": "USD"}


# --- validation -------------------------------------------------------------------------------

HS_CODE_ERROR = "Enter an HS code of 6 to 10 digits, e.g. 610910 (digits only)."
MONEY_SHAPE = 'Enter money as an object: {"amount": "12.34", "currency": "EUR"}.'


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs_code", "12345", HS_CODE_ERROR),
        ("hs_code", "12AB56", HS_CODE_ERROR),
        (
            "hs_code",
            "12345678901",
            HS_CODE_ERROR,
        ),
        ("hs_code", None, "This field may not be null."),
        ("origin_country", "XX", '"XX" is not an ISO 3166-1 alpha-2 country code, e.g. "BE".'),
        ("origin_country", "cn", '"cn" is not an ISO 3166-1 alpha-2 country code, e.g. "BE".'),
        ("price", {"amount": "0", "currency": "EUR"}, "Ensure the amount is greater than 0."),
        ("price", {"amount": "-1", "currency": "EUR"}, "Ensure the amount is greater than 0."),
        ("price", {"amount": -1, "currency": "EUR"}, "Ensure the amount is greater than 0."),
        (
            "price",
            {"amount": "12.34"},
            'The "currency" is required: enter {"amount": "12.34", "currency": "EUR"}.',
        ),
        (
            "price",
            {"currency": "EUR"},
            'The "amount" is required: enter {"amount": "12.34", "currency": "EUR"}.',
        ),
        (
            "price",
            {"amount": "12.34", "currency": "XYZ"},
            "The currency must be an ISO 4217 currency code, e.g. EUR.",
        ),
        (
            "price",
            {"amount": "12.34", "currency": "eur"},
            "The currency must be an ISO 4217 currency code, e.g. EUR.",
        ),
        (
            "price",
            {"amount": "twelve", "currency": "EUR"},
            'The amount must be a decimal number, e.g. "12.34".',
        ),
        (
            "price",
            {"amount": "NaN", "currency": "EUR"},
            'The amount must be a decimal number, e.g. "12.34".',
        ),
        (
            "price",
            {"amount": True, "currency": "EUR"},
            'The amount must be a decimal number, e.g. "12.34".',
        ),
        (
            "price",
            {"amount": "12.345", "currency": "EUR"},
            "Ensure the amount has no more than 2 decimal places for EUR.",
        ),
        (
            "price",
            {"amount": "1500.5", "currency": "JPY"},
            "Ensure the amount has no more than 0 decimal places for JPY.",
        ),
        (
            "price",
            {"amount": "10000000000", "currency": "EUR"},
            "Ensure the amount has no more than 10 digits before the point.",
        ),
        ("price", "12.34 EUR", MONEY_SHAPE),
        ("price", 12.34, MONEY_SHAPE),
        ("price", ["12.34", "EUR"], MONEY_SHAPE),
        ("price", None, "This field may not be null."),
        ("stock", -1, "Ensure this value is greater than or equal to 0."),
        ("stock", 2**31, "Ensure this value is less than or equal to 2147483647."),
        ("stock", 10**30, "Ensure this value is less than or equal to 2147483647."),
        ("stock", "lots", "Enter a whole number using the digits 0-9."),
        ("stock", 1.5, "Enter a whole number using the digits 0-9."),
        ("weight_grams", 0, "Ensure this value is greater than or equal to 1."),
        ("weight_grams", None, "This field may not be null."),
        ("status", "sold", '"sold" is not a valid choice.'),
        ("title", "", "This field may not be blank."),
        ("title", "x" * 201, "Ensure this field has no more than 200 characters."),
        ("title", "nul\x00byte", "Null characters are not allowed."),
        ("title", {"en": "Scarf"}, "Not a valid string."),
    ],
)
def test_each_invalid_field_is_a_400_naming_the_field(
    seller_client: APIClient, field: str, value: Any, message: str
) -> None:
    response = seller_client.post(LISTINGS, listing_body(**{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Listing.objects.exists()


def test_missing_required_fields_are_each_reported(seller_client: APIClient) -> None:
    response = seller_client.post(LISTINGS, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        field: ["This field is required."]
        for field in ("title", "hs_code", "origin_country", "price", "weight_grams")
    }


def test_the_smallest_unit_of_a_three_decimal_currency_is_a_valid_price(
    seller_client: APIClient,
) -> None:
    price = {"amount": "0.001", "currency": "KWD"}

    response = seller_client.post(LISTINGS, listing_body(price=price), format="json")

    assert response.status_code == 201
    assert response.json()["price"] == price


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object_is_a_400(seller_client: APIClient, body: str) -> None:
    response = seller_client.post(LISTINGS, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


@pytest.mark.parametrize(
    "body", ["{", '{"title": }', '{"title": NaN}', "[" * 100_000, '{"title": "\\ud800"}']
)
def test_malformed_json_is_a_400(seller_client: APIClient, body: str) -> None:
    response = seller_client.post(LISTINGS, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert response.json()["non_field_errors"][0].startswith("JSON parse error")


def test_form_encoded_bodies_are_refused(seller_client: APIClient) -> None:
    response = seller_client.post(LISTINGS, {"title": "x"}, format="multipart")

    assert response.status_code == 415


# --- update and archive -----------------------------------------------------------------------


def test_the_owner_patches_some_fields(seller_client: APIClient, listing: Listing) -> None:
    response = seller_client.patch(
        detail(listing),
        {"price": {"amount": "1500", "currency": "JPY"}, "stock": 0},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["price"] == {"amount": "1500", "currency": "JPY"}
    assert response.json()["stock"] == 0
    assert response.json()["title"] == listing.title
    listing.refresh_from_db()
    assert listing.price == Money(1500, "JPY")


def test_an_invalid_patch_changes_nothing(seller_client: APIClient, listing: Listing) -> None:
    response = seller_client.patch(
        detail(listing), {"stock": 3, "hs_code": "12AB56"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["hs_code"]
    listing.refresh_from_db()
    assert listing.stock == 10


def test_the_owner_publishes_a_draft(seller_client: APIClient, seller: SellerProfile) -> None:
    draft = ListingFactory.create(seller=seller, status=Listing.Status.DRAFT)

    response = seller_client.patch(detail(draft), {"status": "active"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_put_is_not_offered(seller_client: APIClient, listing: Listing) -> None:
    response = seller_client.put(detail(listing), {}, format="json")

    assert response.status_code == 405


def test_delete_archives_the_listing(seller_client: APIClient, listing: Listing) -> None:
    response = seller_client.delete(detail(listing))

    assert response.status_code == 204
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ARCHIVED
    # The seller still sees it; the public no longer does.
    assert seller_client.get(detail(listing)).json()["status"] == "archived"
    assert APIClient().get(detail(listing)).status_code == 404


# --- permissions ------------------------------------------------------------------------------


def test_anonymous_cannot_create(api_client: APIClient) -> None:
    response = api_client.post(LISTINGS, listing_body(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_anonymous_cannot_patch_or_delete(api_client: APIClient, listing: Listing) -> None:
    assert api_client.patch(detail(listing), {"stock": 1}, format="json").status_code == 401
    assert api_client.delete(detail(listing)).status_code == 401
    listing.refresh_from_db()
    assert listing.stock == 10
    assert listing.status == Listing.Status.ACTIVE


def test_a_buyer_cannot_create(buyer_client: APIClient) -> None:
    response = buyer_client.post(LISTINGS, listing_body(), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only sellers can create or change listings."}
    assert not Listing.objects.exists()


def test_a_seller_cannot_change_another_sellers_active_listing(
    other_seller_client: APIClient, listing: Listing
) -> None:
    patch = other_seller_client.patch(detail(listing), {"stock": 1}, format="json")
    delete = other_seller_client.delete(detail(listing))

    assert patch.status_code == delete.status_code == 403
    assert patch.json() == {"detail": "You can only change your own listings."}
    listing.refresh_from_db()
    assert listing.stock == 10
    assert listing.status == Listing.Status.ACTIVE


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_another_sellers_hidden_listing_is_a_404(
    other_seller_client: APIClient, seller: SellerProfile, status: str
) -> None:
    hidden = ListingFactory.create(seller=seller, status=status)

    assert other_seller_client.get(detail(hidden)).status_code == 404
    assert other_seller_client.patch(detail(hidden), {"stock": 1}, format="json").status_code == (
        404
    )
    assert other_seller_client.delete(detail(hidden)).status_code == 404


def test_the_owner_reads_their_own_draft(seller_client: APIClient, seller: SellerProfile) -> None:
    draft = ListingFactory.create(seller=seller, status=Listing.Status.DRAFT)

    response = seller_client.get(detail(draft))

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_the_public_does_not_see_hidden_listings(api_client: APIClient, status: str) -> None:
    hidden = ListingFactory.create(status=status)

    assert api_client.get(detail(hidden)).status_code == 404


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999", "abc", "-1"])
def test_unknown_listing_ids_are_404s(api_client: APIClient, pk: str) -> None:
    response = api_client.get(f"{LISTINGS}{pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stock", "5", "Enter a whole number (a JSON integer)."),
        ("weight_grams", 100.0, "Enter a whole number using the digits 0-9."),
        ("title", 5, "Enter a string."),
        ("title", "   ", "This field may not be blank."),
    ],
)
def test_a_value_of_another_json_type_than_the_schema_says_is_a_400(
    seller_client: APIClient, field: str, value: Any, message: str
) -> None:
    response = seller_client.post(LISTINGS, listing_body(**{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Listing.objects.exists()
