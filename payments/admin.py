"""Operator screens for FX rates: loaded by `manage.py import_rates`; superusers alone edit.

The list says which table is current for each base (the one with its latest date) and which one
quotes use, newest date first; each table shows its rates inline.

The ledger (accounts, entries with their postings), payments and settlements are read-only for
everyone, superusers included: services write them, corrections are reversing entries. Hub
operators have no permission on them. Payouts are in marketplace.admin.payouts, where they can
name their seller.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse

from payments.models import Account, Entry, FxRate, Payment, Posting, RateTable, Settlement
from payments.money import money_format
from payments.selectors import account_balances, rate_tables_by_recency, rate_tables_current


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


class _ReadOnly:
    """Shown to those with view permission; nobody adds, changes or deletes (append-only)."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["code", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["balances"]

    @admin.display(description="balances (derived from postings)")
    def balances(self, account: Account) -> str:
        found = account_balances(code=account.code)
        return ", ".join(money_format(total, cur) for (_, cur), total in found.items()) or "none"


class PostingInline(_ReadOnly, admin.TabularInline):
    model = Posting
    extra = 0
    fields = ["account", "currency", "amount_shown"]
    readonly_fields = ["amount_shown"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Posting]:
        return super().get_queryset(request).select_related("account")

    @admin.display(description="amount (debit +, credit -)")
    def amount_shown(self, posting: Posting) -> str:
        return money_format(posting.amount, posting.currency)


@admin.register(Entry)
class EntryAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["id", "kind", "reference", "payment", "reverses", "created"]
    list_filter = ["kind"]
    search_fields = ["reference"]
    date_hierarchy = "created"
    inlines = [PostingInline]


@admin.register(Payment)
class PaymentAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["reference", "attempt", "provider", "amount_shown", "status", "created"]
    list_filter = ["status", "provider"]
    search_fields = ["reference", "authorization", "capture"]
    date_hierarchy = "created"

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, payment: Payment) -> str:
        return money_format(payment.amount, payment.currency)


class SettlementFigures:
    """A settlement's amounts as admin shows them (here and in the payout's inline)."""

    @admin.display(description="buyer paid", ordering="paid")
    def paid_shown(self, s: Settlement) -> str:
        return money_format(s.paid, s.currency)

    @admin.display(description="goods", ordering="goods")
    def goods_shown(self, s: Settlement) -> str:
        return money_format(s.goods, s.currency)

    @admin.display(description="platform fee", ordering="fee")
    def fee_shown(self, s: Settlement) -> str:
        return f"{money_format(s.fee, s.currency)} ({s.fee_percent} %)"

    @admin.display(description="net", ordering="net")
    def net_shown(self, s: Settlement) -> str:
        return money_format(s.net, s.currency)

    @admin.display(description="credited", ordering="payout_amount")
    def credited(self, s: Settlement) -> str:
        return money_format(s.payout_amount, s.payout_currency)


@admin.register(Settlement)
class SettlementAdmin(SettlementFigures, _ReadOnly, admin.ModelAdmin):
    list_display = [
        "reference",
        "payout",
        "paid_shown",
        "goods_shown",
        "fee_shown",
        "net_shown",
        "rate",
        "credited",
    ]
    list_filter = ["currency", "payout_currency"]
    search_fields = ["=reference"]
    search_help_text = "An order reference, exactly: order:42."
    date_hierarchy = "created"
    list_per_page = 50
