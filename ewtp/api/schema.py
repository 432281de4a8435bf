"""OpenAPI descriptions of the error bodies shaped by ewtp.api.errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from ewtp.api.errors import RuleRefused
from ewtp.api.inputs import NO_NUL_PATTERN

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class FieldErrors(serializers.Serializer):
    """Schema-only: `{"field": ["message"]}`, documented by FieldErrorsExtension."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrors

    def get_name(self, auto_schema: AutoSchema, direction: str) -> str:
        return "FieldErrors"

    def map_serializer(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Messages by input field; errors about the whole input (malformed "
            "JSON, a body that is not an object) under `non_field_errors`.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"hs_code": ["Enter an HS code of 6 to 10 digits."]},
        }


class ErrorDetail(serializers.Serializer):
    detail = serializers.CharField()


class RuleRefusedError(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence for people.")
    code = serializers.ChoiceField(choices=RuleRefused.codes, help_text="For programs.")


class TooManyRequestsError(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence for people.")
    code = serializers.ChoiceField(
        choices=("throttled", "locked_out"),
        help_text="`throttled`: the rate limit; `locked_out`: too many failed log-ins.",
    )


def coded_error(name: str, *codes: str) -> type[serializers.Serializer]:
    """The `{"detail", "code"}` body of one operation's 409 (or 502), with the codes it may
    answer: a component of its own, so each operation's schema lists exactly its codes."""
    fields = {
        "detail": serializers.CharField(help_text="A sentence for people."),
        "code": serializers.ChoiceField(choices=codes, help_text="For programs."),
    }
    return type(name, (serializers.Serializer,), fields)


_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FieldErrors, description="Invalid input."),
    401: OpenApiResponse(ErrorDetail, description="Not signed in, or a bad token."),
    403: OpenApiResponse(ErrorDetail, description="Signed in, but not allowed."),
    404: OpenApiResponse(ErrorDetail, description="Unknown, or not yours to see."),
    422: OpenApiResponse(RuleRefusedError, description="Valid, but the rules refuse it."),
    429: OpenApiResponse(
        TooManyRequestsError,
        description="Too many requests, or too many failed log-ins: wait `Retry-After` seconds.",
    ),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for `extend_schema(responses={200: …, **errors(400, 404)})`."""
    return {code: _RESPONSES[code] for code in codes}


ERRORS_400 = errors(400)
ERRORS_401 = errors(401)
ERRORS_403 = errors(403)
ERRORS_404 = errors(404)


class ThrottledAutoSchema(openapi.AutoSchema):
    """Every throttled operation may answer 429 (ewtp.api.throttling), with Retry-After."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        if getattr(self.view, "throttle_classes", ()) and "429" not in bodies:
            bodies["429"] = self._get_response_for_code(_RESPONSES[429], "429", None, direction)
        return bodies

    def _get_response_headers_for_code(
        self, status_code: str, direction: Any = "response"
    ) -> dict[str, Any]:
        headers: dict[str, Any] = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            }
        return headers


def _no_nul(schema: Any) -> None:
    """Say on every free-text request string that NUL is refused, as every text field does."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = NO_NUL_PATTERN
    for key in ("properties",):
        for child in (schema.get(key) or {}).values():
            _no_nul(child)
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key) or []:
            _no_nul(child)
    for key in ("items", "additionalProperties"):
        _no_nul(schema.get(key))


def postprocess_request_rules(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: rules every request follows, stated once for every endpoint.

    - Request strings (bodies, query parameters) refuse NUL characters, as Django's form and
      serializer text fields do.
    - An optional query parameter sent empty (`?page=&hs_prefix=`) counts as absent, as the
      pagination and django-filter do: `allowEmptyValue`.
    """
    for name, component in (result.get("components", {}).get("schemas") or {}).items():
        if name.endswith("Request"):
            _no_nul(component)
    for path in (result.get("paths") or {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters") or []:
                if parameter.get("in") == "query":
                    _no_nul(parameter.get("schema"))
                    if not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _no_nul(media.get("schema"))
    return result
