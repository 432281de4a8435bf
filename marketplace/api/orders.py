"""/api/v1/orders/: checkout, payment and cancellation (docs/API.md, Orders); shipping and
receipt come from `marketplace.api.shipments`, the order's body from `marketplace.api.order_output`.

Thin views over `marketplace.checkout` and `marketplace.orders`. Outcomes the buyer must see
(a declined card, a provider error) are returned as responses rather than raised, so that what
the service wrote (the declined attempt, the released stock) commits with the stored
idempotent response.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from customs.landed_cost import QuoteRefused
from ewtp.api.errors import RuleRefused
from ewtp.api.fields import CountryCodeField, CurrencyCodeField, StrictIntegerField
from ewtp.api.idempotency import CONFLICT_CODES, IDEMPOTENCY_KEY_PARAMETER, idempotent
from ewtp.api.inputs import JSONTypedInput, TextField
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import coded_error, errors
from ewtp.codes import MAX_DB_INT
from marketplace.api.order_output import (
    ORDER_PREFETCH,
    ORDER_SELECT,
    OrderOutput,
    OrdersOutput,
    order_body,
)
from marketplace.api.permissions import buyer_of
from marketplace.api.quotes import MAX_LINES, MAX_QUANTITY
from marketplace.api.shipments import OrderDeliveryActions
from marketplace.checkout import Address, OutOfStock, orders_place
from marketplace.models import Order
from marketplace.orders import OrderConflict, order_cancel, order_pay
from marketplace.selectors import orders_visible
from payments.services import PaymentFailed

CARD_NUMBER_PATTERN = r"^[0-9]{12,19}$"

# --- Input -----------------------------------------------------------------------------------


class AddressInput(JSONTypedInput):
    name = TextField(max_length=200)
    line1 = TextField(max_length=200)
    city = TextField(max_length=100)
    postal_code = TextField(max_length=20)
    country = CountryCodeField(help_text="Fixes the destination of the orders.")


class OrderLineInput(JSONTypedInput):
    listing = StrictIntegerField(
        min_value=1, max_value=MAX_DB_INT, help_text="The id of an active listing."
    )
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderInput(JSONTypedInput):
    currency = CurrencyCodeField(help_text="Must have an FX rate.")
    shipping_address = AddressInput()
    lines = serializers.ListField(
        child=OrderLineInput(), min_length=1, max_length=MAX_LINES, help_text="1 to 100 lines."
    )


class PayInput(JSONTypedInput):
    card_number = serializers.RegexField(
        CARD_NUMBER_PATTERN,
        max_length=19,
        help_text="12 to 19 digits. Sandbox: 4242424242424242 succeeds, 4000000000000002 "
        "is declined, 4000000000000119 fails with a provider error.",
        error_messages={"invalid": "Enter the card number as 12 to 19 digits."},
    )


# --- Errors ----------------------------------------------------------------------------------


class PaymentError(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["card_declined", "provider_error"])


CheckoutConflict = coded_error("CheckoutConflict", "out_of_stock", *CONFLICT_CODES)
PayConflict = coded_error("PayConflict", "not_payable", "order_expired", *CONFLICT_CODES)
CancelConflict = coded_error("CancelConflict", "not_cancellable")


def _conflict(code: str, detail: str) -> Response:
    return Response({"detail": detail, "code": code}, status=status.HTTP_409_CONFLICT)


def _conflicts(body: type[serializers.Serializer], description: str) -> dict[int, Any]:
    return {409: OpenApiResponse(body, description=description)}


@extend_schema_view(
    list=extend_schema(
        summary="Orders you may see",
        description="A buyer's own orders, a seller's incoming orders, the orders routed "
        "through the hubs an operator runs; newest first. A page past the last is a 404.",
        responses={200: OrderOutput(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One order, with its frozen quote and timeline",
        description="An order you may not see is a 404, as an unknown one.",
        responses={200: OrderOutput, **errors(401, 404)},
    ),
)
@extend_schema(tags=["orders"])
class OrderViewSet(
    OrderDeliveryActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Order],
):
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]
    serializer_class = OrderOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Order]:
        if self.action in ("pay", "cancel", "confirm_receipt", "ship"):
            # Only the caller's own orders as buyer (as seller, to ship), and only their ids:
            # the service locks and re-reads the row.
            user = self.request.user
            if isinstance(user, AnonymousUser):  # refused by IsAuthenticated before this
                return Order.objects.none()
            if self.action == "ship":
                return Order.objects.filter(seller__user=user).only("id", "seller_id")
            return Order.objects.filter(buyer__user=user).only("id", "buyer_id")
        return self._detailed()

    def _detailed(self) -> QuerySet[Order]:
        return (
            orders_visible(user=self.request.user)
            .select_related(*ORDER_SELECT)
            .prefetch_related(*ORDER_PREFETCH)
        )

    def _order_for(self, request: Request) -> Order:
        """The order, if it is the caller's own to act on (404 otherwise, as for a stranger)."""
        try:
            return self.get_object()  # get_queryset: the caller's own orders for the action
        except Http404:
            raise Http404("No such order of yours.") from None

    def _order_response(self, order: Order) -> Response:
        return Response(order_body(self._detailed().get(pk=order.pk)))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        return self.get_paginated_response([order_body(order) for order in page])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(order_body(self.get_object()))

    @extend_schema(
        summary="Check out: one order per seller, stock reserved",
        request=OrderInput,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: OrdersOutput,
            **errors(400, 401, 403),
            **_conflicts(
                CheckoutConflict,
                "Stock ran out (nothing was reserved), or the Idempotency-Key was reused.",
            ),
            **errors(422),
        },
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        buyer = buyer_of(request.user)
        if buyer is None:
            return Response(
                {"detail": "Only buyers can place orders: sign up as a buyer."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = OrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        address = values["shipping_address"]
        try:
            orders = orders_place(
                buyer=buyer,
                lines=[(line["listing"], line["quantity"]) for line in values["lines"]],
                currency=values["currency"],
                address=Address(**address),
                by=request.user,
            )
        except OutOfStock as gone:
            return _conflict("out_of_stock", str(gone))
        except QuoteRefused as refused:
            raise RuleRefused(refused.detail, code=refused.code) from refused
        except DjangoValidationError as invalid:
            raise serializers.ValidationError(invalid.message_dict) from invalid
        fresh = self.get_queryset().filter(pk__in=[o.pk for o in orders]).order_by("id")
        return Response(
            {"orders": [order_body(order) for order in fresh]}, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Pay an order with a card",
        request=PayInput,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: OrderOutput,
            **errors(400, 401),
            402: OpenApiResponse(PaymentError, description="The card was declined."),
            **errors(404),
            **_conflicts(
                PayConflict,
                "Already paid, cancelled or expired, or the Idempotency-Key was reused.",
            ),
            502: OpenApiResponse(PaymentError, description="The provider failed; pay again."),
        },
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def pay(self, request: Request, pk: str | None = None) -> Response:
        order = self._order_for(request)
        data = PayInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome = order_pay(
                order=order, card_number=data.validated_data["card_number"], by=request.user
            )
        except OrderConflict as conflict:
            return _conflict(conflict.code, conflict.detail)
        if outcome.code == "card_declined":
            detail = (
                f"{outcome.message} The order was cancelled and its goods released: check out "
                "again to pay with another card."
            )
            return Response({"detail": detail, "code": outcome.code}, status=402)
        if not outcome.paid:
            detail = f"{outcome.message} The order can be paid again."
            return Response({"detail": detail, "code": outcome.code}, status=502)
        # The service's row, read under its lock and moved to paid: only its lines and
        # timeline are still to be read.
        paid = outcome.order
        prefetch_related_objects([paid], *ORDER_SELECT, *ORDER_PREFETCH)
        return Response(order_body(paid))

    @extend_schema(
        summary="Cancel an order before shipment (refunded if it was paid)",
        request=None,
        responses={
            200: OrderOutput,
            **errors(401, 404),
            **_conflicts(CancelConflict, "Shipped or later: too late to cancel."),
            502: OpenApiResponse(PaymentError, description="The refund failed; nothing changed."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        order = self._order_for(request)
        try:
            order_cancel(order=order, by=request.user)
        except OrderConflict as conflict:
            return _conflict(conflict.code, conflict.detail)
        except PaymentFailed as failed:  # the refund did not go through: nothing changed
            return Response(
                {"detail": failed.message, "code": "provider_error"},
                status=status.HTTP_502_BAD_GATEWAY,
            )
        return self._order_response(order)
