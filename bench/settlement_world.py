"""The settlement benchmark's world: delivered cross-border orders waiting to be settled.

The clearance benchmark's world (bench/clearance_world.py) with six sellers: `TEMPLATES` orders
placed and paid for real, then cleared for real (`customs.clearance.declarations_clear`: the
export declaration at O0, the import declaration at D0 with its duty and tax, the marketplace
moving each order to `cleared` with its timeline) and delivered (the status and a timeline line,
as a carrier's delivery scan would leave them: no service writes it yet). Every other order is a
copy of those rows made in SQL, ids and references moved on; the set-up fails if clearing or
delivering wrote to a table the copy does not make.

The sellers are in China, half of them small (8 staff: the hubs' SME fee) and half not (45),
and are paid out in different currencies: two in the buyers' currency (EUR), the others in CNY,
USD, RWF (no minor unit) and MYR, each through the day's cross rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench import clearance_world
from bench.clearance_world import TEMPLATES, Sets

# One per seller, in the order the world creates them (employees alternate 8 and 45).
PAYOUT_CURRENCIES = ["EUR", "CNY", "USD", "EUR", "RWF", "MYR"]
DELIVERED_NOTE = "Delivered to the buyer."


@dataclass(frozen=True)
class World:
    sets: Sets
    sellers: dict[int, str]  # seller profile id: payout currency
    declarations_with_charges: int  # of the templates' import declarations, with duty or tax


def world_create(
    work: Path, admin_dsn: str, db_name: str, orders: dict[str, int], *, held: set[str]
) -> World:
    """A fresh database with `orders[name]` delivered orders for each named set (multiples of
    TEMPLATES); the sets in `held` are left `cleared` until `set_deliver` delivers them."""
    sets = clearance_world.world_create(
        work,
        admin_dsn,
        db_name,
        orders,
        sellers=len(PAYOUT_CURRENCIES),
        before_copy=_templates_clear_and_deliver,
    )
    from django.db import connection

    from marketplace.models import SellerProfile

    sellers = {}
    for pk, currency in zip(
        SellerProfile.objects.order_by("pk").values_list("pk", flat=True),
        PAYOUT_CURRENCIES,
        strict=True,
    ):
        SellerProfile.objects.filter(pk=pk).update(payout_currency=currency)
        sellers[pk] = currency
    for name in held:
        _status_set(sets, name, "cleared")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM customs_declaration WHERE (duty > 0 OR tax > 0) "
            "AND status = 'cleared'"
        )
        charged = int(cur.fetchone()[0])
        cur.execute("ANALYZE")
    return World(sets, sellers, charged)


def set_deliver(sets: Sets, name: str) -> None:
    """Deliver the set's orders, then gather the orders' statistics again as autovacuum would
    after so many changes: with those of before the first run (nearly every order delivered)
    the claim walked the primary key past every settled order for each order it took."""
    from django.db import connection

    _status_set(sets, name, "delivered")
    with connection.cursor() as cur:
        cur.execute("ANALYZE marketplace_order")


def _status_set(sets: Sets, name: str, status: str) -> None:
    from marketplace.models import Order

    low, high = sets.orders(name)
    Order.objects.filter(pk__range=(low, high)).update(status=status)


def _templates_clear_and_deliver() -> None:
    """Clear the template orders' declarations as the hubs' jobs do, then deliver the orders."""
    from django.utils import timezone

    from customs.clearance import declarations_clear
    from customs.models import Declaration
    from marketplace.models import Order, OrderEvent

    before = clearance_world.row_counts()
    ids = list(Declaration.objects.order_by("pk").values_list("pk", flat=True))
    declarations_clear(ids=ids)
    orders = list(Order.objects.order_by("pk").values_list("pk", "status"))
    if len(orders) != TEMPLATES or any(status != Order.Status.CLEARED for _, status in orders):
        raise SystemExit("every template order must be cleared by customs")
    if not Declaration.objects.filter(tax__gt=0).exists():
        raise SystemExit("no template declaration carries tax: settlement would remit none")
    now = timezone.now()
    Order.objects.update(status=Order.Status.DELIVERED, updated=now)
    OrderEvent.objects.bulk_create(
        OrderEvent(order_id=pk, at=now, status=Order.Status.DELIVERED, note=DELIVERED_NOTE)
        for pk, _ in orders
    )
    clearance_world.tables_check(before, "clearance", once={"customs_clearancemode"})


def expected_payouts(
    order_rows: list[tuple[int, int, Decimal, int]], sellers: dict[int, str], chunk: int
) -> tuple[int, dict[tuple[int, str], Decimal]]:
    """How many payouts settling these orders (id, seller, goods, employees), `chunk` at a time
    in id order, makes, and the total each (seller, currency) is paid; worked out here from the
    hub's fee rates and the current rates, not read from what settlement stored."""
    from ehubs.selectors import hub_fees
    from payments.money import quantize
    from payments.selectors import rates_current

    rates = rates_current()
    assert rates is not None
    fee, sme_fee = hub_fees()[clearance_world.EXPORT_HUB]
    totals: dict[tuple[int, str], Decimal] = {}
    count = 0
    rows = sorted(order_rows)
    for start in range(0, len(rows), chunk):
        count += len({seller for _, seller, _, _ in rows[start : start + chunk]})
    for _, seller, goods, employees in rows:
        currency = sellers[seller]
        net = goods - quantize(goods * (sme_fee if employees < 30 else fee) / 100, "EUR")
        rate = (rates.rate(currency) / rates.rate("EUR")).quantize(Decimal("1e-15"))
        paid = net if currency == "EUR" else quantize(net * rate, currency)
        totals[(seller, currency)] = totals.get((seller, currency), Decimal(0)) + paid
    return count, totals
