"""Postings and entries are append-only: refused by the models everywhere, and on PostgreSQL by
triggers, which also refuse at COMMIT an entry that does not balance per currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from payments import ledger
from payments.models import AppendOnlyError, Entry, Posting
from payments.services import ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> Entry:
    spec = ledger.capture_entry(
        reference="order:42", amount=Decimal("10.00"), currency="EUR", provider="sandbox"
    )
    return ledger_post(spec=spec)


def test_a_stored_posting_cannot_be_saved_again(entry: Entry) -> None:
    posting = entry.postings.first()
    assert posting is not None
    posting.amount = Decimal("11.00")
    with pytest.raises(AppendOnlyError, match="append-only: they cannot be updated"):
        posting.save()


def test_a_stored_entry_cannot_be_saved_again(entry: Entry) -> None:
    entry.memo = "changed"
    with pytest.raises(AppendOnlyError, match="reversing entry"):
        entry.save()


def test_queryset_update_and_delete_of_postings_are_refused(entry: Entry) -> None:
    with pytest.raises(AppendOnlyError, match="cannot be updated"):
        Posting.objects.filter(entry=entry).update(amount=Decimal(1))
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        Posting.objects.filter(entry=entry).delete()
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        entry.postings.all()[0].delete()
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [
        Decimal("-10.00"),
        Decimal("10.00"),
    ]


def test_queryset_update_and_delete_of_entries_are_refused(entry: Entry) -> None:
    with pytest.raises(AppendOnlyError, match="cannot be updated"):
        Entry.objects.update(memo="changed")
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        Entry.objects.all().delete()
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        entry.delete()
    assert Entry.objects.get().memo == entry.memo


def test_the_triggers_exist_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%'")
            names = sorted(row[0].rsplit("_", 1)[0] for row in cursor.fetchall())
            # Entries, postings, payouts and settlements are append-only.
            assert names == ["pgtrigger_append_only"] * 4
            # The checks at COMMIT: deferred constraint triggers of their own.
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text, tgdeferrable, tginitdeferred"
                " FROM pg_trigger WHERE tgname LIKE 'ledger_%' ORDER BY tgname"
            )
            assert cursor.fetchall() == [
                ("ledger_entry_balances", "payments_posting", True, True),
                ("ledger_entry_has_postings", "payments_entry", True, True),
            ]
        else:
            # pgtrigger's migration operations do nothing on SQLite.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchall() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE payments_posting SET amount = amount + 1", "Cannot update or delete"),
        ("DELETE FROM payments_posting", "Cannot update or delete"),
        ("UPDATE payments_entry SET memo = 'changed'", "Cannot update or delete"),
        ("DELETE FROM payments_entry", "Cannot update or delete"),
    ],
)
def test_raw_sql_cannot_change_or_delete_ledger_rows(entry: Entry, sql: str, refusal: str) -> None:
    with (
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Posting.objects.filter(entry=entry).count() == 2
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [
        Decimal("-10.00"),
        Decimal("10.00"),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_written_in_raw_sql_is_refused_at_commit(entry: Entry) -> None:
    escrow = entry.postings.get(amount__lt=0).account_id
    with (
        pytest.raises(IntegrityError, match="does not balance in every currency"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO payments_entry (kind, reference, memo, created)"
            " VALUES ('release', 'order:42', '', now()) RETURNING id"
        )
        (entry_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO payments_posting (entry_id, account_id, currency, amount)"
            " VALUES (%s, %s, 'EUR', 10), (%s, %s, 'EUR', -9.99)",
            [entry_id, escrow, entry_id, escrow],
        )
    assert Entry.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_balanced_by_its_last_posting_commits(entry: Entry) -> None:
    escrow = entry.postings.get(amount__lt=0).account_id
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payments_entry (kind, reference, memo, created)"
            " VALUES ('release', 'order:42', '', now()) RETURNING id"
        )
        (entry_id,) = cursor.fetchone()
        for amount in ("10", "-4", "-6"):  # unbalanced until the last insert
            cursor.execute(
                "INSERT INTO payments_posting (entry_id, account_id, currency, amount)"
                " VALUES (%s, %s, 'EUR', %s)",
                [entry_id, escrow, amount],
            )
    assert Entry.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_without_postings_is_refused_at_commit() -> None:
    with pytest.raises(IntegrityError, match="has no postings"), transaction.atomic():
        Entry.objects.create(kind="release", reference="order:9")
    assert not Entry.objects.exists()
