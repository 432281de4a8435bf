"""The checkout benchmark's database clients: 16 processes, each one PostgreSQL connection and one
buyer, running the checkout itself (`orders_place`: quote, stock, order; `order_pay`: payment,
provider records, capture entry, status, timeline) back to back, as pgbench's 16 clients run the
same writes in SQL. Processes, not threads: the work is Python, and threads would share one GIL.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import time
from multiprocessing.synchronize import Event
from queue import Empty
from typing import Any

from bench.checkout_world import CURRENCY, World

GOOD_CARD = "4242424242424242"


def _client(
    n: int, world: World, hot: bool, seconds: float, ready: Any, go: Event, out: Any
) -> None:
    from django.db import connections

    from marketplace.checkout import Address, orders_place
    from marketplace.models import BuyerProfile
    from marketplace.orders import order_pay

    connections.close_all()  # never share the parent's connection
    buyer = BuyerProfile.objects.select_related("user").get(pk=world.buyers[n].buyer_id)
    address = Address(
        name="Bench Buyer",
        line1="1 Bench Street",
        city="Bench City",
        postal_code="1000",
        country=world.buyers[n].country,
    )
    rng = random.Random(1000 + n)

    def checkout() -> None:
        a, b = (world.first_listing, world.first_listing + 1) if hot else world.pair(rng)
        (order,) = orders_place(
            buyer=buyer, lines=[(a, 1), (b, 1)], currency=CURRENCY, address=address, by=buyer.user
        )
        if not order_pay(order=order, card_number=GOOD_CARD, by=buyer.user).paid:
            raise RuntimeError(f"order {order.pk} was not paid")

    try:
        checkout()  # warm: this process's caches of hubs, tariff and rates
        ready.put(n)
        go.wait()
        until = time.perf_counter() + seconds
        done = 0
        while time.perf_counter() < until:
            checkout()
            if time.perf_counter() <= until:
                done += 1
        out.put(("ok", done))
    except Exception as error:  # reported by the parent, which stops the benchmark
        ready.put(n)
        out.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        connections.close_all()


def services_run(world: World, seconds: float, *, hot: bool = False) -> float:
    """Checkouts per second of `len(world.buyers)` client processes, counted once all have
    started (set-up and warm-up excluded)."""
    from django.db import connections

    connections.close_all()
    context = mp.get_context("fork")
    ready, out, go = context.Queue(), context.Queue(), context.Event()
    clients = [
        context.Process(target=_client, args=(n, world, hot, seconds, ready, go, out))
        for n in range(len(world.buyers))
    ]
    for client in clients:
        client.start()
    for _ in clients:
        ready.get(timeout=300)
    go.set()
    results = []
    for _ in clients:
        try:
            results.append(out.get(timeout=seconds + 120))
        except Empty:
            break
    for client in clients:
        client.join(timeout=30)
    errors = [detail for kind, detail in results if kind == "error"]
    if errors or len(results) != len(clients):
        raise SystemExit(f"checkout clients failed: {errors[:1] or 'no answer'}")
    return sum(done for _, done in results) / seconds
