"""Query parameters of `GET /api/v1/listings/`: validated here, applied by the listing selectors.

Every parameter is checked by a form field first, so a malformed value is a 400 field error
(`{"hs_prefix": ["…"]}`) rather than an empty page or a database error.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ewtp.api.fields import CountryCodeField, CurrencyCodeField
from ewtp.codes import CURRENCY_CHOICES
from marketplace.models import Listing
from marketplace.selectors import ListingQuery, listings_search

# `ordering` value → ORDER BY; the id breaks ties so pages never overlap.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "-created": ("-created", "-id"),
    "created": ("created", "id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
DEFAULT_ORDERING = "-created"
MAX_BIGINT = 9_223_372_036_854_775_807


AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,4})?$"


class WholeNumberField(forms.IntegerField):
    """ASCII digits only: forms.IntegerField also takes " 5 " and "5.0", which the schema's
    `integer` does not."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not (
            isinstance(value, str) and value.isascii() and value.isdigit()
        ):
            raise forms.ValidationError("Enter a whole number.", code="invalid")
        return super().to_python(value)


class AmountField(forms.DecimalField):
    """A price bound exactly as the schema's pattern gives it: no sign, exponent or spaces."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value not in self.empty_values and not (
            isinstance(value, str) and re.fullmatch(AMOUNT_PATTERN, value)
        ):
            raise forms.ValidationError(
                "Enter an amount of up to 10 digits and 4 decimals, e.g. 12.50.", code="invalid"
            )
        return super().to_python(value)


class IntegerFilter(filters.NumberFilter):
    field_class = WholeNumberField


class AmountFilter(filters.NumberFilter):
    field_class = AmountField


AMOUNT_SCHEMA = {"type": "string", "pattern": AMOUNT_PATTERN, "example": "12.50"}


class ListingFilter(filters.FilterSet):
    search = filters.CharFilter(
        max_length=200,
        help_text="Words that must each appear in the title, description, HS code (as a prefix) "
        "or the seller's company name.",
    )
    origin_country = extend_schema_field(CountryCodeField())(
        filters.ChoiceFilter(choices=list(countries), help_text="Country of origin (alpha-2).")
    )
    hs_prefix = extend_schema_field({"type": "string", "pattern": "^[0-9]{1,10}$"})(
        filters.CharFilter(
            strip=False,
            validators=[RegexValidator(r"^[0-9]{1,10}$", "Enter 1 to 10 digits, e.g. 6109.")],
            help_text="HS codes starting with these digits.",
        )
    )
    min_price = extend_schema_field(AMOUNT_SCHEMA)(
        AmountFilter(max_digits=14, decimal_places=4, help_text="Lowest price amount, inclusive.")
    )
    max_price = extend_schema_field(AMOUNT_SCHEMA)(
        AmountFilter(max_digits=14, decimal_places=4, help_text="Highest price amount, inclusive.")
    )
    currency = extend_schema_field(CurrencyCodeField())(
        filters.ChoiceFilter(
            choices=CURRENCY_CHOICES,
            help_text="Only listings priced in this currency, so price bounds and price "
            "ordering compare like with like.",
        )
    )
    seller = extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_BIGINT})(
        IntegerFilter(min_value=1, max_value=MAX_BIGINT, help_text="Seller id.")
    )
    status = filters.ChoiceFilter(
        choices=Listing.Status.choices,
        help_text="Others' listings are always active; sellers may filter their own.",
    )
    ordering = filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        help_text=f"Sort order; default {DEFAULT_ORDERING}.",
    )

    class Meta:
        model = Listing
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Listing]) -> QuerySet[Listing]:
        data = self.form.cleaned_data
        query = ListingQuery(
            text=data.get("search") or "",
            origin_country=data.get("origin_country") or "",
            hs_prefix=data.get("hs_prefix") or "",
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            currency=data.get("currency") or "",
            seller=data.get("seller"),
        )
        listings = listings_search(query=query, base=queryset)
        if data.get("status"):
            listings = listings.filter(status=data["status"])
        return listings.order_by(*ORDERINGS[data.get("ordering") or DEFAULT_ORDERING])
