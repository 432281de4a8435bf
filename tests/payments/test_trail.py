"""The money trail (pure): buyer paid = seller payout + shipping + duties + taxes + platform fee
+ refunds + still in escrow, in the buyer's currency, including money released through fx."""

from __future__ import annotations

from decimal import Decimal

from payments import ledger
from payments.ledger import (
    ESCROW,
    LOGISTICS,
    PLATFORM_FEES,
    Line,
    PostingLine,
    capture_entry,
    exchange,
    refund_entry,
    reversal_lines,
    trail,
    transfer,
)

ORDER = "order:42"


def rows(
    *entries: tuple[str, tuple[Line, ...]] | tuple[str, tuple[Line, ...], int],
) -> list[PostingLine]:
    """Postings as the selector hands them over, entry ids 1, 2, … in the given order."""
    out: list[PostingLine] = []
    for number, entry in enumerate(entries, start=1):
        kind, lines = entry[0], entry[1]
        reverses = entry[2] if len(entry) == 3 else None
        out.extend(
            PostingLine(number, kind, line.account, line.currency, line.amount, reverses)
            for line in lines
        )
    return out


def captured(amount: str = "100.00") -> tuple[str, tuple[Line, ...]]:
    spec = capture_entry(
        reference=ORDER, amount=Decimal(amount), currency="EUR", provider="sandbox"
    )
    return (spec.kind, spec.lines)


def release_through_fx() -> tuple[str, tuple[Line, ...]]:
    """100 EUR: 5 fee, 6 shipping, 3 duty, 7 tax in EUR; the seller's 79 EUR paid in CNY."""
    return (
        "release",
        (
            *transfer(debit=ESCROW, credit=PLATFORM_FEES, amount=Decimal("5.00"), currency="EUR"),
            *transfer(debit=ESCROW, credit=LOGISTICS, amount=Decimal("6.00"), currency="EUR"),
            *transfer(
                debit=ESCROW,
                credit=ledger.hub_duty_account("LGG"),
                amount=Decimal("3.00"),
                currency="EUR",
            ),
            *transfer(
                debit=ESCROW,
                credit=ledger.hub_tax_account("LGG"),
                amount=Decimal("7.00"),
                currency="EUR",
            ),
            *exchange(
                debit=ESCROW,
                credit=ledger.seller_account(12),
                amount=Decimal("79.00"),
                from_currency="EUR",
                to_currency="CNY",
                rate=Decimal("7.8123"),
            ),
        ),
    )


def test_a_captured_payment_is_all_in_escrow() -> None:
    found = trail(rows(captured()))
    assert (found.currency, found.paid, found.in_escrow) == (
        "EUR",
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert found.seller_payout == found.refunds == 0
    assert found.balanced


def test_a_release_through_fx_is_counted_in_the_buyers_currency() -> None:
    found = trail(rows(captured(), release_through_fx()))
    assert found.paid == Decimal("100.00")
    assert found.seller_payout == Decimal("79.00")  # not the 617.17 CNY the seller got
    assert (found.shipping, found.duties, found.taxes) == (
        Decimal("6.00"),
        Decimal("3.00"),
        Decimal("7.00"),
    )
    assert found.platform_fee == Decimal("5.00")
    assert found.in_escrow == 0
    assert found.balanced and found.accounted == found.paid


def test_parts_not_yet_due_are_still_in_escrow() -> None:
    customs = (
        "release_customs",
        transfer(
            debit=ESCROW,
            credit=ledger.hub_duty_account("LGG"),
            amount=Decimal("3.00"),
            currency="EUR",
        ),
    )
    found = trail(rows(captured(), customs))
    assert (found.duties, found.in_escrow) == (Decimal("3.00"), Decimal("97.00"))
    assert found.balanced


def test_a_refund_leaves_nothing_in_escrow() -> None:
    spec = refund_entry(
        reference=ORDER, amount=Decimal("100.00"), currency="EUR", provider="sandbox"
    )
    found = trail(rows(captured(), (spec.kind, spec.lines)))
    assert (found.paid, found.refunds, found.in_escrow) == (Decimal("100.00"), Decimal("100.00"), 0)
    assert found.balanced


def test_a_reversed_release_puts_the_money_back_in_escrow() -> None:
    release = release_through_fx()
    reversal = ("reversal", reversal_lines(release[1]), 2)
    found = trail(rows(captured(), release, reversal))
    assert found.seller_payout == found.platform_fee == found.duties == 0
    assert found.in_escrow == Decimal("100.00")
    assert found.balanced


def test_a_reversed_capture_counts_against_paid_not_as_a_refund() -> None:
    capture = captured()
    found = trail(rows(capture, ("reversal", reversal_lines(capture[1]), 1)))
    assert (found.paid, found.refunds, found.in_escrow) == (0, 0, 0)
    assert found.balanced


def test_two_exchanges_in_one_entry_are_told_apart_by_their_legs() -> None:
    release = (
        "release",
        (
            *exchange(
                debit=ESCROW,
                credit=ledger.seller_account(1),
                amount=Decimal("60.00"),
                from_currency="EUR",
                to_currency="CNY",
                rate=Decimal("7.81"),
            ),
            *exchange(
                debit=ESCROW,
                credit=ledger.hub_tax_account("KUL"),
                amount=Decimal("40.00"),
                from_currency="EUR",
                to_currency="MYR",
                rate=Decimal("4.99"),
            ),
        ),
    )
    found = trail(rows(captured(), release))
    assert (found.seller_payout, found.taxes) == (Decimal("60.00"), Decimal("40.00"))
    assert found.balanced


def test_one_exchange_shared_by_two_accounts_is_split_exactly() -> None:
    # 10 EUR bought 78.13 CNY, credited to a seller and to logistics: the shares add up to 10.
    release = (
        "release",
        (
            Line("escrow", "EUR", Decimal("10.00")),
            Line("fx", "EUR", Decimal("-10.00")),
            Line("fx", "CNY", Decimal("78.13")),
            Line("seller:1", "CNY", Decimal("-26.04")),
            Line("logistics", "CNY", Decimal("-52.09")),
        ),
    )
    found = trail(rows(captured("10.00"), release))
    assert found.seller_payout + found.shipping == Decimal("10.00")
    assert found.seller_payout == Decimal("3.33")
    assert found.balanced


def test_entries_that_do_not_touch_escrow_move_no_figure() -> None:
    release = (
        "release",
        transfer(debit=ESCROW, credit="seller:12", amount=Decimal("100.00"), currency="EUR"),
    )
    payout = (
        "payout",
        transfer(
            debit="seller:12", credit="provider:sandbox", amount=Decimal("100.00"), currency="EUR"
        ),
    )
    found = trail(rows(captured(), release, payout))
    assert (found.paid, found.refunds, found.seller_payout) == (
        Decimal("100.00"),
        0,
        Decimal("100.00"),
    )
    assert found.balanced and len(found.postings) == 6


def test_escrow_money_that_reaches_no_known_part_breaks_the_identity() -> None:
    # Balanced in EUR, but the money went into fx and came out nowhere.
    odd = ("release", transfer(debit=ESCROW, credit="fx", amount=Decimal("10.00"), currency="EUR"))
    found = trail(rows(captured(), odd))
    assert not found.balanced
    assert found.problems == ("Entry 2: money went to fx with nothing exchanged.",)


def test_no_postings_is_an_empty_balanced_trail() -> None:
    found = trail([])
    assert found.currency == "" and found.paid == 0 and found.balanced
