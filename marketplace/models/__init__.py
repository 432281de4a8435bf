"""Marketplace records: profiles and listings (`catalogue`), orders and timelines (`orders`)."""

from marketplace.models.catalogue import (
    HOLD_MONEY,
    HS_CODE_VALIDATOR,
    BuyerProfile,
    Listing,
    SellerProfile,
    validate_positive_money,
)
from marketplace.models.orders import Order, OrderEvent, OrderLine

__all__ = [
    "HOLD_MONEY",
    "HS_CODE_VALIDATOR",
    "BuyerProfile",
    "Listing",
    "Order",
    "OrderEvent",
    "OrderLine",
    "SellerProfile",
    "validate_positive_money",
]
