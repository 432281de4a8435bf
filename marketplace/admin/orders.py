"""Operator screens for orders: read-only for everyone, with the frozen quote and the money trail.

- A hub operator sees the orders whose frozen route passes one of their hubs
  (`marketplace.selectors.orders_operated`); another order is "not found" on every page.
- Nobody adds, changes or deletes an order here: amounts and quote are written once at checkout
  and the status moves only through `marketplace.orders`. Superusers have one action, "Cancel
  (refund if paid)", which calls `order_cancel` for each selected order.
- The "Money trail" section lists every posting of the order's reference and checks the
  identity of `payments.selectors.money_trail`: paid = where the money went + still in escrow.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ewtp.admin_scope import OutOfScopeNotFound
from marketplace import selectors
from marketplace.models import Order, OrderEvent, OrderLine
from marketplace.orders import OrderConflict, order_cancel
from marketplace.templatetags.money import format_money
from payments.money import money_format
from payments.selectors import money_trail

# Order ids fit a 64-bit integer; a longer run of digits cannot be one (and would overflow the
# database's integer in the lookup).
_MAX_ID_DIGITS = 18


class _ReadOnly:
    """Shown to those with view permission; nobody adds, changes or deletes."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderLineInline(_ReadOnly, admin.TabularInline):
    model = OrderLine
    fields = ("title", "hs_code", "quantity", "unit_price_shown")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="unit price")
    def unit_price_shown(self, line: OrderLine) -> str:
        return format_money(line.unit_price, line.unit_currency)


class OrderEventInline(_ReadOnly, admin.TabularInline):
    """The order's timeline, oldest first."""

    model = OrderEvent
    fields = ("at", "status", "note", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "timeline event"
    verbose_name_plural = "timeline"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="by")
    def by(self, event: OrderEvent) -> str:
        # A username, not a link: operators have no access to user accounts.
        return event.actor.get_username() if event.actor is not None else "the platform"


@admin.register(Order)
class OrderAdmin(OutOfScopeNotFound, _ReadOnly, admin.ModelAdmin):
    list_display = ("id", "buyer_shown", "seller_shown", "status", "total_shown", "created")
    list_display_links = ("id",)
    list_filter = ("status", ("hubs", admin.RelatedOnlyFieldListFilter), "created")
    # The id is matched in get_search_results (digits only: "42", "#42" or "order:42").
    search_fields = ("buyer__user__username", "seller__company_name")
    search_help_text = "An order id (42, #42, order:42), a buyer's username or a seller's company."
    list_select_related = ("buyer__user", "seller")
    list_per_page = 50
    actions = ("cancel_orders",)
    inlines = (OrderLineInline, OrderEventInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference_shown",
                    "status",
                    "buyer_shown",
                    "seller_shown",
                    "created",
                    "updated",
                    "expires_at",
                    "checkout",
                )
            },
        ),
        (
            "Amounts",
            {"fields": ("goods_shown", "shipping_shown", "duty_shown", "tax_shown", "total_shown")},
        ),
        ("Frozen quote", {"fields": ("quote_shown",)}),
        (
            "Delivery address",
            {
                "fields": (
                    "ship_name",
                    "ship_line1",
                    "ship_city",
                    "ship_postal_code",
                    "ship_country",
                )
            },
        ),
        ("Money trail", {"fields": ("money_trail_shown",)}),
    )
    readonly_fields = (
        "reference_shown",
        "buyer_shown",
        "seller_shown",
        "goods_shown",
        "shipping_shown",
        "duty_shown",
        "tax_shown",
        "total_shown",
        "quote_shown",
        "money_trail_shown",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return selectors.orders_operated(user=request.user, orders=super().get_queryset(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Order], search_term: str
    ) -> tuple[QuerySet[Order], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        order_id = _order_id(search_term)
        if order_id is not None:
            found = found | queryset.filter(pk=order_id)
        return found, may_have_duplicates

    # --- Superusers' action ---------------------------------------------------------------

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(description="Cancel (refund if paid)", permissions=["cancel"])
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        for order in queryset.order_by("pk"):
            was = order.get_status_display().lower()
            try:
                done = order_cancel(order=order, by=request.user, reason="Cancelled in admin.")
            except OrderConflict as conflict:
                self.message_user(request, f"{order}: {conflict.detail}", messages.WARNING)
                continue
            if order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
                # order_cancel returns an ended order unchanged: nothing happened to log.
                self.message_user(request, f"{order} was already {was}.", messages.INFO)
                continue
            if done.status == Order.Status.REFUNDED:
                self.message_user(
                    request, f"{order} cancelled; the buyer was refunded.", messages.SUCCESS
                )
            else:
                self.message_user(
                    request, f"{order} cancelled (it was not paid).", messages.SUCCESS
                )
            self.log_change(request, done, f"Cancelled in admin (was {was}).")

    # --- What the pages show ----------------------------------------------------------------

    @admin.display(description="reference")
    def reference_shown(self, order: Order) -> str:
        return order.reference

    @admin.display(description="buyer", ordering="buyer__user__username")
    def buyer_shown(self, order: Order) -> str:
        # Text, not a link: operators have no access to buyers' profiles.
        return f"{order.buyer.user.get_username()} ({order.buyer.country})"

    @admin.display(description="seller", ordering="seller__company_name")
    def seller_shown(self, order: Order) -> str:
        return order.seller.company_name

    @admin.display(description="goods")
    def goods_shown(self, order: Order) -> str:
        return format_money(order.goods, order.currency)

    @admin.display(description="shipping")
    def shipping_shown(self, order: Order) -> str:
        return format_money(order.shipping, order.currency)

    @admin.display(description="duty")
    def duty_shown(self, order: Order) -> str:
        return format_money(order.duty, order.currency)

    @admin.display(description="import tax")
    def tax_shown(self, order: Order) -> str:
        return format_money(order.tax, order.currency)

    @admin.display(description="total", ordering="total")
    def total_shown(self, order: Order) -> str:
        return format_money(order.total, order.currency)

    @admin.display(description="quote at checkout")
    def quote_shown(self, order: Order) -> SafeString:
        return render_to_string("admin/marketplace/order/quote.html", _quote_context(order))

    @admin.display(description="postings")
    def money_trail_shown(self, order: Order) -> SafeString:
        return render_to_string("admin/marketplace/order/money_trail.html", _trail_context(order))


def _order_id(search_term: str) -> int | None:
    """The order id a search names ("42", "#42", "order:42"), or None."""
    term = search_term.strip().lower().removeprefix("order:").removeprefix("#").strip()
    if term.isascii() and term.isdigit() and len(term) <= _MAX_ID_DIGITS:
        return int(term)
    return None


def _quote_context(order: Order) -> dict[str, Any]:
    """The frozen quote in plain terms. The JSON is read defensively: a page never fails on it."""
    quote = order.quote if isinstance(order.quote, dict) else {}
    customs: dict[str, Any] = quote["customs"] if isinstance(quote.get("customs"), dict) else {}
    lines = [line for line in quote.get("lines") or [] if isinstance(line, dict)]
    explanations = quote.get("explanations")
    rates = quote.get("rates")
    return {
        "route": " → ".join(str(hub) for hub in quote.get("route") or []) or "—",
        "transit_days": quote.get("transit_days"),
        "date": quote.get("date", ""),
        "destination": quote.get("destination_country", ""),
        "customs": {
            "regime": customs.get("regime", ""),
            "valuation": customs.get("valuation") or "",
            "value": _amount(customs.get("customs_value")),
            "duty": _amount(customs.get("duty")),
            "tax": _amount(customs.get("tax")),
        },
        "lines": [
            {
                "hs_code": line.get("hs_code", ""),
                "hs_description": line.get("hs_description", ""),
                "quantity": line.get("quantity", ""),
                "duty": _amount(line.get("duty")),
                "tax": _amount(line.get("tax")),
                "duty_rule": _rule(line.get("duty_rule")),
                "tax_rule": _rule(line.get("tax_rule")),
            }
            for line in lines
        ],
        "explanations": sorted(explanations.items()) if isinstance(explanations, dict) else [],
        "rates": sorted(rates.items()) if isinstance(rates, dict) else [],
    }


def _amount(money: Any) -> str:
    """A quote's {"amount", "currency"} as pages print money."""
    if not isinstance(money, dict) or "amount" not in money:
        return "—"
    try:
        return format_money(money["amount"], str(money.get("currency", "")))
    except (ArithmeticError, KeyError, TypeError, ValueError):
        return f"{money.get('currency', '')} {money['amount']}"


def _rule(rule: Any) -> str:
    """A tariff rule row in one line: "duty 6109 (origin CN): 12% + USD 0.5/unit (row 7) — note"."""
    if not isinstance(rule, dict):
        return "—"
    if rule.get("kind") == "profile":
        # The destination's regime decided (low value, tax free): its terms are in the note.
        what = str(rule.get("applies") or "regime").replace("_", " ")
        text = f"customs profile: {what}"
        return f"{text} — {rule['note']}" if rule.get("note") else text
    scope = str(rule.get("hs_prefix") or "all goods")
    if rule.get("origin"):
        scope += f" (origin {rule['origin']})"
    if rule.get("sme_max_employees") is not None:
        scope += f" (SME up to {rule['sme_max_employees']} staff)"
    charge = [f"{rule['rate_percent']}%"] if rule.get("rate_percent") is not None else []
    if rule.get("per_unit") is not None:
        charge.append(f"{rule.get('per_unit_currency') or ''} {rule['per_unit']}/unit".strip())
    text = f"{rule.get('kind', 'rule')} {scope}: {' + '.join(charge) or 'no charge'}"
    if rule.get("applies"):
        text += f" [{rule['applies']}]"
    if rule.get("id") is not None:
        text += f" (row {rule['id']})"
    return f"{text} — {rule['note']}" if rule.get("note") else text


def _trail_context(order: Order) -> dict[str, Any]:
    trail = money_trail(reference=order.reference)
    currency = trail.currency or order.currency

    def shown(amount: Any) -> str:
        return money_format(amount, currency)

    return {
        "trail": trail,
        "postings": [
            {
                "entry": p.entry,
                "kind": p.kind,
                "account": p.account,
                "currency": p.currency,
                "amount": money_format(p.amount, p.currency),
                "reverses": p.reverses,
            }
            for p in trail.postings
        ],
        "paid": shown(trail.paid),
        "figures": [
            ("seller payout", shown(trail.seller_payout)),
            ("shipping", shown(trail.shipping)),
            ("duties", shown(trail.duties)),
            ("taxes", shown(trail.taxes)),
            ("platform fee", shown(trail.platform_fee)),
            ("refunds", shown(trail.refunds)),
            ("still in escrow", shown(trail.in_escrow)),
        ],
        "accounted": shown(trail.accounted),
    }
