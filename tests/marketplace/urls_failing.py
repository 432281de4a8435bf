"""Test-only URLconf: the site's URLs plus views that fail in the ways error pages cover."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from ewtp.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "sk_live_do_not_show_this_to_anyone"


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"database password is {SECRET_DETAIL}")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("test-only/crash/", crash),
    path("test-only/forbidden/", forbidden),
    *site_urlpatterns,
]
