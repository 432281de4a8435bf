"""A small world for the hub dashboard's tests: orders of the trade world (HGH → LGG) placed,
paid, cleared, reviewed, cancelled and settled through the real services, one order routed
HGH → KGL, and times set explicitly so every figure is known.

Times are whole days before today's UTC midnight (noon of that day), or today's midnight
itself, so they fall on a known UTC day whatever the hour the tests run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from customs.models import Declaration
from customs.review import declaration_decide
from ehubs.models import Hub
from marketplace.models import Order
from marketplace.orders import order_cancel, order_transition
from payments.ledger import ESCROW, PLATFORM_FEES, EntrySpec, Line, exchange, transfer
from payments.ledger_codes import RELEASE, RELEASE_CUSTOMS, hub_duty_account, hub_tax_account
from payments.ledger_services import entry_reverse, ledger_post
from payments.models import Entry
from payments.services import payment_take
from tests.customs.clearing import clear, paid_order, verify
from tests.trade import GOOD_CARD, Trade, place

S = Order.Status
FEE_RATE = Decimal("0.05")
CNY_PER_EUR = Decimal("7.8123")


def midnight() -> datetime:
    now = timezone.now().astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


def day(days_ago: int) -> datetime:
    """Noon, `days_ago` UTC days before today (0: today's midnight, always past)."""
    return (
        midnight() if days_ago == 0 else midnight() - timedelta(days=days_ago) + timedelta(hours=12)
    )


@dataclass
class DashboardWorld:
    trade: Trade
    lgg: Hub
    hgh: Hub
    kgl: Hub
    orders: dict[str, Order] = field(default_factory=dict)

    def import_at_lgg(self, name: str) -> Declaration:
        return Declaration.objects.get(reference=self.orders[name].reference, direction="import")


def created(order: Order, when: datetime) -> Order:
    Order.objects.filter(pk=order.pk).update(created=when)
    order.refresh_from_db()
    return order


def timed(declaration: Declaration, *, submitted: datetime, decided: datetime | None) -> None:
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=submitted, decided_at=decided)


def customs_released(order: Order, hub: Hub) -> None:
    """Escrow → the hub's duty and tax accounts, the order's own amounts (as settlement posts)."""
    lines: tuple[Line, ...] = ()
    for account, amount in (
        (hub_duty_account(hub.code), order.duty),
        (hub_tax_account(hub.code), order.tax),
    ):
        if amount:
            lines += transfer(debit=ESCROW, credit=account, amount=amount, currency="EUR")
    ledger_post(spec=EntrySpec(kind=RELEASE_CUSTOMS, reference=order.reference, lines=lines))


def released(order: Order, *, payout_currency: str = "EUR") -> tuple[Decimal, Decimal]:
    """The settlement's `release` entry: the goods less the platform fee to the seller (in
    `payout_currency`, through fx), the fee to `platform:fees`. Returns (to seller, fee)."""
    fee = (order.goods * FEE_RATE).quantize(Decimal("0.01"))
    net = order.goods - fee
    seller = f"seller:{order.seller_id}"
    if payout_currency == "EUR":
        lines = transfer(debit=ESCROW, credit=seller, amount=net, currency="EUR")
    else:
        lines = exchange(
            debit=ESCROW,
            credit=seller,
            amount=net,
            from_currency="EUR",
            to_currency=payout_currency,
            rate=CNY_PER_EUR,
        )
    to_seller = -sum((line.amount for line in lines if line.account == seller), Decimal(0))
    lines += transfer(debit=ESCROW, credit=PLATFORM_FEES, amount=fee, currency="EUR")
    ledger_post(spec=EntrySpec(kind=RELEASE, reference=order.reference, lines=lines))
    return to_seller, fee


def settled(order: Order) -> None:
    order.refresh_from_db()
    order_transition(order=order, from_=[order.status], to=S.SETTLED, note="Settled.")


def routed_hgh_kgl(world: DashboardWorld, when: datetime) -> Order:
    """A paid order along HGH → KGL (made directly: the trade world has no corridor there)."""
    order = Order.objects.create(
        buyer=world.trade.buyer,
        seller=world.trade.seller,
        status=S.PAID,
        currency="EUR",
        goods=Decimal("10.00"),
        shipping=Decimal("2.00"),
        duty=Decimal("0.00"),
        tax=Decimal("0.50"),
        total=Decimal("12.50"),
        quote={"route": ["HGH", "KGL"], "currency": "EUR"},
        ship_name="Aline Uwase",
        ship_line1="KN 3 Ave",
        ship_city="Kigali",
        ship_postal_code="0000",
        ship_country="RW",
        expires_at=timezone.now(),
    )
    order.hubs.set([world.hgh, world.kgl])
    payment_take(
        reference=order.reference, amount=order.total, currency="EUR", card_number=GOOD_CARD
    )
    return created(order, when)


def dashboard_world(trade: Trade) -> DashboardWorld:
    """LGG's figures (last 30 days unless said):

    orders   7: two 2 days ago (o1, o2), two yesterday (o3, o5), one today (o4), one 3 days ago
             (o12, rejected and refunded), one 5 days ago (o8, paid then cancelled: refunded);
             o10, 40 days ago, only in 90 days. Not counted: o6 (awaiting payment), o7
             (cancelled before payment), o9 (HGH → KGL).
    clearance  imports at LGG: o1 automatic 4 s, o2 automatic 10 s, o3 approved after 2 h,
             o12 rejected after 30 min; o10 automatic 6 s, 40 days ago; o8 withdrawn.
    queue    o4 in review for 3 h, o5 held for 26 h.
    customs  o1 and o2's duty and tax, on hub:LGG:duty and hub:LGG:tax.
    payouts  o1 (EUR) and o2 (CNY) settled and released; o10 settled but its release reversed;
             o3 released but not settled; o9 (KGL) settled and released.
    """
    world = DashboardWorld(
        trade=trade,
        lgg=Hub.objects.get(code="LGG"),
        hgh=Hub.objects.get(code="HGH"),
        kgl=Hub.objects.get(code="KGL"),
    )
    o = world.orders
    verify(trade.seller)  # the shirts' seller: cleared automatically
    book = [(trade.book, 1)]  # the other seller is not verified: review
    shirt = [(trade.shirt, 1)]

    for name, days_ago, seconds in (("o1", 2, 4), ("o2", 2, 10), ("o10", 40, 6)):
        o[name] = created(paid_order(trade, shirt), day(days_ago))
        clear(o[name])
        submitted = day(days_ago) + timedelta(minutes=5)
        timed(
            world.import_at_lgg(name),
            submitted=submitted,
            decided=submitted + timedelta(seconds=seconds),
        )

    for name, days_ago in (("o3", 1), ("o4", 0), ("o5", 1), ("o12", 3)):
        o[name] = created(paid_order(trade, book), day(days_ago))
        clear(o[name])
    declaration_decide(declaration=world.import_at_lgg("o3"), decision="approve")
    submitted = day(1) + timedelta(hours=1)
    timed(world.import_at_lgg("o3"), submitted=submitted, decided=submitted + timedelta(hours=2))
    declaration_decide(
        declaration=world.import_at_lgg("o12"), decision="reject", reason="Counterfeit."
    )
    submitted = day(3) + timedelta(hours=1)
    timed(
        world.import_at_lgg("o12"), submitted=submitted, decided=submitted + timedelta(minutes=30)
    )
    now = timezone.now()
    timed(world.import_at_lgg("o4"), submitted=now - timedelta(hours=3), decided=None)
    declaration_decide(
        declaration=world.import_at_lgg("o5"), decision="hold", reason="Which edition?"
    )
    timed(world.import_at_lgg("o5"), submitted=now - timedelta(hours=26), decided=None)

    o["o6"] = created(place(trade, shirt)[0], day(0))  # awaiting payment
    (o["o7"],) = place(trade, shirt)
    o["o7"] = created(order_cancel(order=o["o7"], reason="Changed my mind."), day(4))
    o["o8"] = created(paid_order(trade, shirt), day(5))
    order_cancel(order=o["o8"], reason="Found it cheaper.")  # refunded; declarations withdrawn
    o["o9"] = routed_hgh_kgl(world, day(1))

    for name in ("o1", "o2"):
        customs_released(o[name], world.lgg)
    released(o["o1"])
    released(o["o2"], payout_currency="CNY")
    settled(o["o1"])
    settled(o["o2"])
    customs_released(o["o10"], world.lgg)
    released(o["o10"])
    settled(o["o10"])
    entry = Entry.objects.get(reference=o["o10"].reference, kind=RELEASE)
    entry_reverse(entry=entry, memo="Released to the wrong seller.")
    released(o["o3"])  # released, but the order is not settled
    released(o["o9"])
    settled(o["o9"])
    for name in o:
        o[name].refresh_from_db()
    return world
