"""Reads for the storefront, seller pages and API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from marketplace.models import Listing, SellerProfile

SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-created", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "title": ("title", "id"),
}


@dataclass(frozen=True)
class ListingQuery:
    text: str = ""
    origin_country: str = ""
    hs_prefix: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str = ""
    seller: int | None = None
    sort: str = "newest"


def listings_visible(*, seller: SellerProfile | None = None) -> QuerySet[Listing]:
    """Active listings, plus every listing of `seller` (a seller always sees their own)."""
    condition = Q(status=Listing.Status.ACTIVE)
    if seller is not None:
        condition |= Q(seller=seller)
    return Listing.objects.filter(condition).select_related("seller")


def listings_search(
    *, query: ListingQuery, base: QuerySet[Listing] | None = None
) -> QuerySet[Listing]:
    """Filter and sort listings. Price bounds compare amounts in the listing's own currency;
    pass `currency` to compare like with like."""
    qs = base if base is not None else listings_visible()
    if query.text:
        for word in query.text.split():
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(hs_code__startswith=word)
                | Q(seller__company_name__icontains=word)
            )
    if query.origin_country:
        qs = qs.filter(origin_country=query.origin_country.upper())
    if query.hs_prefix:
        qs = qs.filter(hs_code__startswith=query.hs_prefix)
    if query.currency:
        qs = qs.filter(price_currency=query.currency.upper())
    if query.min_price is not None:
        qs = qs.filter(price__gte=query.min_price)
    if query.max_price is not None:
        qs = qs.filter(price__lte=query.max_price)
    if query.seller is not None:
        qs = qs.filter(seller_id=query.seller)
    return qs.order_by(*SORTS.get(query.sort, SORTS["newest"]))


def listings_featured(*, limit: int = 12) -> QuerySet[Listing]:
    return listings_visible().filter(stock__gt=0).order_by("-created", "-id")[:limit]


def listings_of_seller(*, seller: SellerProfile) -> QuerySet[Listing]:
    return Listing.objects.filter(seller=seller).order_by("status", "-updated", "-id")
