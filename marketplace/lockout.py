"""Log-in lockout: after `EWTP_LOGIN_FAILURE_LIMIT` failed log-ins for one username from one
address, django-axes refuses that pair for `EWTP_LOGIN_LOCKOUT_MINUTES` (the log-in page, admin
and `POST /api/v1/auth/token/`).

`lockout_response` is the answer axes gives the pages (AXES_LOCKOUT_CALLABLE); the token view
raises `LockedOut` itself, as axes marks DRF's request, which its middleware never sees.
`lockout_username` (AXES_USERNAME_CALLABLE) is the username axes records and counts.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from rest_framework import status
from rest_framework.request import Request

from ewtp.api.errors import CodedError

LOCKED_OUT_DETAIL = (
    "Too many failed log-ins for this username from your address: try again in {wait}."
)


def lockout_seconds() -> int:
    # Axes restarts the cool-off at every refused attempt, so the wait is always the full one.
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_wait() -> str:
    """The cool-off in words: "15 minutes", "1 hour", "30 seconds"."""
    seconds = lockout_seconds()
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}{pluralize(seconds // size)}"
    return f"{seconds} second{pluralize(seconds)}"


# Axes stores the username tried; nobody's username is this long (Django's is at most 150).
_USERNAME_STORED = AccessAttempt._meta.get_field("username").max_length or 255


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> Any:
    """AXES_USERNAME_CALLABLE: the username tried (as axes reads it), cut to what axes can store,
    so that a log-in with an absurdly long username is a failed log-in, not a database error."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")  # set by axes.conf
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:_USERNAME_STORED] if isinstance(username, str) else username


def _lockout_detail() -> str:
    return LOCKED_OUT_DETAIL.format(wait=lockout_wait())


class LockedOut(CodedError):
    """429 `{"detail", "code": "locked_out"}` with Retry-After, from the token endpoint."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    codes = ("locked_out",)

    def __init__(self) -> None:
        super().__init__(_lockout_detail(), code="locked_out")
        self.wait = lockout_seconds()  # DRF's handler turns it into Retry-After


def raise_if_locked_out(request: Request) -> None:
    """After a refused log-in: raise LockedOut if axes refused it, or locked the pair just now."""
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the site's lockout page (or the API's JSON under /api/)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _lockout_detail(), "code": "locked_out"}, status=429
        )
    else:
        context = {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "wait": lockout_wait(),
        }
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response
