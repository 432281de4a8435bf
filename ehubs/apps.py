from __future__ import annotations

from django.apps import AppConfig


class EhubsConfig(AppConfig):
    name = "ehubs"
    verbose_name = "eHubs"

    def ready(self) -> None:
        from ehubs import signals  # noqa: F401
