from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # ehubs before marketplace: marketplace.api.urls ends with a catch-all JSON 404.
    path("api/v1/", include("ehubs.api.urls")),
    path("api/v1/", include("marketplace.api.urls")),
    path("", include("marketplace.urls")),
]
