"""payments' models: FX rates, the ledger (accounts, entries, postings), payments, the sandbox,
payouts and settlements."""

from __future__ import annotations

from payments.models.ledger import Account, AppendOnlyError, Entry, Posting
from payments.models.payment import Payment
from payments.models.rates import FxRate, RateTable
from payments.models.sandbox import SandboxOperation
from payments.models.settlement import Payout, Settlement

__all__ = [
    "Account",
    "AppendOnlyError",
    "Entry",
    "FxRate",
    "Payment",
    "Payout",
    "Posting",
    "RateTable",
    "SandboxOperation",
    "Settlement",
]
