"""`Idempotency-Key` on POSTs that create orders or payments, as Stripe defines it.

A key is scoped to the caller and the endpoint (method and path). The first request with it runs
and its response (status and body) is stored; a repeat with the same body gets that response
again, marked `Idempotent-Replayed: true`, and has no effect; a repeat with another body is 409
`{"code": "idempotency_key_reused"}`. The claim, the effect and the stored response commit in one
transaction, so two concurrent requests with one key have one effect (the second waits on the
unique index, then replays) and no key is ever left "in progress". A 400 or an exception stores
nothing: the request did nothing and may be retried with the same key.

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], ...)
    @idempotent
    def post(self, request, *args, **kwargs): ...
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.db import transaction
from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from ewtp.api import services
from ewtp.api.errors import Conflict
from ewtp.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
# Printable ASCII (space to tilde) with at least one visible character: a UUID fits, and so does
# any token a client library generates. Latin-1 header bytes beyond ASCII are refused rather
# than stored as whatever the server decoded them to.
_PATTERN = r"^[ -~]*[!-~][ -~]*$"
# The 409 codes a wrapped endpoint may answer, for its schema's 409 response.
CONFLICT_CODES = ("idempotency_key_reused", "idempotency_key_in_use")
_INVALID = (
    f"Send at most {MAX_LENGTH} printable ASCII characters, not all spaces, "
    "e.g. a UUID (or leave the header out)."
)

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": _PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique string per operation (a UUID, say), to retry it safely. For 24 hours a repeat "
        "of the same request with the same key returns the first response, with the header "
        "`Idempotent-Replayed: true`, and does nothing again; the same key with another body is "
        '409 `{"code": "idempotency_key_reused"}`. Keys are per user and endpoint. A 400 is not '
        "remembered: fix the request and resend it with the same key."
    ),
)

_View = TypeVar("_View")
_P = ParamSpec("_P")
_Handler = Callable[Concatenate[_View, Request, _P], Response]


def idempotent(handler: _Handler[_View, _P]) -> _Handler[_View, _P]:
    """Honour `Idempotency-Key` on a DRF view method or @action: `def post(self, request, ...)`.

    Put it under `@action`/`@extend_schema`; the handler must return a DRF `Response`. Without
    the header, or for an anonymous caller, the handler runs as it is.
    """

    @functools.wraps(handler)
    def wrapper(view: _View, request: Request, *args: _P.args, **kwargs: _P.kwargs) -> Response:
        raw = request.headers.get(HEADER)
        if raw is None:
            return handler(view, request, *args, **kwargs)
        key = _valid_key(raw)
        if not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        request_hash = _request_hash(request.data)  # a malformed body is a 400 here, as anywhere
        with transaction.atomic():
            row, claimed = services.idempotency_key_claim(
                user_id=request.user.pk,
                endpoint=_endpoint(request),
                key=key,
                request_hash=request_hash,
            )
            if not claimed:
                return _replay(row, request_hash=request_hash)
            response = handler(view, request, *args, **kwargs)
            if not isinstance(response, Response):
                raise TypeError(f"@idempotent handlers return a DRF Response, not {response!r}")
            if response.status_code == status.HTTP_400_BAD_REQUEST:
                services.idempotency_key_release(row=row)
            else:
                services.idempotency_key_record(
                    row=row, status=response.status_code, body=response.data
                )
        return response

    return wrapper


def _valid_key(raw: str) -> str:
    # HTTP ignores whitespace around a header value; clients differ in whether they send it.
    key = raw.strip()
    if not key or len(key) > MAX_LENGTH or not all(" " <= char <= "~" for char in key):
        raise ValidationError({HEADER: [_INVALID]})
    return key


def _request_hash(data: Any) -> str:
    """sha256 of the parsed body as canonical JSON: key order and spacing do not matter."""
    if isinstance(data, QueryDict):  # a form-encoded body: every value of every field
        data = {name: data.getlist(name) for name in data}
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=JSONEncoder
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _endpoint(request: Request) -> str:
    endpoint = f"{request.method} {request.path}"
    if len(endpoint) <= MAX_LENGTH and "\x00" not in endpoint:
        return endpoint
    # A path too long for the column (or holding a NUL, which PostgreSQL text cannot) is kept
    # as its start and a digest: still one value per path, and never a database error.
    digest = hashlib.sha256(endpoint.encode("utf-8", "surrogatepass")).hexdigest()
    start = endpoint.replace("\x00", "")[: MAX_LENGTH - len(digest) - 8]
    return f"{start} sha256:{digest}"


def _replay(row: IdempotencyKey, *, request_hash: str) -> Response:
    """The stored response of the request that first used the key, if this one is its repeat."""
    if row.request_hash != request_hash:
        raise Conflict(
            f"This {HEADER} was already used with another request body on this endpoint. "
            "Send a new key for a new request.",
            code="idempotency_key_reused",
        )
    if row.response_status is None:
        # Only this transaction can see its own unfinished row: the handler re-entered itself.
        raise Conflict(
            f"A request with this {HEADER} is still in progress.",
            code="idempotency_key_in_use",
        )
    return Response(
        row.response_body, status=row.response_status, headers={REPLAYED_HEADER: "true"}
    )
