"""Demo orders: a few of `demo-buyer`'s orders left at every step of the journey, so the demo
opens on a living marketplace (README, "Walk the journey by hand").

Every order is made by the services a person's clicks call: placed at checkout, paid with the
sandbox's good card, cleared by the clearance service (run here, in-process, whatever the broker),
shipped, reported by its carrier and settled. Each order's checkout id is derived from its name,
so a re-run finds the orders already there and creates none; an order that cannot be made (its
listing archived, say) is rolled back, reported and skipped, and never fails the seed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from customs.clearance import clearance_deferred, declarations_clear
from customs.landed_cost import QuoteRefused
from customs.models import Declaration
from marketplace.checkout import Address, OutOfStock, orders_place
from marketplace.demo import DEMO_BUYER, DEMO_SELLER
from marketplace.models import BuyerProfile, Listing, LogisticsPartner, Order
from marketplace.orders import OrderConflict, order_pay
from marketplace.settlement import orders_settle
from marketplace.shipping import ReportedEvent, order_ship, shipment_event_record

S = Order.Status
# The demo orders' checkout ids are uuid5(CHECKOUTS, name): the same on every machine and run.
CHECKOUTS = uuid.UUID("6f1c1d3e-3b0e-5d55-9a41-7e0d1c0ffee0")
SANDBOX_GOOD_CARD = "4242424242424242"
# An unverified catalogue seller: its orders wait in the hubs' review queue.
DEMO_UNVERIFIED_SELLER = "seller-yiwu-toys"
DEMO_ADDRESS = Address(
    name="Amélie Dupont",
    line1="Rue de la Loi 16",
    city="Brussels",
    postal_code="1000",
    country="BE",
)


@dataclass(frozen=True)
class DemoOrderSpec:
    name: str
    seller: str
    title: str
    quantity: int
    status: str  # where the order is left
    carrier: str = ""
    tracking: str = ""
    # The carrier's events, (kind, hub, location), reported in this order.
    events: tuple[tuple[str, str, str], ...] = ()

    @property
    def checkout(self) -> uuid.UUID:
        return uuid.uuid5(CHECKOUTS, self.name)


_ON_THE_WAY = (
    ("picked_up", "", "Jingdezhen"),
    ("departed_hub", "HGH", "Hangzhou"),
    ("arrived_at_hub", "LGG", "Liège airport"),
)
# Settled first: settlement takes every delivered order, and the `delivered` one must stay so.
DEMO_ORDERS = (
    DemoOrderSpec(
        "settled",
        DEMO_SELLER,
        "Blue-and-white porcelain rice bowls, set of 4",
        2,
        S.SETTLED,
        carrier="cainiao",
        tracking="CNDEMO0001",
        events=(*_ON_THE_WAY, ("delivered", "", "Brussels")),
    ),
    DemoOrderSpec(
        "delivered",
        DEMO_SELLER,
        "Hand-painted porcelain teapot, 450 ml",
        1,
        S.DELIVERED,
        carrier="cainiao",
        tracking="CNDEMO0002",
        events=(*_ON_THE_WAY, ("delivered", "", "Brussels")),
    ),
    DemoOrderSpec(
        "shipped",
        DEMO_SELLER,
        "Eggshell porcelain tea cups, pair",
        1,
        S.SHIPPED,
        carrier="dhl",
        tracking="DHLDEMO0003",
        events=_ON_THE_WAY,
    ),
    DemoOrderSpec("cleared", DEMO_SELLER, "Porcelain vase with peony motif, 25 cm", 1, S.CLEARED),
    DemoOrderSpec("review", DEMO_UNVERIFIED_SELLER, "Plush giant panda, 30 cm", 1, S.REVIEW),
    DemoOrderSpec("paid", DEMO_SELLER, "Celadon-glaze gongfu tea set, 8 pieces", 1, S.PAID),
)


class DemoOrderStuck(Exception):
    """The order did not reach the state its spec names; nothing of it was kept."""


@dataclass
class DemoOrdersSummary:
    created: list[Order] = field(default_factory=list)
    present: list[Order] = field(default_factory=list)
    # (spec name, why) of the orders that could not be made.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def demo_orders_seed(*, specs: tuple[DemoOrderSpec, ...] = DEMO_ORDERS) -> DemoOrdersSummary:
    """Make the demo orders that are not there yet (needs `demo_seed` and the reference data
    first). Each is made in its own transaction: all of it, or nothing and a line in `skipped`."""
    # The demo's people have example.com addresses: their order emails go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _demo_orders_seed(specs)


def _demo_orders_seed(specs: tuple[DemoOrderSpec, ...]) -> DemoOrdersSummary:
    summary = DemoOrdersSummary()
    buyer = BuyerProfile.objects.select_related("user").filter(user__username=DEMO_BUYER).first()
    if buyer is None:
        summary.skipped.append(("all", f"no {DEMO_BUYER}: run demo_seed first"))
        return summary
    for spec in specs:
        existing = Order.objects.filter(checkout=spec.checkout).first()
        if existing is not None:
            summary.present.append(existing)
            continue
        try:
            summary.created.append(_demo_order_make(spec, buyer))
        except (
            DemoOrderStuck,
            OrderConflict,
            OutOfStock,
            QuoteRefused,
            ValidationError,
        ) as exc:
            summary.skipped.append((spec.name, str(exc)))
    return summary


@transaction.atomic
def _demo_order_make(spec: DemoOrderSpec, buyer: BuyerProfile) -> Order:
    listing = _listing(spec)
    (order,) = orders_place(
        buyer=buyer,
        lines=[(listing.pk, spec.quantity)],
        currency=buyer.preferred_currency,
        address=DEMO_ADDRESS,
        by=buyer.user,
    )
    Order.objects.filter(pk=order.pk).update(checkout=spec.checkout)
    if spec.status == S.PAID:
        _pay_leaving_clearance_to_the_worker(order, buyer)
    else:
        _pay(order, buyer)
        # The service the hubs' jobs run; with a broker their jobs later find nothing to do.
        submitted = Declaration.objects.filter(
            reference=order.reference, status=Declaration.Status.SUBMITTED
        )
        declarations_clear(ids=list(submitted.values_list("pk", flat=True)))
    if spec.carrier:
        _ship_and_report(order, spec)
    if spec.status == S.SETTLED:
        orders_settle()
    order.refresh_from_db()
    if order.status != spec.status:
        raise DemoOrderStuck(f"order {spec.name} is {order.status}, not {spec.status}")
    return order


def _listing(spec: DemoOrderSpec) -> Listing:
    """The spec's listing, or (archived, renamed, sold out) another of the seller's."""
    on_sale = Listing.objects.filter(
        seller__user__username=spec.seller,
        status=Listing.Status.ACTIVE,
        stock__gte=spec.quantity,
    )
    listing = on_sale.filter(title=spec.title).first() or on_sale.order_by("pk").first()
    if listing is None:
        raise DemoOrderStuck(f"{spec.seller} has nothing on sale for order {spec.name}")
    return listing


def _pay(order: Order, buyer: BuyerProfile) -> None:
    outcome = order_pay(order=order, card_number=SANDBOX_GOOD_CARD, by=buyer.user)
    if not outcome.paid:
        raise DemoOrderStuck(f"payment failed: {outcome.message}")


def _pay_leaving_clearance_to_the_worker(order: Order, buyer: BuyerProfile) -> None:
    # No job now (without a broker it would run in this process at once): the declarations wait,
    # stamped as sent a sweep's delay ago, so beat's first sweep (every minute) sends them to
    # the worker, and `make run` shows the order clearing about a minute after it starts.
    with clearance_deferred():
        _pay(order, buyer)
    sent = timezone.now() - timedelta(seconds=settings.EWTP_CLEARANCE_SWEEP_AFTER_SECONDS + 1)
    Declaration.objects.filter(reference=order.reference).update(enqueued_at=sent)


def _ship_and_report(order: Order, spec: DemoOrderSpec) -> None:
    seller = order.seller.user
    order_ship(order=order, carrier=spec.carrier, tracking_number=spec.tracking, by=seller)
    partner = LogisticsPartner.objects.get(code=spec.carrier)
    # Spread over the days before now, oldest first, as a parcel's journey is.
    start = timezone.now() - timedelta(hours=12 * len(spec.events))
    for n, (kind, hub, location) in enumerate(spec.events):
        shipment_event_record(
            partner=partner,
            event=ReportedEvent(
                event_id=f"demo-{spec.name}-{n + 1}",
                tracking_number=spec.tracking,
                kind=kind,
                occurred_at=start + timedelta(hours=12 * n),
                hub=hub,
                location=location,
            ),
        )
