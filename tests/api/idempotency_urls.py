"""A test-only URLconf: tiny views wrapped in @idempotent whose POSTs have a visible effect
(a new auth Group), to prove the mechanism apart from any real endpoint."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from ewtp.api.errors import Conflict
from ewtp.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent

# The concurrency test holds the first request inside its handler until the others wait.
HOLD = threading.Event()
# Group names are unique, and a migration creates "Hub operators": the effects carry a prefix.
PREFIX = "idem:"


def effect_name(name: str) -> str:
    return f"{PREFIX}{name}:{uuid.uuid4().hex}"


def effects() -> list[str]:
    """The names given to the groups the views created, in creation order."""
    rows = Group.objects.filter(name__startswith=PREFIX).order_by("pk")
    return [row.name.removeprefix(PREFIX).rsplit(":", 1)[0] for row in rows]


class GroupCreate(APIView):
    """POST {"name"} -> 201 {"id", "name"}. `"invalid": true` returns a 400, `"raise_400"`
    raises one, `"refuse"` creates the group and then raises a 409, `"crash"` creates it and
    then raises RuntimeError; `"status"` chooses the success status; `"typed"` adds a Decimal
    and a datetime to the body; `"hold"` waits for HOLD."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=None, responses={201: None})
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        if data.get("invalid"):
            return Response({"name": ["This field is invalid."]}, status=400)
        if data.get("raise_400"):
            raise ValidationError({"name": ["This field is invalid."]})
        if data.get("hold"):
            HOLD.wait(timeout=20)
        group = Group.objects.create(name=effect_name(str(data.get("name", ""))))
        if data.get("refuse"):
            raise Conflict("Refused after the effect.", code="refused")
        if data.get("crash"):
            raise RuntimeError("the handler failed after its effect")
        body: dict[str, Any] = {"id": group.pk, "name": data.get("name", "")}
        if data.get("typed"):  # values the JSON renderer converts: stored as it renders them
            body |= {"amount": Decimal("12.30"), "at": datetime(2026, 11, 23, 9, 30, tzinfo=UTC)}
        return Response(body, status=int(data.get("status", 201)))


class OpenGroupCreate(GroupCreate):
    """The same, open to anonymous callers."""

    permission_classes = [permissions.AllowAny]


class GroupViewSet(viewsets.GenericViewSet[Group]):
    """An @action wrapped in @idempotent: POST /groups/{pk}/rename/ {"name"} -> 200."""

    queryset = Group.objects.all()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=None, responses={200: None})
    @action(detail=True, methods=["post"])
    @idempotent
    def rename(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        group.name = f"{group.name}+{request.data.get('name', '')}"
        group.save(update_fields=["name"])
        return Response({"id": group.pk, "name": group.name})


router = SimpleRouter()
router.register("groups", GroupViewSet, basename="group")

urlpatterns = [
    path("admin/", admin.site.urls),  # ewtp.admin_guard reverses admin:index on every request
    path("api/v1/things/", GroupCreate.as_view()),
    path("api/v1/other-things/", GroupCreate.as_view()),
    path("api/v1/open-things/", OpenGroupCreate.as_view()),
    path("api/v1/long/<str:tail>/", GroupCreate.as_view()),
    path("api/v1/", include(router.urls)),
]
