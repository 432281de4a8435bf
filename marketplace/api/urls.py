"""Routes of /api/v1/ (mounted by ewtp.urls)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from marketplace.api import views
from marketplace.api.logistics import ShipmentEventWebhook
from marketplace.api.orders import OrderViewSet
from marketplace.api.payouts import PayoutViewSet
from marketplace.api.quotes import QuoteView

router = SimpleRouter()
router.register("sellers", views.SellerViewSet, basename="api-seller")
router.register("buyers", views.BuyerViewSet, basename="api-buyer")
router.register("listings", views.ListingViewSet, basename="api-listing")
router.register("orders", OrderViewSet, basename="api-order")
router.register("payouts", PayoutViewSet, basename="api-payout")


urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("quotes/", QuoteView.as_view(), name="api-quotes"),
    path(
        "logistics/<str:code>/events/",
        ShipmentEventWebhook.as_view(),
        name="api-logistics-events",
    ),
    *router.urls,
]
