"""Marketplace records: profiles and listings (`catalogue`), orders and timelines (`orders`),
shipments and their events (`shipping`)."""

from marketplace.models.catalogue import (
    HOLD_MONEY,
    HS_CODE_VALIDATOR,
    BuyerProfile,
    Listing,
    SellerProfile,
    validate_positive_money,
)
from marketplace.models.orders import Order, OrderEvent, OrderLine
from marketplace.models.shipping import LogisticsPartner, Shipment, ShipmentEvent

__all__ = [
    "HOLD_MONEY",
    "HS_CODE_VALIDATOR",
    "BuyerProfile",
    "Listing",
    "LogisticsPartner",
    "Order",
    "OrderEvent",
    "OrderLine",
    "SellerProfile",
    "Shipment",
    "ShipmentEvent",
    "validate_positive_money",
]
