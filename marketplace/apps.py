from __future__ import annotations

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"
    # What hub operators do in admin, by model (see ehubs.services.hub_operator_group_ensure):
    # sellers and listings of their hubs' countries; buyers only through orders (later).
    operator_permissions = {
        "sellerprofile": ("view", "change"),
        "buyerprofile": ("view",),
        "listing": ("view", "change"),
    }
