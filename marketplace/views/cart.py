"""The cart: lines per seller, each seller's consignment quoted, the grand total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from marketplace import cart as shop
from marketplace.forms.cart import CartAddForm, CartLineForm, CartUpdateForm
from marketplace.models import Listing, SellerProfile
from marketplace.quoting import Item
from marketplace.views.common import form_errors_to_messages, safe_next
from marketplace.views.pricing import LINE_REFUSALS, Priced, price_items, rule_notes, ship_to_of


@dataclass
class CartLine:
    item: Item
    blocking: bool = False  # refused on its own: the line that stops the cart being quoted

    @property
    def listing(self) -> Listing:
        return self.item.listing

    @property
    def quantity(self) -> int:
        return self.item.quantity


@dataclass
class SellerGroup:
    """One seller's lines: shipped together as one consignment, quoted together."""

    seller: SellerProfile
    lines: list[CartLine]
    priced: Priced

    @property
    def items(self) -> list[Item]:
        return [line.item for line in self.lines]


def _by_seller(items: Sequence[Item]) -> list[tuple[SellerProfile, list[Item]]]:
    # The same grouping and order as marketplace.quoting.consignments_of.
    groups: dict[int, tuple[SellerProfile, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.listing.seller_id, (item.listing.seller, []))[1].append(item)
    return list(groups.values())


def cart_groups(items: Sequence[Item], ship_to: shop.ShipTo, whole: Priced) -> list[SellerGroup]:
    """Each seller's consignment quote, taken from the whole cart's quote. When the engine
    refused the cart, each seller's lines are quoted alone to show which seller (and which
    line) is refused, while the others keep their prices."""
    result = []
    consignments = {}
    if whole.engine_quote is not None:
        consignments = {c.seller_id: c for c in whole.engine_quote.consignments}
    for seller, group in _by_seller(items):
        lines = [CartLine(item) for item in group]
        if whole.engine_quote is not None:
            data = consignments[seller.pk].as_dict()
            priced = Priced(quote=data, rule_notes=rule_notes(data))
        elif whole.refusal is not None:
            priced = price_items(group, ship_to)
            if priced.refusal is not None and priced.refusal.code in LINE_REFUSALS:
                for line in lines:
                    alone = lines == [line] or price_items([line.item], ship_to).refusal is not None
                    line.blocking = alone
        else:
            priced = Priced(currency_error=whole.currency_error)
        result.append(SellerGroup(seller=seller, lines=lines, priced=priced))
    return result


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    """The cart: one delivered-price quote per seller and the grand total, all from one call to
    the engine."""
    stored = len(shop.cart_quantities(request.session))
    items = shop.cart_items(request.session)
    gone = stored - len(items)
    if gone:
        messages.info(
            request,
            f"{gone} item{'s' if gone != 1 else ''} no longer on sale "
            f"{'were' if gone != 1 else 'was'} removed from your cart.",
        )
    ship_to = ship_to_of(request)
    whole = price_items(items, ship_to) if items else Priced()
    groups = cart_groups(items, ship_to, whole) if items else []
    refused_sellers = [g.seller for g in groups if g.priced.refusal is not None]
    context = {
        "ship_to": ship_to,
        "items": items,
        "groups": groups,
        "priced": whole,
        "refused_sellers": refused_sellers,
        "max_quantity": shop.MAX_QUANTITY,
    }
    return render(request, "storefront/cart.html", context)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(safe_next(request) or "cart")
    listing: Listing = form.cleaned_data["listing"]
    if listing.stock <= 0:
        messages.error(request, f"“{listing.title}” is out of stock, so it can't be added now.")
        return redirect(safe_next(request) or "cart")
    requested = form.cleaned_data["quantity"]
    before = shop.cart_quantities(request.session).get(listing.pk, 0)
    total = shop.cart_add(request.session, listing.pk, requested)
    if before + requested > total:
        messages.warning(
            request,
            f"A cart line holds at most {shop.MAX_QUANTITY} units: you now have {total} × "
            f"“{listing.title}”.",
        )
    else:
        messages.success(request, f"Added {requested} × “{listing.title}” to your cart.")
    return redirect("cart")


def _title_of(listing_id: int) -> str:
    title = Listing.objects.filter(pk=listing_id).values_list("title", flat=True).first()
    return f"“{title}”" if title else "The item"


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    form = CartUpdateForm(request.POST)
    if form.is_valid():
        listing_id = form.cleaned_data["listing"]
        if listing_id in shop.cart_quantities(request.session):
            quantity = shop.cart_set(request.session, listing_id, form.cleaned_data["quantity"])
            messages.success(request, f"{_title_of(listing_id)}: quantity now {quantity}.")
        else:
            messages.error(request, "That item is not in your cart.")
    else:
        form_errors_to_messages(request, form)
    return redirect("cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    form = CartLineForm(request.POST)
    if form.is_valid() and shop.cart_remove(request.session, form.cleaned_data["listing"]):
        title = _title_of(form.cleaned_data["listing"])
        messages.success(request, f"{title} removed from your cart.")
    else:
        messages.error(request, "That item is not in your cart.")
    return redirect("cart")
