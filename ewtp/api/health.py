"""GET /api/v1/health/: liveness for load balancers and monitoring."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class HealthOutput(serializers.Serializer):
    status = serializers.CharField(help_text='"ok"')


@extend_schema(tags=["health"], summary="Liveness check", responses={200: HealthOutput})
class HealthView(APIView):
    """For load balancers and monitoring: answers without touching the database."""

    permission_classes = [AllowAny]
    authentication_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
