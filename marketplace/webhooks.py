"""Signing of logistics partners' webhook requests (docs/delivery.md): pure, no ORM, no request.

A partner signs `f"{timestamp}.{raw body}"` with HMAC-SHA256 and its secret, and sends the
Unix-seconds timestamp in `X-EWTP-Timestamp` and `sha256=<hex digest>` in `X-EWTP-Signature`.
The timestamp is inside the signed text, so an old request cannot be replayed with a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TIMESTAMP_HEADER = "X-EWTP-Timestamp"
SIGNATURE_HEADER = "X-EWTP-Signature"
SIGNATURE_PREFIX = "sha256="
# How far a request's timestamp may be from the server's clock, either way.
TOLERANCE_SECONDS = 300

SIGNATURE_PATTERN = r"^sha256=[0-9a-f]{64}$"
TIMESTAMP_PATTERN = r"^[0-9]{1,12}$"
_SIGNATURE = re.compile(SIGNATURE_PATTERN)
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)

VALID = "valid"
BAD_SIGNATURE = "bad_signature"
STALE_TIMESTAMP = "stale_timestamp"


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The `X-EWTP-Signature` value of `body` sent at `timestamp` (Unix seconds)."""
    signed = f"{timestamp}.".encode("ascii") + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}{digest}"


def signature_check(
    *, secret: str, timestamp: str | None, sent: str | None, body: bytes, now: float
) -> str:
    """VALID, BAD_SIGNATURE (missing, malformed or not made with `secret` over this timestamp
    and body) or STALE_TIMESTAMP (signed, but more than TOLERANCE_SECONDS from `now`)."""
    if not timestamp or not sent:
        return BAD_SIGNATURE
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(sent):
        return BAD_SIGNATURE
    if not hmac.compare_digest(signature(secret, timestamp, body), sent):
        return BAD_SIGNATURE
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return STALE_TIMESTAMP
    return VALID


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The two headers a partner sends with `body` (for tests, the demo and partners' code)."""
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
