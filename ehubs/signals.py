"""Any change to the network's rows (imports, admin edits) invalidates every process's cached
network."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

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
