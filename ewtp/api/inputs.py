"""Request inputs that accept exactly what the OpenAPI schema says, no more.

DRF's fields coerce: an IntegerField takes `"5"`, `5.0` and `"5.0"`, a CharField takes `5`, and
a CharField trims `"  "` to a blank. The schema says `integer` and `string`, so a client reading
it would be told one thing and the server would do another. `JSONTypedInput` refuses a value whose
JSON type is not the one the schema gives its field, and `TextField` is a CharField whose schema
says what the server refuses (blank after trimming, NUL characters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema

# What str.strip() removes (DRF trims, then refuses blanks and NULs), written out: regex engines
# other than Python's (a client's, a schema fuzzer's) read `\s` as fewer characters.
PY_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# "One character that is neither whitespace nor NUL": exactly "not blank after trimming".
NOT_BLANK_PATTERN = rf"^[^\x00]*[^{PY_WHITESPACE}\x00][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"

_TYPE_MESSAGES = {
    "integer": "Enter a whole number (a JSON integer).",
    "string": "Enter a string.",
    "boolean": "Enter true or false.",
    "number": "Enter a number or a decimal string.",
}


def json_type_of(field: serializers.Field) -> str | None:
    """The JSON type the schema documents for a field, for the fields inputs use."""
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return "string"
    return None


def json_type_matches(value: Any, json_type: str) -> bool:
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "boolean":
        return isinstance(value, bool)
    return True


class JSONTypedInput(serializers.Serializer):
    """A serializer that refuses values of the wrong JSON type, next to its other field errors."""

    def to_internal_value(self, data: Any) -> Any:
        wrong: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            for name, field in self.fields.items():
                if field.read_only or name not in data or data[name] is None:
                    continue
                json_type = json_type_of(field)
                if json_type and not json_type_matches(data[name], json_type):
                    wrong[name] = [_TYPE_MESSAGES[json_type]]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if wrong and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**wrong, **exc.detail}) from exc
            raise
        if wrong:
            raise serializers.ValidationError(wrong)
        return value


class TextField(serializers.CharField):
    """A required, trimmed, non-blank string (titles, names); with `allow_blank`, an optional
    note. `max_length` counts what was sent, as the schema's maxLength does, not what is left
    after trimming (checked before DRF turns an all-whitespace string into "")."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class TextFieldExtension(OpenApiSerializerFieldExtension):
    target_class = TextField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        field: TextField = self.target
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        if direction == "request":
            schema["pattern"] = NOT_BLANK_PATTERN if not field.allow_blank else NO_NUL_PATTERN
            if field.allow_blank:
                schema.pop("minLength")
        if field.help_text:
            schema["description"] = str(field.help_text)
        return schema
