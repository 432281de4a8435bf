"""Seller pages: their listings, create, edit, archive."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from customs.forms import HsFinder
from marketplace import selectors, services
from marketplace.forms.common import add_service_errors
from marketplace.forms.seller import ListingForm
from marketplace.models import Listing, SellerProfile
from marketplace.views.common import seller_required

SELLER_PAGE_SIZE = 20


@require_GET
@seller_required
def seller_listings(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    listings = selectors.listings_of_seller(seller=seller)
    page = Paginator(listings, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seller/listing_list.html", {"seller": seller, "page_obj": page})


def _saved_message(listing: Listing) -> str:
    if listing.status == Listing.Status.ACTIVE:
        return f"Listing saved. “{listing.title}” is live on the storefront."
    if listing.status == Listing.Status.DRAFT:
        return f"Listing saved. “{listing.title}” is a draft: only you can see it."
    return f"Listing saved. “{listing.title}” is archived and hidden from buyers."


@require_http_methods(["GET", "POST"])
@seller_required
def listing_create(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    finder = HsFinder.of(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = ListingForm(finder.data)
        if finder.active:
            finder.hold_errors(form)
        elif form.is_valid():
            try:
                listing = services.listing_create(seller=seller, **form.listing_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _saved_message(listing))
                return redirect("seller_listings")
    else:
        form = ListingForm(
            initial={"origin_country": seller.country, "price": [None, seller.payout_currency]}
        )
    context = {"form": form, "listing": None, "hs_finder": finder}
    return render(request, "seller/listing_form.html", context)


@require_http_methods(["GET", "POST"])
@seller_required
def listing_edit(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk, seller=seller)
    title = listing.title  # the form writes into its instance; keep the heading stable
    finder = HsFinder.of(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = ListingForm(finder.data, instance=listing)
        if finder.active:
            finder.hold_errors(form)
        elif form.is_valid():
            try:
                # Only what the seller changed: a field changed elsewhere meanwhile (an archive,
                # for the status the form was shown with) keeps its new value.
                fields = form.listing_fields()
                changed = {name: fields[name] for name in form.changed_data if name in fields}
                listing = services.listing_update(listing=listing, **changed)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _saved_message(listing))
                return redirect("seller_listings")
    else:
        form = ListingForm(instance=listing)
    context = {"form": form, "listing": listing, "title": title, "hs_finder": finder}
    return render(request, "seller/listing_form.html", context)


@require_http_methods(["GET", "POST"])
@seller_required
def listing_archive(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    """GET asks for confirmation; only POST archives."""
    listing = get_object_or_404(Listing, pk=pk, seller=seller)
    if request.method == "POST":
        services.listing_archive(listing=listing)
        messages.success(
            request, f"Listing archived. “{listing.title}” is no longer on the storefront."
        )
        return redirect("seller_listings")
    return render(request, "seller/listing_archive.html", {"listing": listing})
