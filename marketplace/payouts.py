"""A seller's payouts, as their pages and the API show them: each batch with the orders it paid
(payments names them by reference, "order:<id>"; the order ids are marketplace's to read)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from customs.landed_cost import plain
from marketplace.models import Order, SellerProfile
from marketplace.models.orders import order_id_of
from payments.models import Payout, Settlement
from payments.selectors import payout_settlements, payouts_of_seller, settlement_of


@dataclass(frozen=True)
class SettledOrder:
    """One order of a payout: its id (None for a reference that names no order) and how it
    was settled."""

    order: int | None
    settlement: Settlement

    @property
    def rate(self) -> str:
        return plain(self.settlement.rate)  # as stored, without trailing zeros: "7.8123", "1"


@dataclass(frozen=True)
class PayoutShown:
    """A payout with its settled orders, oldest first."""

    payout: Payout
    settled: list[SettledOrder]

    @property
    def orders(self) -> list[int]:
        return [row.order for row in self.settled if row.order is not None]


def payouts_of(*, seller: SellerProfile) -> QuerySet[Payout]:
    """The seller's payouts, newest first."""
    return payouts_of_seller(seller=seller.pk)


def payouts_shown(payouts: list[Payout]) -> list[PayoutShown]:
    """`payouts` with their settlements, in two queries."""
    found = payout_settlements(payouts=[p.pk for p in payouts])
    return [
        PayoutShown(
            payout=p,
            settled=[SettledOrder(order_id_of(s.reference), s) for s in found.get(p.pk, [])],
        )
        for p in payouts
    ]


def settlement_of_order(order: Order) -> Settlement | None:
    """How `order` was settled, with the payout that paid its seller; None until it is."""
    return settlement_of(reference=order.reference)
