"""POST /api/v1/quotes/: the delivered, duty-paid price of listings, from the one engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from customs.landed_cost import QuoteRefused
from ewtp.api.errors import RuleRefused
from ewtp.api.fields import (
    CountryCodeField,
    CurrencyCodeField,
    MoneyField,
    StrictIntegerField,
)
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import errors
from ewtp.codes import COUNTRY_CODE_SET, CURRENCY_CODE_SET, MAX_DB_INT
from marketplace.quoting import Quotable, quote_quotables
from marketplace.selectors import listings_quotable

MAX_LINES = 100
MAX_QUANTITY = 10_000


class QuoteLineInput(serializers.Serializer):
    listing = StrictIntegerField(
        min_value=1, max_value=MAX_DB_INT, help_text="The id of an active listing."
    )
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)


class QuoteInput(serializers.Serializer):
    """The request body, for the schema; `quote_request_parse` checks it."""

    destination_country = CountryCodeField()
    currency = CurrencyCodeField()
    lines = serializers.ListField(
        child=QuoteLineInput(),
        min_length=1,
        max_length=MAX_LINES,
        help_text=f"1 to {MAX_LINES} lines.",
    )
    date = serializers.DateField(
        required=False, help_text="Selects the rules in force (default: today)."
    )


@dataclass(frozen=True)
class QuoteRequest:
    destination: str
    currency: str
    items: list[tuple[Quotable, int]]
    on: date | None


REQUIRED = "This field is required."
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def quote_request_parse(data: Any) -> QuoteRequest:
    """Check a quote request as `QuoteInput` documents it and fetch its listings in one query.

    Plain code rather than the serializer: building DRF fields on every request costs this hot
    endpoint more than the quote itself. Raises ValidationError with `{"field": [messages]}`.
    """
    if not isinstance(data, dict):
        raise serializers.ValidationError(
            {"non_field_errors": ['Send a JSON object: {"destination_country", "currency", …}.']}
        )
    errors: dict[str, Any] = {}
    destination = _code(data, "destination_country", COUNTRY_CODE_SET, CountryCodeField, errors)
    currency = _code(data, "currency", CURRENCY_CODE_SET, CurrencyCodeField, errors)
    on: date | None = None
    raw_date = data.get("date")
    if raw_date is not None:
        try:
            if not isinstance(raw_date, str) or not _ISO_DATE.match(raw_date):
                raise ValueError
            on = date.fromisoformat(raw_date)
        except ValueError:
            errors["date"] = ["Date has wrong format. Use one of these formats: YYYY-MM-DD."]
    lines = _lines(data.get("lines"), errors)
    if errors:
        raise serializers.ValidationError(errors)
    found = {q.listing_id: q for q in listings_quotable(ids={i for i, _ in lines})}
    missing = {
        str(index): {"listing": [f"Listing {listing_id} is not an active listing."]}
        for index, (listing_id, _) in enumerate(lines)
        if listing_id not in found
    }
    if missing:
        raise serializers.ValidationError({"lines": missing})
    items = [(found[listing_id], quantity) for listing_id, quantity in lines]
    return QuoteRequest(destination=destination, currency=currency, items=items, on=on)


def _code(
    data: dict[str, Any],
    name: str,
    codes: frozenset[str],
    field: type[serializers.Field],
    errors: dict[str, Any],
) -> str:
    value = data.get(name)
    if value is None or value == "":
        errors[name] = [REQUIRED]
    elif not isinstance(value, str) or value not in codes:
        errors[name] = [str(field.default_error_messages["invalid_choice"]).format(input=value)]
    else:
        return value
    return ""


def _lines(data: Any, errors: dict[str, Any]) -> list[tuple[int, int]]:
    if data is None:
        errors["lines"] = [REQUIRED]
        return []
    if not isinstance(data, list):
        errors["lines"] = ['Give the lines as a list of {"listing": id, "quantity": n} objects.']
        return []
    if not data:
        errors["lines"] = ["Add at least one line."]
        return []
    if len(data) > MAX_LINES:
        errors["lines"] = [f"Quote at most {MAX_LINES} lines at a time."]
        return []
    lines: list[tuple[int, int]] = []
    problems_by_line: dict[str, dict[str, list[str]]] = {}
    for index, line in enumerate(data):
        if not isinstance(line, dict):
            problems_by_line[str(index)] = {
                "non_field_errors": ['Each line is an object: {"listing": id, "quantity": n}.']
            }
            continue
        problems: dict[str, list[str]] = {}
        listing = _whole_number(line.get("listing"), "listing", 1, MAX_DB_INT, problems)
        quantity = _whole_number(line.get("quantity"), "quantity", 1, MAX_QUANTITY, problems)
        if problems:
            problems_by_line[str(index)] = problems
        else:
            lines.append((listing, quantity))
    if problems_by_line:
        errors["lines"] = problems_by_line
    return lines


def _whole_number(
    value: Any, name: str, low: int, high: int, problems: dict[str, list[str]]
) -> int:
    if value is None:
        problems[name] = [REQUIRED]
    elif isinstance(value, bool) or not isinstance(value, int):
        # A JSON integer, as the schema says: not "2", 2.0 or true.
        problems[name] = [f"Give the {name} as a whole number."]
    elif not low <= value <= high:
        problems[name] = [f"Ensure the {name} is between {low} and {high:,}."]
    else:
        return value
    return 0


# Output, for the schema only: the engine's `Quote.as_dict()` is the response body.
class RuleOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, required=False)
    kind = serializers.CharField()
    hs_prefix = serializers.CharField(required=False)
    origin = serializers.CharField(allow_null=True, required=False)
    rate_percent = serializers.CharField(allow_null=True, required=False)
    per_unit = serializers.CharField(allow_null=True, required=False)
    per_unit_currency = serializers.CharField(allow_null=True, required=False)
    sme_max_employees = serializers.IntegerField(allow_null=True, required=False)
    valid_from = serializers.DateField(allow_null=True, required=False)
    valid_to = serializers.DateField(allow_null=True, required=False)
    applies = serializers.CharField(required=False)
    note = serializers.CharField(allow_blank=True)


class QuoteLineOutput(serializers.Serializer):
    listing = serializers.IntegerField()
    quantity = serializers.IntegerField()
    hs_code = serializers.CharField()
    hs_description = serializers.CharField(
        help_text="The HS 2022 description of the code's subheading (its first six digits)."
    )
    duty = MoneyField(help_text="In the customs currency.")
    tax = MoneyField(help_text="In the customs currency.")
    duty_rule = RuleOutput()
    tax_rule = RuleOutput()


class CustomsOutput(serializers.Serializer):
    currency = serializers.CharField()
    valuation = serializers.ChoiceField(choices=["FOB", "CIF"], allow_null=True)
    regime = serializers.ChoiceField(choices=["low_value", "standard", "domestic"])
    customs_value = MoneyField()
    duty = MoneyField()
    tax = MoneyField()


class ExplanationsOutput(serializers.Serializer):
    shipping = serializers.CharField()
    duty = serializers.CharField()
    tax = serializers.CharField()


class ConsignmentQuoteOutput(serializers.Serializer):
    currency = serializers.CharField()
    destination_country = serializers.CharField()
    date = serializers.DateField()
    seller = serializers.IntegerField(required=False)
    route = serializers.ListField(child=serializers.CharField(), help_text="Hub codes in order.")
    transit_days = serializers.IntegerField()
    goods = MoneyField()
    shipping = MoneyField()
    duty = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    customs = CustomsOutput()
    lines = QuoteLineOutput(many=True)
    explanations = ExplanationsOutput()
    rates = serializers.DictField(child=serializers.CharField(), help_text="Rates used.")


class QuoteOutput(ConsignmentQuoteOutput):
    """One seller: a consignment quote. Several: sums plus `consignments`."""

    route = serializers.ListField(child=serializers.CharField(), required=False)
    transit_days = serializers.IntegerField(required=False)
    customs = CustomsOutput(required=False)
    lines = QuoteLineOutput(many=True, required=False)
    explanations = ExplanationsOutput(required=False)
    consignments = ConsignmentQuoteOutput(many=True, required=False)


@extend_schema(
    tags=["quotes"],
    summary="Quote the delivered, duty-paid price of listings",
    description=(
        "Shipping over the cheapest eHub route, duty and import tax, in the buyer's currency, "
        "with each charge naming the tariff row that produced it. Lines from several sellers "
        "are quoted as one consignment per seller (`consignments`) with top-level sums."
    ),
    request=QuoteInput,
    responses={200: QuoteOutput, **errors(400, 422)},
)
class QuoteView(APIView):
    # Anyone may quote, and a quote changes nothing: no authentication to run.
    permission_classes = [AllowAny]
    authentication_classes = ()
    parser_classes = [StrictJSONParser]

    def post(self, request: Request) -> Response:
        parsed = quote_request_parse(request.data)
        try:
            quote = quote_quotables(
                items=parsed.items,
                destination=parsed.destination,
                currency=parsed.currency,
                on=parsed.on,
            )
        except QuoteRefused as refused:
            raise RuleRefused(refused.detail, code=refused.code) from refused
        return Response(quote.as_dict())
