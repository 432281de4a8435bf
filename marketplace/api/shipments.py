"""Delivery on /api/v1/orders/: `POST /orders/{id}/ship/` (the seller, once cleared) and
`POST /orders/{id}/confirm-receipt/` (the buyer, once shipped), thin over `marketplace.shipping`.

`OrderDeliveryActions` is mixed into `marketplace.api.orders.OrderViewSet`, which gives it the
caller's order (`_order_for`) and the order's body (`_order_response`).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.api.errors import Conflict
from ewtp.api.idempotency import CONFLICT_CODES, IDEMPOTENCY_KEY_PARAMETER, idempotent
from ewtp.api.inputs import JSONTypedInput
from ewtp.api.schema import coded_error, errors
from marketplace.api.order_output import OrderOutput
from marketplace.api.permissions import seller_of
from marketplace.models import Order
from marketplace.models.shipping import TRACKING_MAX_LENGTH, TRACKING_PATTERN
from marketplace.orders import OrderConflict
from marketplace.shipping import TRACKING_HELP, order_receipt_confirm, order_ship

CARRIER_PATTERN = r"^[-a-zA-Z0-9_]{1,30}$"


class ShipInput(JSONTypedInput):
    carrier = serializers.RegexField(
        CARRIER_PATTERN,
        max_length=30,
        trim_whitespace=False,
        help_text="The code of one of the platform's logistics partners: `cainiao`, `dhl`.",
    )
    tracking_number = serializers.RegexField(
        TRACKING_PATTERN,
        max_length=TRACKING_MAX_LENGTH,
        trim_whitespace=False,
        help_text=f"{TRACKING_HELP} Stored in capitals.",
        error_messages={"invalid": f"Enter the tracking number: {TRACKING_HELP}"},
    )


ShipConflict = coded_error("ShipConflict", "not_shippable", *CONFLICT_CODES)
ReceiptConflict = coded_error("ReceiptConflict", "not_shipped", *CONFLICT_CODES)


class OrderDeliveryActions:
    """The seller ships a cleared order; the buyer confirms receipt of a shipped one."""

    def _order_for(self, request: Request) -> Order:
        """The order of the URL if the caller may act on it; a 404 otherwise."""
        raise NotImplementedError

    def _order_response(self, order: Order) -> Response:
        raise NotImplementedError

    @extend_schema(
        summary="Ship a cleared order (its seller)",
        description="Records the carrier and tracking number; the order becomes `shipped`. "
        "Shipping again with the same values returns the order unchanged.",
        request=ShipInput,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: OrderOutput,
            **errors(400, 401, 403, 404),
            409: OpenApiResponse(
                ShipConflict,
                description="Not cleared by customs yet, shipped otherwise already, or the "
                "Idempotency-Key was reused.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def ship(self, request: Request, pk: str | None = None) -> Response:
        if seller_of(request.user) is None:
            return Response(
                {"detail": "Only the seller of an order ships it."},
                status=status.HTTP_403_FORBIDDEN,
            )
        order = self._order_for(request)
        data = ShipInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            shipped = order_ship(
                order=order,
                carrier=values["carrier"],
                tracking_number=values["tracking_number"],
                by=request.user,
            )
        except OrderConflict as conflict:
            raise Conflict(conflict.detail, code=conflict.code) from conflict
        return self._order_response(shipped)

    @extend_schema(
        summary="Confirm receipt of a shipped order (its buyer)",
        description="The order becomes `delivered`; confirming again returns it unchanged.",
        request=None,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: OrderOutput,
            **errors(400, 401, 404),
            409: OpenApiResponse(
                ReceiptConflict,
                description="Not shipped yet (or ended), or the Idempotency-Key was reused.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="confirm-receipt")
    @idempotent
    def confirm_receipt(self, request: Request, pk: str | None = None) -> Response:
        order = self._order_for(request)
        try:
            delivered = order_receipt_confirm(order=order, by=request.user)
        except OrderConflict as conflict:
            raise Conflict(conflict.detail, code=conflict.code) from conflict
        return self._order_response(delivered)
