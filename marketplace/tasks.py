"""Celery tasks of the marketplace: thin callers of `marketplace.orders` and
`marketplace.shipping`."""

from __future__ import annotations

from celery import shared_task

from marketplace.orders import orders_expire as orders_expire_service
from marketplace.shipping import orders_auto_confirm as orders_auto_confirm_service


@shared_task(name="marketplace.tasks.orders_expire")
def orders_expire() -> int:
    """Beat, every minute: unpaid orders past their time give their stock back."""
    return orders_expire_service()


@shared_task(name="marketplace.tasks.orders_auto_confirm")
def orders_auto_confirm() -> int:
    """Beat, hourly: shipped orders past DELIVERY_AUTO_CONFIRM_DAYS become delivered."""
    return orders_auto_confirm_service()
