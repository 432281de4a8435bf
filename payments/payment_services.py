"""Taking and refunding payments through the configured provider, with their ledger entries.

`payments.services` re-exports these; callers may import from either. The caller (orders) holds a
lock on what it is paying for, so attempts for one reference never run at once; the unique
(reference, attempt) constraint backs that.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ewtp.codes import is_currency
from payments import ledger
from payments.ledger_services import ledger_post
from payments.models import Entry, Payment
from payments.money import quantize
from payments.providers.base import CardDeclined, PaymentProvider, ProviderError

FAILED_MESSAGE = (
    "The payment could not be completed because of a problem at the payment provider. "
    "No money was taken; please try again in a moment."
)
_Status = Payment.Status


class PaymentDeclined(Exception):
    """The card was declined; `payment` is the recorded attempt, `message` for the buyer."""

    def __init__(self, payment: Payment, message: str) -> None:
        super().__init__(message)
        self.payment = payment
        self.message = message


class PaymentFailed(Exception):
    """The provider failed; `payment` is the recorded attempt, `message` for the buyer."""

    def __init__(self, payment: Payment, message: str) -> None:
        super().__init__(message)
        self.payment = payment
        self.message = message


def provider_get() -> PaymentProvider:
    """The provider named by settings.PAYMENT_PROVIDER (a dotted path to its class)."""
    provider_class = import_string(settings.PAYMENT_PROVIDER)
    provider = provider_class()
    if not isinstance(provider, PaymentProvider):
        raise TypeError(f"{settings.PAYMENT_PROVIDER} is not a PaymentProvider.")
    return provider


def payment_take(*, reference: str, amount: Decimal, currency: str, card_number: str) -> Payment:
    """Authorize and capture `amount` as the next attempt for `reference`; on success the payment
    is captured and its capture entry (provider clearing → escrow) posted, in one transaction.
    A declined card raises PaymentDeclined, a provider failure PaymentFailed; the attempt row
    stays either way (the caller commits). If `reference` is already captured, that payment is
    returned and nothing is charged again."""
    if not reference or len(reference) > ledger.REFERENCE_MAX:
        raise ValueError(f"A payment's reference has 1 to {ledger.REFERENCE_MAX} characters.")
    _amount_check(amount, currency)
    # One read of the reference's earlier attempts (usually none) answers all three questions.
    earlier = list(Payment.objects.filter(reference=reference).order_by("attempt"))
    captured = next((p for p in earlier if p.status == _Status.CAPTURED), None)
    if captured is not None:
        return captured
    if any(p.status == _Status.REFUNDED for p in earlier):
        raise ValueError(f"{reference} was paid and refunded; a new payment needs a new reference.")
    provider = provider_get()
    refusal: PaymentDeclined | PaymentFailed | None = None
    # The block ends before any raise, so the declined or failed attempt is not rolled back.
    # No savepoint: nothing in it is caught, so a failure rolls back the caller's transaction
    # (or this one) whole, and a payment inside an order's transaction saves two round trips.
    with transaction.atomic(savepoint=False):
        payment = Payment.objects.create(
            reference=reference,
            attempt=(earlier[-1].attempt if earlier else 0) + 1,
            provider=provider.name,
            amount=amount,
            currency=currency,
        )
        key = f"{reference}:{payment.attempt}"
        authorization = ""
        try:
            authorization = provider.authorize(
                amount=amount,
                currency=currency,
                card_number=card_number,
                idempotency_key=f"{key}:authorize",
            )
            capture = provider.capture(
                authorization=authorization,
                amount=amount,
                currency=currency,
                idempotency_key=f"{key}:capture",
            )
        except CardDeclined as declined:
            _status_move(payment, _Status.PENDING, _Status.DECLINED, message=declined.message)
            refusal = PaymentDeclined(payment, declined.message)
        except ProviderError:
            _status_move(
                payment,
                _Status.PENDING,
                _Status.FAILED,
                message=FAILED_MESSAGE,
                authorization=authorization,
            )
            refusal = PaymentFailed(payment, FAILED_MESSAGE)
        else:
            _status_move(
                payment,
                _Status.PENDING,
                _Status.CAPTURED,
                authorization=authorization,
                capture=capture,
            )
            ledger_post(
                spec=ledger.capture_entry(
                    reference=reference, amount=amount, currency=currency, provider=provider.name
                ),
                payment=payment,
            )
    if refusal is not None:
        raise refusal
    return payment


def payment_refund(*, payment: Payment) -> Entry:
    """Give a captured payment back in full through its provider, post the refund entry
    (escrow → provider clearing) and mark it refunded. Idempotent: a second call refunds nothing
    and returns the same entry. PaymentFailed if the provider fails (the payment stays captured;
    a retry is safe)."""
    payment.refresh_from_db()
    if payment.status == _Status.REFUNDED:
        return _refund_entry_post(payment)
    if payment.status != _Status.CAPTURED:
        raise ValueError(f"Only a captured payment can be refunded; this one is {payment.status}.")
    provider = provider_get()
    if provider.name != payment.provider:
        raise PaymentFailed(
            payment, f"This payment was taken by {payment.provider}, which is not configured."
        )
    try:
        refund = provider.refund(
            capture=payment.capture,
            amount=payment.amount,
            currency=payment.currency,
            idempotency_key=f"{payment.reference}:{payment.attempt}:refund",
        )
    except (CardDeclined, ProviderError) as error:
        raise PaymentFailed(payment, f"The refund could not be made: {error.message}") from None
    with transaction.atomic():
        # Lost to a concurrent refund: it changed the status; the entry below is the same one.
        _status_move(payment, _Status.CAPTURED, _Status.REFUNDED, refund=refund, strict=False)
        return _refund_entry_post(payment)


def _refund_entry_post(payment: Payment) -> Entry:
    return ledger_post(
        spec=ledger.refund_entry(
            reference=payment.reference,
            amount=payment.amount,
            currency=payment.currency,
            provider=payment.provider,
        ),
        payment=payment,
    )


def _status_move(
    payment: Payment, old: str, new: str, *, strict: bool = True, **fields: str
) -> bool:
    """UPDATE … SET status = new WHERE status = old, the row count checked; `payment` then holds
    the row as it is (set from what was written, or reloaded when another change won)."""
    now = timezone.now()
    moved = Payment.objects.filter(pk=payment.pk, status=old).update(
        status=new, updated=now, **fields
    )
    if moved == 1:  # the row is now what was written: no need to read it back
        payment.status, payment.updated = new, now
        for name, value in fields.items():
            setattr(payment, name, value)
    else:
        payment.refresh_from_db()
    if strict and moved != 1:
        raise RuntimeError(
            f"Payment {payment.pk} was to go from {old} to {new} but is {payment.status}: "
            "attempts for one reference must not run at once (hold the order's lock)."
        )
    return moved == 1


def _amount_check(amount: Decimal, currency: str) -> None:
    if not is_currency(currency):
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code.")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValueError(f"A payment takes a positive amount, not {amount}.")
    if quantize(amount, currency) != amount:
        raise ValueError(f"{amount} is not rounded to the minor unit of {currency}.")
    if amount >= ledger.AMOUNT_LIMIT:
        raise ValueError(f"{amount} {currency} is too large.")
