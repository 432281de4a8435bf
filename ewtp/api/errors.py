"""The single place where API error bodies are shaped (see docs/API.md, Conventions).

- 400: `{"field": ["message"]}`, errors not tied to a field under `non_field_errors`. A Django
  `ValidationError` raised by a service and a malformed body (`ParseError`) take the same shape,
  so a client reads every 400 the same way.
- 401/403/404: `{"detail": "…"}`.
- 409/422: `{"detail": "human sentence", "code": "…"}` from `Conflict` and `RuleRefused`.
- 413: `{"detail": "…", "code": "too_large" | "too_many_fields"}` for a body over Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE or DATA_UPLOAD_MAX_NUMBER_FIELDS (`PayloadTooLarge`), instead of
  the site's HTML 400 page.
- 429: `{"detail", "code": "throttled"}` (rate limit) or `"locked_out"` (log-ins), with
  Retry-After.
- 502: `{"detail": "…", "code": "provider_error"}` from `ProviderFailed`: the payment provider
  failed and nothing was changed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ewtp.codes import RefusalCode


class CodedError(APIException):
    """An error whose body carries a machine-readable `code` next to the human `detail`."""

    codes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, detail: str, *, code: str) -> None:
        if self.codes and code not in self.codes:
            raise ValueError(f"unknown {type(self).__name__} code {code!r}")
        super().__init__(detail=detail, code=code)
        self.code = code


class RuleRefused(CodedError):
    """A valid request the business rules refuse: 422 `{"detail", "code"}`."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is valid but the rules refuse it."
    codes = tuple(RefusalCode)


class Conflict(CodedError):
    """The request clashes with the current state (stock gone, idempotency key reused): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."


class ProviderFailed(CodedError):
    """The payment provider failed while the request was being carried out; nothing changed
    and the request may be sent again: 502. Raised (not returned), so an `Idempotency-Key`
    does not remember it."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The payment provider failed; nothing was changed."
    codes = ("provider_error",)


class PayloadTooLarge(CodedError):
    """The request body is over the size or field-count limit: 413."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    codes = ("too_large", "too_many_fields")

    @classmethod
    def too_large(cls) -> PayloadTooLarge:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return cls(
            f"The request body is larger than {limit:,} bytes, the most the API accepts.",
            code="too_large",
        )


def field_errors(exc: ValidationError | DjangoValidationError) -> dict[str, Any]:
    """`{"field": ["message"]}`, with Django's `__all__` renamed to `non_field_errors`.

    Errors of nested input are flattened to paths, so every value is a list of messages:
    `{"lines[1].listing": ["Listing 9 is not an active listing."]}`.
    """
    flat: dict[str, list[Any]] = {}
    _flatten(as_serializer_error(exc), "", flat)
    if NON_FIELD_ERRORS in flat:
        flat.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        flat[api_settings.NON_FIELD_ERRORS_KEY] += flat.pop(NON_FIELD_ERRORS)
    return flat


def _flatten(errors: Any, path: str, out: dict[str, list[Any]]) -> None:
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int) or key.isdigit():  # errors of list items, by index
                _flatten(value, f"{path}[{key}]", out)
                continue
            nested = key in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY)
            _flatten(value, path if nested and path else f"{path}.{key}" if path else key, out)
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        for index, value in enumerate(errors):
            if value:
                _flatten(value, f"{path}[{index}]", out)
    else:
        messages = errors if isinstance(errors, list) else [errors]
        out.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).extend(messages)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus service `ValidationError`s as 400 field errors and coded 409/422s."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge.too_large()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        exc = PayloadTooLarge(
            f"The request body has more than {limit:,} fields, the most the API accepts.",
            code="too_many_fields",
        )
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=field_errors(exc))
    elif isinstance(exc, ParseError):
        exc = ValidationError(detail={api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    elif isinstance(exc, ValidationError):
        exc = ValidationError(detail=field_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, CodedError):
        response.data = {"detail": str(exc.detail), "code": exc.code}
    elif response is not None and isinstance(exc, Throttled):
        response.data = {"detail": str(exc.detail), "code": "throttled"}
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API URLs answer in JSON like the rest of the API, not with the site's 404 page."""
    return JsonResponse({"detail": "Not found."}, status=404)
