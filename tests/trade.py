"""A small world to trade in, shared by the checkout, order, payment and ledger tests.

Two sellers in China (HGH) and a buyer in Belgium (LGG), with the reference data of
tests/marketplace/conftest.py (hubs, corridors, tariff, rates) loaded through the import services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from moneyed import Money

from marketplace.checkout import Address, orders_place
from marketplace.models import BuyerProfile, Listing, Order, SellerProfile
from tests.factories import BuyerFactory, ListingFactory, SellerFactory
from tests.marketplace.conftest import reference_data_load

GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
ERROR_CARD = "4000000000000119"

ADDRESS = Address(
    name="Amélie Dupont",
    line1="Rue de la Loi 16",
    city="Brussels",
    postal_code="1000",
    country="BE",
)


@dataclass
class Trade:
    buyer: BuyerProfile
    seller: SellerProfile
    other_seller: SellerProfile
    shirt: Listing  # seller's, stock 10
    mug: Listing  # seller's, stock 10
    book: Listing  # other_seller's, stock 10


def trade_world() -> Trade:
    reference_data_load()
    seller = SellerFactory.create(company_name="Hangzhou Shirts Co")
    other = SellerFactory.create(company_name="West Lake Books")
    return Trade(
        buyer=BuyerFactory.create(country="BE", preferred_currency="EUR"),
        seller=seller,
        other_seller=other,
        shirt=ListingFactory.create(seller=seller, title="Silk shirt", hs_code="610910", stock=10),
        mug=ListingFactory.create(
            seller=seller,
            title="Celadon mug",
            hs_code="691200",
            stock=10,
            price=Money(Decimal("12.50"), "USD"),
        ),
        book=ListingFactory.create(
            seller=other,
            title="Tea atlas",
            hs_code="490199",
            stock=10,
            price=Money(Decimal("30.00"), "USD"),
        ),
    )


def place(
    trade: Trade,
    lines: Sequence[tuple[Listing, int]],
    *,
    currency: str = "EUR",
    buyer: BuyerProfile | None = None,
) -> list[Order]:
    """Check out `lines` for the buyer (delivered to ADDRESS in Belgium)."""
    who = buyer or trade.buyer
    return orders_place(
        buyer=who,
        lines=[(listing.pk, quantity) for listing, quantity in lines],
        currency=currency,
        address=ADDRESS,
        by=who.user,
    )
