"""Operator screens of the marketplace: sellers, buyers, listings and users (catalogue), orders
with their money trail (orders), payouts with their settlements (payouts), logistics partners
(shipping, superusers only). Importing the package registers them with admin.site."""

from __future__ import annotations

from django.contrib import admin

from marketplace.admin import catalogue, orders, payouts, shipping

admin.site.site_header = "eWTP Marketplace administration"
admin.site.site_title = "eWTP Marketplace admin"
admin.site.index_title = "Operations"

__all__ = ["catalogue", "orders", "payouts", "shipping"]
