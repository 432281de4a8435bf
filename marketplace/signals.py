"""After migrate, make sure the hub operators' group exists with its admin permissions."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_migrate
from django.dispatch import receiver

# The group holds permissions of all four apps; each app's permissions exist only once its own
# post_migrate has run, so the group is refreshed after each of them (a cheap, idempotent set).
_APPS = {"marketplace", "ehubs", "customs", "payments"}


@receiver(post_migrate, dispatch_uid="hub-operator-group")
def ensure_operator_group(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", None) not in _APPS:
        return
    from marketplace.services import hub_operator_group_ensure

    hub_operator_group_ensure()
