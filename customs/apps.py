from __future__ import annotations

from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "customs"
    verbose_name = "Customs"
    # Operators keep the tariff rows of the countries their hubs serve.
    operator_permissions = {"tariffrow": ("view", "add", "change", "delete")}

    def ready(self) -> None:
        from customs import signals  # noqa: F401
