"""A JSON parser that turns every malformed body into a 400 and an oversized one into a 413,
never a 500 or an HTML page."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# JSON may escape lone UTF-16 surrogates ("\ud800"); Python keeps them in str, and the database
# driver then fails to encode them (a 500), so they are refused as malformed input.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Raw UTF-8 cannot hold a surrogate, so only a body with a \uD800–\uDFFF escape can yield one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_surrogate(data: Any) -> bool:
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, also refusing lone surrogates, nesting deep enough to overflow and
    bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (read no further than the limit, so a body sent
    without a Content-Length is bounded too)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            # As Django raises it for a Content-Length over the limit; the handler makes it a 413.
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
        if _SURROGATE_ESCAPE.search(raw) and _has_surrogate(data):
            raise ParseError("JSON parse error - unpaired surrogate in a string.")
        return data
