"""Delivery on the order page: the seller marks a cleared order shipped, the buyer confirms
receipt of a shipped one. Thin over `marketplace.shipping`; both answer with the order page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from marketplace import selectors
from marketplace.forms.shipping import ShipForm
from marketplace.models import Order
from marketplace.orders import OrderConflict
from marketplace.shipping import order_receipt_confirm, order_ship
from marketplace.views.common import buyer_of_request, seller_of_request
from marketplace.views.orders import detail_context


@require_POST
def order_ship_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("order_detail", args=[pk]))
    seller = seller_of_request(request)
    if seller is None:
        raise Http404("No such order of yours.")
    order = get_object_or_404(selectors.orders_of_seller(seller=seller), pk=pk)
    form = ShipForm(request.POST)
    if form.is_valid():
        try:
            shipped = order_ship(
                order=order,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                by=request.user,
            )
        except OrderConflict as conflict:
            messages.error(request, conflict.detail)
            return redirect("order_detail", pk=order.pk)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            shipment = shipped.shipment
            messages.success(
                request,
                f"Order {order.pk} is marked shipped with {shipment.partner.name}, tracking "
                f"{shipment.tracking_number}. The buyer can follow it on their order page.",
            )
            return redirect("order_detail", pk=order.pk)
    context = detail_context(request, order, ship_form=form)
    return render(request, "orders/order_detail.html", context, status=400)


@require_POST
def order_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("order_detail", args=[pk]))
    buyer = buyer_of_request(request)
    if buyer is None:
        raise Http404("No such order of yours.")
    order = get_object_or_404(selectors.orders_of_buyer(buyer=buyer), pk=pk)
    if order.status in (Order.Status.DELIVERED, Order.Status.SETTLED):
        messages.info(request, f"You already have order {order.pk}: receipt was confirmed.")
        return redirect("order_detail", pk=order.pk)
    try:
        order_receipt_confirm(order=order, by=request.user)
    except OrderConflict as conflict:
        messages.error(request, conflict.detail)
    else:
        messages.success(
            request,
            f"Thank you: receipt of order {order.pk} is confirmed. The payment held in escrow "
            f"is released to {order.seller.company_name}.",
        )
    return redirect("order_detail", pk=order.pk)
