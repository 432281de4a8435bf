"""`manage.py settle`: settle every delivered order now, in this process (docs/settlement.md).

Exit status 1 when some delivered orders could not be settled (each is listed with the reason;
they stay `delivered` and the others are settled).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from tqdm import tqdm

from marketplace.settlement import SettleSummary, orders_settle, orders_to_settle_count


class Command(BaseCommand):
    help = (
        "Settle every delivered order now: release its escrow to the seller (less the platform "
        "fee), to customs and to the carriers, and pay each seller out. Safe to run twice or "
        "beside the scheduled job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk", type=int, default=None, help="orders per transaction (default: settings)"
        )
        parser.add_argument("--limit", type=int, default=None, help="settle at most this many")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="settle in this many processes at once (PostgreSQL: each its own connection; "
            "they share the chunks out)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chunk, limit, processes = options["chunk"], options["limit"], options["processes"]
        for name, value in (("--chunk", chunk), ("--limit", limit), ("--processes", processes)):
            if value is not None and value < 1:
                raise CommandError(f"{name} must be 1 or more.")
        if processes > 1 and limit is not None:
            raise CommandError("--limit settles in one process: leave out --processes.")
        started = time.perf_counter()
        if processes > 1:
            summary = _in_processes(processes, chunk)
        else:
            due = orders_to_settle_count()
            # disable=None: the bar shows on a terminal only (not in pipes, CI or tests).
            with tqdm(
                total=min(due, limit or due), desc="Settling", unit="order", file=sys.stderr,
                disable=None,
            ) as bar:  # fmt: skip
                summary = orders_settle(chunk=chunk, limit=limit, progress=bar.update)
        seconds = time.perf_counter() - started
        self.stdout.write(f"{summary} ({seconds:.1f} s)")
        for order_id, why in sorted(summary.problems.items()):
            self.stdout.write(self.style.WARNING(f"  order {order_id}: {why}"))
        if summary.problems:
            raise CommandError(
                f"{len(summary.problems)} delivered order(s) could not be settled; they stay "
                "delivered."
            )


def _in_processes(processes: int, chunk: int | None) -> SettleSummary:
    """`orders_settle` in `processes` forked processes at once; their summaries added up."""
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        parts = pool.map(_settle_child, [chunk] * processes)
    total = SettleSummary()
    for settled, payouts, problems in parts:
        total.settled += settled
        total.payouts += payouts
        total.problems.update(problems)
    return total


def _settle_child(chunk: int | None) -> tuple[int, int, dict[int, str]]:
    try:
        summary = orders_settle(chunk=chunk)
        return summary.settled, summary.payouts, summary.problems
    finally:
        connections.close_all()
