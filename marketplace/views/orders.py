"""Order pages: a buyer's orders, an order with its timeline and frozen quote, paying (one order,
or every unpaid order of a checkout with one card entry) and cancelling; a seller's incoming
orders. An order is shown only to its buyer and its seller; anyone else gets a 404."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace import selectors
from marketplace.forms.orders import SANDBOX_CARDS, PayForm, SellerOrderFilterForm
from marketplace.forms.shipping import ShipForm
from marketplace.models import BuyerProfile, Order, SellerProfile
from marketplace.orders import OrderConflict, PaymentOutcome, order_cancel, order_pay
from marketplace.payouts import settlement_of_order
from marketplace.templatetags.money import format_money
from marketplace.views.common import (
    buyer_of_request,
    buyer_required,
    seller_of_request,
    seller_required,
)
from marketplace.views.declarations import order_customs
from marketplace.views.delivery_section import delivery_context
from marketplace.views.pricing import Priced, rule_notes
from payments.services import PaymentFailed

ORDER_PAGE_SIZE = 20


def _payable(order: Order, now: datetime) -> bool:
    return order.status == Order.Status.PENDING_PAYMENT and order.expires_at > now


def _rule_rows(order: Order) -> list[dict[str, Any]]:
    """The frozen quote's lines with their order line's title: HS code, duty and tax, rules."""
    titles = {line.listing_id: line.title for line in order.lines.all()}
    return [
        {**line, "title": titles.get(line.get("listing"), "")}
        for line in order.quote.get("lines", [])
    ]


def detail_context(
    request: HttpRequest,
    order: Order,
    pay_form: PayForm | None = None,
    ship_form: ShipForm | None = None,
) -> dict:
    """What the order page shows; the pay and ship forms bound when they come back invalid."""
    is_buyer = order.buyer.user_id == request.user.pk
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "events": list(order.events.order_by("at", "id")),
        "priced": Priced(quote=order.quote, rule_notes=rule_notes(order.quote)),
        "rule_rows": _rule_rows(order),
        "is_buyer": is_buyer,
        "payable": is_buyer and _payable(order, timezone.now()),
        "expired": order.status == Order.Status.PENDING_PAYMENT
        and order.expires_at <= timezone.now(),
        "pay_form": pay_form or PayForm(),
        "sandbox_cards": SANDBOX_CARDS,
        "checkout_orders": selectors.orders_of_checkout(
            buyer=order.buyer, checkout=order.checkout
        ).count()
        if is_buyer
        else 1,
        # What the seller was paid for it is the seller's business, not the buyer's.
        "settlement": None
        if is_buyer or order.status != Order.Status.SETTLED
        else settlement_of_order(order),
        **order_customs(order, for_buyer=is_buyer),
        **delivery_context(order, for_buyer=is_buyer, ship_form=ship_form),
    }


def _party_order(request: HttpRequest, pk: int) -> Order:
    """The order if the user bought or sells it; a 404 for anyone else."""
    return get_object_or_404(selectors.orders_of_party(user=request.user), pk=pk)


def _buyer_order(request: HttpRequest, pk: int) -> Order:
    """The order if the user is its buyer; a 404 for anyone else, its seller included."""
    buyer = buyer_of_request(request)
    if buyer is None:
        raise Http404("No such order of yours.")
    return get_object_or_404(selectors.orders_of_buyer(buyer=buyer), pk=pk)


def _outcome_message(request: HttpRequest, outcome: PaymentOutcome) -> None:
    order = outcome.order
    seller = order.seller.company_name
    total = format_money(order.total, order.currency)
    if outcome.paid:
        messages.success(
            request,
            f"Order {order.pk} from {seller} is paid: {total}. The money is held in escrow "
            "until you confirm delivery; a confirmation is on its way by email.",
        )
    elif outcome.code == "card_declined":
        messages.error(
            request,
            f"Order {order.pk} from {seller}: the card was declined (“{outcome.message}”). "
            "The order was cancelled and its goods released; nothing was charged.",
        )
    else:
        messages.warning(
            request,
            f"Order {order.pk} from {seller}: the payment did not go through. "
            f"{outcome.message} Nothing was charged; you can pay again.",
        )


def _pay(request: HttpRequest, orders: Iterable[Order], card_number: str) -> None:
    """Pay each order with the card, reporting each outcome on its own."""
    for order in orders:
        try:
            outcome = order_pay(order=order, card_number=card_number, by=request.user)
        except OrderConflict as conflict:
            messages.error(request, f"Order {order.pk}: {conflict.detail}")
        else:
            _outcome_message(request, outcome)


# --- Buyer pages -----------------------------------------------------------------------------


@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """A buyer's orders, newest first; a seller is sent to their incoming orders."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    buyer = buyer_of_request(request)
    if buyer is None:
        if seller_of_request(request) is not None:
            return redirect("seller_orders")
        return render(request, "orders/buyer_only.html", status=403)
    orders = selectors.orders_of_buyer(buyer=buyer)
    page = Paginator(orders, ORDER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page_obj": page})


@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    order = _party_order(request, pk)
    return render(request, "orders/order_detail.html", detail_context(request, order))


@require_POST
def order_pay_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("order_detail", args=[pk]))
    order = _buyer_order(request, pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, order, pay_form=form)
        return render(request, "orders/order_detail.html", context)
    _pay(request, [order], form.cleaned_data["card_number"])
    return redirect("order_detail", pk=order.pk)


@require_http_methods(["GET", "POST"])
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; only POST cancels (refunding the buyer if it was paid)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("order_detail", args=[pk]))
    order = _buyer_order(request, pk)
    if request.method == "GET":
        return render(request, "orders/order_cancel.html", {"order": order})
    if order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        messages.info(request, f"Order {order.pk} was already cancelled.")
        return redirect("order_detail", pk=order.pk)
    try:
        cancelled = order_cancel(order=order, by=request.user)
    except OrderConflict as conflict:
        messages.error(request, conflict.detail)
        return redirect("order_detail", pk=order.pk)
    except PaymentFailed as failed:  # the refund did not go through: nothing changed
        messages.error(
            request,
            f"Order {order.pk} could not be cancelled: the refund did not go through. "
            f"{failed.message} Nothing changed; try again in a moment.",
        )
        return redirect("order_detail", pk=order.pk)
    if cancelled.status == Order.Status.REFUNDED:
        total = format_money(cancelled.total, cancelled.currency)
        messages.success(
            request,
            f"Order {order.pk} is cancelled and {total} was refunded to your card. It may take "
            "a few days to show on your statement.",
        )
    else:
        messages.success(
            request, f"Order {order.pk} is cancelled. Nothing was charged; the goods were released."
        )
    return redirect("order_detail", pk=order.pk)


def _checkout_context(buyer: BuyerProfile, checkout: UUID, pay_form: PayForm | None) -> dict:
    orders = list(selectors.orders_of_checkout(buyer=buyer, checkout=checkout))
    if not orders:
        raise Http404("No such checkout of yours.")
    now = timezone.now()
    payable = [order for order in orders if _payable(order, now)]
    currency = orders[0].currency
    return {
        "checkout": checkout,
        "orders": orders,
        "payable_ids": {order.pk for order in payable},
        "payable_total": {
            "amount": sum((order.total for order in payable), Decimal(0)),
            "currency": currency,
        },
        "expires_at": min((order.expires_at for order in payable), default=None),
        "pay_form": pay_form or PayForm(),
        "sandbox_cards": SANDBOX_CARDS,
    }


@require_GET
@buyer_required
def checkout_orders(request: HttpRequest, buyer: BuyerProfile, checkout: UUID) -> HttpResponse:
    """The orders one checkout placed (one per seller), paid together with one card entry."""
    context = _checkout_context(buyer, checkout, None)
    return render(request, "orders/checkout_orders.html", context)


@require_POST
@buyer_required
def checkout_pay(request: HttpRequest, buyer: BuyerProfile, checkout: UUID) -> HttpResponse:
    """Pay every order of the checkout still awaiting payment with one card, order by order."""
    form = PayForm(request.POST)
    if not form.is_valid():
        context = _checkout_context(buyer, checkout, form)
        return render(request, "orders/checkout_orders.html", context)
    orders = list(selectors.orders_of_checkout(buyer=buyer, checkout=checkout))
    if not orders:
        raise Http404("No such checkout of yours.")
    unpaid = [order for order in orders if _payable(order, timezone.now())]
    if not unpaid:
        messages.info(request, "There is nothing left to pay in this checkout.")
    _pay(request, unpaid, form.cleaned_data["card_number"])
    return redirect("checkout_orders", checkout=checkout)


# --- Seller pages ----------------------------------------------------------------------------


@require_GET
@seller_required
def seller_orders(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    """The seller's incoming orders, newest first, optionally of one status."""
    form = SellerOrderFilterForm(request.GET)
    status = form.status_wanted()
    orders = selectors.orders_of_seller(seller=seller, status=status)
    page = Paginator(orders, ORDER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "seller": seller,
        "form": form,
        "status": status,
        "status_label": Order.Status(status).label if status else "",
        "page_obj": page,
    }
    return render(request, "orders/seller_orders.html", context)
