from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"
    # Operators read the FX tables; imports and superusers write them.
    operator_permissions = {"ratetable": ("view",), "fxrate": ("view",)}

    def ready(self) -> None:
        from payments import signals  # noqa: F401
