"""Operator screens of customs; importing the package registers them with admin.site:
tariff rows (tariff), the hub's review queue of declarations (declarations, its decisions in
decisions) and the hubs' clearance modes (modes)."""

from __future__ import annotations

from customs.admin import declarations, modes, tariff

__all__ = ["declarations", "modes", "tariff"]
