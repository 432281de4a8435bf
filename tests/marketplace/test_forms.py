"""The page forms on their own: what they accept, what they reject and what they pass on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from djmoney.money import Money

from marketplace.forms.accounts import BuyerSignupForm, SellerSignupForm
from marketplace.forms.common import COMMON_CURRENCIES, add_service_errors, currency_choices
from marketplace.forms.seller import ListingForm
from marketplace.forms.storefront import ListingSearchForm
from marketplace.models import BuyerProfile, SellerProfile
from marketplace.selectors import ListingQuery
from tests.factories import UserFactory

# Model validation checks the listing's CHECK constraints with a query, so forms need the db.
pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Tall-Lantern-Harbour-81"


def listing_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Rattan laundry basket",
        "description": "",
        "hs_code": "460212",
        "origin_country": "ID",
        "price_0": "24.90",
        "price_1": "EUR",
        "stock": "0",
        "weight_grams": "900",
        "status": "draft",
    }
    data.update(overrides)
    return data


# --- ListingForm ---------------------------------------------------------------------------


def test_listing_form_hands_the_service_typed_values() -> None:
    form = ListingForm(listing_data())

    assert form.is_valid(), form.errors
    assert form.listing_fields() == {
        "title": "Rattan laundry basket",
        "description": "",
        "hs_code": "460212",
        "origin_country": "ID",
        "price": Money(Decimal("24.90"), "EUR"),
        "stock": 0,
        "weight_grams": 900,
        "status": "draft",
    }


@pytest.mark.parametrize("code", ["4602.12", "4602 12", " 460212 ", "4602.12.00.10"])
def test_listing_form_accepts_hs_codes_typed_with_dots_or_spaces(code: str) -> None:
    form = ListingForm(listing_data(hs_code=code))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["hs_code"] == "".join(ch for ch in code if ch.isdigit())


@pytest.mark.parametrize("code", ["12345", "12AB56", "12345678901", "", "6109-10"])
def test_listing_form_rejects_hs_codes_that_are_not_6_to_10_digits(code: str) -> None:
    form = ListingForm(listing_data(hs_code=code))

    assert not form.is_valid()
    assert list(form.errors) == ["hs_code"]
    assert len(form.errors["hs_code"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price_0": "0"}, "price", "Enter a price greater than zero."),
        ({"price_0": "0.00001"}, "price", "Ensure that there are no more than 4 decimal places."),
        ({"price_0": ""}, "price", "This field is required."),
        ({"stock": "-5"}, "stock", "Stock can't be negative; enter 0 if you have none."),
        ({"weight_grams": "0"}, "weight_grams", "Weight must be at least 1 gram."),
        ({"weight_grams": "2.5"}, "weight_grams", "Enter a whole number using the digits 0-9."),
        ({"origin_country": "ZZ"}, "origin_country", "Select a valid choice."),
        ({"status": "sold"}, "status", "Select a valid choice."),
    ],
)
def test_listing_form_explains_bad_values(
    overrides: dict[str, str], field: str, message: str
) -> None:
    form = ListingForm(listing_data(**overrides))

    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert any(message in error for error in form.errors[field])


def test_listing_form_lists_common_currencies_first_and_names_both_price_inputs() -> None:
    form = ListingForm()
    html = str(form["price"])

    assert 'aria-label="Amount"' in html
    assert 'aria-label="Currency"' in html
    assert html.index('value="USD"') < html.index('value="ADP"')


# --- Sign-up forms -------------------------------------------------------------------------


@pytest.mark.usefixtures("signup_rates")
def test_seller_signup_form_registers_through_the_service() -> None:
    form = SellerSignupForm(
        {
            "username": "atelier-kigali",
            "email": "hi@atelier.example",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
            "company_name": "Atelier Kigali",
            "country": "RW",
            "employees": "3",
            "payout_currency": "RWF",
        }
    )

    user = form.register()

    assert user is not None
    assert user.check_password(STRONG_PASSWORD)
    assert SellerProfile.objects.get(user=user).company_name == "Atelier Kigali"


@pytest.mark.usefixtures("signup_rates")
def test_buyer_signup_form_maps_a_taken_username_to_the_username_field() -> None:
    UserFactory.create(username="amelie")
    form = BuyerSignupForm(
        {
            "username": "amelie",
            "email": "amelie@example.com",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
            "country": "BE",
            "preferred_currency": "EUR",
        }
    )

    assert form.register() is None
    assert form.errors == {"username": ["A user with that username already exists."]}
    assert not BuyerProfile.objects.exists()


@pytest.mark.usefixtures("signup_rates")
def test_signup_form_puts_password_validator_messages_on_the_password_field() -> None:
    form = BuyerSignupForm(
        {
            "username": "amelie",
            "email": "amelie@example.com",
            "password1": "amelie2024",
            "password2": "amelie2024",
            "country": "BE",
            "preferred_currency": "EUR",
        }
    )

    assert form.register() is None
    assert list(form.errors) == ["password1"]
    assert "The password is too similar to the username." in form.errors["password1"]


@pytest.mark.usefixtures("signup_rates")
def test_signup_form_checks_the_confirmation_before_calling_the_service() -> None:
    form = BuyerSignupForm(
        {
            "username": "amelie",
            "email": "not-an-email",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD + "x",
            "country": "",
            "preferred_currency": "EUR",
        }
    )

    assert form.register() is None  # the form stops before the service is called
    assert set(form.errors) == {"email", "password2", "country"}


@pytest.mark.usefixtures("signup_rates")
def test_weak_password_is_reported_together_with_the_other_mistakes() -> None:
    form = SellerSignupForm(
        {
            "username": "lotus",
            "email": "hello@lotus.example",
            "password1": "lotus123",
            "password2": "lotus123",
            "company_name": "",
            "country": "MY",
            "employees": "7",
            "payout_currency": "MYR",
        }
    )

    assert form.register() is None
    assert set(form.errors) == {"password1", "company_name"}
    assert "The password is too similar to the username." in form.errors["password1"]


def test_service_errors_without_a_field_go_to_the_fallback_field() -> None:
    form = BuyerSignupForm({})
    form.is_valid()

    add_service_errors(form, ValidationError(["Too short.", "Too common."]), unnamed_to="password1")

    assert list(form.errors["password1"])[-2:] == ["Too short.", "Too common."]


def test_service_errors_for_unknown_fields_become_form_errors() -> None:
    class Form(forms.Form):
        name = forms.CharField()

    form = Form({"name": "x"})
    assert form.is_valid()

    add_service_errors(
        form,
        ValidationError({"name": "Taken.", "user": "Broken.", "__all__": "Whole thing."}),
    )

    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Broken.", "Whole thing."]


# --- ListingSearchForm ---------------------------------------------------------------------


def test_empty_search_form_searches_everything_newest_first() -> None:
    form = ListingSearchForm({}, currency="EUR")

    assert form.query() == ListingQuery(price_currency="EUR")
    assert not form.has_filters()


def test_search_form_builds_the_selector_query() -> None:
    form = ListingSearchForm(
        {
            "q": "  silk scarf ",
            "origin": "my",
            "chapter": "62",
            "hs": "6214",
            "min_price": "10",
            "max_price": "80.5",
            "sort": "price_asc",
        },
        currency="EUR",
    )

    assert form.query() == ListingQuery(
        text="silk scarf",
        origin_country="MY",
        hs_prefix="6214",
        min_price=Decimal("10"),
        max_price=Decimal("80.5"),
        sort="price_asc",
        price_currency="EUR",
    )
    assert form.has_filters()


def test_chapter_alone_filters_by_its_two_digits() -> None:
    assert ListingSearchForm({"chapter": "09"}, currency="EUR").query().hs_prefix == "09"


def test_price_bounds_are_in_the_visitors_currency() -> None:
    form = ListingSearchForm({"min_price": "5", "max_price": "9"}, currency="JPY")

    query = form.query()

    assert (query.min_price, query.max_price, query.price_currency) == (5, 9, "JPY")
    assert form["min_price"].label == "Min price (JPY)"


def test_invalid_filters_are_dropped_and_the_rest_still_apply() -> None:
    form = ListingSearchForm(
        {"q": "tea", "min_price": "abc", "origin": "XX", "sort": "cheapest"}, currency="USD"
    )

    query = form.query()

    assert query == ListingQuery(text="tea", price_currency="USD")
    assert set(form.errors) == {"min_price", "origin", "sort"}


def test_currency_choices_put_common_currencies_first_without_repeating_them() -> None:
    choices = currency_choices(blank="Any currency")

    assert choices[0] == ("", "Any currency")
    (_, common), (_, others) = choices[1:]
    assert [code for code, _ in common] == list(COMMON_CURRENCIES)
    assert not {code for code, _ in common} & {code for code, _ in others}
