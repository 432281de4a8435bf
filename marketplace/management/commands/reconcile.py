"""`manage.py reconcile`: prove every settled order's money trail (docs/settlement.md).

For every settled order it prints buyer paid = payout + shipping + duties + taxes + fee +
refunds, from the ledger, and checks it against the settlement; then each payout against its
orders, every seller's payable (all paid out) and the trial balance per currency. Exit status 1
on any difference.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.reconciliation import ReconcileReport, reconcile
from payments.money import money_format


class Command(BaseCommand):
    help = (
        "Check every settled order: buyer paid = payout + shipping + duties + taxes + fee + "
        "refunds, as settled; payouts, seller payables and the trial balance. Exit 1 on any "
        "difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet", action="store_true", help="print differences and totals only, not each order"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"]
        report = reconcile(on_order=None if quiet else self._order_show)
        self._summary_show(report)
        if report.problems:
            raise CommandError(f"{len(report.problems)} difference(s): the books do not reconcile.")

    def _order_show(self, line: Any) -> None:
        t, c = line.trail, line.trail.currency or line.currency
        self.stdout.write(
            f"{line.reference:<14} paid {money_format(t.paid, c)} = payout "
            f"{money_format(t.seller_payout, c)} + shipping {money_format(t.shipping, c)} + "
            f"duties {money_format(t.duties, c)} + taxes {money_format(t.taxes, c)} + fee "
            f"{money_format(t.platform_fee, c)} + refunds {money_format(t.refunds, c)}  "
            + ("ok" if not line.problems else "DIFFERS")
        )

    def _summary_show(self, report: ReconcileReport) -> None:
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem))
        self.stdout.write(f"{report.orders} settled order(s), {report.payouts} payout(s) checked.")
        self.stdout.write("Trial balance (the sum of all postings per currency):")
        for currency, total in report.trial_balance.items():
            self.stdout.write(f"  {money_format(total, currency):>24}")
        if report.problems:
            self.stdout.write(self.style.ERROR("NOT reconciled."))
        else:
            self.stdout.write(self.style.SUCCESS("Reconciled: every settled order and payout."))
