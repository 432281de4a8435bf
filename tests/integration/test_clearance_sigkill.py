"""Any worker may die at any moment: one killed with SIGKILL in the middle of a batch, restarted,
killed again and left to finish, leaves every declaration decided exactly once; declarations
whose messages died with it (or were lost before) are sent again by the sweeper.

PostgreSQL and Redis. Each test starts its own worker on a hub of its own (queue customs.<HUB>),
so no other worker (the one .ci/run starts) takes its jobs.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from customs import clearance
from customs.clearance import clearance_enqueue, clearance_queue, declarations_sweep
from customs.models import Declaration, DeclarationEvent, DeclarationLine
from ehubs.models import Hub
from ewtp.celery import app
from marketplace.models import Order
from marketplace.orders import order_pay
from payments.selectors import trial_balance
from tests.integration.conftest import broker_required
from tests.integration.workers import Worker, broker_forget, queue_length, wait_until
from tests.trade import GOOD_CARD, Trade, place, trade_world

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

S = Declaration.Status
BATCH = 50  # small, so that a kill lands in the middle of a batch
STEP_SECONDS = 25


@pytest.fixture
def hub(transactional_db: None) -> Hub:
    """A hub no other worker listens for."""
    return Hub.objects.create(
        code=f"K{uuid.uuid4().hex[:8].upper()}", name="Kill test hub", country="BE",
        city="Liège", currency="EUR",
    )  # fmt: skip


@pytest.fixture
def worker(hub: Hub, tmp_path: Path, settings: Any) -> Iterator[Worker]:
    broker_required("redis://")
    settings.EWTP_CLEARANCE_BATCH = BATCH
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    runner = Worker(
        clearance_queue(hub.code), f"sigkill-{hub.code.lower()}@test", tmp_path / "worker.log"
    )
    try:
        yield runner
    finally:
        runner.stop()
        app.conf.task_always_eager = eager
        broker_forget(runner.queue)


def _paid_orders(world: Trade, hub: Hub, count: int) -> list[Order]:
    """Orders of a verified seller, paid, whose declarations are filed at `hub` with their
    messages dropped (never sent)."""
    world.seller.verified = True
    world.seller.save(update_fields=["verified"])
    orders = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clearance, "clearance_enqueue", lambda by_hub: None)
        for _ in range(count):
            [order] = place(world, [(world.shirt, 1)])
            assert order_pay(order=order, card_number=GOOD_CARD).paid
            orders.append(order)
    Declaration.objects.filter(reference__in=[o.reference for o in orders]).update(hub=hub)
    return orders


def _copies(template: list[Declaration], pairs: int) -> list[int]:
    """`pairs` export and import declarations like `template`'s, of no order (bulk:<n>)."""
    now = timezone.now()
    made = []
    for n in range(pairs):
        for d in template:
            copy = Declaration(
                **{f.attname: getattr(d, f.attname) for f in d._meta.concrete_fields}
            )
            copy.pk = None
            copy.reference = f"bulk:{n}"
            copy.submitted_at = copy.enqueued_at = now
            made.append(copy)
    Declaration.objects.bulk_create(made, batch_size=1000)
    lines = {d.pk: list(d.lines.all()) for d in template}
    DeclarationLine.objects.bulk_create(
        [
            DeclarationLine(
                **{
                    f.attname: getattr(line, f.attname)
                    for f in line._meta.concrete_fields
                    if f.attname not in ("id", "declaration_id")
                },
                declaration=copy,
            )
            for i, copy in enumerate(made)
            for line in lines[template[i % len(template)].pk]
        ],
        batch_size=1000,
    )
    return [d.pk for d in made]


def _decided() -> int:
    return Declaration.objects.exclude(status=S.SUBMITTED).count()


def _decided_reaches(count: int) -> Callable[[], bool]:
    return lambda: _decided() >= count


def _wait(until: Callable[[], bool], what: str, runner: Worker) -> None:
    wait_until(until, what, STEP_SECONDS, runner)


def _settled(runner: Worker) -> None:
    """Wait until the queue is empty and the worker has stopped deciding anything."""
    _wait(lambda: queue_length(runner.queue) == 0, "the queue to drain", runner)
    last, still = _decided(), 0
    while still < 3:
        time.sleep(0.5)
        now = _decided()
        still, last = (still + 1, last) if now == last else (0, now)


def test_a_worker_killed_mid_batch_twice_leaves_every_declaration_decided_exactly_once(
    worker: Worker, hub: Hub
) -> None:
    world = trade_world()
    orders = _paid_orders(world, hub, count=6)
    template = list(Declaration.objects.filter(reference=orders[0].reference).order_by("pk"))
    ids = [d.pk for d in Declaration.objects.filter(hub=hub)] + _copies(template, pairs=1500)
    random.Random(8).shuffle(ids)  # the orders' declarations spread over the batches
    total = len(ids)
    clearance_enqueue({hub.code: ids})

    worker.start()
    for share in (0.15, 0.45):
        _wait(_decided_reaches(int(total * share)), f"{share:.0%} decided", worker)
        # The count moves when a batch commits: a moment later the next batch is under way
        # (a batch takes 40-90 ms here), so the kill lands in it, not between two.
        time.sleep(0.02)
        worker.kill()  # in the middle of a batch: its transaction rolls back
        worker.start()
    _settled(worker)
    # The batches the kills interrupted are still submitted: their messages are held by a dead
    # worker until the visibility timeout. Beat's sweeper sends them again (here at once).
    stranded = declarations_sweep(older_than=timedelta(seconds=1))
    assert 0 < stranded <= 2 * BATCH
    _wait(lambda: _decided() == total, "every declaration decided", worker)

    assert not Declaration.objects.filter(status=S.SUBMITTED).exists()
    screened = DeclarationEvent.objects.filter(kind=DeclarationEvent.Kind.SCREENED)
    assert screened.count() == total
    assert not screened.values("declaration").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert DeclarationEvent.objects.filter(kind=DeclarationEvent.Kind.REQUEUED).count() == stranded
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        assert order.status == Order.Status.CLEARED
        # One line in the buyer's timeline per declaration decided, never two.
        assert order.events.filter(note__endswith="cleared by customs.").count() == 2
    assert all(amount == 0 for amount in trial_balance().values())


def test_the_sweeper_recovers_a_declaration_whose_message_was_lost(
    worker: Worker, hub: Hub
) -> None:
    world = trade_world()
    [order] = _paid_orders(world, hub, count=1)  # filed, but no message was ever sent
    worker.start()
    _wait(lambda: bool(app.control.ping([worker.name], timeout=0.5)), "the worker", worker)
    time.sleep(1)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the worker has nothing to do

    assert declarations_sweep(older_than=timedelta(seconds=1)) == 2
    _wait(
        lambda: Order.objects.get(pk=order.pk).status == Order.Status.CLEARED,
        "the order to clear",
        worker,
    )

    declarations = Declaration.objects.filter(reference=order.reference)
    assert set(declarations.values_list("status", flat=True)) == {S.CLEARED}
    kinds = list(
        DeclarationEvent.objects.filter(declaration__in=declarations)
        .order_by("declaration", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["submitted", "requeued", "screened"] * 2
