"""Logistics partners, for superusers only: add a partner (its webhook secret is generated),
read its secret to hand it over, rotate the secret if it leaks, deactivate a partner.

Hub operators have no permission on partners (MarketplaceConfig.operator_permissions), and a
staff user without `is_superuser` is refused every page: a secret signs any partner's events.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.models import LogisticsPartner
from marketplace.shipping import partner_secret_rotate


@admin.register(LogisticsPartner)
class LogisticsPartnerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active", "created")
    list_filter = ("active",)
    search_fields = ("code", "name")
    actions = ("rotate_secret",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The secret is generated when the partner is added, then shown (read-only) here.
        return ("code", "name", "active") if obj is None else ("code", "name", "active", "secret")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code is in the partner's webhook URL: changing it would break their integration.
        return () if obj is None else ("code", "secret")

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # shipments and events refer to it: deactivate instead

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            messages.info(
                request,
                f"{obj.name}'s webhook secret is {obj.secret}: give it to the partner over a "
                "safe channel. It stays readable on this page.",
            )

    @admin.action(description="Rotate the webhook secret of selected partners")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[LogisticsPartner]) -> None:
        for partner in queryset.order_by("code"):
            partner_secret_rotate(partner=partner)
            self.log_change(request, partner, "Rotated the webhook secret.")
            self.message_user(
                request,
                f"{partner.name}: the new secret is {partner.secret}. Requests signed with the "
                "old one are refused from now on.",
                messages.SUCCESS,
            )
