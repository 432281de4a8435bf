"""Checkout: the cart becomes one order per seller, delivered to the visitor's ship-to country
and priced in the ship-to currency, at the delivered total the page showed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from customs.landed_cost import Quote, QuoteRefused
from marketplace import cart as shop
from marketplace.checkout import OutOfStock, QuoteChanged, orders_place
from marketplace.forms.common import add_service_errors
from marketplace.forms.orders import CheckoutForm
from marketplace.models import BuyerProfile
from marketplace.templatetags.money import format_money
from marketplace.views.cart import cart_groups
from marketplace.views.common import buyer_required
from marketplace.views.pricing import Priced, price_items, refusal_of, rule_notes, ship_to_of
from payments.money import quantize


def _priced(quote: Quote) -> Priced:
    data = quote.as_dict()
    return Priced(quote=data, engine_quote=quote, rule_notes=rule_notes(data))


def _changed_message(change: QuoteChanged) -> str:
    currency = change.quote.currency
    before = format_money(change.expected, currency)
    now = format_money(quantize(change.quote.total, currency), currency)
    return (
        f"The delivered total changed from {before} to {now} since you saw it: prices, customs "
        "rules or exchange rates moved. Nothing was charged or reserved. Check the new total "
        "below and confirm again."
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return {"name": full_name or user.get_username()}


@require_http_methods(["GET", "POST"])
@buyer_required
def checkout(request: HttpRequest, buyer: BuyerProfile) -> HttpResponse:
    """GET shows the orders the cart would make and asks for the address; POST places them at
    the total shown, or explains why not (nothing is reserved then)."""
    items = shop.cart_items(request.session)
    if not items:
        messages.info(request, "Your cart is empty: add something to it first.")
        return redirect("cart")
    ship_to = ship_to_of(request)
    data = request.POST if request.method == "POST" else None
    form = CheckoutForm(data, initial=_initial(request))
    priced: Priced | None = None
    changed = ""
    if request.method == "POST" and form.is_valid():
        shown = (form.cleaned_data["country"].upper(), form.cleaned_data["currency"].upper())
        if shown != (ship_to.country, ship_to.currency):
            changed = (
                f"You changed where you ship to or the currency since this page was shown: the "
                f"orders now go to {ship_to.country_name}, in {ship_to.currency}. Nothing was "
                "charged or reserved. Check the new total below and confirm again."
            )
        else:
            try:
                orders = orders_place(
                    buyer=buyer,
                    lines=[(item.listing.pk, item.quantity) for item in items],
                    currency=ship_to.currency,
                    address=form.address(),
                    expected_total=form.cleaned_data["expected_total"],
                    by=request.user,
                )
            except QuoteChanged as change:
                changed = _changed_message(change)
                priced = _priced(change.quote)
            except OutOfStock as gone:
                messages.error(request, f"{gone} Nothing was reserved: change your cart and "
                               "check out again.")  # fmt: skip
                return redirect("cart")
            except QuoteRefused as refused:
                priced = Priced(refusal=refusal_of(refused, ship_to))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                shop.cart_clear(request.session)
                count = len(orders)
                messages.success(
                    request,
                    f"Thank you: {count} order{'s' if count != 1 else ''} placed and the goods "
                    "reserved. Pay now to confirm "
                    f"{'them' if count != 1 else 'it'}.",
                )
                return redirect("checkout_orders", checkout=orders[0].checkout)
    if priced is None:
        priced = price_items(items, ship_to)
    groups = cart_groups(items, ship_to, priced)
    context = {
        "form": form,
        "ship_to": ship_to,
        "priced": priced,
        "groups": groups,
        "changed": changed,
        "refused_sellers": [g.seller for g in groups if g.priced.refusal is not None],
    }
    return render(request, "orders/checkout.html", context)
