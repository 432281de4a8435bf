"""Thin read-only views of the HS 2022 nomenclature: search and look-up."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from customs.api.serializers import HsCodeDetailOutput, HsCodeOutput, hs_code_data
from customs.nomenclature import Match, nomenclature
from ewtp.api.inputs import NOT_BLANK_PATTERN
from ewtp.api.links import link, links
from ewtp.api.schema import ERRORS_404, errors

MAX_SEARCH = 200
SEARCH_REQUIRED = (
    "Give words to search for, e.g. ?search=cotton+t-shirt, or the first digits of a code."
)

SEARCH = OpenApiParameter(
    "search",
    # Not blank after trimming, as the view reads it (Python's whitespace, \x1c-\x1f included).
    {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH, "pattern": NOT_BLANK_PATTERN},
    required=True,
    description=(
        "Words describing the goods (`cotton t-shirt`: ranked, best first; plurals and "
        "`t-shirt`/`tshirt`/`t shirt` alike), or digits (`6109`: the subheadings starting with "
        "them, in code order). Missing, blank or holding a NUL character is a 400."
    ),
)
CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="A chapter (2 digits), heading (4) or subheading (6), e.g. 6109.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Search the HS 2022 subheadings by words or by the first digits of a code",
        parameters=[SEARCH],
        responses={200: HsCodeOutput(many=True), **errors(400, 404)},  # bad page; past the end
        extensions=links(
            200,
            GetFirstHsCode=link(
                "v1_hs_codes_retrieve",
                "The first subheading found, with what it contains.",
                code="$response.body#/results/0/code",
            ),
        ),
    ),
    retrieve=extend_schema(
        summary="An HS 2022 chapter, heading or subheading, with what it contains",
        parameters=[CODE],
        responses={200: HsCodeDetailOutput, **ERRORS_404},
    ),
)
@extend_schema(tags=["hs-codes"])
class HsCodeViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes = ()  # public reference data: nothing to authenticate
    filter_backends: list[type] = []
    lookup_field = "code"
    serializer_class = HsCodeOutput

    def list(self, request: Request) -> Response:
        raw = request.query_params.get("search", "")
        query = raw.strip()
        if not query:
            raise ValidationError({"search": [SEARCH_REQUIRED]})
        if "\x00" in raw:  # as every text field of the API (docs/api.md)
            raise ValidationError({"search": ["Null characters are not allowed."]})
        if len(raw) > MAX_SEARCH:
            raise ValidationError(
                {"search": [f"Ensure this field has no more than {MAX_SEARCH} characters."]}
            )
        found = nomenclature().search(query)
        page: list[Match] | None = self.paginate_queryset(found)  # type: ignore[arg-type]
        assert page is not None  # the API always paginates lists
        return self.get_paginated_response([hs_code_data(m.entry) for m in page])

    def retrieve(self, request: Request, code: str) -> Response:
        hs = nomenclature()
        if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6)):
            raise NotFound(f"An HS code here has 2, 4 or 6 digits; “{code}” has not.")
        entry = hs.get(code)
        if entry is None:
            if len(code) == 6:
                raise NotFound(hs.unknown_message(code))
            raise NotFound(
                f"{code} is not an HS 2022 {'chapter' if len(code) == 2 else 'heading'}."
            )
        return Response(hs_code_data(entry, children=True))
