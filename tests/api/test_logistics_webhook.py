"""POST /api/v1/logistics/<partner>/events/: only a request signed by the partner, with its
secret, within five minutes, is heard; an event is stored once; a delivered event delivers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from rest_framework.test import APIClient

from marketplace.models import Order, OrderEvent, ShipmentEvent
from marketplace.webhooks import BAD_SIGNATURE, STALE_TIMESTAMP, VALID, signature, signature_check
from tests.shipping import (
    CAINIAO_SECRET,
    DHL_SECRET,
    event_body,
    events_url,
    partner,
    shipped_order,
    signed,
)
from tests.trade import Trade

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def shipped(trade: Trade) -> Order:
    return shipped_order(trade)


def send(raw: bytes, headers: dict[str, str], code: str = "cainiao") -> Any:
    return APIClient().post(events_url(code), raw, content_type="application/json", headers=headers)


def post_event(body: dict[str, Any] | bytes, **kwargs: Any) -> Any:
    code = kwargs.pop("code", "cainiao")
    raw, headers = signed(body, **kwargs)
    return send(raw, headers, code)


# --- signing, the pure part ---------------------------------------------------------------------


def test_a_signature_is_the_hmac_of_the_timestamp_and_the_raw_body() -> None:
    # As a partner computes it, with nothing but the standard library.
    expected = hmac.new(b"s3cret", b'1764000000.{"a":1}', hashlib.sha256).hexdigest()
    assert signature("s3cret", 1764000000, b'{"a":1}') == f"sha256={expected}"
    good = signature("s3cret", 1764000000, b"{}")
    assert good.startswith("sha256=") and len(good) == 71


@pytest.mark.parametrize(
    ("body", "now", "verdict"),
    [
        (b"{}", 1764000000, VALID),
        (b"{} ", 1764000000, BAD_SIGNATURE),  # one byte more than was signed
        (b"{}", 1764000301, STALE_TIMESTAMP),
        (b"{}", 1763999699, STALE_TIMESTAMP),  # from the future
        (b"{}", 1764000300, VALID),  # five minutes exactly
    ],
)
def test_signature_check(body: bytes, now: int, verdict: str) -> None:
    good = signature("s3cret", 1764000000, b"{}")

    assert (
        signature_check(secret="s3cret", timestamp="1764000000", sent=good, body=body, now=now)
        == verdict
    )


# --- refused: 401, nothing stored ---------------------------------------------------------------


def assert_refused(response: Any, code: str) -> None:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert not ShipmentEvent.objects.exists()


def test_an_unsigned_request_is_refused(shipped: Order) -> None:
    raw = json.dumps(event_body()).encode()

    assert_refused(send(raw, {}), BAD_SIGNATURE)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-EWTP-Timestamp": "1764000000"},
        {"X-EWTP-Signature": "sha256=" + "0" * 64},
        {"X-EWTP-Timestamp": "soon", "X-EWTP-Signature": "sha256=" + "0" * 64},
        {"X-EWTP-Timestamp": "1764000000", "X-EWTP-Signature": "md5=abc"},
    ],
)
def test_a_missing_or_malformed_signature_header_is_refused(
    shipped: Order, headers: dict[str, str]
) -> None:
    raw = json.dumps(event_body()).encode()

    assert_refused(send(raw, headers), BAD_SIGNATURE)


def test_a_wrong_signature_is_refused(shipped: Order) -> None:
    raw, headers = signed(event_body())
    headers["X-EWTP-Signature"] = "sha256=" + "ab" * 32

    assert_refused(send(raw, headers), BAD_SIGNATURE)


def test_a_tampered_body_is_refused(shipped: Order) -> None:
    raw, headers = signed(event_body(kind="picked_up"))
    tampered = raw.replace(b"picked_up", b"delivered")

    assert_refused(send(tampered, headers), BAD_SIGNATURE)
    shipped.refresh_from_db()
    assert shipped.status == S.SHIPPED


def test_another_partners_secret_is_refused(shipped: Order) -> None:
    partner("dhl", "DHL eCommerce")

    assert_refused(post_event(event_body(), secret=DHL_SECRET), BAD_SIGNATURE)


def test_an_unknown_or_inactive_partner_is_refused(shipped: Order) -> None:
    partner("dhl", "DHL eCommerce", active=False)

    assert_refused(post_event(event_body(), code="ups"), BAD_SIGNATURE)
    assert_refused(post_event(event_body(), secret=DHL_SECRET, code="dhl"), BAD_SIGNATURE)
    assert_refused(post_event(event_body(), code="cai%00niao"), BAD_SIGNATURE)


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_a_timestamp_more_than_five_minutes_away_is_refused(shipped: Order, offset: int) -> None:
    response = post_event(event_body(), at=time.time() + offset)

    assert_refused(response, STALE_TIMESTAMP)
    assert "more than 5 minutes" in response.json()["detail"]


def test_a_timestamp_within_five_minutes_is_heard(shipped: Order) -> None:
    assert post_event(event_body(), at=time.time() - 240).status_code == 201


# --- heard ----------------------------------------------------------------------------------------


def test_a_new_event_is_recorded(shipped: Order) -> None:
    body = event_body(hub="HGH", location="Hangzhou", note="Scanned at the gate")

    response = post_event(body)

    assert (response.status_code, response.json()) == (201, {"status": "recorded"})
    event = ShipmentEvent.objects.get()
    assert (event.kind, event.hub, event.location, event.note) == (
        "picked_up",
        "HGH",
        "Hangzhou",
        "Scanned at the gate",
    )
    assert event.occurred_at.isoformat() == "2026-11-24T01:30:00+00:00"
    assert event.partner.code == "cainiao" and event.shipment.order_id == shipped.pk


def test_a_replayed_event_is_a_duplicate_and_stored_once(shipped: Order) -> None:
    raw, headers = signed(event_body())
    first = send(raw, headers)

    again = send(raw, headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"status": "duplicate"}
    assert ShipmentEvent.objects.count() == 1


def test_a_delivered_event_delivers_the_order(shipped: Order) -> None:
    response = post_event(event_body("evt-7", "delivered", location="Brussels"))

    assert response.status_code == 201
    shipped.refresh_from_db()
    assert shipped.status == S.DELIVERED
    assert OrderEvent.objects.filter(order=shipped, status=S.DELIVERED).count() == 1


def test_events_out_of_order_never_move_the_order_back(shipped: Order) -> None:
    post_event(event_body("evt-3", "delivered", occurred_at="2026-11-30T10:00:00Z"))

    late = post_event(event_body("evt-1", "picked_up", occurred_at="2026-11-24T09:30:00+08:00"))

    assert late.status_code == 201
    shipped.refresh_from_db()
    assert shipped.status == S.DELIVERED
    client = APIClient()
    client.force_authenticate(shipped.buyer.user)
    shipment = client.get(f"/api/v1/orders/{shipped.pk}/").json()["shipment"]
    assert [e["type"] for e in shipment["events"]] == ["picked_up", "delivered"]


def test_an_unknown_tracking_number_is_a_422_and_stores_nothing(shipped: Order) -> None:
    response = post_event(event_body(tracking="NOSUCH123"))

    assert response.status_code == 422
    assert response.json()["code"] == "unknown_shipment"
    assert "no shipment with the tracking number NOSUCH123" in response.json()["detail"]
    assert not ShipmentEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (event_body(kind="lost"), "type"),
        (event_body(occurred_at="2026-11-24T09:30:00"), "occurred_at"),
        (event_body(occurred_at="yesterday"), "occurred_at"),
        (event_body(occurred_at=1764000000), "occurred_at"),
        (event_body(tracking="CN 123"), "tracking_number"),
        (event_body(event_id=""), "event_id"),
        (event_body(event_id=7), "event_id"),
        (event_body(note="x" * 501), "note"),
        ({"event_id": "evt-1"}, "tracking_number"),
    ],
)
def test_malformed_fields_are_400_field_errors(
    shipped: Order, body: dict[str, Any], field: str
) -> None:
    response = post_event(body)

    assert response.status_code == 400
    assert field in response.json()
    assert not ShipmentEvent.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'"text"', b'{"event_id": "\\ud800"}'])
def test_a_malformed_body_is_a_400(shipped: Order, raw: bytes) -> None:
    response = post_event(raw)

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ShipmentEvent.objects.exists()


def test_the_secret_is_the_partners_own(shipped: Order) -> None:
    assert partner().secret == CAINIAO_SECRET


def test_a_body_over_the_size_limit_is_a_413_and_stores_nothing(
    shipped: Order, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = event_body(note="x" * 2000)

    response = post_event(body)

    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert not ShipmentEvent.objects.exists()
