"""`manage.py ledger_report`: an order's postings and trail identity, the trial balance, and the
exit status (1 when something does not balance or the order is unknown)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest

from payments import ledger
from payments.ledger import ESCROW, EntrySpec, transfer
from payments.management.commands.ledger_report import Command
from payments.models import Account, Entry, Posting
from payments.services import ledger_post, payment_take

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    """The command as `manage.py ledger_report …` runs it: exit status, stdout, stderr."""
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    try:
        command.run_from_argv(["manage.py", "ledger_report", *args])
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def settled() -> None:
    """order:42 paid 100.00 EUR: customs and shipping released, the seller paid in CNY."""
    payment_take(
        reference="order:42",
        amount=Decimal("100.00"),
        currency="EUR",
        card_number="4242424242424242",
    )
    ledger_post(
        spec=EntrySpec(
            kind="release_customs",
            reference="order:42",
            lines=(
                *transfer(
                    debit=ESCROW, credit="hub:LGG:duty", amount=Decimal("3.00"), currency="EUR"
                ),
                *transfer(
                    debit=ESCROW, credit="hub:LGG:tax", amount=Decimal("7.00"), currency="EUR"
                ),
            ),
        )
    )
    ledger_post(
        spec=EntrySpec(
            kind="release",
            reference="order:42",
            lines=(
                *transfer(
                    debit=ESCROW, credit="platform:fees", amount=Decimal("5.00"), currency="EUR"
                ),
                *ledger.exchange(
                    debit=ESCROW,
                    credit="seller:12",
                    amount=Decimal("79.00"),
                    from_currency="EUR",
                    to_currency="CNY",
                    rate=Decimal("7.8123"),
                ),
            ),
        )
    )


@pytest.mark.parametrize("order", ["42", "order:42"])
def test_an_orders_trail_shows_every_posting_and_the_identity(settled: None, order: str) -> None:
    status, out, _ = run(order)
    assert status == 0
    assert "Money trail of order:42" in out
    assert "provider:sandbox" in out and "seller:12" in out
    assert "CNY -617.17" in out  # the seller's leg, in the seller's currency
    lines = {line.split("  ")[0].strip(): line.split()[-1] for line in out.splitlines() if line}
    assert lines["buyer paid"] == "100.00"
    assert lines["= seller payout"] == "79.00"
    assert lines["+ duties"] == "3.00" and lines["+ taxes"] == "7.00"
    assert lines["+ platform fee"] == "5.00" and lines["+ shipping"] == "0.00"
    assert lines["+ still in escrow"] == "6.00"  # the shipping, not yet released
    assert "Balanced" in out


def test_the_trial_balance_is_zero_in_every_currency(settled: None) -> None:
    status, out, _ = run("--trial-balance")
    assert status == 0
    assert "EUR 0.00" in out and "CNY 0.00" in out
    assert "Zero in every currency (2 with postings)." in out


@pytest.mark.ledger_broken
def test_a_broken_trial_balance_exits_1() -> None:
    # Only possible by going around the ledger's services and triggers (as here, on purpose).
    account = Account.objects.create(code="escrow", kind="escrow", name="Escrow")
    entry = Entry.objects.create(kind="capture", reference="order:5")
    Posting.objects.bulk_create([Posting(entry=entry, account=account, currency="EUR", amount=1)])
    status, out, err = run("--trial-balance")
    assert status == 1
    assert "NOT zero in EUR" in out
    assert "The trial balance is not zero in every currency." in err


def test_a_trail_that_does_not_balance_exits_1() -> None:
    payment_take(
        reference="order:7",
        amount=Decimal("10.00"),
        currency="EUR",
        card_number="4242424242424242",
    )
    odd = transfer(debit=ESCROW, credit="fx", amount=Decimal("10.00"), currency="EUR")
    ledger_post(spec=EntrySpec(kind="release", reference="order:7", lines=odd))
    status, out, err = run("7")
    assert status == 1
    assert "money went to fx with nothing exchanged" in out
    assert "NOT balanced: EUR 10.00 unaccounted for." in out
    assert "The money trail of order:7 does not balance." in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99"], "No ledger entries for order:99: unknown or unpaid order."),
        (["order:abc"], "is not an order: give its id (42) or its reference (order:42)."),
        (["0"], "is not an order"),
        (["-1"], "is not an order"),
        ([], "Give an order (ledger_report 42) or --trial-balance."),
    ],
)
def test_an_unknown_or_malformed_order_exits_1(args: list[str], message: str) -> None:
    status, _, err = run(*args)
    assert status == 1 and message in err
