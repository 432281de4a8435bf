"""Operator screens for FX rates: loaded by `manage.py import_rates`; superusers alone edit.

The list says which table is current for each base (the one with its latest date) and which one
quotes use, newest date first; each table shows its rates inline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse

from payments.models import FxRate, RateTable
from payments.selectors import rate_tables_by_recency, rate_tables_current


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
    list_display = ["base", "date", "is_current", "imported_at", "rate_count"]
    list_filter = [("base", admin.AllValuesFieldListFilter)]  # the bases loaded, not every currency
    date_hierarchy = "date"
    ordering = ["-date", "-imported_at", "-id"]  # the history, newest date first
    inlines = [FxRateInline]
    change_list_template = "admin/payments/ratetable/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RateTable]:
        later = RateTable.objects.filter(base=OuterRef("base"), date__gt=OuterRef("date"))
        return (
            super()
            .get_queryset(request)
            .annotate(_rate_count=Count("rates"), _superseded=Exists(later))
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        current = rate_tables_current()
        context = {
            "current_tables": [current[base] for base in sorted(current)],
            "quoted_table": rate_tables_by_recency().first(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    @admin.display(description="current", boolean=True)
    def is_current(self, table: RateTable) -> bool:
        """The table with the latest date of its base (no later table of that base)."""
        return not getattr(table, "_superseded", True)

    @admin.display(description="rates", ordering="_rate_count")
    def rate_count(self, table: RateTable) -> int:
        return int(getattr(table, "_rate_count", 0))
