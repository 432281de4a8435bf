"""Settlement survives being killed: workers and `manage.py settle` SIGKILLed again and again in
the middle of a run (and two settlers at once) leave every delivered order settled exactly once,
in exactly one payout, with the books reconciled.

PostgreSQL and Redis. The test starts its own worker on a queue of its own, so no other worker
(the one .ci/run starts) takes its jobs; the orders are committed, in the test's database.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, Sum

from bench.clearance_world import _templates_copy
from ewtp.celery import app
from marketplace.models import Listing, Order
from marketplace.reconciliation import reconcile
from marketplace.tasks import orders_settle
from payments.ledger import PAYOUT
from payments.models import Entry, Payout, Settlement
from payments.selectors import money_trails, trial_balance
from tests.customs.clearing import delivered, verify
from tests.factories import ListingFactory, SellerFactory
from tests.integration.conftest import broker_required
from tests.integration.workers import Process, Worker, broker_forget, manage, wait_until
from tests.trade import trade_world

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

S = Order.Status
CHUNK = 25  # orders a transaction: a run is some eighty transactions, and a kill lands in one
PAYOUT_CURRENCIES = ("CNY", "EUR", "GBP", "USD")  # one seller each; the buyer pays in EUR
TEMPLATES_PER_SELLER = 2  # orders placed, paid, cleared and delivered for real
COPIES = 249  # of each template, in SQL: 8 × 250 = 2,000 delivered orders
LIMIT = 400  # orders `manage.py settle --limit` settles beside a worker
STEP_SECONDS = 30


@dataclass
class Chaos:
    """What happened to the settlers, for the CI log."""

    passes: list[str] = field(default_factory=list)
    kills: int = 0
    kills_in_transaction: int = 0

    def kill(self, process: Process) -> None:
        self.kills += 1
        self.kills_in_transaction += _open_transactions() > 0
        process.kill()

    def record(self, what: str, before: int) -> None:
        self.passes.append(f"{what}: {_settled() - before} settled")


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[list[Worker]]:
    """Two settling workers of the test's own, each on a queue of its own, small chunks: one
    works while the other (re)starts."""
    broker_required("redis://")
    queue = f"settle-{uuid.uuid4().hex[:8]}"
    runners = [
        Worker(f"{queue}-{n}", f"{queue}-{n}@test", tmp_path / f"worker-{n}.log",
               EWTP_SETTLEMENT_CHUNK=str(CHUNK))
        for n in "ab"
    ]  # fmt: skip
    try:
        yield runners
    finally:
        for runner in runners:
            runner.stop()
            broker_forget(runner.queue)


def _delivered_world() -> int:
    """Delivered orders of sellers paid out in each of PAYOUT_CURRENCIES, committed; how many."""
    world = trade_world()
    sellers = [world.seller, world.other_seller] + [
        SellerFactory.create() for _ in PAYOUT_CURRENCIES[2:]
    ]
    listings: list[list[Listing]] = [[world.shirt, world.mug], [world.book]]
    listings += [[ListingFactory.create(seller=s, hs_code="610910")] for s in sellers[2:]]
    for seller, currency in zip(sellers, PAYOUT_CURRENCIES, strict=True):
        seller.payout_currency = currency
        seller.save(update_fields=["payout_currency"])
        verify(seller)
    Listing.objects.update(stock=10**6)  # the copies' goods come out of stock too
    for n in range(TEMPLATES_PER_SELLER):
        for own in listings:
            delivered(world, [(own[n % len(own)], 1 + n)])
    _templates_copy(COPIES)
    Order.objects.filter(status=S.CLEARED).update(status=S.DELIVERED)
    with connection.cursor() as cur:  # statistics for the planner, as autovacuum would gather
        cur.execute(f"ANALYZE {Order._meta.db_table}")
    return Order.objects.filter(status=S.DELIVERED).count()


def _settled() -> int:
    return Order.objects.filter(status=S.SETTLED).count()


def _left() -> int:
    return Order.objects.filter(status=S.DELIVERED).count()


def _grows_by(count: int) -> Callable[[], bool]:
    target = _settled() + count
    return lambda: _settled() >= target or _left() == 0


def _send(runner: Worker) -> None:
    """The beat's job, sent to this test's worker."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        orders_settle.apply_async(queue=runner.queue)
    finally:
        app.conf.task_always_eager = eager


def _open_transactions() -> int:
    """Transactions open in the test database, other than this connection's."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return int(cur.fetchone()[0])


def _ready(runner: Worker) -> Worker:
    wait_until(
        lambda: bool(app.control.ping([runner.name], timeout=0.5)),
        "the worker",
        STEP_SECONDS,
        runner,
    )
    return runner


def test_settlers_killed_mid_run_again_and_again_settle_every_order_exactly_once(
    workers: list[Worker], tmp_path: Path
) -> None:
    started = time.monotonic()
    total = _delivered_world()
    built = time.monotonic()
    for runner in workers:
        runner.start()
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    chaos = Chaos()
    one, other = workers

    def worker_killed(runner: Worker, what: str, until: Callable[[], bool] | None) -> Worker:
        """`runner` settles until `until` (or a random moment), is killed and restarted; the
        other worker is the next one's."""
        before = _settled()
        _send(_ready(runner))
        if until is None:
            # A random moment, but before an eighth of the orders go: a settler is fast.
            deadline, enough = time.monotonic() + rng.uniform(0.1, 1.5), _grows_by(total // 8)
            until = lambda: time.monotonic() >= deadline or enough()  # noqa: E731
        wait_until(until, what, STEP_SECONDS, runner)
        chaos.kill(runner)
        chaos.record(f"worker, killed {what}", before)
        runner.start()
        return other if runner is one else one

    # A worker killed once a tenth of the orders are settled, another at a random moment.
    runner = worker_killed(one, "after a tenth", _grows_by(total // 10))
    runner = worker_killed(runner, "at a random moment", None)
    # `manage.py settle` killed in the middle of its run.
    before = _settled()
    command = manage("settle", "--chunk", str(CHUNK), log=tmp_path / "settle-killed.log")
    command.start()
    wait_until(_grows_by(total // 20), "manage.py settle to settle", STEP_SECONDS, command)
    chaos.kill(command)
    chaos.record("manage.py settle, killed", before)
    # `manage.py settle` and a worker at once; the worker killed once the command is done.
    before = _settled()
    _ready(runner)
    command = manage(
        "settle", "--chunk", str(CHUNK), "--limit", str(LIMIT), log=tmp_path / "settle.log"
    )
    command.start()
    wait_until(_grows_by(CHUNK), "manage.py settle to settle", STEP_SECONDS, command)
    _send(runner)
    assert command.wait(STEP_SECONDS) == 0, command.log_tail()
    # At most LIMIT: fewer when the worker took the rest of the delivered orders first.
    said = re.search(r"(\d+) order\(s\) settled", command.log.read_text())
    assert said is not None, command.log_tail()
    by_command = int(said[1])
    assert 0 < by_command <= LIMIT, command.log_tail()
    meanwhile = _settled() - before - by_command
    assert meanwhile > 0, "the worker settled nothing while the command ran"
    chaos.kill(runner)
    chaos.record(
        f"manage.py settle --limit {LIMIT} and a worker at once ({meanwhile} by the worker while "
        "the command ran), the worker killed",
        before,
    )
    runner.start()
    runner = other if runner is one else one
    # Two more kills at random moments, while a tenth is left.
    for _ in range(2):
        if _left() > total // 10:
            runner = worker_killed(runner, "at a random moment", None)
    # The killed settlers' transactions are gone (rolled back): the last run settles the rest.
    wait_until(lambda: _open_transactions() == 0, "no transaction open", STEP_SECONDS, runner)
    before = _settled()
    _send(_ready(runner))
    wait_until(lambda: _left() == 0, "every order settled", STEP_SECONDS, runner)
    chaos.record("worker, left to finish", before)
    settled = time.monotonic()

    print(
        f"\n{total} delivered orders built in {built - started:.1f} s; settled in "
        f"{settled - built:.1f} s with {chaos.kills} kills (SIGKILL), {chaos.kills_in_transaction} "
        f"with a transaction open; random seed {seed}"
    )
    for n, line in enumerate(chaos.passes, 1):
        print(f"  pass {n}: {line}")
    _assert_settled_exactly_once(total, tmp_path / "reconcile.log")
    assert chaos.kills >= 5 and chaos.kills_in_transaction >= 1


def _assert_settled_exactly_once(total: int, log: Path) -> None:
    assert not Order.objects.exclude(status=S.SETTLED).exists()
    references = [f"order:{pk}" for pk in Order.objects.values_list("pk", flat=True)]
    assert Settlement.objects.count() == total
    assert set(Settlement.objects.values_list("reference", flat=True)) == set(references)
    # Each order in exactly one payout (a settlement names one), and each payout's figures.
    payouts = Payout.objects.annotate(
        n=Count("settlements"), summed=Sum("settlements__payout_amount")
    )
    assert sum(p.order_count for p in payouts) == total
    for payout in payouts:
        assert (payout.n, payout.summed) == (payout.order_count, payout.amount), payout
    paid_out = Entry.objects.filter(kind=PAYOUT).values_list("reference", flat=True)
    assert sorted(paid_out) == sorted(p.reference for p in payouts if p.amount > 0)
    assert not Entry.objects.values("reference", "kind").annotate(n=Count("id")).filter(n__gt=1)
    assert all(amount == 0 for amount in trial_balance().values()), trial_balance()
    report = reconcile()
    assert report.problems == [] and report.orders == total
    command = manage("reconcile", "--quiet", log=log)
    command.start()
    assert command.wait(STEP_SECONDS) == 0, command.log_tail()
    trails = money_trails(references=references)
    assert all(trails[r].in_escrow == 0 for r in references)
