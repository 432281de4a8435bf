"""Routes of /api/v1/hubs/ (mounted by ewtp.urls)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from ehubs.api import views

router = SimpleRouter()
router.register("hubs", views.HubViewSet, basename="api-hub")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
