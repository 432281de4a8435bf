"""Routes of /api/v1/ (mounted by ewtp.urls)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from marketplace.api import views

router = SimpleRouter()
router.register("sellers", views.SellerViewSet, basename="api-seller")
router.register("buyers", views.BuyerViewSet, basename="api-buyer")
router.register("listings", views.ListingViewSet, basename="api-listing")


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API URLs answer in JSON like the rest of the API, not with the site's 404 page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    *router.urls,
    re_path(r"^(?P<path>[\s\S]*)$", not_found, name="api-not-found"),
]
