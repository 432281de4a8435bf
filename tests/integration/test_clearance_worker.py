"""A paid cross-border order clears with nobody touching it: its declarations go to the hubs'
queues and the worker .ci/run starts (on `celery` and every hub's queue) decides them."""

from __future__ import annotations

import time

import pytest

from customs.models import Declaration, DeclarationEvent
from marketplace.models import Order
from marketplace.orders import order_pay
from tests.trade import GOOD_CARD, place, trade_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


def test_a_paid_order_of_a_verified_seller_is_cleared_by_the_worker(real_worker: str) -> None:
    world = trade_world()
    world.seller.verified = True
    world.seller.save(update_fields=["verified"])
    [order] = place(world, [(world.shirt, 1)])

    paid = order_pay(order=order, card_number=GOOD_CARD, by=world.buyer.user)
    assert paid.paid

    deadline = time.monotonic() + WAIT_SECONDS
    order.refresh_from_db()
    while order.status != Order.Status.CLEARED and time.monotonic() < deadline:
        time.sleep(0.25)
        order.refresh_from_db()
    assert order.status == Order.Status.CLEARED, (
        f"order still {order.status} after {WAIT_SECONDS} s: is a worker listening on the hubs' "
        "queues (manage.py clearance_queues)?"
    )
    declarations = Declaration.objects.filter(reference=order.reference)
    assert sorted(declarations.values_list("hub__code", "direction", "status")) == [
        ("HGH", "export", "cleared"),
        ("LGG", "import", "cleared"),
    ]
    screened = DeclarationEvent.objects.filter(
        declaration__in=declarations, kind=DeclarationEvent.Kind.SCREENED
    )
    assert screened.count() == 2
    # The buyer's timeline tells each decision once.
    notes = set(order.events.values_list("note", flat=True))
    assert {
        "Export declaration at HGH cleared by customs.",
        "Import declaration at LGG cleared by customs.",
    } <= notes
    assert order.events.filter(note__endswith="cleared by customs.").count() == 2
