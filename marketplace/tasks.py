"""Celery tasks of the marketplace: thin callers of `marketplace.orders`."""

from __future__ import annotations

from celery import shared_task

from marketplace.orders import orders_expire as orders_expire_service


@shared_task(name="marketplace.tasks.orders_expire")
def orders_expire() -> int:
    """Beat, every minute: unpaid orders past their time give their stock back."""
    return orders_expire_service()
