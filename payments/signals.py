"""Any change to rate rows (imports, admin edits) invalidates every process's cached rates."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ewtp.datacache import bump
from payments.models import FxRate, RateTable


@receiver(post_save, sender=RateTable, dispatch_uid="rates-save-table")
@receiver(post_delete, sender=RateTable, dispatch_uid="rates-delete-table")
@receiver(post_save, sender=FxRate, dispatch_uid="rates-save-rate")
@receiver(post_delete, sender=FxRate, dispatch_uid="rates-delete-rate")
def rates_changed(sender: Any, **kwargs: Any) -> None:
    bump("rates")
