"""Clearance modes in admin: each hub's customs procedures and auto-clear limits.

A hub operator sees, adds, changes and deletes only the modes of the hubs they operate (the hub
field offers only those); superusers every hub's. The model's constraints speak on the form: one
default export and one default import mode per hub, a limit needs its currency.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from customs.admin.filters import HubFilter
from customs.models import ClearanceMode
from ehubs.selectors import operator_hubs
from payments.money import money_format


@admin.register(ClearanceMode)
class ClearanceModeAdmin(admin.ModelAdmin):
    list_display = (
        "hub_code",
        "code",
        "name",
        "limit_shown",
        "default_for_export",
        "default_for_import",
    )
    list_display_links = ("code",)
    list_filter = (HubFilter, "default_for_export", "default_for_import")
    search_fields = ("code", "name")
    list_select_related = ("hub",)
    fieldsets = (
        (None, {"fields": ("hub", "code", "name", "description")}),
        (
            "Auto-clearance",
            {
                "fields": ("auto_clear_limit", "limit_currency"),
                "description": "Declarations whose customs value is above the limit go to the "
                "review queue; leave the limit empty for none.",
            },
        ),
        (
            "Default for the hub's declarations",
            {
                "fields": ("default_for_export", "default_for_import"),
                "description": "Each hub files new declarations under its one default mode per "
                "direction.",
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClearanceMode]:
        return (
            super()
            .get_queryset(request)
            .filter(hub__in=operator_hubs(user=request.user))
            .select_related("hub")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An operator who runs no hub has no hub to add a mode for.
        return super().has_add_permission(request) and operator_hubs(user=request.user).exists()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        hubs = list(operator_hubs(user=request.user)[:2])
        if len(hubs) == 1:  # the operator of one hub adds modes for that hub
            initial.setdefault("hub", hubs[0].pk)
        return initial

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "hub":
            kwargs["queryset"] = operator_hubs(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="hub", ordering="hub__code")
    def hub_code(self, mode: ClearanceMode) -> str:
        return mode.hub.code

    @admin.display(description="auto-clear limit", ordering="auto_clear_limit")
    def limit_shown(self, mode: ClearanceMode) -> str:
        if mode.auto_clear_limit is None:
            return "none"
        if not mode.limit_currency:
            return str(mode.auto_clear_limit)
        return money_format(mode.auto_clear_limit, mode.limit_currency)
