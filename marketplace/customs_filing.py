"""What a paid order hands to customs and logistics: its waybill and its declarations.

customs never imports marketplace: the order is described to it in plain values (a
`customs.declaring.Filing`) under its opaque reference, inside the payment's transaction.
"""

from __future__ import annotations

from customs.clearance import declarations_file
from customs.declaring import Filing, FilingLine, Party
from customs.models import Declaration
from ehubs.waybills import waybill_issue
from marketplace.models import Order


def order_customs_file(*, order: Order) -> list[Declaration]:
    """Issue the order's waybill and file its customs declarations (none if domestic)."""
    lines = list(order.lines.select_related("listing").order_by("pk"))
    waybill_issue(
        reference=order.reference,
        route=order.route,
        consignee_name=order.ship_name,
        consignee_country=str(order.ship_country),
        goods=[(line.listing_id, line.quantity) for line in lines],
        value=order.goods,
        currency=order.currency,
        weight_grams=sum(line.listing.weight_grams * line.quantity for line in lines),
    )
    seller, buyer = order.seller, order.buyer
    filing = Filing(
        reference=order.reference,
        quote=order.quote,
        seller=Party(user_id=seller.user_id, name=seller.company_name, country=str(seller.country)),
        seller_verified=seller.verified,
        seller_employees=seller.employees,
        buyer=Party(
            user_id=buyer.user_id,
            name=buyer.user.get_full_name() or buyer.user.get_username(),
            country=str(buyer.country),
        ),
        consignee_name=order.ship_name,
        consignee_country=str(order.ship_country),
        currency=order.currency,
        goods=order.goods,
        total=order.total,
        lines=tuple(
            FilingLine(
                listing_id=line.listing_id,
                title=line.title,
                hs_code=line.hs_code,
                hs_description=_hs_description(order, line.listing_id),
                origin=str(line.listing.origin_country),
                quantity=line.quantity,
                unit_price=line.unit_price,
                currency=line.unit_currency,
                listing_price=line.listing.price.amount,
                listing_currency=str(line.listing.price.currency.code),
                weight_grams=line.listing.weight_grams,
            )
            for line in lines
        ),
    )
    return declarations_file(filing=filing)


def _hs_description(order: Order, listing_id: int) -> str:
    for line in order.quote.get("lines", []):
        if line.get("listing") == listing_id:
            return str(line.get("hs_description") or "")
    return ""
