"""After migrate, make sure the hub operators' group exists with its admin permissions."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def ensure_operator_group(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", None) != "marketplace":
        return
    from marketplace.services import hub_operator_group_ensure

    hub_operator_group_ensure()
