"""Routes of /api/v1/hs-codes/ and /api/v1/declarations/ (mounted by ewtp.urls)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from customs.api import views
from customs.api.declarations import DeclarationViewSet

router = SimpleRouter()
router.register("hs-codes", views.HsCodeViewSet, basename="api-hs-code")
router.register("declarations", DeclarationViewSet, basename="api-declaration")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
