"""MoneyField on its own: what it accepts, what it refuses, what it prints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from djmoney.money import Money
from rest_framework import serializers
from rest_framework.test import APIClient

from ewtp.api.fields import MoneyField
from tests.api.test_listings import listing_body


class PriceInput(serializers.Serializer):
    price = MoneyField()


def errors_for(value: Any) -> Any:
    data = PriceInput(data={"price": value})
    assert not data.is_valid()
    return data.errors["price"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"amount": "12.34", "currency": "EUR"}, Money(Decimal("12.34"), "EUR")),
        ({"amount": 12.34, "currency": "EUR"}, Money(Decimal("12.34"), "EUR")),
        ({"amount": 7, "currency": "JPY"}, Money(7, "JPY")),
        ({"amount": "1.250", "currency": "KWD"}, Money(Decimal("1.25"), "KWD")),
        ({"amount": "9999999999.99", "currency": "USD"}, Money(Decimal("9999999999.99"), "USD")),
        ({"amount": "5", "currency": "EUR", "note": "ignored"}, Money(5, "EUR")),
    ],
)
def test_accepted_values(value: dict[str, Any], expected: Money) -> None:
    data = PriceInput(data={"price": value})

    assert data.is_valid(), data.errors
    assert data.validated_data["price"] == expected


NOT_A_NUMBER = 'The amount must be a decimal number, e.g. "12.34".'
NOT_A_CURRENCY = "The currency must be an ISO 4217 currency code, e.g. EUR."
NO_AMOUNT = 'The "amount" is required: enter {"amount": "12.34", "currency": "EUR"}.'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"amount": "0", "currency": "EUR"}, "Ensure the amount is greater than 0."),
        ({"amount": "-0.01", "currency": "EUR"}, "Ensure the amount is greater than 0."),
        ({"amount": "Infinity", "currency": "EUR"}, NOT_A_NUMBER),
        ({"amount": [], "currency": "EUR"}, NOT_A_NUMBER),
        ({"amount": "1" * 60, "currency": "EUR"}, NOT_A_NUMBER),
        # Exponents, signs and spaces are not in the schema's pattern: refused as not decimals.
        ({"amount": "1e-30", "currency": "EUR"}, NOT_A_NUMBER),
        ({"amount": " 12.34 ", "currency": "EUR"}, NOT_A_NUMBER),
        ({"amount": "+5", "currency": "EUR"}, NOT_A_NUMBER),
        (
            {"amount": "0.001", "currency": "EUR"},
            "Ensure the amount has no more than 2 decimal places for EUR.",
        ),
        (
            {"amount": "10000000000", "currency": "EUR"},
            "Ensure the amount has no more than 10 digits before the point.",
        ),
        ({"amount": "1", "currency": 978}, NOT_A_CURRENCY),
        ({"amount": "1", "currency": "XAU"}, NOT_A_CURRENCY),
        ({"amount": None, "currency": "EUR"}, NO_AMOUNT),
        ({}, NO_AMOUNT),
    ],
)
def test_refused_values(value: Any, message: str) -> None:
    assert errors_for(value) == [message]


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        (Money(Decimal("1500.4"), "JPY"), {"amount": "1500", "currency": "JPY"}),
        (Money(Decimal("0.0005"), "KWD"), {"amount": "0.001", "currency": "KWD"}),
        (Money(Decimal("2.675"), "EUR"), {"amount": "2.68", "currency": "EUR"}),
    ],
)
def test_output_is_rounded_half_up_to_the_minor_unit(
    money: Money, expected: dict[str, str]
) -> None:
    assert MoneyField().to_representation(money) == expected


def test_trailing_zeros_are_dropped_before_the_column_counts_digits(
    seller_client: APIClient,
) -> None:
    body = listing_body(price={"amount": "956244669.000000000", "currency": "INR"})

    response = seller_client.post("/api/v1/listings/", body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["price"] == {"amount": "956244669.00", "currency": "INR"}


@pytest.mark.parametrize("amount", [".5", "12.", "1." + "0" * 49])
def test_amount_strings_outside_the_schemas_pattern_or_length_are_refused(amount: str) -> None:
    field = MoneyField()

    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation({"amount": amount, "currency": "EUR"})

    assert refused.value.detail == [NOT_A_NUMBER]
