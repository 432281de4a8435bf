"""The pure ledger: balanced entries per currency, exchanges at the frozen rate, rounding."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from payments import ledger
from payments.ledger import (
    ESCROW,
    FX,
    PLATFORM_FEES,
    EntryInvalid,
    EntrySpec,
    Line,
    Unbalanced,
    balance_check,
    capture_entry,
    entry_check,
    exchange,
    refund_entry,
    transfer,
)
from payments.models import Account, Entry


def sums(lines: tuple[Line, ...]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.amount
    return dict(totals)


def test_a_transfer_debits_one_account_and_credits_the_other() -> None:
    lines = transfer(debit=ESCROW, credit=PLATFORM_FEES, amount=Decimal("5.00"), currency="EUR")
    assert lines == (
        Line("escrow", "EUR", Decimal("5.00")),
        Line("platform:fees", "EUR", Decimal("-5.00")),
    )
    balance_check(lines)


def test_an_entry_that_does_not_sum_to_zero_names_the_currency_and_the_difference() -> None:
    lines = (
        *transfer(debit=ESCROW, credit=PLATFORM_FEES, amount=Decimal("5.00"), currency="EUR"),
        Line("escrow", "USD", Decimal("1.00")),
        Line("fx", "USD", Decimal("-0.99")),
    )
    with pytest.raises(Unbalanced, match=r"does not balance in USD: off by 0\.01") as caught:
        balance_check(lines)
    assert (caught.value.currency, caught.value.difference) == ("USD", Decimal("0.01"))


def test_balance_is_per_currency_not_across_currencies() -> None:
    # 10 EUR out and 10 USD in sum to "zero" as numbers, but not in any one currency.
    with pytest.raises(Unbalanced, match="EUR"):
        balance_check((Line("escrow", "EUR", Decimal(10)), Line("fx", "USD", Decimal(-10))))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "has none"),
        ((Line("escrow", "EUR", Decimal(0)), Line("fx", "EUR", Decimal(0))), "zero"),
        ((Line("escrow", "EUR", Decimal("1.005")), Line("fx", "EUR", Decimal("-1.005"))), "round"),
        ((Line("escrow", "JPY", Decimal("1.5")), Line("fx", "JPY", Decimal("-1.5"))), "round"),
        ((Line("escrow", "EUR", Decimal(1)), Line("nobody", "EUR", Decimal(-1))), "not a ledger"),
        ((Line("escrow", "ZZZ", Decimal(1)), Line("fx", "ZZZ", Decimal(-1))), "ISO 4217"),
        (
            (Line("escrow", "VND", Decimal(10) ** 26), Line("fx", "VND", -(Decimal(10) ** 26))),
            "too large",
        ),
    ],
)
def test_balance_check_refuses_what_cannot_be_an_entry(
    lines: tuple[Line, ...], message: str
) -> None:
    with pytest.raises(EntryInvalid, match=message):
        balance_check(lines)


def test_large_vnd_and_idr_amounts_fit() -> None:
    big = Decimal("4500000000000")  # 4.5 × 10^12
    balance_check(transfer(debit=ESCROW, credit=FX, amount=big, currency="VND"))
    balance_check(transfer(debit=ESCROW, credit=FX, amount=big * 1000, currency="IDR"))


def test_an_exchange_is_two_legs_per_currency_through_fx_at_the_frozen_rate() -> None:
    lines = exchange(
        debit=ESCROW,
        credit=ledger.seller_account(12),
        amount=Decimal("95.00"),
        from_currency="EUR",
        to_currency="CNY",
        rate=Decimal("7.8123"),
    )
    assert lines == (
        Line("escrow", "EUR", Decimal("95.00")),
        Line("fx", "EUR", Decimal("-95.00")),
        Line("fx", "CNY", Decimal("742.17")),  # 742.1685 rounded half-up
        Line("seller:12", "CNY", Decimal("-742.17")),
    )
    assert sums(lines) == {"EUR": 0, "CNY": 0}
    balance_check(lines)


@pytest.mark.parametrize(
    ("amount", "rate", "to_currency", "expected"),
    [
        (Decimal("10.00"), Decimal("155.555"), "JPY", Decimal("1556")),  # no minor unit
        (Decimal("10.00"), Decimal("0.30705"), "KWD", Decimal("3.071")),  # three, half-up
        (Decimal("1.00"), Decimal("26000.5"), "VND", Decimal("26001")),
    ],
)
def test_the_converted_leg_is_rounded_half_up_to_the_target_minor_unit(
    amount: Decimal, rate: Decimal, to_currency: str, expected: Decimal
) -> None:
    lines = exchange(
        debit=ESCROW,
        credit=ledger.seller_account(3),
        amount=amount,
        from_currency="EUR",
        to_currency=to_currency,
        rate=rate,
    )
    assert lines[2].amount == expected and lines[3].amount == -expected
    balance_check(lines)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"to_currency": "EUR"}, "two currencies"),
        ({"rate": Decimal(0)}, "positive"),
        ({"rate": Decimal("0.0001"), "amount": Decimal("0.01")}, "smallest unit"),
    ],
)
def test_an_exchange_refuses_what_is_no_exchange(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "debit": ESCROW,
        "credit": "seller:1",
        "amount": Decimal("1.00"),
        "from_currency": "EUR",
        "to_currency": "CNY",
        "rate": Decimal("7.8"),
    } | kwargs
    with pytest.raises(EntryInvalid, match=message):
        exchange(**arguments)  # type: ignore[arg-type]


def test_capture_credits_escrow_and_refund_debits_it() -> None:
    capture = capture_entry(
        reference="order:42", amount=Decimal("20.00"), currency="EUR", provider="sandbox"
    )
    refund = refund_entry(
        reference="order:42", amount=Decimal("20.00"), currency="EUR", provider="sandbox"
    )
    assert (capture.kind, refund.kind) == ("capture", "refund")
    assert capture.lines == (
        Line("provider:sandbox", "EUR", Decimal("20.00")),
        Line("escrow", "EUR", Decimal("-20.00")),
    )
    assert refund.lines == ledger.reversal_lines(capture.lines)[::-1]


def test_entry_check_wants_a_known_kind_and_a_reference_that_fits() -> None:
    lines = transfer(debit=ESCROW, credit=FX, amount=Decimal(1), currency="EUR")
    entry_check(EntrySpec(kind="release", reference="order:1", lines=lines))
    with pytest.raises(EntryInvalid, match="not an entry kind"):
        entry_check(EntrySpec(kind="gift", reference="order:1", lines=lines))
    with pytest.raises(EntryInvalid, match="1 to 64"):
        entry_check(EntrySpec(kind="release", reference="x" * 65, lines=lines))


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("escrow", "escrow"),
        ("provider:sandbox", "provider_clearing"),
        ("seller:12", "seller_payable"),
        ("hub:LGG:duty", "customs_duty"),
        ("hub:LGG:tax", "customs_tax"),
        ("logistics", "logistics"),
        ("platform:fees", "platform_fees"),
        ("fx", "fx"),
    ],
)
def test_each_account_code_names_its_kind(code: str, kind: str) -> None:
    assert ledger.account_kind(code) == kind


def test_the_code_helpers_build_the_codes() -> None:
    assert ledger.provider_account("sandbox") == "provider:sandbox"
    assert ledger.seller_account(12) == "seller:12"
    assert ledger.hub_duty_account("LGG") == "hub:LGG:duty"
    assert ledger.hub_tax_account("LGG") == "hub:LGG:tax"
    with pytest.raises(ValueError, match="not a ledger account"):
        ledger.seller_account("twelve")


def test_the_models_choices_are_the_ledgers_kinds() -> None:
    assert set(Entry.Kind.values) == set(ledger.ENTRY_KINDS)
    kinds = {ledger.account_kind(c) for c in ("escrow", "fx", "logistics", "platform:fees")}
    kinds |= {"provider_clearing", "seller_payable", "customs_duty", "customs_tax"}
    assert set(Account.Kind.values) == kinds
