"""The payment provider interface: what orders and the ledger need from Stripe, Alipay, Adyen…

Every call carries an idempotency key the platform makes ("order:42:1:capture"): a provider must
answer a replayed key with the first answer and never move money twice (real providers take
the key as a header; docs/payments.md shows how to plug one in).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal


class CardDeclined(Exception):
    """The card or the bank said no; `message` is a sentence the buyer can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderError(Exception):
    """The provider could not answer (outage, bad request, a key reused with other values)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PaymentProvider(ABC):
    """Amounts are Decimals rounded to the currency's minor unit; currencies ISO 4217 codes."""

    name: str  # the provider's account in the ledger is "provider:<name>"

    @abstractmethod
    def authorize(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> str:
        """Reserve the amount on the card; the authorization id. CardDeclined, ProviderError."""

    @abstractmethod
    def capture(
        self, *, authorization: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> str:
        """Take (up to) the authorized amount; the capture id. ProviderError."""

    @abstractmethod
    def refund(self, *, capture: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Give (up to) the captured amount back; the refund id. ProviderError."""
