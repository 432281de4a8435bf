"""POST /api/v1/quotes/: the delivered, duty-paid price of listings, from the one engine."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from customs.landed_cost import QuoteRefused
from marketplace.api.errors import RuleRefused
from marketplace.api.fields import CountryCodeField, CurrencyCodeField, MoneyField
from marketplace.api.schema import errors
from marketplace.models import Listing
from marketplace.quoting import Item, quote_listings

MAX_LINES = 100
MAX_QUANTITY = 10_000


class QuoteLineInput(serializers.Serializer):
    listing: serializers.PrimaryKeyRelatedField[Listing] = serializers.PrimaryKeyRelatedField(
        queryset=Listing.objects.filter(status=Listing.Status.ACTIVE).select_related("seller"),
        error_messages={
            "does_not_exist": "Listing {pk_value} is not an active listing.",
            "incorrect_type": "Give the listing's id as a whole number.",
        },
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class QuoteInput(serializers.Serializer):
    destination_country = CountryCodeField()
    currency = CurrencyCodeField()
    lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
        child=QuoteLineInput(), allow_empty=False, max_length=MAX_LINES
    )
    date = serializers.DateField(
        required=False, help_text="Selects the rules in force (default: today)."
    )


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
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = QuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        items = [Item(line["listing"], line["quantity"]) for line in values["lines"]]
        try:
            quote = quote_listings(
                items=items,
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
