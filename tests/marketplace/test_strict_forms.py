"""Page forms read numbers as ASCII digits only, and NUL in any form or query string is a form
error, never a 500 (PostgreSQL cannot store NUL; run with DATABASE_URL to prove it there)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from ewtp.forms import StrictDecimalField, StrictIntegerField
from marketplace.forms.accounts import SellerSignupForm
from marketplace.forms.cart import CartAddForm, CartLineForm
from marketplace.forms.seller import ListingForm
from marketplace.forms.storefront import ListingSearchForm, QuantityForm
from marketplace.models import Listing, SellerProfile
from tests.factories import ListingFactory
from tests.marketplace.test_forms import listing_data
from tests.marketplace.test_pages import as_user, listing_post_data, seller_signup_data, text

pytestmark = pytest.mark.django_db

WHOLE = "Enter a whole number using the digits 0-9."
DECIMAL = "Enter a number using the digits 0-9 and a point, e.g. 12.50."
QUANTITY = "Enter a whole number of units from 1 to 999."
BAD = ["1_0", "٣", "+1", " 1", "1 ", "1e3", "0x10", "١٢", "-0"]


@pytest.mark.parametrize("value", BAD)
def test_seller_signup_employees_must_be_ascii_digits(value: str) -> None:
    form = SellerSignupForm(seller_signup_data(employees=value))

    assert form.errors["employees"] == [WHOLE]


@pytest.mark.parametrize("value", [*BAD, "1.0"])
@pytest.mark.parametrize("field", ["stock", "weight_grams"])
def test_listing_form_integers_must_be_ascii_digits(field: str, value: str) -> None:
    form = ListingForm(listing_data(**{field: value}))

    assert form.errors == {field: [WHOLE]}


@pytest.mark.parametrize("value", BAD[:-1])
def test_listing_form_price_must_be_ascii_digits_and_a_point(value: str) -> None:
    form = ListingForm(listing_data(price_0=value))

    assert form.errors == {"price": [DECIMAL]}


def test_listing_form_keeps_its_own_negative_stock_message() -> None:
    form = ListingForm(listing_data(stock="-1"))

    assert form.errors == {"stock": ["Stock can't be negative; enter 0 if you have none."]}


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("field", ["min_price", "max_price"])
def test_search_price_range_must_be_ascii_decimals(field: str, value: str) -> None:
    form = ListingSearchForm({field: value}, currency="EUR")

    assert form.errors == {field: [DECIMAL]}


@pytest.mark.parametrize("value", BAD)
def test_quantities_must_be_ascii_digits(value: str) -> None:
    assert QuantityForm({"quantity": value}).errors == {"quantity": [QUANTITY]}
    assert CartLineForm({"listing": value}).errors == {
        "listing": ["That item is not in your cart."]
    }


@pytest.mark.parametrize("value", ["1_0", "٣", "+1", " 1", "١٢"])
def test_cart_add_names_its_listing_by_ascii_digits(value: str) -> None:
    for n in range(12):
        ListingFactory.create(title=f"Bowl {n}")

    form = CartAddForm({"listing": value, "quantity": "1"})

    assert form.errors == {
        "listing": ["That listing is not on sale, so it can't be added to your cart."]
    }


@pytest.mark.usefixtures("signup_rates")
def test_plain_digits_are_read_as_before() -> None:
    assert SellerSignupForm(seller_signup_data(employees="07")).is_valid()
    search = ListingSearchForm({"min_price": "0.5", "max_price": "12."}, currency="EUR")
    assert search.is_valid(), search.errors
    assert QuantityForm({"quantity": "3"}).is_valid()


class _Numbers(forms.Form):
    delta = StrictIntegerField(required=False)
    rate = StrictDecimalField(required=False, max_digits=6, decimal_places=2)


def test_signed_fields_take_a_minus_but_no_plus() -> None:
    assert _Numbers({"delta": "-3", "rate": "-1.5"}).is_valid()
    assert _Numbers({"delta": "+3", "rate": "+1.5"}).errors == {"delta": [WHOLE], "rate": [DECIMAL]}


# --- on the pages ----------------------------------------------------------------------------


def test_search_page_explains_a_price_with_foreign_digits(client: Client) -> None:
    response = client.get(reverse("search"), {"min_price": "١٢", "currency": "EUR"})

    assert response.status_code == 200
    assert DECIMAL in text(response)


def test_listing_page_explains_an_underscored_quantity(
    client: Client, reference_data: None
) -> None:
    # The quantity re-prices the delivered price, so it is asked where the goods can be priced.
    listing = ListingFactory.create()

    response = client.get(reverse("listing_detail", args=[listing.pk]), {"quantity": "1_0"})

    assert response.status_code == 200
    assert QUANTITY in text(response)


def test_cart_add_refuses_a_signed_quantity(client: Client) -> None:
    listing = ListingFactory.create(stock=50)

    response = client.post(
        reverse("cart_add"), {"listing": listing.pk, "quantity": "+5"}, follow=True
    )

    assert QUANTITY in text(response)
    assert client.session.get("cart", {}) == {}


def test_listing_form_page_explains_an_underscored_stock(client: Client, seller: Any) -> None:
    response = as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(stock="1_0")
    )

    assert response.status_code == 200
    assert WHOLE in text(response)
    assert not Listing.objects.exists()


# --- NUL -------------------------------------------------------------------------------------

NUL_MESSAGE = "Null characters are not allowed."


@pytest.mark.parametrize(
    "query", [{"q": "\x00"}, {"q": "scarf\x00"}, {"hs": "61\x00"}, {"origin": "\x00"}]
)
def test_nul_in_the_search_query_string_is_a_form_error(client: Client, query: Any) -> None:
    ListingFactory.create(title="Batik scarf")

    response = client.get(reverse("search"), query)

    assert response.status_code == 200
    assert "Some filters could not be used and were ignored" in text(response)
    assert "Batik scarf" in text(response)


def test_nul_in_the_search_words_says_why(client: Client) -> None:
    response = client.get("/search/?q=%00")

    assert response.status_code == 200 and NUL_MESSAGE in text(response)


@pytest.mark.parametrize("url", ["/?q=%00", "/search/?page=%00", "/cart/?x=%00"])
def test_nul_in_other_query_strings_is_ignored(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200


def test_nul_in_sign_up_is_a_form_error(client: Client) -> None:
    response = client.post(
        reverse("signup_seller"),
        seller_signup_data(username="lotus\x00", company_name="Lotus\x00Crafts"),
    )

    assert response.status_code == 200
    assert text(response).count(NUL_MESSAGE) >= 2
    assert not SellerProfile.objects.exists()


def test_nul_in_the_login_form_is_a_form_error(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "demo\x00", "password": "x"})

    assert response.status_code == 200 and NUL_MESSAGE in text(response)


def test_nul_in_a_listing_title_is_a_form_error(client: Client, seller: Any) -> None:
    response = as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(title="Tea\x00bowl")
    )

    assert response.status_code == 200 and NUL_MESSAGE in text(response)
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:customs_tariffrow_changelist",
        "admin:ehubs_hub_changelist",
        "admin:ehubs_customsunion_changelist",
        "admin:marketplace_listing_changelist",
        "admin:payments_ratetable_changelist",
    ],
)
def test_nul_in_an_admin_search_is_not_a_server_error(
    admin_client: Client, changelist: str
) -> None:
    ListingFactory.create()

    response = admin_client.get(reverse(changelist), {"q": "a\x00b"})

    assert response.status_code == 200
