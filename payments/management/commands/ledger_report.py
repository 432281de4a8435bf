"""`manage.py ledger_report ORDER` and `manage.py ledger_report --trial-balance` (docs/payments.md).

Exit status 1 when an order's trail does not balance, when the trial balance is not zero in
every currency, or when the order has no ledger entries.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.ledger import Trail
from payments.money import money_format
from payments.selectors import money_trail, trial_balance

_ORDER = re.compile(r"^(?:order:)?([1-9][0-9]{0,18})$")


def order_reference(value: str) -> str:
    """ "42" or "order:42" → "order:42"; CommandError for anything else."""
    match = _ORDER.match(value.strip())
    if match is None:
        raise CommandError(
            f"{value!r} is not an order: give its id (42) or its reference (order:42)."
        )
    return f"order:{match.group(1)}"


class Command(BaseCommand):
    help = (
        "Show one order's money trail (every posting and buyer paid = seller payout + shipping "
        "+ duties + taxes + platform fee + refunds + still in escrow), or the trial balance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("order", nargs="?", help="an order id (42) or reference (order:42)")
        parser.add_argument(
            "--trial-balance",
            action="store_true",
            help="the sum of all postings per currency; exit 1 unless zero in every one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        order, wants_trial = options["order"], options["trial_balance"]
        if order is None and not wants_trial:
            raise CommandError("Give an order (ledger_report 42) or --trial-balance.")
        failures: list[str] = []
        if order is not None:
            reference = order_reference(order)
            found = money_trail(reference=reference)
            if not found.postings:
                raise CommandError(f"No ledger entries for {reference}: unknown or unpaid order.")
            self._trail_show(reference, found)
            if not found.balanced:
                failures.append(f"The money trail of {reference} does not balance.")
        if wants_trial and not self._trial_balance_show():
            failures.append("The trial balance is not zero in every currency.")
        if failures:
            raise CommandError(" ".join(failures))

    def _trail_show(self, reference: str, trail: Trail) -> None:
        self.stdout.write(f"Money trail of {reference}")
        self.stdout.write("")
        self.stdout.write(f"{'entry':>7}  {'kind':<16} {'account':<22} {'amount':>24}")
        for p in trail.postings:
            self.stdout.write(
                f"{p.entry:>7}  {p.kind:<16} {p.account:<22} "
                f"{money_format(p.amount, p.currency):>24}"
            )
        self.stdout.write("")
        if not trail.currency:
            self.stdout.write("Nothing went through escrow.")
            return
        c = trail.currency
        rows = [
            ("buyer paid", trail.paid),
            ("= seller payout", trail.seller_payout),
            ("+ shipping", trail.shipping),
            ("+ duties", trail.duties),
            ("+ taxes", trail.taxes),
            ("+ platform fee", trail.platform_fee),
            ("+ refunds", trail.refunds),
            ("+ still in escrow", trail.in_escrow),
        ]
        for label, amount in rows:
            self.stdout.write(f"{label:<20}{money_format(amount, c):>24}")
        for problem in trail.problems:
            self.stdout.write(self.style.ERROR(problem))
        if trail.balanced:
            self.stdout.write(self.style.SUCCESS(f"Balanced: the trail accounts for every {c}."))
        else:
            gap = money_format(trail.paid - trail.accounted, c)
            self.stdout.write(self.style.ERROR(f"NOT balanced: {gap} unaccounted for."))

    def _trial_balance_show(self) -> bool:
        totals = trial_balance()
        off = {currency: total for currency, total in totals.items() if total != 0}
        self.stdout.write("Trial balance (the sum of all postings per currency)")
        for currency, total in totals.items():
            self.stdout.write(f"  {money_format(total, currency):>24}")
        if off:
            self.stdout.write(
                self.style.ERROR(f"NOT zero in {', '.join(sorted(off))}: the ledger is broken.")
            )
            return False
        self.stdout.write(
            self.style.SUCCESS(f"Zero in every currency ({len(totals)} with postings).")
        )
        return True
