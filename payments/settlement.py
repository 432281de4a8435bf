"""Settlement, pure: how one delivered order's escrow is released, and a seller's payout.

No ORM here: `payments.settlement_services` stores what this module builds; the caller
(marketplace) describes each order in plain values (`OrderToSettle`). For one order, in the
buyer's currency C, one `release` entry of the order's reference empties its escrow exactly:

- the goods less the platform fee to the seller's payable, converted through `fx` into the
  seller's payout currency at the rate the caller froze; the fee to `platform:fees`;
- each declaration's duty and tax to its hub's customs accounts, in the declaration's (customs)
  currency: the buyer-currency amounts go into `fx` and the declared amounts come out, so the
  authority receives exactly what was declared;
- the shipping to the logistics accounts of the route's hubs, each leg to the hub it leaves
  from, shared in proportion to the legs' costs (largest remainder, in minor units).

Escrow's side is one line (the order's total); each conversion is its three other legs in a row.
A payout (`payout_entry`) then pays the seller's payable of one batch out through the provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from payments.ledger import (
    ESCROW,
    FX,
    PAYOUT,
    PLATFORM_FEES,
    RELEASE,
    EntryInvalid,
    EntrySpec,
    Line,
    entry_check,
    exchange,
    hub_duty_account,
    hub_logistics_account,
    hub_tax_account,
    provider_account,
    seller_account,
    transfer,
)
from payments.money import minor_units, quantize

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Cross rates are kept to this many places (Settlement.rate); the record is the rate used.
RATE_PLACES = 15
RATE_EXPONENT = Decimal(1).scaleb(-RATE_PLACES)


class SettlementInvalid(ValueError):
    """An order that cannot be settled as it stands; the message says why, for an operator."""


@dataclass(frozen=True)
class CustomsPart:
    """One declaration's charges, as declared: duty and tax in the customs currency."""

    hub: str
    currency: str
    duty: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ShippingLeg:
    """A leg of the route: its shipping goes to the logistics account of the hub it leaves
    from; `weight` is its cost in any one unit (only the proportions between legs count)."""

    hub: str
    weight: Decimal


@dataclass(frozen=True)
class OrderToSettle:
    reference: str
    seller: int
    currency: str  # the buyer's: what escrow holds
    goods: Decimal
    shipping: Decimal
    duty: Decimal
    tax: Decimal
    total: Decimal
    fee_percent: Decimal
    payout_currency: str
    rate: Decimal  # units of payout_currency per 1 of currency (1 when they are the same)
    customs: tuple[CustomsPart, ...] = ()
    legs: tuple[ShippingLeg, ...] = ()


@dataclass(frozen=True)
class SettlementPlan:
    """What settling one order does: its figures (buyer's currency unless named) and entries."""

    order: OrderToSettle
    fee: Decimal
    net: Decimal  # goods − fee: the seller's share, in the buyer's currency
    payout_amount: Decimal  # `net` in the payout currency, as credited to the seller
    payout_currency: str  # the order's, or the buyer's when `net` converts to less than a unit
    rate: Decimal
    entry: EntrySpec  # the `release` entry of the order

    @property
    def reference(self) -> str:
        return self.order.reference


def cross_rate(from_rate: Decimal, to_rate: Decimal) -> Decimal:
    """Units of B per 1 of A, from both currencies' rates against one base, to RATE_PLACES."""
    return (to_rate / from_rate).quantize(RATE_EXPONENT)


def allocate(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Share `amount` (rounded to `currency`) among `weights` in proportion, in whole minor
    units, the remainder going to the largest fractions (ties: the earlier); the shares add
    up to `amount` exactly. Equal shares when every weight is zero."""
    if not weights:
        raise ValueError("Nothing to share among.")
    if any(w < 0 for w in weights):
        raise ValueError("Weights are not negative.")
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    unit = Decimal(1).scaleb(-minor_units(currency))
    units = int(amount / unit)
    total = sum(weights, ZERO)
    exact = [Decimal(units) * w / total for w in weights]
    shares = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = units - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return [quantize(Decimal(s) * unit, currency) for s in shares]


def settlement_plan(order: OrderToSettle) -> SettlementPlan:
    """The entries that release `order`'s escrow (see the module's docstring); raises
    SettlementInvalid, with a sentence, for figures that cannot be settled as they are."""
    cur = order.currency
    for name in ("goods", "shipping", "duty", "tax", "total"):
        value = getattr(order, name)
        if value < 0 or quantize(value, cur) != value:
            raise SettlementInvalid(
                f"{order.reference}: its {name} {value} {cur} is not a rounded amount ≥ 0."
            )
    if order.goods + order.shipping + order.duty + order.tax != order.total:
        raise SettlementInvalid(
            f"{order.reference}: goods, shipping, duty and tax do not add up to its total."
        )
    if not ZERO <= order.fee_percent <= HUNDRED:
        raise SettlementInvalid(f"{order.reference}: a fee of {order.fee_percent} % is not a rate.")
    if not order.rate.is_finite() or order.rate <= 0:
        raise SettlementInvalid(f"{order.reference}: no usable rate to {order.payout_currency}.")

    fee = quantize(order.goods * order.fee_percent / HUNDRED, cur)
    net = order.goods - fee
    payout_currency, rate = order.payout_currency, order.rate
    if payout_currency == cur:
        rate = Decimal(1)
    elif net > 0 and quantize(net * rate, payout_currency) <= 0:
        # Worth less than one unit of the payout currency: paid in the buyer's instead.
        payout_currency, rate = cur, Decimal(1)
    payout_amount = quantize(net * rate, payout_currency)
    seller = seller_account(order.seller)

    release: list[Line] = []
    if net > 0:
        if payout_currency == cur:
            release += transfer(debit=ESCROW, credit=seller, amount=net, currency=cur)
        else:
            release += exchange(
                debit=ESCROW,
                credit=seller,
                amount=net,
                from_currency=cur,
                to_currency=payout_currency,
                rate=rate,
            )
    if fee > 0:
        release += transfer(debit=ESCROW, credit=PLATFORM_FEES, amount=fee, currency=cur)

    lines = _escrow_in_one_line([*release, *_customs_lines(order), *_shipping_lines(order)], cur)
    entry = EntrySpec(RELEASE, order.reference, lines, "Settled: seller, fee, customs, shipping")
    try:
        entry_check(entry)
    except EntryInvalid as error:
        raise SettlementInvalid(f"{order.reference}: {error}") from None
    return SettlementPlan(
        order=order,
        fee=fee,
        net=net,
        payout_amount=payout_amount,
        payout_currency=payout_currency,
        rate=rate,
        entry=entry,
    )


def _escrow_in_one_line(lines: list[Line], currency: str) -> tuple[Line, ...]:
    """The same movements with escrow's debits summed into one first line: fewer postings to
    store and check. The other lines keep their order, so each exchange is still its legs in a
    row (fx in, fx out, the account reached), which the money trail pairs."""
    released = sum((line.amount for line in lines if line.account == ESCROW), ZERO)
    rest = tuple(line for line in lines if line.account != ESCROW)
    return (Line(ESCROW, currency, released), *rest) if released else rest


def _customs_lines(order: OrderToSettle) -> list[Line]:
    cur = order.currency
    lines: list[Line] = []
    for charge, account in (("duty", hub_duty_account), ("tax", hub_tax_account)):
        paid: Decimal = getattr(order, charge)
        parts = [p for p in order.customs if getattr(p, charge) > 0]
        if not parts:
            if paid > 0:
                raise SettlementInvalid(
                    f"{order.reference}: the buyer paid {paid} {cur} of {charge}, but no "
                    f"declaration carries any {charge}."
                )
            continue
        if len({p.currency for p in parts}) > 1:
            raise SettlementInvalid(
                f"{order.reference}: its declarations' {charge} is in several currencies."
            )
        shares = allocate(paid, [getattr(p, charge) for p in parts], cur)
        for part, share in zip(parts, shares, strict=True):
            declared: Decimal = getattr(part, charge)
            lines += _remit(share, cur, declared, part.currency, account(part.hub), order, charge)
    return lines


def _remit(
    share: Decimal,
    cur: str,
    declared: Decimal,
    customs_cur: str,
    account: str,
    order: OrderToSettle,
    charge: str,
) -> list[Line]:
    """`share` of escrow (buyer's currency) pays exactly `declared` (customs currency) to the
    customs account; across currencies the difference stays in `fx`."""
    if quantize(declared, customs_cur) != declared:
        raise SettlementInvalid(f"{order.reference}: the declared {charge} is not rounded.")
    if customs_cur == cur:
        if share != declared:
            raise SettlementInvalid(
                f"{order.reference}: the buyer paid {share} {cur} of {charge}, the "
                f"declaration says {declared} {cur}."
            )
        return list(transfer(debit=ESCROW, credit=account, amount=share, currency=cur))
    lines: list[Line] = []
    if share > 0:
        lines += transfer(debit=ESCROW, credit=FX, amount=share, currency=cur)
    lines += transfer(debit=FX, credit=account, amount=declared, currency=customs_cur)
    return lines


def _shipping_lines(order: OrderToSettle) -> list[Line]:
    if order.shipping == 0:
        return []
    if not order.legs:
        raise SettlementInvalid(
            f"{order.reference}: it paid {order.shipping} {order.currency} of shipping but its "
            "route has no leg to pay it to."
        )
    shares = allocate(order.shipping, [leg.weight for leg in order.legs], order.currency)
    by_hub: dict[str, Decimal] = {}
    for leg, share in zip(order.legs, shares, strict=True):
        by_hub[leg.hub] = by_hub.get(leg.hub, ZERO) + share
    lines: list[Line] = []
    for hub, amount in by_hub.items():
        if amount > 0:
            lines += transfer(
                debit=ESCROW,
                credit=hub_logistics_account(hub),
                amount=amount,
                currency=order.currency,
            )
    return lines


def payout_entry(
    *, reference: str, seller: int, currency: str, amount: Decimal, provider: str
) -> EntrySpec:
    """A batch's payout: the seller's payable, paid out through the provider's account."""
    return EntrySpec(
        kind=PAYOUT,
        reference=reference,
        lines=transfer(
            debit=seller_account(seller),
            credit=provider_account(provider),
            amount=amount,
            currency=currency,
        ),
        memo=f"Payout to seller {seller} through {provider}",
    )
