"""Settling delivered orders: the escrow of each goes to its seller (less the platform fee, in
the seller's payout currency), to the customs accounts of its declarations' hubs and to the
logistics accounts of its route's hubs; each seller is paid out once per batch
(docs/settlement.md).

Orders are taken in chunks, each in one transaction: the chunk's delivered orders are locked
(`FOR UPDATE SKIP LOCKED`, so two settlers share the work instead of waiting), described to
payments in plain values, recorded there (payouts, settlements, ledger entries) and marked
`settled`, all or nothing. A settlement's unique reference makes a second settlement of an order
impossible; a process killed at any point leaves whole chunks or nothing, and the next run
settles the rest.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from customs.selectors import declared_charges
from ehubs.selectors import hub_fees, network_current
from ewtp.bulk import rows_insert
from marketplace.models import Order, OrderEvent
from marketplace.models.orders import ORDER_PREFIX
from payments.fx import Rates
from payments.models import Settlement
from payments.selectors import rates_current
from payments.services import provider_get
from payments.settlement import (
    CustomsPart,
    OrderToSettle,
    SettlementInvalid,
    SettlementPlan,
    ShippingLeg,
    cross_rate,
    settlement_plan,
)
from payments.settlement_services import payouts_record

log = logging.getLogger(__name__)
S = Order.Status


@dataclass
class SettleSummary:
    """What a run did: orders settled, payouts made, and the delivered orders it could not
    settle, by id, with the reason (they stay `delivered`)."""

    settled: int = 0
    payouts: int = 0
    problems: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.settled} order(s) settled in {self.payouts} payout(s)"
        if self.problems:
            text += f"; {len(self.problems)} delivered order(s) could not be settled"
        return text + "."


def orders_settle(
    *,
    chunk: int | None = None,
    limit: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> SettleSummary:
    """Settle every delivered order (at most `limit`), `chunk` orders a transaction; safe to run
    twice at once or after a crash. `progress` is called with the count of each chunk done."""
    chunk = chunk or settings.EWTP_SETTLEMENT_CHUNK
    summary = SettleSummary()
    collisions = 0
    while limit is None or summary.settled < limit:
        size = chunk if limit is None else min(chunk, limit - summary.settled)
        try:
            taken, payouts, problems = _chunk_settle(size, exclude=summary.problems.keys())
        except IntegrityError:
            # Another settler recorded one of these orders first (it could only if it did not
            # hold their locks): nothing of this chunk was written. Orders that have a
            # settlement yet still say `delivered` are reported, not retried for ever.
            collisions += 1
            if collisions > 3:
                raise
            summary.problems.update(_settled_but_delivered())
            continue
        collisions = 0
        summary.problems.update(problems)
        summary.settled += taken
        summary.payouts += payouts
        if progress is not None and (taken or problems):
            progress(taken + len(problems))
        if taken == 0 and not problems:
            break
    for order_id, why in summary.problems.items():
        log.warning("Order %s not settled: %s", order_id, why)
    return summary


def orders_to_settle_count() -> int:
    return Order.objects.filter(status=S.DELIVERED).count()


def _chunk_settle(size: int, *, exclude: Iterable[int]) -> tuple[int, int, dict[int, str]]:
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(status=S.DELIVERED)
            .exclude(pk__in=list(exclude))
            .select_related("seller")
            .only(
                "id",
                "status",
                "currency",
                "goods",
                "shipping",
                "duty",
                "tax",
                "total",
                "quote",
                "seller__id",
                "seller__country",
                "seller__employees",
                "seller__payout_currency",
            )
            .order_by("pk")[:size]
        )
        if not orders:
            return 0, 0, {}
        plans, problems = _plans(orders)
        if not plans:
            return 0, 0, problems
        now = timezone.now()
        payouts = payouts_record(plans=plans, provider=provider_get().name, now=now)
        order_of = {order.reference: order.pk for order in orders}
        ids = [order_of[plan.reference] for plan in plans]
        moved = Order.objects.filter(pk__in=ids, status=S.DELIVERED).update(
            status=S.SETTLED, updated=now
        )
        if moved != len(ids):  # the rows are locked: this would be a bug; write nothing
            raise RuntimeError(f"{len(ids) - moved} locked order(s) left `delivered` meanwhile.")
        rows_insert(OrderEvent, ("order_id", "at", "status", "note"), _events(ids, now))
    return len(plans), len(payouts), problems


def _plans(orders: list[Order]) -> tuple[list[SettlementPlan], dict[int, str]]:
    rates = rates_current()
    fees = hub_fees()
    network = network_current()
    charges = declared_charges(references=[o.reference for o in orders])
    plans: list[SettlementPlan] = []
    problems: dict[int, str] = {}
    for order in orders:
        try:
            plans.append(
                settlement_plan(_to_settle(order, rates, fees, network.hub_for_country, charges))
            )
        except SettlementInvalid as error:
            problems[order.pk] = str(error)
    return plans, problems


def _to_settle(
    order: Order,
    rates: Rates | None,
    fees: dict[str, tuple[Decimal, Decimal]],
    hub_for_country: Any,
    charges: dict[str, list[tuple[str, str, Decimal, Decimal]]],
) -> OrderToSettle:
    seller = order.seller
    route = [str(code) for code in order.quote.get("route") or []]
    origin = route[0] if route else hub_for_country.get(str(seller.country))
    if origin not in fees:
        raise SettlementInvalid(f"{order.reference}: no hub sets its platform fee.")
    fee, sme_fee = fees[origin]
    payout_currency = seller.payout_currency
    rate = Decimal(1)
    if payout_currency != order.currency:
        if rates is None or not rates.has(order.currency) or not rates.has(payout_currency):
            raise SettlementInvalid(
                f"{order.reference}: no exchange rate from {order.currency} to {payout_currency}."
            )
        rate = cross_rate(rates.rate(order.currency), rates.rate(payout_currency))
    return OrderToSettle(
        reference=order.reference,
        seller=seller.pk,
        currency=order.currency,
        goods=order.goods,
        shipping=order.shipping,
        duty=order.duty,
        tax=order.tax,
        total=order.total,
        fee_percent=sme_fee if seller.is_sme else fee,
        payout_currency=payout_currency,
        rate=rate,
        customs=tuple(
            CustomsPart(hub=hub, currency=currency, duty=duty, tax=tax)
            for hub, currency, duty, tax in charges.get(order.reference, [])
        ),
        legs=_legs(route, order.quote.get("legs") or []),
    )


def _legs(route: list[str], legs: list[Any]) -> tuple[ShippingLeg, ...]:
    """The route's legs, each weighted by its shipping in the frozen quote (equal weights for a
    quote that does not list them)."""
    departures = route[:-1]
    weights = [Decimal(1)] * len(departures)
    if len(legs) == len(departures) and all(
        isinstance(leg, dict) and leg.get("from") == hub
        for leg, hub in zip(legs, departures, strict=True)
    ):
        with contextlib.suppress(KeyError, TypeError, ArithmeticError):
            weights = [Decimal(str(leg["shipping"]["amount"])) for leg in legs]
    return tuple(
        ShippingLeg(hub=hub, weight=weight) for hub, weight in zip(departures, weights, strict=True)
    )


def _events(ids: list[int], now: Any) -> list[tuple[int, Any, str, str]]:
    # Buyers read the timeline too: what the seller was paid is on the seller's payout pages.
    note = (
        "Settled: the money held in escrow was paid to the seller, the duty and tax to customs "
        "and the shipping to the carriers."
    )
    return [(order_id, now, S.SETTLED, note) for order_id in ids]


def _settled_but_delivered() -> dict[int, str]:
    delivered = {
        f"{ORDER_PREFIX}{pk}": pk
        for pk in Order.objects.filter(status=S.DELIVERED).values_list("pk", flat=True)
    }
    stuck = Settlement.objects.filter(reference__in=list(delivered)).values_list(
        "reference", flat=True
    )
    return {
        delivered[reference]: f"{reference} has a settlement already but is still delivered."
        for reference in stuck
    }
