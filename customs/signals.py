"""Any saved or deleted tariff row makes every process rebuild its cached TariffIndex."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from customs.models import TariffRow
from ewtp.datacache import bump


@receiver(post_save, sender=TariffRow, dispatch_uid="customs.tariff_row_saved")
@receiver(post_delete, sender=TariffRow, dispatch_uid="customs.tariff_row_deleted")
def tariff_row_changed(sender: type[TariffRow], **kwargs: Any) -> None:
    # bulk_create / bulk_update send no signals: tariff_import bumps once itself.
    bump("tariff")


# Sent inside the transaction that decided declarations, with `declarations` (the Declaration
# rows just decided, whose `reference` names an order, e.g. "order:42"): marketplace moves its
# orders on in the same transaction (customs never imports it).
declarations_decided = Signal()
