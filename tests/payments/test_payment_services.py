"""Taking payments with the sandbox's test cards, replays, and refunds (once)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from payments.models import Entry, Payment, SandboxOperation
from payments.providers.sandbox import SandboxProvider
from payments.selectors import account_balances, money_trail, payment_captured, trial_balance
from payments.services import (
    PaymentDeclined,
    PaymentFailed,
    payment_refund,
    payment_take,
    provider_get,
)

pytestmark = pytest.mark.django_db

SUCCEEDS, DECLINED, ERROR = "4242424242424242", "4000000000000002", "4000000000000119"


def take(card: str = SUCCEEDS, reference: str = "order:42", amount: str = "54.32") -> Payment:
    return payment_take(
        reference=reference, amount=Decimal(amount), currency="EUR", card_number=card
    )


def test_the_success_card_captures_and_credits_escrow() -> None:
    payment = take("4242 4242 4242 4242")
    assert (payment.attempt, payment.status, payment.provider) == (1, "captured", "sandbox")
    assert payment.authorization.startswith("sbx_auth_")
    assert payment.capture.startswith("sbx_capt_")
    entry = Entry.objects.get(reference="order:42", kind="capture")
    assert entry.payment == payment
    assert account_balances(code="escrow") == {("escrow", "EUR"): Decimal("-54.32")}
    assert payment_captured(reference="order:42") == payment
    assert money_trail(reference="order:42").in_escrow == Decimal("54.32")


def test_the_declined_card_records_a_declined_attempt_and_posts_nothing() -> None:
    with pytest.raises(PaymentDeclined) as caught:
        take(DECLINED)
    assert caught.value.message == "Your card was declined. Please use another card."
    assert caught.value.payment.status == "declined"
    assert caught.value.payment.message == caught.value.message
    assert not Entry.objects.exists()
    assert payment_captured(reference="order:42") is None


def test_the_error_card_records_a_failed_attempt_with_a_sentence_for_the_buyer() -> None:
    with pytest.raises(PaymentFailed) as caught:
        take(ERROR)
    payment = Payment.objects.get()
    assert payment.status == "failed" and caught.value.payment == payment
    assert "No money was taken; please try again" in caught.value.message
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("5555555555554444", "accepts only its test card 4242 4242 4242 4242"),
        ("4242424242424241", "not a valid card number"),  # the check digit is wrong
        ("4242-4242", "not a valid card number"),
        ("", "not a valid card number"),
        ("\x00" * 16, "not a valid card number"),
    ],
)
def test_any_other_card_is_declined_with_a_clear_message(card: str, message: str) -> None:
    with pytest.raises(PaymentDeclined, match=message):
        take(card)


def test_the_attempt_row_stays_when_the_caller_commits_after_a_decline() -> None:
    with transaction.atomic(), contextlib.suppress(PaymentDeclined):
        take(DECLINED)
    assert Payment.objects.get().status == "declined"


def test_a_new_attempt_after_a_decline_is_numbered_and_keyed_anew() -> None:
    with pytest.raises(PaymentDeclined):
        take(DECLINED)
    payment = take(SUCCEEDS)
    assert payment.attempt == 2
    assert set(SandboxOperation.objects.values_list("idempotency_key", flat=True)) == {
        "order:42:1:authorize",
        "order:42:2:authorize",
        "order:42:2:capture",
    }


def test_paying_a_captured_reference_again_charges_nothing() -> None:
    first = take()
    again = take()
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert SandboxOperation.objects.filter(operation="capture").count() == 1
    assert account_balances(code="escrow") == {("escrow", "EUR"): Decimal("-54.32")}


def test_a_replayed_attempt_after_a_rollback_is_not_charged_twice() -> None:
    # The caller's transaction died after the provider answered: the sandbox's record of the
    # keys is what a real provider keeps, so keep it and replay attempt 1.
    provider = SandboxProvider()
    authorization = provider.authorize(
        amount=Decimal("54.32"),
        currency="EUR",
        card_number=SUCCEEDS,
        idempotency_key="order:42:1:authorize",
    )
    payment = take()
    assert payment.attempt == 1 and payment.authorization == authorization
    assert SandboxOperation.objects.filter(operation="authorize").count() == 1


def test_refunding_twice_refunds_once_and_returns_the_same_entry() -> None:
    payment = take()
    first = payment_refund(payment=payment)
    again = payment_refund(payment=payment)
    assert again.pk == first.pk
    assert (first.kind, first.reference, first.payment) == ("refund", "order:42", payment)
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refund.startswith("sbx_refu_")
    assert SandboxOperation.objects.filter(operation="refund").count() == 1
    assert account_balances(code="escrow") == {("escrow", "EUR"): Decimal(0)}
    assert trial_balance() == {"EUR": 0}
    found = money_trail(reference="order:42")
    assert (found.paid, found.refunds, found.in_escrow, found.balanced) == (
        Decimal("54.32"),
        Decimal("54.32"),
        0,
        True,
    )


def test_only_a_captured_payment_can_be_refunded() -> None:
    with pytest.raises(PaymentDeclined) as caught:
        take(DECLINED)
    with pytest.raises(ValueError, match="this one is declined"):
        payment_refund(payment=caught.value.payment)


def test_a_refunded_reference_takes_no_new_payment() -> None:
    payment_refund(payment=take())
    with pytest.raises(ValueError, match="needs a new reference"):
        take()


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (Decimal("0"), "EUR", "positive"),
        (Decimal("-1.00"), "EUR", "positive"),
        (Decimal("1.001"), "EUR", "not rounded"),
        (Decimal("1.5"), "JPY", "not rounded"),
        (Decimal("NaN"), "EUR", "positive"),
        (Decimal("1.00"), "EURO", "ISO 4217"),
    ],
)
def test_bad_amounts_are_refused_before_any_charge(
    amount: Decimal, currency: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        payment_take(reference="order:1", amount=amount, currency=currency, card_number=SUCCEEDS)
    assert not Payment.objects.exists() and not SandboxOperation.objects.exists()


def test_the_provider_comes_from_the_setting() -> None:
    assert isinstance(provider_get(), SandboxProvider)
    with (
        override_settings(PAYMENT_PROVIDER="payments.models.Payment"),
        pytest.raises(TypeError, match="not a PaymentProvider"),
    ):
        provider_get()


def test_a_refund_the_provider_made_before_a_crash_is_not_made_twice() -> None:
    payment = take()
    SandboxProvider().refund(
        capture=payment.capture,
        amount=Decimal("54.32"),
        currency="EUR",
        idempotency_key="order:42:1:refund",
    )
    payment_refund(payment=payment)
    assert SandboxOperation.objects.filter(operation="refund").count() == 1
    assert Payment.objects.get().status == "refunded"
