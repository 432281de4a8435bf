"""Any change to the network's rows (imports, admin edits) invalidates every process's cached
network; after migrate, the hub operators' group is kept in step with what the apps declare."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from ehubs.models import Corridor, CustomsUnion, CustomsUnionMember, Hub, HubCountry
from ewtp.datacache import bump

NETWORK_MODELS = (Hub, HubCountry, Corridor, CustomsUnion, CustomsUnionMember)


def network_changed(sender: Any, **kwargs: Any) -> None:
    bump("network")


for _model in NETWORK_MODELS:
    post_save.connect(
        network_changed, sender=_model, dispatch_uid=f"network-save-{_model.__name__}"
    )
    post_delete.connect(
        network_changed, sender=_model, dispatch_uid=f"network-delete-{_model.__name__}"
    )


@receiver(post_migrate, dispatch_uid="hub-operator-group")
def ensure_operator_group(sender: Any, **kwargs: Any) -> None:
    # Each app's permissions exist only once its own post_migrate has run, so the group is
    # refreshed after each app that declares operator permissions (a cheap, idempotent set).
    if getattr(sender, "operator_permissions", None) is None:
        return
    from ehubs.services import hub_operator_group_ensure

    hub_operator_group_ensure()
