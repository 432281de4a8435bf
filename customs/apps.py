from __future__ import annotations

from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "customs"
    verbose_name = "Customs"
    # Operators keep the tariff rows of the countries their hubs serve.
    # their hubs' clearance modes, and their hubs' declarations: the review queue, whose actions
    # (approve, hold, reject) need "change"; lines and audit trails are read-only.
    operator_permissions = {
        "tariffrow": ("view", "add", "change", "delete"),
        "clearancemode": ("view", "add", "change", "delete"),
        "declaration": ("view", "change"),
        "declarationline": ("view",),
        "declarationevent": ("view",),
    }

    def ready(self) -> None:
        from customs import signals  # noqa: F401
