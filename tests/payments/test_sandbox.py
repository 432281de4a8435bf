"""The sandbox provider: idempotent by key, never more than was authorized or captured."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from payments.providers.base import CardDeclined, ProviderError
from payments.providers.sandbox import SandboxProvider, card_digits

pytestmark = pytest.mark.django_db

EUR10: dict[str, Any] = {"amount": Decimal("10.00"), "currency": "EUR"}


@pytest.fixture
def sandbox() -> SandboxProvider:
    return SandboxProvider()


def test_a_replayed_key_gets_the_first_answer(sandbox: SandboxProvider) -> None:
    first = sandbox.authorize(**EUR10, card_number="4242424242424242", idempotency_key="k1")
    again = sandbox.authorize(**EUR10, card_number="4242 4242 4242 4242", idempotency_key="k1")
    assert again == first


def test_a_replayed_decline_is_declined_again(sandbox: SandboxProvider) -> None:
    for _ in range(2):
        with pytest.raises(CardDeclined, match="declined"):
            sandbox.authorize(**EUR10, card_number="4000000000000002", idempotency_key="k2")


def test_the_same_key_with_other_values_is_a_provider_error(sandbox: SandboxProvider) -> None:
    sandbox.authorize(**EUR10, card_number="4242424242424242", idempotency_key="k3")
    with pytest.raises(ProviderError, match="already used for a different authorize"):
        sandbox.authorize(
            amount=Decimal("11.00"),
            currency="EUR",
            card_number="4242424242424242",
            idempotency_key="k3",
        )


def test_capture_and_refund_stay_within_what_was_granted(sandbox: SandboxProvider) -> None:
    auth = sandbox.authorize(**EUR10, card_number="4242424242424242", idempotency_key="a")
    with pytest.raises(ProviderError, match=r"more than the 10\.00 still authorized"):
        sandbox.capture(
            authorization=auth, amount=Decimal("10.01"), currency="EUR", idempotency_key="c0"
        )
    capture = sandbox.capture(authorization=auth, **EUR10, idempotency_key="c1")
    assert sandbox.capture(authorization=auth, **EUR10, idempotency_key="c1") == capture
    with pytest.raises(ProviderError, match="still authorized"):
        sandbox.capture(authorization=auth, **EUR10, idempotency_key="c2")
    sandbox.refund(capture=capture, **EUR10, idempotency_key="r1")
    with pytest.raises(ProviderError, match="still captured"):
        sandbox.refund(capture=capture, **EUR10, idempotency_key="r2")
    with pytest.raises(ProviderError, match="No capture"):
        sandbox.refund(capture="sbx_capt_nothing", **EUR10, idempotency_key="r3")


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("4242 4242 4242 4242", "4242424242424242"),
        ("4000-0000-0000-0002", "4000000000000002"),
        ("4000000000000119", "4000000000000119"),
        ("4242424242424243", None),
        ("42424242424", None),
        ("4242 4242 4242 424x", None),
    ],
)
def test_card_numbers_are_read_with_their_check_digit(number: str, digits: str | None) -> None:
    assert card_digits(number) == digits
