"""/api/v1/declarations/: the customs declarations a user may see, and hub operators' decisions
on them (docs/api.md, Declarations).

Thin views over `customs.selectors` (who sees and who decides) and `customs.review` (the
decision). A rejection refunds the order inside the decision's transaction; when the payment
provider fails, the whole decision rolls back and the answer is a 502 the operator may retry.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from customs.api.serializers import DecideInput, DeclarationOutput, declaration_body
from customs.models import Declaration
from customs.models.declarations import DeclarationStatus, Direction
from customs.review import DeclarationConflict, declaration_decide
from customs.selectors import declaration_decidable_by, declarations_visible
from ehubs.models import HUB_CODE_PATTERN, Hub
from ewtp.api.errors import ProviderFailed
from ewtp.api.idempotency import CONFLICT_CODES, IDEMPOTENCY_KEY_PARAMETER, idempotent
from ewtp.api.links import link, links
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import coded_error, errors
from payments.services import PaymentFailed

DecideConflict = coded_error("DecideConflict", "not_open", *CONFLICT_CODES)
DecideProviderError = coded_error("DecideProviderError", "provider_error")


class HubCodeFormField(forms.CharField):
    """The code of an existing hub, exactly as written (no trimming, capitals)."""

    default_error_messages = {"unknown": "There is no hub %(code)s: see GET /api/v1/hubs/."}
    default_validators = [
        RegexValidator(HUB_CODE_PATTERN, "Enter a hub code: 2–10 capital letters or digits.")
    ]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        code: str = super().clean(value)
        # Well formed first (the validators), so the database only ever sees a plausible code.
        if code and not Hub.objects.filter(code=code).exists():
            raise DjangoValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return code


class HubCodeFilter(filters.CharFilter):
    field_class = HubCodeFormField


class DeclarationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=DeclarationStatus.choices,
        help_text="`review` and `held` are the hub's review queue.",
    )
    direction = filters.ChoiceFilter(
        choices=Direction.choices,
        help_text="`export` at the origin's hub, `import` at the destination's.",
    )
    hub = extend_schema_field({"type": "string", "pattern": HUB_CODE_PATTERN, "example": "HGH"})(
        HubCodeFilter(
            field_name="hub__code",
            help_text="Declarations filed at this hub (its code; an unknown hub is a 400).",
        )
    )

    class Meta:
        model = Declaration
        fields: list[str] = []


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A declaration.")
_GET_DECLARATION = link("v1_declarations_retrieve", "The declaration.", id="$response.body#/id")
_DECIDE = link(
    "v1_declarations_decide_create",
    "Decide on it (operators of its hub).",
    id="$response.body#/id",
)


@extend_schema_view(
    list=extend_schema(
        summary="Customs declarations you may see",
        description="A seller's own declarations, those filed at the hubs an operator runs "
        "(every one for a superuser), oldest first; anyone else gets an empty page. A page "
        "past the last is a 404.",
        responses={200: DeclarationOutput(many=True), **errors(400, 401, 404)},
        extensions=links(
            200,
            GetFirstDeclaration=link(
                "v1_declarations_retrieve",
                "The first declaration of the page.",
                id="$response.body#/results/0/id",
            ),
        ),
    ),
    retrieve=extend_schema(
        summary="One customs declaration",
        description="A declaration you may not see is a 404, as an unknown one.",
        parameters=[ID],
        responses={200: DeclarationOutput, **errors(401, 404)},
        extensions=links(200, DecideDeclaration=_DECIDE),
    ),
)
@extend_schema(tags=["declarations"])
class DeclarationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Declaration]
):
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]
    serializer_class = DeclarationOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeclarationFilter

    def get_queryset(self) -> QuerySet[Declaration]:
        return declarations_visible(user=self.request.user)

    def filter_queryset(self, queryset: QuerySet[Declaration, Any]) -> QuerySet[Declaration, Any]:
        # The filters narrow the list; a declaration's own URL finds it whatever the query says.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates
        return self.get_paginated_response([declaration_body(d) for d in page])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(declaration_body(self.get_object()))

    @extend_schema(
        summary="Approve, hold or reject a declaration (operators of its hub)",
        description="`approve` clears it (the order is `cleared` once all its declarations "
        "are); `hold` asks the seller a question (`reason`); `reject` (with a `reason`) "
        "cancels the order and refunds the buyer in full. A seller who sees the declaration "
        "gets a 403; anyone else who does not see it, a 404.",
        parameters=[ID, IDEMPOTENCY_KEY_PARAMETER],
        request=DecideInput,
        responses={
            200: DeclarationOutput,
            **errors(400, 401, 403, 404),
            409: OpenApiResponse(
                DecideConflict,
                description="Already cleared or rejected, or the Idempotency-Key was reused.",
            ),
            502: OpenApiResponse(
                DecideProviderError,
                description="The refund of a rejection failed at the payment provider; "
                "nothing changed: decide again.",
            ),
        },
        extensions=links(200, GetDeclaration=_GET_DECLARATION),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def decide(self, request: Request, pk: str | None = None) -> Response:
        declaration = self.get_object()  # 404 unless the caller may see it
        if not declaration_decidable_by(declaration=declaration, user=request.user):
            raise PermissionDenied(
                f"Only the operators of hub {declaration.hub.code} decide on its declarations."
            )
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decided = declaration_decide(
                declaration=declaration,
                decision=data.validated_data["decision"],
                reason=data.validated_data["reason"],
                by=request.user,
            )
        except DeclarationConflict as conflict:
            return Response(
                {"detail": conflict.detail, "code": conflict.code},
                status=status.HTTP_409_CONFLICT,
            )
        except PaymentFailed as failed:
            # Raised, not returned: the decision rolled back, and a retry with the same
            # Idempotency-Key must try again rather than replay this answer.
            raise ProviderFailed(
                f"{failed.message} Nothing was changed: the declaration is still open.",
                code="provider_error",
            ) from failed
        return Response(declaration_body(decided))
