"""The built-in sandbox provider: test cards, no network, so the journey runs anywhere.

| card                | answer                                       |
| 4242 4242 4242 4242 | succeeds                                     |
| 4000 0000 0000 0002 | declined                                     |
| 4000 0000 0000 0119 | provider error                               |
| any other number    | declined: only the test cards are accepted   |

Each call is recorded by its idempotency key (SandboxOperation): a replay answers as the first
call did; the same key with other values is a ProviderError. The record is written in the
caller's transaction: unlike a real provider's, it rolls back with it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum

from payments.models import SandboxOperation
from payments.money import quantize
from payments.providers.base import CardDeclined, PaymentProvider, ProviderError

CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_PROVIDER_ERROR = "4000000000000119"

DECLINED = "Your card was declined. Please use another card."
NOT_A_CARD = "That is not a valid card number. Please check it and try again."
NOT_A_TEST_CARD = (
    "This card was declined: the sandbox accepts only its test card 4242 4242 4242 4242."
)
OUTAGE = "The payment provider is not answering right now."

_Op = SandboxOperation.Operation
_Outcome = SandboxOperation.Outcome


def card_digits(card_number: str) -> str | None:
    """The digits of a well-formed card number (spaces and dashes allowed, 12 to 19 digits,
    Luhn check digit), else None."""
    digits = re.sub(r"[ -]", "", card_number or "")
    if not re.fullmatch(r"[0-9]{12,19}", digits):
        return None
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return digits if total % 10 == 0 else None


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def authorize(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> str:
        digits = card_digits(card_number)
        card = hashlib.sha256((digits or card_number or "").encode()).hexdigest()
        outcome, message = _card_outcome(digits)
        return self._record(
            key=idempotency_key,
            operation=_Op.AUTHORIZE,
            amount=amount,
            currency=currency,
            card=card,
            parent="",
            outcome=outcome,
            message=message,
        )

    def capture(
        self, *, authorization: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> str:
        return self._take(
            operation=_Op.CAPTURE,
            parent_operation=_Op.AUTHORIZE,
            parent=authorization,
            amount=amount,
            currency=currency,
            key=idempotency_key,
        )

    def refund(self, *, capture: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        return self._take(
            operation=_Op.REFUND,
            parent_operation=_Op.CAPTURE,
            parent=capture,
            amount=amount,
            currency=currency,
            key=idempotency_key,
        )

    def _take(
        self,
        *,
        operation: str,
        parent_operation: str,
        parent: str,
        amount: Decimal,
        currency: str,
        key: str,
    ) -> str:
        """Capture from an authorization, or refund from a capture: never more than it gave."""
        try:
            granted = _succeeded(parent_operation, parent, taken_by=operation)
            noun, what = (
                ("authorization", "authorized")
                if parent_operation == _Op.AUTHORIZE
                else ("capture", "captured")
            )
            if granted is None:
                raise ProviderError(f"No {noun} {parent} to {operation}.")
            _within(granted, amount, currency, granted.taken or Decimal(0), what)
        except ProviderError:
            # A replay of an operation already made counts itself as taken: answer it as before.
            replayed = self._replay_or_none(key, operation, amount, currency, "", parent)
            if replayed is not None:
                return replayed
            raise
        return self._record(
            key=key,
            operation=operation,
            amount=amount,
            currency=currency,
            card="",
            parent=parent,
            outcome=_Outcome.SUCCEEDED,
            message="",
        )

    def _record(
        self,
        *,
        key: str,
        operation: str,
        amount: Decimal,
        currency: str,
        card: str,
        parent: str,
        outcome: str,
        message: str,
    ) -> str:
        """Store this call's answer and give it; a replayed key (the insert hits the unique key)
        is answered as the first call was."""
        _key_check(key)
        provider_id = (
            f"sbx_{operation[:4]}_{uuid.uuid4().hex[:20]}" if outcome == "succeeded" else ""
        )
        try:
            with transaction.atomic():
                SandboxOperation.objects.create(
                    idempotency_key=key,
                    operation=operation,
                    amount=amount,
                    currency=currency,
                    card=card,
                    parent=parent,
                    outcome=outcome,
                    provider_id=provider_id,
                    message=message,
                )
        except IntegrityError:
            # The same key again (a retry, or two calls at once): the first one stored answers.
            replayed = self._replay_or_none(key, operation, amount, currency, card, parent)
            if replayed is not None:
                return replayed
            raise
        return _answer(outcome, provider_id, message)

    def _replay_or_none(
        self, key: str, operation: str, amount: Decimal, currency: str, card: str, parent: str
    ) -> str | None:
        _key_check(key)
        done = SandboxOperation.objects.filter(idempotency_key=key).first()
        if done is None:
            return None
        same = (done.operation, done.amount, done.currency, done.parent) == (
            operation,
            amount,
            currency,
            parent,
        ) and (not card or done.card == card)
        if not same:
            raise ProviderError(
                f"The idempotency key {key} was already used for a different {done.operation}."
            )
        return _answer(done.outcome, done.provider_id, done.message)


def _key_check(key: str) -> None:
    if not key or len(key) > 255:
        raise ProviderError("An idempotency key has 1 to 255 characters.")


def _card_outcome(digits: str | None) -> tuple[str, str]:
    if digits is None:
        return _Outcome.DECLINED, NOT_A_CARD
    if digits == CARD_SUCCEEDS:
        return _Outcome.SUCCEEDED, ""
    if digits == CARD_DECLINED:
        return _Outcome.DECLINED, DECLINED
    if digits == CARD_PROVIDER_ERROR:
        return _Outcome.ERROR, OUTAGE
    return _Outcome.DECLINED, NOT_A_TEST_CARD


def _answer(outcome: str, provider_id: str, message: str) -> str:
    if outcome == _Outcome.DECLINED:
        raise CardDeclined(message)
    if outcome == _Outcome.ERROR:
        raise ProviderError(message)
    return provider_id


def _succeeded(operation: str, provider_id: str, *, taken_by: str) -> Any:
    """The succeeded operation `provider_id`, annotated with `taken`: what succeeded operations
    of kind `taken_by` (captures of an authorization, refunds of a capture) already took from it.
    One query."""
    taken = (
        SandboxOperation.objects.filter(
            operation=taken_by, parent=OuterRef("provider_id"), outcome=_Outcome.SUCCEEDED
        )
        .order_by()
        .values("parent")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        SandboxOperation.objects.filter(
            operation=operation, provider_id=provider_id, outcome=_Outcome.SUCCEEDED
        )
        .annotate(taken=Subquery(taken))
        .first()
    )


def _within(
    granted: SandboxOperation, amount: Decimal, currency: str, taken: Decimal, what: str
) -> None:
    if currency != granted.currency:
        raise ProviderError(f"{granted.provider_id} is in {granted.currency}, not {currency}.")
    if amount <= 0 or amount + taken > granted.amount:
        raise ProviderError(
            f"{amount} {currency} is more than the "
            f"{quantize(granted.amount - taken, currency)} still {what}."
        )
