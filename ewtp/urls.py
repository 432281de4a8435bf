from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ewtp.api.errors import api_not_found
from ewtp.api.health import HealthView

urlpatterns = [
    # The hub dashboards are admin pages of their own, beside the models' (marketplace.admin).
    path("admin/", include("marketplace.admin.dashboard_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/health/", HealthView.as_view(), name="api-health"),
    path("api/v1/", include("ehubs.api.urls")),
    path("api/v1/", include("customs.api.urls")),
    path("api/v1/", include("marketplace.api.urls")),
    # Last of the API: unknown /api/ URLs answer in JSON like the rest of the API.
    re_path(r"^api/(?P<path>[\s\S]*)$", api_not_found, name="api-not-found"),
    path("", include("customs.urls")),
    path("", include("marketplace.urls")),
]
