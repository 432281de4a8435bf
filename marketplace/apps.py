from __future__ import annotations

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"
    # What hub operators do in admin, by model (see ehubs.services.hub_operator_group_ensure):
    # sellers and listings of their hubs' countries (marketplace.admin); no buyers until orders
    # through their hubs grant them those orders' buyers.
    operator_permissions = {
        "sellerprofile": ("view", "change"),
        "listing": ("view", "change"),
    }
