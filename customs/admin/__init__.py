"""Operator screens of customs; importing the package registers them with admin.site."""

from __future__ import annotations

from customs.admin import tariff

__all__ = ["tariff"]
