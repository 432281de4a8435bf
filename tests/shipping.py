"""Orders ready to ship, logistics partners and signed partner requests, shared by the delivery
tests (services, API, webhook, pages)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from marketplace.models import LogisticsPartner, Order
from marketplace.shipping import order_ship
from marketplace.webhooks import signed_headers
from tests.customs.clearing import clear, paid_order, verify
from tests.trade import Trade

CAINIAO_SECRET = "cainiao-test-secret"
DHL_SECRET = "dhl-test-secret"
TRACKING = "CN123456789"


def partner(
    code: str = "cainiao", name: str = "Cainiao Network", **fields: Any
) -> LogisticsPartner:
    secret = fields.pop("secret", CAINIAO_SECRET if code == "cainiao" else DHL_SECRET)
    found, _ = LogisticsPartner.objects.get_or_create(
        code=code, defaults={"name": name, "secret": secret, **fields}
    )
    return found


def cleared_order(trade: Trade, quantity: int = 1) -> Order:
    """An order of shirts from the (verified) seller, paid and cleared by customs at both hubs."""
    verify(trade.seller)
    order = paid_order(trade, [(trade.shirt, quantity)])
    clear(order)
    order.refresh_from_db()
    assert order.status == Order.Status.CLEARED
    return order


def shipped_order(trade: Trade, tracking: str = TRACKING) -> Order:
    """A cleared order shipped with Cainiao under `tracking`."""
    order = cleared_order(trade)
    partner()
    return order_ship(
        order=order, carrier="cainiao", tracking_number=tracking, by=trade.seller.user
    )


def event_body(
    event_id: Any = "evt-1",
    kind: str = "picked_up",
    tracking: str = TRACKING,
    occurred_at: Any = "2026-11-24T09:30:00+08:00",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "tracking_number": tracking,
        "type": kind,
        "occurred_at": occurred_at,
        **extra,
    }


def events_url(code: str = "cainiao") -> str:
    return f"/api/v1/logistics/{code}/events/"


def signed(
    body: dict[str, Any] | bytes, secret: str = CAINIAO_SECRET, at: float | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers a partner sends with it, signed at `at` (now by default)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, signed_headers(secret, int(time.time() if at is None else at), raw)


def parsed(value: str) -> datetime:
    return datetime.fromisoformat(value)
