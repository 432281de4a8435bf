"""Clearance modes: each hub's procedures are data, editable in admin. A hub that has none yet
gets a standard set the first time it files a declaration."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from customs.declaring import EXPORT, IMPORT
from customs.models import ClearanceMode
from ehubs.models import Hub


@dataclass(frozen=True)
class ModeDefault:
    code: str
    name: str
    description: str
    limit: Decimal | None
    limit_currency: str
    export: bool
    import_: bool


# China's customs supervision modes for cross-border e-commerce; a single retail consignment
# above CNY 5,000 is outside the retail regime, so it goes to a person.
CHINA_MODES = (
    ModeDefault("9610", "Cross-border e-commerce retail, direct mail",
                "Parcels sent directly to the buyer; declared by list, summarised monthly.",
                Decimal(5000), "CNY", export=True, import_=True),
    ModeDefault("1210", "Cross-border e-commerce, bonded",
                "Goods stocked in a bonded zone and released parcel by parcel.",
                Decimal(5000), "CNY", export=False, import_=False),
    ModeDefault("9710", "Cross-border e-commerce B2B direct export",
                "Goods sold to a foreign business and shipped to it directly.",
                None, "", export=False, import_=False),
    ModeDefault("9810", "Cross-border e-commerce export to an overseas warehouse",
                "Goods exported to a warehouse abroad and sold from there.",
                None, "", export=False, import_=False),
)  # fmt: skip

GENERAL_MODES = (
    ModeDefault("ECOM", "E-commerce consignment",
                "A small business's parcel to a consumer, cleared on the platform's data.",
                Decimal(1000), "USD", export=True, import_=True),
    ModeDefault("GEN", "General trade", "A consignment cleared under the standard procedure.",
                None, "", export=False, import_=False),
)  # fmt: skip


def clearance_modes_ensure(*, hub: Hub) -> None:
    """Give `hub` the standard modes of its country if it has no mode at all."""
    if ClearanceMode.objects.filter(hub=hub).exists():
        return
    _standard_modes_create(hub)


def _standard_modes_create(hub: Hub) -> None:
    defaults = CHINA_MODES if str(hub.country) == "CN" else GENERAL_MODES
    try:
        with transaction.atomic():
            ClearanceMode.objects.bulk_create(
                ClearanceMode(
                    hub=hub,
                    code=m.code,
                    name=m.name,
                    description=m.description,
                    auto_clear_limit=m.limit,
                    limit_currency=m.limit_currency,
                    default_for_export=m.export,
                    default_for_import=m.import_,
                )
                for m in defaults
            )
    except IntegrityError:
        pass  # another process gave the hub its modes first


def clearance_modes_default(*, hubs: Iterable[Hub]) -> dict[tuple[int, str], ClearanceMode | None]:
    """The mode each of `hubs` files each direction under, by (hub id, direction); None where
    an operator removed every default of that direction (the declaration is then filed under
    no mode and has no limit). One query while every hub has modes."""
    hubs = list(hubs)
    modes = list(ClearanceMode.objects.filter(hub__in=hubs).order_by("hub_id", "code"))
    bare = [hub for hub in hubs if not any(m.hub_id == hub.pk for m in modes)]
    if bare:
        for hub in bare:
            _standard_modes_create(hub)
        modes = list(ClearanceMode.objects.filter(hub__in=hubs).order_by("hub_id", "code"))
    found: dict[tuple[int, str], ClearanceMode | None] = {}
    for hub in hubs:
        for direction in (EXPORT, IMPORT):
            flag = "default_for_export" if direction == EXPORT else "default_for_import"
            found[(hub.pk, direction)] = next(
                (m for m in modes if m.hub_id == hub.pk and getattr(m, flag)), None
            )
    return found


def clearance_mode_default(*, hub: Hub, direction: str) -> ClearanceMode | None:
    """The mode `hub` files `direction` declarations under (None if an operator removed every
    default: the declaration is then filed under no mode and has no limit)."""
    return clearance_modes_default(hubs=[hub])[(hub.pk, direction)]
