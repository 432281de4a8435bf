"""Operator screens of the marketplace: sellers, buyers, listings and users (catalogue), orders
with their money trail (orders), payouts with their settlements (payouts), logistics partners
(shipping, superusers only), each hub's dashboard (dashboard, linked from the admin's index).
Importing the package registers them with admin.site."""

from __future__ import annotations

from django.contrib import admin

from marketplace.admin import catalogue, orders, payouts, shipping

admin.site.site_header = "eWTP Marketplace administration"
admin.site.site_title = "eWTP Marketplace admin"
admin.site.index_title = "Operations"
# The index adds the user's hub dashboards above the models.
admin.site.index_template = "admin/index_with_dashboards.html"

__all__ = ["catalogue", "orders", "payouts", "shipping"]
