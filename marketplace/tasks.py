"""Celery tasks of the marketplace: thin callers of `marketplace.orders`,
`marketplace.shipping` and `marketplace.settlement`."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from marketplace.orders import orders_expire as orders_expire_service
from marketplace.settlement import orders_settle as orders_settle_service
from marketplace.shipping import orders_auto_confirm as orders_auto_confirm_service

log = logging.getLogger(__name__)


@shared_task(name="marketplace.tasks.orders_expire")
def orders_expire() -> int:
    """Beat, every minute: unpaid orders past their time give their stock back."""
    return orders_expire_service()


@shared_task(name="marketplace.tasks.orders_auto_confirm")
def orders_auto_confirm() -> int:
    """Beat, hourly: shipped orders past DELIVERY_AUTO_CONFIRM_DAYS become delivered."""
    return orders_auto_confirm_service()


@shared_task(name="marketplace.tasks.orders_settle", acks_late=True, reject_on_worker_lost=True)
def orders_settle() -> int:
    """Beat, every EWTP_SETTLEMENT_EVERY_SECONDS: settle every delivered order. Each chunk
    commits whole or not at all, so a killed worker's run is simply finished by the next."""
    summary = orders_settle_service()
    log.info("Settlement: %s", summary)
    return summary.settled


@shared_task(name="marketplace.tasks.settlement_start")
def settlement_start() -> int:
    """Beat, every EWTP_SETTLEMENT_EVERY_SECONDS: EWTP_SETTLEMENT_SETTLERS settlement jobs at
    once, which share the delivered orders' chunks out (each chunk is locked by one)."""
    settlers = max(1, settings.EWTP_SETTLEMENT_SETTLERS)
    for _ in range(settlers):
        orders_settle.delay()
    return settlers
