"""Storing entries: once per (reference, kind), accounts made on first use, reversals, balances;
and on PostgreSQL two concurrent posts of one event end with one entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from payments import ledger
from payments.ledger import ESCROW, EntryInvalid, EntrySpec, Line, Unbalanced, transfer
from payments.models import Account, Entry, Posting
from payments.selectors import account_balances, money_trail, trial_balance
from payments.services import entry_reverse, ledger_post
from tests.marketplace.test_races import InThread, wait_until_waiting

pytestmark = pytest.mark.django_db


def capture(reference: str = "order:42", amount: str = "100.00") -> EntrySpec:
    return ledger.capture_entry(
        reference=reference, amount=Decimal(amount), currency="EUR", provider="sandbox"
    )


def test_posting_stores_the_entry_its_postings_and_the_accounts_it_names() -> None:
    entry = ledger_post(spec=capture())
    assert (entry.kind, entry.reference) == ("capture", "order:42")
    assert [(p.account.code, p.currency, p.amount) for p in entry.postings.order_by("id")] == [
        ("provider:sandbox", "EUR", Decimal("100.00")),
        ("escrow", "EUR", Decimal("-100.00")),
    ]
    assert dict(Account.objects.values_list("code", "kind")) == {
        "escrow": "escrow",
        "provider:sandbox": "provider_clearing",
    }


def test_posting_the_same_event_twice_posts_once() -> None:
    first = ledger_post(spec=capture())
    again = ledger_post(spec=capture())
    assert again.pk == first.pk
    assert Entry.objects.count() == 1 and Posting.objects.count() == 2
    assert account_balances(code=ESCROW) == {("escrow", "EUR"): Decimal("-100.00")}


def test_a_rerun_with_other_amounts_keeps_the_first_entry(caplog: pytest.LogCaptureFixture) -> None:
    first = ledger_post(spec=capture(amount="100.00"))
    again = ledger_post(spec=capture(amount="99.00"))
    assert again.pk == first.pk
    assert account_balances(code=ESCROW) == {("escrow", "EUR"): Decimal("-100.00")}
    assert "already posted with other lines" in caplog.text


def test_an_unbalanced_entry_is_refused_and_nothing_is_stored() -> None:
    spec = EntrySpec(
        kind="release",
        reference="order:42",
        lines=(Line("escrow", "EUR", Decimal("10.00")), Line("seller:1", "EUR", Decimal("-9.99"))),
    )
    with pytest.raises(Unbalanced, match=r"EUR: off by 0\.01"):
        ledger_post(spec=spec)
    assert not Entry.objects.exists() and not Account.objects.exists()


def test_a_reversal_cancels_the_entry_once() -> None:
    entry = ledger_post(spec=capture())
    reversal = entry_reverse(entry=entry, memo="captured by mistake")
    again = entry_reverse(entry=entry, memo="captured by mistake")
    assert again.pk == reversal.pk
    assert (reversal.kind, reversal.reference, reversal.reverses) == (
        "reversal",
        f"entry:{entry.pk}",
        entry,
    )
    assert account_balances() == {
        ("escrow", "EUR"): Decimal(0),
        ("provider:sandbox", "EUR"): Decimal(0),
    }
    assert money_trail(reference="order:42").paid == 0


def test_balances_and_the_trial_balance_are_derived_from_postings() -> None:
    ledger_post(spec=capture("order:1", "100.00"))
    ledger_post(
        spec=EntrySpec(
            kind="release",
            reference="order:1",
            lines=ledger.exchange(
                debit=ESCROW,
                credit="seller:7",
                amount=Decimal("100.00"),
                from_currency="EUR",
                to_currency="JPY",
                rate=Decimal("161.237"),
            ),
        )
    )
    assert account_balances(code="seller:7") == {("seller:7", "JPY"): Decimal("-16124")}
    assert account_balances(code="fx") == {
        ("fx", "EUR"): Decimal("-100.00"),
        ("fx", "JPY"): Decimal("16124"),
    }
    assert trial_balance() == {"EUR": 0, "JPY": 0}
    found = money_trail(reference="order:1")
    assert (found.paid, found.seller_payout, found.in_escrow, found.balanced) == (
        Decimal("100.00"),
        Decimal("100.00"),
        0,
        True,
    )


def test_an_entry_naming_an_unknown_account_is_refused() -> None:
    spec = EntrySpec(
        kind="release",
        reference="order:1",
        lines=transfer(debit=ESCROW, credit="bank", amount=Decimal(1), currency="EUR"),
    )
    with pytest.raises(EntryInvalid, match="'bank' is not a ledger account code"):
        ledger_post(spec=spec)


class _RollBack(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_one_event_make_one_entry() -> None:
    spec = capture()
    # The test's own uncommitted entry holds the unique key, so both threads reach the insert
    # and wait there; rolled back, it lets them race each other for real.
    try:
        with transaction.atomic():
            ledger_post(spec=spec)
            first = InThread(lambda: ledger_post(spec=spec).pk)
            second = InThread(lambda: ledger_post(spec=spec).pk)
            wait_until_waiting(2)
            raise _RollBack
    except _RollBack:
        pass
    assert first.join() == second.join()
    assert Entry.objects.count() == 1 and Posting.objects.count() == 2
    assert trial_balance() == {"EUR": 0}


def test_balances_are_exact_when_sqlite_sums_decimals_as_floats() -> None:
    """SQLite's SUM adds decimals as floats: 0.10 + 0.20 - 0.20 - 0.10 is not 0 there. Two
    payments captured and refunded leave escrow and every currency at exactly zero."""
    for reference, amount in (("order:1", "0.10"), ("order:2", "0.20")):
        ledger_post(spec=capture(reference, amount))
    for reference, amount in (("order:2", "0.20"), ("order:1", "0.10")):
        spec = ledger.refund_entry(
            reference=reference, amount=Decimal(amount), currency="EUR", provider="sandbox"
        )
        ledger_post(spec=spec)
    assert account_balances(code=ESCROW) == {("escrow", "EUR"): Decimal("0.00")}
    assert trial_balance() == {"EUR": Decimal("0.00")}
