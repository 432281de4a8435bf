"""Periodic jobs of the API (CELERY_BEAT_SCHEDULE runs them)."""

from __future__ import annotations

from celery import shared_task

from ewtp.api import services


@shared_task(name="ewtp.api.tasks.idempotency_keys_purge")
def idempotency_keys_purge() -> int:
    """Delete idempotency keys past their TTL; safe to run twice or concurrently."""
    return services.idempotency_keys_purge()
