"""Serializer fields for the API's shared value types: money, ISO countries and currencies, and
strict whole numbers and decimals (ASCII digits only, `ewtp.numbers`).

Each field has a drf-spectacular extension next to it so the OpenAPI schema names one component
per type (`Money`/`MoneyRequest`, `CountryCode`, `CurrencyCode`) instead of repeating enums.
The money schema differs by direction (input accepts a JSON number, output is always a string),
which `extend_schema_field` cannot express, hence a field extension rather than the decorator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from djmoney.money import Money
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from ewtp.codes import COUNTRY_CODE_SET, COUNTRY_CODES, CURRENCY_CODE_SET, CURRENCY_CODES
from ewtp.numbers import DECIMAL_MESSAGE, WHOLE_NUMBER_MESSAGE, decimal_parse_text, integer_parse
from payments.money import minor_units, money_dict, quantize

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class _CodeField(serializers.CharField):
    """A code from a fixed set. A CharField with a set look-up rather than a ChoiceField: the
    choice machinery for ~250 codes costs more than the rest of a quote request."""

    codes: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.codes:
            self.fail("invalid_choice", input=data)
        return data

    def to_representation(self, value: Any) -> str:
        # Model values may be django_countries.Country objects; str() gives the code.
        return str(value)


class CountryCodeField(_CodeField):
    """An ISO 3166-1 alpha-2 country code, upper case (e.g. `"BE"`)."""

    codes = COUNTRY_CODE_SET
    default_error_messages = {
        "invalid_choice": '"{input}" is not an ISO 3166-1 alpha-2 country code, e.g. "BE".'
    }


class CurrencyCodeField(_CodeField):
    """An ISO 4217 currency code, upper case (e.g. `"EUR"`)."""

    codes = CURRENCY_CODE_SET
    default_error_messages = {
        "invalid_choice": '"{input}" must be an ISO 4217 currency code, e.g. "EUR".'
    }


def _minus_allowed(field: serializers.Field, text: str, number: Decimal | int) -> bool:
    """A `-` where negatives are not allowed is left to the min_value check and its message,
    except on zero ("-0"), which that check would pass."""
    low = getattr(field, "min_value", None)
    return low is None or low < 0 or not text.startswith("-") or bool(number)


class StrictIntegerField(serializers.IntegerField):
    """A whole number: a JSON integer, or a string of the ASCII digits 0-9 (a leading `-` only
    where min_value allows negatives). Refuses `"1_0"`, `"٣"`, `"+1"`, `" 1"`, `"1.0"`, `1.0`,
    `"1e3"` and booleans, which DRF's IntegerField accepts."""

    default_error_messages = {"invalid": WHOLE_NUMBER_MESSAGE}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        number = integer_parse(data, signed=True) if isinstance(data, str) else None
        if number is None or not _minus_allowed(self, data, number):
            self.fail("invalid")
        return number


class StrictDecimalField(serializers.DecimalField):
    """A decimal: a JSON number, or a string of ASCII digits with an optional point (`"12.50"`,
    a leading `-` only where min_value allows negatives); no exponent, underscore, `+` or
    spaces. Digits and places are checked as DRF's DecimalField checks them."""

    default_error_messages = {"invalid": DECIMAL_MESSAGE}

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        if isinstance(data, str):
            number = decimal_parse_text(data, signed=True)
            if number is None or not _minus_allowed(self, data, number):
                self.fail("invalid")
        result: Decimal = super().to_internal_value(data)
        return result


MAX_AMOUNT_TEXT = 50
_DECIMAL_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class MoneyField(serializers.Field):
    """Money as `{"amount": "12.34", "currency": "EUR"}`.

    Input: `amount` a decimal string or JSON number, greater than 0, with no more decimals than
    the currency has (JPY none, EUR 2, KWD 3) and at most `max_whole_digits` before the point;
    `currency` an ISO 4217 code. Output: the amount rounded to the currency's minor unit, as a
    string. The internal value is a `djmoney.money.Money`.
    """

    default_error_messages = {
        "invalid": 'Enter money as an object: {{"amount": "12.34", "currency": "EUR"}}.',
        "missing": 'The "{name}" is required: enter {{"amount": "12.34", "currency": "EUR"}}.',
        "currency": "The currency must be an ISO 4217 currency code, e.g. EUR.",
        "amount": 'The amount must be a decimal number, e.g. "12.34".',
        "positive": "Ensure the amount is greater than 0.",
        "max_whole_digits": "Ensure the amount has no more than {max} digits before the point.",
        "decimal_places": "Ensure the amount has no more than {places} decimal places for {code}.",
    }

    def __init__(self, *, max_whole_digits: int = 10, **kwargs: Any) -> None:
        self.max_whole_digits = max_whole_digits
        super().__init__(**kwargs)

    def to_representation(self, value: Money) -> dict[str, str]:
        return money_dict(value)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, Mapping):
            self.fail("invalid")
        for key in ("amount", "currency"):
            if data.get(key) is None:
                self.fail("missing", name=key)
        currency = data["currency"]
        if not isinstance(currency, str) or currency not in CURRENCY_CODE_SET:
            self.fail("currency")
        amount = self._decimal(data["amount"])
        if amount <= 0:
            self.fail("positive")
        if amount.adjusted() >= self.max_whole_digits:
            self.fail("max_whole_digits", max=self.max_whole_digits)
        if quantize(amount, currency) != amount:
            self.fail("decimal_places", places=minor_units(currency), code=currency)
        # Lossless (checked above): "12.5000" is stored as 12.50, so trailing zeros the schema
        # allows never count against the column's digits.
        return Money(quantize(amount, currency), currency)

    def _decimal(self, raw: Any) -> Decimal:
        # bool is an int subclass: `true` is not an amount.
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.fail("amount")
        if isinstance(raw, str):
            # As the schema's pattern and maxLength give it: ASCII digits with at most one point
            # between digits (no ".5" or "12."); a minus is left to the "greater than 0" message.
            if len(raw) > MAX_AMOUNT_TEXT or not _DECIMAL_STRING.fullmatch(raw):
                self.fail("amount")
            parsed = decimal_parse_text(raw, signed=True)
            if parsed is None:
                self.fail("amount")
            return parsed
        text = str(raw)
        if len(text) > MAX_AMOUNT_TEXT:
            self.fail("amount")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.fail("amount")
        if not amount.is_finite():
            self.fail("amount")
        return amount


def _currencies_by_minor_units() -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for code in CURRENCY_CODES:
        groups.setdefault(minor_units(code), []).append(code)
    return dict(sorted(groups.items()))


def _money_request_schema(
    auto_schema: AutoSchema, whole: int, places: int, codes: list[str]
) -> dict[str, Any]:
    """Money input for the currencies with `places` decimals: what MoneyField accepts."""
    # Trailing zeros are no extra decimals: "12.3400" EUR is 12.34.
    fraction = rf"(\.[0-9]{{1,{places}}}0*)?" if places else r"(\.0+)?"
    return {
        "type": "object",
        "properties": {
            "amount": {
                "oneOf": [
                    # Greater than 0: at least one non-zero digit.
                    {
                        "type": "string",
                        "pattern": rf"^(?=[0-9.]*[1-9])[0-9]{{1,{whole}}}{fraction}$",
                        "maxLength": MAX_AMOUNT_TEXT,
                    },
                    {
                        "type": "number",
                        "exclusiveMinimum": True,
                        "minimum": 0,
                        "exclusiveMaximum": True,
                        "maximum": 10**whole,
                        "multipleOf": 10**-places if places else 1,
                    },
                ],
                "description": (
                    f"Greater than 0, with at most {whole} digits before the point and "
                    f"{places} after it: a decimal string (preferred) or a JSON number."
                ),
                "example": "12.34",
            },
            # A component of its own: drf-spectacular's enum hook would merge inline enums of
            # the same property name into one.
            "currency": _component(
                auto_schema,
                f"CurrencyCodeWith{places}Decimals",
                {
                    "type": "string",
                    "enum": codes,
                    "description": f"ISO 4217 codes of currencies with {places} decimals.",
                },
            ),
        },
        "required": ["amount", "currency"],
    }


def _component(auto_schema: AutoSchema, name: str, schema: dict[str, Any]) -> dict[str, str]:
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref


def country_code_schema(auto_schema: AutoSchema) -> dict[str, str]:
    return _component(
        auto_schema,
        "CountryCode",
        {
            "type": "string",
            "enum": list(COUNTRY_CODES),
            "description": "ISO 3166-1 alpha-2 country code, upper case.",
            "example": "BE",
        },
    )


def currency_code_schema(auto_schema: AutoSchema) -> dict[str, str]:
    return _component(
        auto_schema,
        "CurrencyCode",
        {
            "type": "string",
            "enum": list(CURRENCY_CODES),
            "description": "ISO 4217 currency code, upper case.",
            "example": "EUR",
        },
    )


class CountryCodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CountryCodeField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        return country_code_schema(auto_schema)


class CurrencyCodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CurrencyCodeField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        return currency_code_schema(auto_schema)


class MoneyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = MoneyField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        field: MoneyField = self.target
        whole = field.max_whole_digits
        if direction == "response":
            amount: dict[str, Any] = {
                "type": "string",
                "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
                "description": "Decimal string rounded to the currency's minor unit.",
                "example": "12.34",
            }
            name, description = "Money", "An amount of money."
        else:
            return _component(
                auto_schema,
                "MoneyRequest",
                {
                    "description": "An amount of money; extra keys are ignored.",
                    "oneOf": [
                        _money_request_schema(auto_schema, whole, places, codes)
                        for places, codes in _currencies_by_minor_units().items()
                    ],
                },
            )
        return _component(
            auto_schema,
            name,
            {
                "type": "object",
                "description": description,
                "properties": {
                    "amount": amount,
                    "currency": currency_code_schema(auto_schema),
                },
                "required": ["amount", "currency"],
            },
        )
