"""`POST /api/v1/logistics/<partner code>/events/`: a logistics partner reports a shipment event
(docs/delivery.md). No user signs in: the partner signs the raw body with its secret
(`marketplace.webhooks`), and the signature is checked before the body is even parsed.
"""

from __future__ import annotations

import re
import time
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ewtp.api.inputs import JSONTypedInput, TextField
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import coded_error, errors
from ewtp.api.throttling import AnonThrottle
from marketplace.models import LogisticsPartner, ShipmentEvent
from marketplace.models.shipping import TRACKING_MAX_LENGTH, TRACKING_PATTERN
from marketplace.shipping import RECORDED, ReportedEvent, UnknownShipment, shipment_event_record
from marketplace.webhooks import (
    BAD_SIGNATURE,
    SIGNATURE_HEADER,
    SIGNATURE_PATTERN,
    STALE_TIMESTAMP,
    TIMESTAMP_HEADER,
    TIMESTAMP_PATTERN,
    TOLERANCE_SECONDS,
    VALID,
    signature_check,
)

# A partner's code as the URL may carry it (a slug); anything else names no partner.
_CODE = re.compile(r"[-a-zA-Z0-9_]{1,30}")

_REFUSED = {
    BAD_SIGNATURE: "The request is not signed by this logistics partner: check the partner "
    f"code in the URL, the secret, and that {SIGNATURE_HEADER} is sha256=<hex HMAC-SHA256 of "
    f'"<{TIMESTAMP_HEADER}>.<raw body>">.',
    STALE_TIMESTAMP: f"{TIMESTAMP_HEADER} is more than {TOLERANCE_SECONDS // 60} minutes from "
    "the server's clock: sign the request when you send it (and keep your clock right).",
}


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time string that names its UTC offset (`Z` or `+08:00`): a partner's
    clock is in another time zone, and a time without one is ambiguous."""

    default_error_messages = {
        "offset": "Give the time in ISO 8601 with its UTC offset, e.g. 2026-11-24T09:30:00+08:00."
    }

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):
            self.fail("offset")
        parsed = super().to_internal_value(value)
        if not re.search(r"([zZ]|[+-][0-9]{2}:?[0-9]{2})$", value.strip()):
            self.fail("offset")
        return parsed


class ShipmentEventInput(JSONTypedInput):
    event_id = TextField(max_length=100, help_text="Your id of the event: unique per partner.")
    tracking_number = serializers.RegexField(
        TRACKING_PATTERN,
        max_length=TRACKING_MAX_LENGTH,
        trim_whitespace=False,
        help_text="The tracking number the seller gave when shipping with you.",
    )
    type = serializers.ChoiceField(choices=ShipmentEvent.Kind.choices)
    occurred_at = OffsetDateTimeField(help_text="When it happened: ISO 8601 with the offset.")
    hub = TextField(
        max_length=10, required=False, allow_blank=True, help_text="The eHub's code, if at one."
    )
    location = TextField(max_length=200, required=False, allow_blank=True)
    note = TextField(max_length=500, required=False, allow_blank=True)


class ShipmentEventOutcome(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["recorded", "duplicate"],
        help_text="`duplicate`: this event id was already recorded; nothing changed.",
    )


WebhookRefused = coded_error("WebhookRefused", "bad_signature", "stale_timestamp")
UnknownShipmentError = coded_error("UnknownShipmentError", "unknown_shipment")

_HEADERS = [
    OpenApiParameter(
        name=TIMESTAMP_HEADER,
        type={"type": "string", "pattern": TIMESTAMP_PATTERN},
        location=OpenApiParameter.HEADER,
        required=True,
        description="When the request was signed, in Unix seconds (within 5 minutes of now).",
    ),
    OpenApiParameter(
        name=SIGNATURE_HEADER,
        type={"type": "string", "pattern": SIGNATURE_PATTERN},
        location=OpenApiParameter.HEADER,
        required=True,
        description='`sha256=` and the hex HMAC-SHA256, with your secret, of "<timestamp>.<raw '
        'body>".',
    ),
]


class ShipmentEventWebhook(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]
    parser_classes = [StrictJSONParser]

    @extend_schema(
        tags=["logistics"],
        summary="Report a shipment event (logistics partners, signed)",
        description="Stored once per event id: a repeat answers 200 `duplicate` and changes "
        "nothing. A `delivered` event delivers a shipped order; events never move an order "
        "back. See docs/delivery.md for signing.",
        request=ShipmentEventInput,
        parameters=_HEADERS,
        responses={
            201: OpenApiResponse(ShipmentEventOutcome, description="Recorded."),
            200: OpenApiResponse(ShipmentEventOutcome, description="Already recorded."),
            **errors(400),
            401: OpenApiResponse(
                WebhookRefused,
                description="Unknown or inactive partner, a missing or bad signature, or a "
                "timestamp more than 5 minutes away. Nothing was stored.",
            ),
            422: OpenApiResponse(
                UnknownShipmentError,
                description="The tracking number is none of this partner's shipments.",
            ),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        raw = request.body  # the exact bytes the partner signed, before parsing
        partner = (
            LogisticsPartner.objects.filter(code=code, active=True).first()
            if _CODE.fullmatch(code)
            else None
        )
        verdict = signature_check(
            secret=partner.secret if partner is not None else "",
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            sent=request.headers.get(SIGNATURE_HEADER),
            body=raw,
            now=time.time(),
        )
        if partner is None or verdict != VALID:
            refusal = BAD_SIGNATURE if partner is None else verdict
            return Response(
                {"detail": _REFUSED[refusal], "code": refusal},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        data = ShipmentEventInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = ReportedEvent(
            event_id=values["event_id"],
            tracking_number=values["tracking_number"],
            kind=values["type"],
            occurred_at=values["occurred_at"],
            hub=values.get("hub", ""),
            location=values.get("location", ""),
            note=values.get("note", ""),
        )
        try:
            outcome = shipment_event_record(partner=partner, event=event)
        except UnknownShipment as unknown:
            return Response(
                {"detail": unknown.detail, "code": "unknown_shipment"},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        created = outcome == RECORDED
        return Response(
            {"status": outcome}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
