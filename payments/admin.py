"""Operator screens for FX rates: loaded by `manage.py import_rates`; superusers alone edit."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from payments.models import FxRate, RateTable


class _SuperuserWrites:
    """Everyone with view permission reads; only superusers add, change or delete."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)


class FxRateInline(_SuperuserWrites, admin.TabularInline):
    model = FxRate
    extra = 0


@admin.register(RateTable)
class RateTableAdmin(_SuperuserWrites, admin.ModelAdmin):
    list_display = ["base", "date", "imported_at", "rate_count"]
    list_filter = ["base"]
    date_hierarchy = "date"
    inlines = [FxRateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RateTable]:
        return super().get_queryset(request).annotate(_rate_count=Count("rates"))

    @admin.display(description="rates", ordering="_rate_count")
    def rate_count(self, table: RateTable) -> int:
        return int(getattr(table, "_rate_count", 0))
