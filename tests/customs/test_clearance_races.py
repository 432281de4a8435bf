"""Clearance under real concurrency on PostgreSQL: two jobs on one batch, two jobs of one hub on
different batches, the export and import of the same orders cleared at once by two hubs' jobs, and
a buyer cancelling while a job decides.

Each job runs in a thread of its own, with its own database connection. Where an interleaving
matters, a job is held inside its transaction (after its claim, before its decision) while the
other side runs; elsewhere a barrier starts them together, many rounds over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from customs import clearance, review
from customs.clearance import declarations_clear
from customs.models import Declaration, DeclarationEvent
from customs.models.declarations import OPEN_STATUSES
from customs.review import declaration_decide
from customs.selectors import tariff_index_current
from ehubs.selectors import network_current
from marketplace import order_customs
from marketplace.models import Listing, Order
from marketplace.orders import order_cancel
from payments.selectors import money_trail, rates_current, trial_balance
from tests.customs.clearing import paid_order, verify
from tests.factories import UserFactory
from tests.marketplace.test_order_races import together
from tests.trade import Trade

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Order.Status
DS = Declaration.Status


@pytest.fixture
def world(trade: Trade, monkeypatch: pytest.MonkeyPatch) -> Iterator[Trade]:
    """The trade world with stock for many orders; paying sends no job (the tests run them),
    and the day's rates, tariff and network are cached before any thread needs them."""
    Listing.objects.filter(pk__in=[trade.shirt.pk, trade.mug.pk]).update(stock=10_000)
    monkeypatch.setattr(clearance, "clearance_enqueue", lambda by_hub: None)
    rates_current(), tariff_index_current(), network_current()
    yield trade


def orders_paid(trade: Trade, n: int) -> list[Order]:
    return [paid_order(trade, [(trade.shirt, 1)]) for _ in range(n)]


def ids(orders: Sequence[Order], direction: str | None = None) -> list[int]:
    found = Declaration.objects.filter(reference__in=[o.reference for o in orders])
    if direction is not None:
        found = found.filter(direction=direction)
    return list(found.order_by("pk").values_list("pk", flat=True))


def job(batch: Sequence[int]) -> Callable[[], int]:
    return lambda: declarations_clear(ids=list(batch))


def screened_once(batch: Sequence[int]) -> None:
    counts = dict(
        DeclarationEvent.objects.filter(declaration_id__in=batch, kind="screened")
        .values_list("declaration_id")
        .annotate(n=Count("id"))
    )
    assert counts == dict.fromkeys(batch, 1)


def ledger_balanced() -> None:
    assert all(amount == 0 for amount in trial_balance().values()), trial_balance()


class Held:
    """Holds one thread's clearance job inside its transaction, at its first call of
    `module.name` (by default `screen`: after its claim, before its decision), until
    `release()`; other threads pass straight through."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, module: Any = clearance, name: str = "screen"
    ) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()
        self.thread: threading.Thread | None = None
        real = getattr(module, name)

        def hold(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is self.thread and not self.reached.is_set():
                self.reached.set()
                assert self.go.wait(timeout=20), "the held job was never released"
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, hold)

    def start(self, work: Callable[[], Any]) -> dict[str, Any]:
        """Run `work` in a thread of its own until it is held; returns where its result goes."""
        out: dict[str, Any] = {}
        self.thread = threading.Thread(target=_run, args=(work, out), daemon=True)
        self.thread.start()
        assert self.reached.wait(timeout=20), "the held job never got there"
        return out

    def release(self, out: dict[str, Any]) -> Any:
        self.go.set()
        assert self.thread is not None
        return _joined(self.thread, out)


def _run(work: Callable[[], Any], out: dict[str, Any]) -> None:
    try:
        out["result"] = work()
    except BaseException as error:  # raised again by _joined
        out["error"] = error
    finally:
        connection.close()


def _joined(thread: threading.Thread, out: dict[str, Any]) -> Any:
    thread.join(timeout=30)
    assert not thread.is_alive(), "a job never finished"
    if "error" in out:
        raise out["error"]
    return out["result"]


def lock_waits() -> int:
    """How many statements of this test's database are waiting for a lock now (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (waiting,) = cursor.fetchone()
    return int(waiting)


def in_thread(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread of its own (its own connection) and wait for it, at most 20 s:
    a wait on a lock the held job keeps shows as a failure, not a hang."""
    (result,) = together([work])
    return result


# --- two jobs on one batch -------------------------------------------------------------------


def test_two_jobs_on_the_same_batch_at_once_decide_each_declaration_once(world: Trade) -> None:
    verify(world.seller)
    for _ in range(4):
        orders = orders_paid(world, 5)
        batch = ids(orders)

        decided = together([job(batch), job(batch)])

        assert sum(decided) == len(batch) == 10
        screened_once(batch)
        assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {
            S.CLEARED
        }
    ledger_balanced()


def test_a_job_skips_the_declarations_another_job_holds(
    world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify(world.seller)
    orders = orders_paid(world, 3)
    batch = ids(orders, "export")
    held = Held(monkeypatch)

    first = held.start(job(batch))
    assert in_thread(job(batch)) == 0  # no wait: every one is claimed already
    assert held.release(first) == 3

    screened_once(batch)


def test_two_jobs_of_one_hub_on_different_batches_each_decide_their_own(
    world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify(world.seller)
    orders = orders_paid(world, 4)
    mine, theirs = ids(orders[:2], "export"), ids(orders[2:], "export")
    held = Held(monkeypatch)

    first = held.start(job(mine))
    # The other batch of the same hub is not held up, nor skipped, by the first job's claim.
    assert in_thread(job(theirs)) == 2
    assert held.release(first) == 2

    screened_once(mine + theirs)
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {S.IN_CUSTOMS}


# --- two hubs clearing the same orders at once -----------------------------------------------


def test_export_and_import_cleared_at_once_by_two_jobs_clear_every_order(world: Trade) -> None:
    verify(world.seller)
    for _ in range(5):
        orders = orders_paid(world, 4)

        decided = together([job(ids(orders, "export")), job(ids(orders, "import"))])

        assert decided == [4, 4]
        for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
            assert order.status == S.CLEARED, order.pk
            decisions = order.events.filter(note__contains="cleared by customs")
            assert decisions.count() == 2
        screened_once(ids(orders))
    ledger_balanced()


def test_the_second_hubs_job_waits_for_the_orders_and_reads_the_first_ones_decision(
    world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify(world.seller)
    orders = orders_paid(world, 2)
    # The export job is held with the orders locked, its decisions written, not committed.
    held = Held(monkeypatch, order_customs, "declaration_statuses")
    exporting = held.start(job(ids(orders, "export")))

    importing: dict[str, Any] = {}
    thread = threading.Thread(
        target=_run, args=(job(ids(orders, "import")), importing), daemon=True
    )
    thread.start()
    for _ in range(200):  # the import job decides, then waits for the orders' locks
        if lock_waits():
            break
        time.sleep(0.05)
    else:
        pytest.fail("the import job never waited for the orders")
    assert held.release(exporting) == 2
    assert _joined(thread, importing) == 2

    # Had it read the statuses before it had the orders, it would have seen the export
    # still submitted and left them in customs.
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {S.CLEARED}


# --- a buyer cancelling while a job decides --------------------------------------------------


def assert_cancelled_cleanly(order: Order) -> None:
    order.refresh_from_db()
    assert order.status == S.REFUNDED
    still_open = Declaration.objects.filter(
        reference=order.reference, status__in=list(OPEN_STATUSES)
    )
    assert not still_open.exists(), list(still_open.values_list("direction", "status"))
    trail = money_trail(reference=order.reference)
    assert (trail.paid, trail.refunds, trail.in_escrow) == (order.total, order.total, 0)
    assert trail.balanced
    assert Listing.objects.get(pk=order.lines.get().listing_id).stock >= 0
    ledger_balanced()


def test_a_cancellation_while_a_job_holds_the_declarations_leaves_none_open(
    world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unverified seller: the job sends both declarations to review (open) after the
    # cancellation committed; the order is refunded by then, so they must be withdrawn.
    (order,) = orders_paid(world, 1)
    held = Held(monkeypatch)

    clearing = held.start(job(ids([order])))
    cancelled = in_thread(lambda: order_cancel(order=order, by=world.buyer.user))
    assert cancelled.status == S.REFUNDED
    assert held.release(clearing) == 2

    assert_cancelled_cleanly(order)
    for d in Declaration.objects.filter(reference=order.reference):
        assert d.status == DS.REJECTED
        assert d.reasons[0]["rule"] == "withdrawn"


def test_a_buyer_cancel_racing_the_clearance_jobs_ends_consistent(world: Trade) -> None:
    for verified in (False, True, False, True, False, True):
        world.seller.verified = verified
        world.seller.save(update_fields=["verified"])
        (order,) = orders_paid(world, 1)

        together(
            [
                lambda order=order: order_cancel(order=order, by=world.buyer.user),  # type: ignore[misc]
                job(ids([order], "export")),
                job(ids([order], "import")),
            ]
        )

        assert_cancelled_cleanly(order)


def test_an_operators_hold_while_the_buyer_cancels_leaves_the_declaration_withdrawn(
    world: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    (order,) = orders_paid(world, 1)
    declarations_clear(ids=ids([order]))  # an unverified seller: both in review
    imported = Declaration.objects.get(reference=order.reference, direction="import")
    officer = UserFactory.create(username="officer", is_staff=True)
    # The hold is written, the declaration locked; the order not yet told.
    held = Held(monkeypatch, review, "_decided")

    deciding = held.start(
        lambda: declaration_decide(
            declaration=imported, decision="hold", reason="Send the invoice.", by=officer
        )
    )
    assert in_thread(lambda: order_cancel(order=order, by=world.buyer.user)).status == S.REFUNDED
    answer = held.release(deciding)

    assert (answer.status, answer.reasons[0]["rule"]) == (DS.REJECTED, "withdrawn")
    assert_cancelled_cleanly(order)
