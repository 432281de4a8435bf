"""Site-wide answers that are no page of their own: the CSRF failure page and the favicon.

The 400, 403, 404 and 500 pages are Django's default views rendering templates/<code>.html."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

FAVICON_MAX_AGE = 24 * 60 * 60


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's own view renders its template without the request,
    so the header (who is signed in, the cart) would be missing; this one renders it in full.
    The technical reason is shown only in debug mode."""
    context = {"reason": reason if settings.DEBUG else ""}
    return render(request, "403_csrf.html", context, status=403)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon (its
    hashed, long-cached static URL in production). Temporary, as the hash changes with the file."""
    response = HttpResponseRedirect(static("favicon.svg"))
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
