from __future__ import annotations

from django.apps import AppConfig


class EhubsConfig(AppConfig):
    name = "ehubs"
    verbose_name = "eHubs"
    # Operators read the whole network and run the corridors leaving their own hubs; they read
    # the waybills of the consignments routed through their hubs.
    operator_permissions = {
        "hub": ("view",),
        "hubcountry": ("view",),
        "corridor": ("view", "add", "change"),
        "customsunion": ("view",),
        "customsunionmember": ("view",),
        "waybill": ("view",),
    }

    def ready(self) -> None:
        from ehubs import signals  # noqa: F401
