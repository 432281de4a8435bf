"""customs' models: tariff rows (the schedules) and declarations (clearance and its review)."""

from __future__ import annotations

from customs.models.declarations import (
    ClearanceMode,
    Declaration,
    DeclarationEvent,
    DeclarationLine,
)
from customs.models.tariff import HS_PREFIX_VALIDATOR, TariffRow

__all__ = [
    "HS_PREFIX_VALIDATOR",
    "ClearanceMode",
    "Declaration",
    "DeclarationEvent",
    "DeclarationLine",
    "TariffRow",
]
