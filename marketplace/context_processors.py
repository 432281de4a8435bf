from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Who the visitor is, for the navigation bar."""
    user = request.user
    return {
        "site_name": "eWTP Marketplace",
        "is_seller": bool(user.is_authenticated and hasattr(user, "seller_profile")),
        "is_buyer": bool(user.is_authenticated and hasattr(user, "buyer_profile")),
    }
