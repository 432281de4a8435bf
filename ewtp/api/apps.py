from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST conventions every app shares; its one model is the idempotency key."""

    name = "ewtp.api"
    label = "ewtp_api"
    verbose_name = "API"
