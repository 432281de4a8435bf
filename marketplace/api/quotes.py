"""POST /api/v1/quotes/: the delivered, duty-paid price of listings, from the one engine."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from customs.landed_cost import QuoteRefused
from marketplace.api.errors import RuleRefused
from marketplace.api.fields import MAX_DB_INT, CountryCodeField, CurrencyCodeField, MoneyField
from marketplace.api.parsers import StrictJSONParser
from marketplace.api.schema import errors
from marketplace.quoting import Quotable, quote_quotables
from marketplace.selectors import listings_quotable

MAX_LINES = 100
MAX_QUANTITY = 10_000


class QuoteLineInput(serializers.Serializer):
    """One line of a quote request (documents the shape that `QuoteLinesField` reads)."""

    listing = serializers.IntegerField(min_value=1, help_text="The id of an active listing.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


@extend_schema_field(QuoteLineInput(many=True))
class QuoteLinesField(serializers.Field):
    """`[{"listing": id, "quantity": n}, …]`, checked in plain code: a nested serializer costs
    more per request than the whole quote (DRF deep-copies its fields on every use)."""

    default_error_messages = {
        "not_a_list": 'Give the lines as a list of {"listing": id, "quantity": n} objects.',
        "empty": "Add at least one line.",
        "too_many": f"Quote at most {MAX_LINES} lines at a time.",
        "not_an_object": 'Each line is an object: {"listing": id, "quantity": n}.',
    }

    def to_internal_value(self, data: Any) -> list[tuple[int, int]]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not data:
            self.fail("empty")
        if len(data) > MAX_LINES:
            self.fail("too_many")
        lines: list[tuple[int, int]] = []
        errors: dict[str, dict[str, list[str]]] = {}
        for index, line in enumerate(data):
            if not isinstance(line, dict):
                errors[str(index)] = {
                    "non_field_errors": [str(self.error_messages["not_an_object"])]
                }
                continue
            problems: dict[str, list[str]] = {}
            listing = _whole_number(line.get("listing"), "listing", 1, MAX_DB_INT, problems)
            quantity = _whole_number(line.get("quantity"), "quantity", 1, MAX_QUANTITY, problems)
            if problems:
                errors[str(index)] = problems
            else:
                lines.append((listing, quantity))
        if errors:
            raise serializers.ValidationError(errors)
        return lines

    def to_representation(self, value: Any) -> Any:
        return value


def _whole_number(
    value: Any, name: str, low: int, high: int, problems: dict[str, list[str]]
) -> int:
    if value is None:
        problems[name] = ["This field is required."]
    elif isinstance(value, bool) or not isinstance(value, int | str):
        problems[name] = [f"Give the {name} as a whole number."]
    else:
        try:
            number = int(value)
        except ValueError:
            problems[name] = [f"Give the {name} as a whole number."]
            return 0
        if not low <= number <= high:
            problems[name] = [f"Ensure the {name} is between {low} and {high:,}."]
        return number
    return 0


class QuoteInput(serializers.Serializer):
    # Built fresh instead of declared: DRF deep-copies declared fields on every request, which
    # costs this hot endpoint more than building them.
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "destination_country": CountryCodeField(),
            "currency": CurrencyCodeField(),
            "lines": QuoteLinesField(),
            "date": serializers.DateField(
                required=False, help_text="Selects the rules in force (default: today)."
            ),
        }

    def validate_lines(self, lines: list[tuple[int, int]]) -> list[tuple[Quotable, int]]:
        """Every line names an active listing; all of them are fetched in one query."""
        found = {q.listing_id: q for q in listings_quotable(ids={i for i, _ in lines})}
        missing = {
            str(index): {"listing": [f"Listing {listing_id} is not an active listing."]}
            for index, (listing_id, _) in enumerate(lines)
            if listing_id not in found
        }
        if missing:
            raise serializers.ValidationError(missing)
        return [(found[listing_id], quantity) for listing_id, quantity in lines]


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
        data = QuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        try:
            quote = quote_quotables(
                items=values["lines"],
                destination=values["destination_country"],
                currency=values["currency"],
                on=values.get("date"),
            )
        except QuoteRefused as refused:
            raise RuleRefused(refused.detail, code=refused.code) from refused
        return Response(quote.as_dict())


class HealthOutput(serializers.Serializer):
    status = serializers.CharField(help_text='"ok"')


@extend_schema(tags=["health"], summary="Liveness check", responses={200: HealthOutput})
class HealthView(APIView):
    """For load balancers and monitoring: answers without touching the database."""

    permission_classes = [AllowAny]
    authentication_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
