"""Storefront pages: home, search, a listing with its delivered price, the ship-to chooser."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from marketplace import cart as shop
from marketplace import selectors
from marketplace.forms.cart import CartAddForm
from marketplace.forms.storefront import ListingSearchForm, QuantityForm, ShipToForm
from marketplace.models import Listing
from marketplace.quoting import Item
from marketplace.views.common import form_errors_to_messages, safe_next, seller_of_request
from marketplace.views.pricing import card_context, price_items, ship_to_message, ship_to_of

SEARCH_PAGE_SIZE = 24
FEATURED_COUNT = 8


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = list(selectors.listings_featured(limit=FEATURED_COUNT))
    context = {"featured": featured, **card_context(featured, request)}
    return render(request, "storefront/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = ListingSearchForm(request.GET, currency=ship_to_of(request).currency)
    results = selectors.listings_search(query=form.query())
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filtered": form.has_filters(),
        **card_context(page, request),
    }
    return render(request, "storefront/search.html", context)


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The listing, with its delivered price for ?quantity=N (default 1) to the visitor's
    ship-to country, in their currency."""
    seller = seller_of_request(request)
    listing = get_object_or_404(selectors.listings_visible(seller=seller), pk=pk)
    quantity_form = QuantityForm(
        request.GET if "quantity" in request.GET else None, initial={"quantity": 1}
    )
    quantity = 1
    if quantity_form.is_bound and quantity_form.is_valid():
        quantity = quantity_form.cleaned_data["quantity"]
    ship_to = ship_to_of(request)
    priced = price_items([Item(listing, quantity)], ship_to)
    context = {
        "listing": listing,
        "is_owner": seller is not None and listing.seller_id == seller.pk,
        "on_sale": listing.status == Listing.Status.ACTIVE and listing.stock > 0,
        "ship_to": ship_to,
        "quantity": quantity,
        "quantity_form": quantity_form,
        "add_form": CartAddForm(initial={"listing": listing.pk, "quantity": quantity}),
        "priced": priced,
    }
    return render(request, "storefront/listing_detail.html", context)


@require_POST
def ship_to(request: HttpRequest) -> HttpResponse:
    """Remember where the visitor ships to and the currency they see prices in."""
    form = ShipToForm(request.POST, currencies=shop.currencies_quotable())
    if form.is_valid():
        choice = shop.ship_to_set(
            request.session,
            country=form.cleaned_data["country"],
            currency=form.cleaned_data["currency"],
        )
        level, text = ship_to_message(choice)
        messages.add_message(request, level, text)
    else:
        form_errors_to_messages(request, form)
    return redirect(safe_next(request) or "home")
