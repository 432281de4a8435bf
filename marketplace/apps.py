from __future__ import annotations

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"
    # What hub operators do in admin, by model (see ehubs.services.hub_operator_group_ensure):
    # sellers and listings of their hubs' countries (marketplace.admin); the orders routed
    # through their hubs, read-only, with their lines and timelines (the order page's inlines
    # need these). No buyers yet.
    operator_permissions = {
        "sellerprofile": ("view", "change"),
        "listing": ("view", "change"),
        "order": ("view",),
        "orderline": ("view",),
        "orderevent": ("view",),
    }

    def ready(self) -> None:
        # Orders follow their customs declarations (customs.signals.declarations_decided).
        from marketplace import order_customs  # noqa: F401
