"""Reads for the storefront, seller pages and API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from ehubs.selectors import operator_countries, operator_hubs
from marketplace.converted_prices import price_in, price_within
from marketplace.models import HOLD_MONEY, BuyerProfile, Listing, Order, SellerProfile
from marketplace.quoting import Quotable
from payments.selectors import rates_current

# The listing's price converted into the query's `price_currency` (see converted_prices), for
# ordering: listings whose currency has no rate sort last.
PRICE_IN = "price_in_currency"
PRICE_ASC = F(PRICE_IN).asc(nulls_last=True)
PRICE_DESC = F(PRICE_IN).desc(nulls_last=True)

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "newest": ("-created", "-id"),
    "price_asc": (PRICE_ASC, "id"),
    "price_desc": (PRICE_DESC, "-id"),
    "title": ("title", "id"),
}


@dataclass(frozen=True)
class ListingQuery:
    text: str = ""
    origin_country: str = ""
    hs_prefix: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str = ""  # only listings priced in this currency
    seller: int | None = None
    sort: str = "newest"
    # The currency min_price / max_price are in and price sorts convert to (the visitor's);
    # without it, bounds are ignored and price sorts convert to the rate table's base.
    price_currency: str = ""


def listings_visible(*, seller: SellerProfile | None = None) -> QuerySet[Listing]:
    """Active listings, plus every listing of `seller` (a seller always sees their own)."""
    condition = Q(status=Listing.Status.ACTIVE)
    if seller is not None:
        condition |= Q(seller=seller)
    return Listing.objects.filter(condition).select_related("seller")


def listings_search(
    *, query: ListingQuery, base: QuerySet[Listing] | None = None
) -> QuerySet[Listing]:
    """Filter and sort listings. Price bounds and price sorts work on each listing's price
    converted into `price_currency` with the current FX table, in SQL; listings whose
    currency has no rate are left out by bounds and sort last. `PRICE_IN` is available to
    order_by on the result."""
    qs = base if base is not None else listings_visible()
    rates = rates_current()
    target = query.price_currency.upper() or (rates.base if rates is not None else "")
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
    bounded = query.min_price is not None or query.max_price is not None
    if bounded:  # with no rate table and no currency, no listing can be placed in bounds
        qs = qs.filter(price_within(target, rates, low=query.min_price, high=query.max_price))
    if query.seller is not None:
        qs = qs.filter(seller_id=query.seller)
    # An alias is only written into the SQL when an ordering uses it.
    qs = qs.alias(**{PRICE_IN: price_in(target, rates)})
    return qs.order_by(*SORTS.get(query.sort, SORTS["newest"]))


_QUOTE_COLUMNS = (
    ("l", Listing, "id"), ("l", Listing, "seller_id"), ("l", Listing, "title"),
    ("l", Listing, "hs_code"), ("l", Listing, "origin_country"), ("l", Listing, "price"),
    ("l", Listing, "price_currency"), ("l", Listing, "weight_grams"),
    ("s", SellerProfile, "country"), ("s", SellerProfile, "employees"),
)  # fmt: skip
_PRICE_PLACES = Decimal(1).scaleb(-HOLD_MONEY["decimal_places"])
_QUOTE_DB = "default"  # listings have no database routing


def listings_quotable(*, ids: Iterable[int]) -> list[Quotable]:
    """What a quote reads of the active listings among `ids`, by listing id.

    Every API quote runs this, so it is one hand-written query instead of the ORM's compiled
    one and model instances (together they cost more than the rest of the quote).
    """
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    columns = ", ".join(
        f"{alias}.{model._meta.get_field(name).column}"  # type: ignore[union-attr]
        for alias, model, name in _QUOTE_COLUMNS
    )
    placeholders = ", ".join(["%s"] * len(wanted))
    sql = (
        f"SELECT {columns} FROM {Listing._meta.db_table} l "  # noqa: S608
        f"JOIN {SellerProfile._meta.db_table} s ON s.id = l.seller_id "
        f"WHERE l.status = %s AND l.id IN ({placeholders})"
    )
    with connections[_QUOTE_DB].cursor() as cursor:
        cursor.execute(sql, [Listing.Status.ACTIVE, *wanted])
        rows = cursor.fetchall()
    return [
        Quotable(
            listing_id=pk,
            seller_id=seller_id,
            title=title,
            hs_code=hs_code,
            origin=origin,
            # SQLite hands decimals back as floats: read them as the ORM does.
            unit_price=(price if isinstance(price, Decimal) else Decimal(str(price))).quantize(
                _PRICE_PLACES
            ),
            currency=currency,
            weight_grams=weight_grams,
            seller_country=seller_country,
            seller_employees=employees,
        )
        for (
            pk,
            seller_id,
            title,
            hs_code,
            origin,
            price,
            currency,
            weight_grams,
            seller_country,
            employees,
        ) in rows
    ]


def listings_featured(*, limit: int = 12) -> QuerySet[Listing]:
    return listings_visible().filter(stock__gt=0).order_by("-created", "-id")[:limit]


def listings_of_seller(*, seller: SellerProfile) -> QuerySet[Listing]:
    return Listing.objects.filter(seller=seller).order_by("status", "-updated", "-id")


# --- Hub scope: what an operator sees in admin (ehubs.selectors.operator_countries) ----------


def sellers_operated(
    *, user: AbstractBaseUser | AnonymousUser, sellers: QuerySet[SellerProfile] | None = None
) -> QuerySet[SellerProfile]:
    """The sellers (of `sellers`, default all) based in a country `user`'s hubs serve."""
    sellers = SellerProfile.objects.all() if sellers is None else sellers
    countries = operator_countries(user=user)
    return sellers if countries is None else sellers.filter(country__in=countries)


def listings_operated(
    *, user: AbstractBaseUser | AnonymousUser, listings: QuerySet[Listing] | None = None
) -> QuerySet[Listing]:
    """The listings (of `listings`, default all) whose seller is one of `sellers_operated`."""
    listings = Listing.objects.all() if listings is None else listings
    countries = operator_countries(user=user)
    return listings if countries is None else listings.filter(seller__country__in=countries)


def buyers_operated(
    *, user: AbstractBaseUser | AnonymousUser, buyers: QuerySet[BuyerProfile] | None = None
) -> QuerySet[BuyerProfile]:
    """Buyers `user` may see: all for a superuser, none for an operator (orders through their
    hubs will grant them the buyers of those orders)."""
    buyers = BuyerProfile.objects.all() if buyers is None else buyers
    return buyers if operator_countries(user=user) is None else buyers.none()


def orders_operated(
    *, user: AbstractBaseUser | AnonymousUser, orders: QuerySet[Order] | None = None
) -> QuerySet[Order]:
    """The orders (of `orders`, default all) whose frozen route passes a hub `user` operates
    (`Order.hubs` ∩ `ehubs.selectors.operator_hubs`); every order for a superuser."""
    orders = Order.objects.all() if orders is None else orders
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return orders
    return orders.filter(_routed_through_operated_hubs(user))


def _routed_through_operated_hubs(user: AbstractBaseUser | AnonymousUser) -> Q:
    # A subquery, not a join: an order through two of the operator's hubs is listed once.
    through_hubs = Order.hubs.through.objects.filter(hub__in=operator_hubs(user=user))
    return Q(pk__in=through_hubs.values("order_id"))


def _bought_or_sold_by(user: AbstractBaseUser | AnonymousUser) -> Q:
    return Q(buyer__user=user) | Q(seller__user=user)


# --- Orders ----------------------------------------------------------------------------------


def orders_visible(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Order]:
    """The orders `user` may see: a buyer's own, a seller's incoming, those routed through the
    hubs an operator runs (every order for a superuser)."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return Order.objects.none()
    orders = Order.objects.select_related("buyer__user", "seller")
    if getattr(user, "is_superuser", False):
        return orders
    return orders.filter(_bought_or_sold_by(user) | _routed_through_operated_hubs(user))


def orders_of_buyer(*, buyer: BuyerProfile) -> QuerySet[Order]:
    return Order.objects.filter(buyer=buyer).select_related("seller").prefetch_related("lines")


def orders_of_seller(*, seller: SellerProfile, status: str = "") -> QuerySet[Order]:
    """The seller's incoming orders, newest first; only those of `status` when given."""
    orders = Order.objects.filter(seller=seller)
    if status:
        orders = orders.filter(status=status)
    return orders.select_related("buyer__user").prefetch_related("lines")


def orders_of_party(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Order]:
    """The orders `user` bought or sells: what the order pages show (operators use admin)."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return Order.objects.none()
    return (
        Order.objects.filter(_bought_or_sold_by(user))
        .select_related("buyer__user", "seller__user")
        .prefetch_related("lines")
    )


def orders_of_checkout(*, buyer: BuyerProfile, checkout: UUID) -> QuerySet[Order]:
    """The orders one checkout of `buyer` placed (one per seller), in the order they were made."""
    return (
        Order.objects.filter(buyer=buyer, checkout=checkout)
        .select_related("seller")
        .prefetch_related("lines")
        .order_by("id")
    )
