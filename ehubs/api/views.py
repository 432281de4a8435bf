"""Thin read-only views of the hub network."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from ehubs import selectors
from ehubs.api.serializers import HubDetailOutput, HubOutput
from ehubs.models import Hub
from ewtp.api.links import link, links
from ewtp.api.schema import ERRORS_404, errors


@extend_schema_view(
    list=extend_schema(
        summary="List the eHubs and the countries each serves",
        responses={200: HubOutput(many=True), **errors(400, 404)},  # bad page; page past the end
        extensions=links(
            200,
            GetFirstHub=link(
                "v1_hubs_retrieve",
                "The first hub of the page, with its corridors.",
                code="$response.body#/results/0/code",
            ),
        ),
    ),
    retrieve=extend_schema(
        summary="An eHub, with the corridors leaving it",
        responses={200: HubDetailOutput, **ERRORS_404},
    ),
)
@extend_schema(tags=["hubs"])
class HubViewSet(viewsets.ReadOnlyModelViewSet[Hub]):
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = "[A-Z0-9]{2,10}"
    filter_backends: list[type] = []
    serializer_class = HubOutput

    def get_queryset(self) -> QuerySet[Hub]:
        if self.action == "retrieve":
            return selectors.hubs_with_corridors()
        return selectors.hubs_list()

    def get_serializer_class(self) -> type[BaseSerializer[Hub]]:
        return HubDetailOutput if self.action == "retrieve" else HubOutput
