"""payments' models: FX rates, the ledger (accounts, entries, postings), payments, the sandbox."""

from __future__ import annotations

from payments.models.ledger import Account, AppendOnlyError, Entry, Posting
from payments.models.payment import Payment
from payments.models.rates import FxRate, RateTable
from payments.models.sandbox import SandboxOperation

__all__ = [
    "Account",
    "AppendOnlyError",
    "Entry",
    "FxRate",
    "Payment",
    "Posting",
    "RateTable",
    "SandboxOperation",
]
