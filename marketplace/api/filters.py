"""Query parameters of `GET /api/v1/listings/`: validated here, applied by the listing selectors.

Every parameter is checked by a form field first, so a malformed value is a 400 field error
(`{"hs_prefix": ["…"]}`) rather than an empty page or a database error.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.db.models.expressions import OrderBy
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ewtp.api.fields import CountryCodeField, CurrencyCodeField
from ewtp.codes import CURRENCY_CHOICES
from ewtp.forms import StrictDecimalField, StrictIntegerField
from marketplace.models import Listing
from marketplace.selectors import PRICE_ASC, PRICE_DESC, ListingQuery, listings_search

# `ordering` value → ORDER BY; the id breaks ties so pages never overlap. Price orderings use
# the price converted into `currency` (listings without a rate last).
ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "-created": ("-created", "-id"),
    "created": ("created", "id"),
    "price": (PRICE_ASC, "id"),
    "-price": (PRICE_DESC, "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
DEFAULT_ORDERING = "-created"
MAX_BIGINT = 9_223_372_036_854_775_807


class IntegerFilter(filters.NumberFilter):
    field_class = StrictIntegerField


class DecimalFilter(filters.NumberFilter):
    field_class = StrictDecimalField


# Price bounds as StrictDecimalField reads them: ASCII digits, at most 10 before the point and 4
# after it (the column), no sign.
AMOUNT_PATTERN = r"^([0-9]{1,10}(\.[0-9]{0,4})?|\.[0-9]{1,4})$"
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
        DecimalFilter(
            min_value=0,
            max_digits=14,
            decimal_places=4,
            help_text="Lowest price, inclusive, in `currency` (else the FX table's base).",
        )
    )
    max_price = extend_schema_field(AMOUNT_SCHEMA)(
        DecimalFilter(
            min_value=0,
            max_digits=14,
            decimal_places=4,
            help_text="Highest price, inclusive, in `currency` (else the FX table's base).",
        )
    )
    currency = extend_schema_field(CurrencyCodeField())(
        filters.ChoiceFilter(
            choices=CURRENCY_CHOICES,
            help_text="The currency of min_price/max_price and of price ordering: every "
            "listing's price is converted into it with the current FX table. Listings whose "
            "currency has no rate are left out by the bounds and sort last. Without it, bounds "
            "and price ordering use the table's base currency.",
        )
    )
    price_currency = extend_schema_field(CurrencyCodeField())(
        filters.ChoiceFilter(
            choices=CURRENCY_CHOICES, help_text="Only listings priced in this currency."
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
            currency=data.get("price_currency") or "",
            seller=data.get("seller"),
            price_currency=data.get("currency") or "",
        )
        listings = listings_search(query=query, base=queryset)
        if data.get("status"):
            listings = listings.filter(status=data["status"])
        return listings.order_by(*ORDERINGS[data.get("ordering") or DEFAULT_ORDERING])
