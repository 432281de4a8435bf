"""API rate limits, and the client address they and the log-in lockout share (see docs/api.md,
Rate limits).

API requests are counted per user, or per address when anonymous, in Django's default cache;
`EWTP_API_THROTTLE=false` turns the counting off. A client's address is REMOTE_ADDR, or with
`EWTP_TRUSTED_PROXIES` set, the address that many proxies from the right of X-Forwarded-For.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address; X-Forwarded-For counts only behind the configured proxies."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.EWTP_TRUSTED_PROXIES
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote


# --- API rate limits --------------------------------------------------------------------------


class _SettingsRateThrottle:
    """Reads its rate and the on/off switch from settings at each request, so they can change
    without re-importing the views (tests override them)."""

    rate_setting = ""

    def get_rate(self) -> str:
        rate: str = getattr(settings, self.rate_setting)
        return rate

    def get_ident(self, request: Request) -> str:
        return client_ip(request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not settings.EWTP_API_THROTTLE:
            return True
        allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
        return allowed


class AnonThrottle(_SettingsRateThrottle, AnonRateThrottle):
    """Anonymous requests, per address: EWTP_API_RATE_ANON."""

    rate_setting = "EWTP_API_RATE_ANON"


class UserThrottle(_SettingsRateThrottle, UserRateThrottle):
    """Signed-in requests, per user: EWTP_API_RATE_USER."""

    rate_setting = "EWTP_API_RATE_USER"
