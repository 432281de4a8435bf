"""Operator screens for payouts: read-only for everyone, superusers included (payouts and
settlements are financial records, written once by the settlement run). Here rather than in
payments, which never imports marketplace, so that a payout names its seller. Hub operators have
no permission on them, as on the ledger."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from marketplace.admin.orders import _ReadOnly
from marketplace.models import SellerProfile
from marketplace.models.orders import order_id_of
from payments.admin import SettlementFigures
from payments.models import Payout, Settlement
from payments.money import money_format


class SettlementInline(SettlementFigures, _ReadOnly, admin.TabularInline):
    model = Settlement
    extra = 0
    can_delete = False
    fields = ("order", "paid_shown", "goods_shown", "fee_shown", "net_shown", "rate", "credited")
    readonly_fields = fields

    @admin.display(description="order")
    def order(self, s: Settlement) -> str:
        order = order_id_of(s.reference)
        if order is None:
            return s.reference
        return format_html(
            '<a href="{}">Order {}</a>',
            reverse("admin:marketplace_order_change", args=[order]),
            order,
        )


@admin.register(Payout)
class PayoutAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "seller_shown",
        "currency",
        "amount_shown",
        "fee_shown",
        "order_count",
        "created",
    ]
    list_filter = ["currency", "created"]
    date_hierarchy = "created"
    search_fields = ["=id", "=seller"]
    search_help_text = "A payout id or a seller's id."
    fields = (
        "seller_shown",
        "currency",
        "gross_shown",
        "fee_shown",
        "amount_shown",
        "order_count",
        "provider",
        "ledger_entry",
        "created",
    )
    readonly_fields = fields
    inlines = [SettlementInline]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payout]:
        name = SellerProfile.objects.filter(pk=OuterRef("seller")).values("company_name")[:1]
        return super().get_queryset(request).annotate(_seller_name=Subquery(name))

    @admin.display(description="seller", ordering="_seller_name")
    def seller_shown(self, payout: Payout) -> str:
        name = getattr(payout, "_seller_name", None) or "(no such seller)"
        return format_html(
            '<a href="{}">{}</a> (id {})',
            reverse("admin:marketplace_sellerprofile_change", args=[payout.seller]),
            name,
            payout.seller,
        )

    @admin.display(description="amount paid", ordering="amount")
    def amount_shown(self, payout: Payout) -> str:
        return money_format(payout.amount, payout.currency)

    @admin.display(description="platform fee", ordering="fee")
    def fee_shown(self, payout: Payout) -> str:
        return money_format(payout.fee, payout.currency)

    @admin.display(description="goods sold")
    def gross_shown(self, payout: Payout) -> str:
        return money_format(payout.gross, payout.currency)

    @admin.display(description="ledger entry")
    def ledger_entry(self, payout: Payout) -> SafeString:
        url = reverse("admin:payments_entry_changelist")
        return format_html('<a href="{}?q={}">{}</a>', url, payout.reference, payout.reference)
