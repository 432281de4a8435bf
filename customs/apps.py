from __future__ import annotations

from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "customs"
    verbose_name = "Customs"

    def ready(self) -> None:
        from customs import signals  # noqa: F401
