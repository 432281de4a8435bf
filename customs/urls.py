"""Pages of the customs app (mounted by ewtp.urls)."""

from __future__ import annotations

from django.urls import URLPattern, path

from customs import views

urlpatterns: list[URLPattern] = [
    path("hs-codes/", views.hs_codes, name="hs_codes"),
]
