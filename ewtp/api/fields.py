"""Serializer fields for the API's shared value types: money, ISO countries and currencies.

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
        return Money(amount, currency)

    def _decimal(self, raw: Any) -> Decimal:
        # bool is an int subclass: `true` is not an amount.
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.fail("amount")
        text = str(raw) if isinstance(raw, str) else repr(raw)
        if len(text) > MAX_AMOUNT_TEXT:
            self.fail("amount")
        # Strings as the schema's pattern gives them: digits and a point, no sign, exponent or
        # spaces (Decimal would also take " 5", "+5" and "1e3").
        if isinstance(raw, str) and not _DECIMAL_STRING.fullmatch(text):
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
