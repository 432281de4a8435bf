"""Routes of /api/v1/hs-codes/ (mounted by ewtp.urls)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from customs.api import views

router = SimpleRouter()
router.register("hs-codes", views.HsCodeViewSet, basename="api-hs-code")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
