"""Writes to the ledger: post a balanced entry (once), reverse one (once).

`payments.services` re-exports these; callers may import from either.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.bulk import rows_insert
from payments import ledger
from payments.ledger import EntrySpec, Line
from payments.models import Account, Entry, Payment, Posting

log = logging.getLogger(__name__)


def ledger_post(*, spec: EntrySpec, payment: Payment | None = None) -> Entry:
    """Store `spec` as one entry with its postings, in one transaction; EntryInvalid (Unbalanced)
    if it cannot be. Idempotent: if an entry of (reference, kind) exists, even one written by a
    concurrent call a moment ago, that entry is returned unchanged."""
    return _entry_insert(spec=spec, payment=payment, reverses=None)


def entry_reverse(*, entry: Entry, memo: str) -> Entry:
    """The entry that cancels `entry` (kind "reversal", reference "entry:<pk>"); idempotent."""
    lines = tuple(
        Line(p.account.code, p.currency, p.amount)
        for p in entry.postings.select_related("account").order_by("id")
    )
    spec = EntrySpec(
        kind=ledger.REVERSAL,
        reference=f"entry:{entry.pk}",
        lines=ledger.reversal_lines(lines),
        memo=memo[:200],
    )
    return _entry_insert(spec=spec, payment=entry.payment, reverses=entry)


def _entry_insert(*, spec: EntrySpec, payment: Payment | None, reverses: Entry | None) -> Entry:
    ledger.entry_check(spec)
    # Insert first and look only when (reference, kind) is taken: a re-run, or a concurrent
    # call that committed first (PostgreSQL makes the second wait on the unique index).
    try:
        with transaction.atomic():
            accounts = _accounts_ensure({line.account for line in spec.lines})
            entry = Entry.objects.create(
                kind=spec.kind,
                reference=spec.reference,
                payment=payment,
                reverses=reverses,
                memo=spec.memo[:200],
            )
            # In the lines' order: the trail pairs exchange legs by it (ledger.exchange).
            Posting.objects.bulk_create(
                Posting(
                    entry=entry,
                    account=accounts[line.account],
                    currency=line.currency,
                    amount=line.amount,
                )
                for line in spec.lines
            )
    except IntegrityError:
        # A concurrent call stored (reference, kind) first: its entry is the answer.
        existing = _existing(spec)
        if existing is None:
            raise
        return existing
    return entry


def _existing(spec: EntrySpec) -> Entry | None:
    entry = Entry.objects.filter(reference=spec.reference, kind=spec.kind).first()
    if entry is not None:
        stored = sorted(
            (p.account.code, p.currency, p.amount) for p in entry.postings.select_related("account")
        )
        if stored != sorted((line.account, line.currency, line.amount) for line in spec.lines):
            # Not an error: the first posting of an event stands; a different one is a bug to see.
            log.warning(
                "Ledger entry %s %s already posted with other lines; kept as it was.",
                spec.kind,
                spec.reference,
            )
    return entry


def _accounts_ensure(codes: set[str]) -> dict[str, Account]:
    """The accounts of `codes`, creating missing ones; concurrent creators do not collide."""
    found = {a.code: a for a in Account.objects.filter(code__in=codes)}
    missing = codes - set(found)
    if missing:
        Account.objects.bulk_create(
            [
                Account(code=code, kind=ledger.account_kind(code), name=ledger.account_name(code))
                for code in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        found = {a.code: a for a in Account.objects.filter(code__in=codes)}
    return found


def ledger_post_many(*, specs: Sequence[EntrySpec], now: datetime | None = None) -> list[int]:
    """Store many new entries at once (bulk inserts), in the caller's transaction; returns their
    ids. Unlike `ledger_post` it is not forgiving: an entry whose (reference, kind) is taken
    raises IntegrityError, so the caller's whole transaction rolls back (settlement relies on
    it)."""
    for spec in specs:
        ledger.entry_check(spec)
    if not specs:
        return []
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        accounts = _accounts_ensure({line.account for spec in specs for line in spec.lines})
        ids = rows_insert(
            Entry,
            ("kind", "reference", "memo", "created"),
            [(spec.kind, spec.reference, spec.memo[:200], now) for spec in specs],
            returning_pk=True,
        )
        # In the lines' order: the trail pairs exchange legs by it (ledger.exchange).
        rows_insert(
            Posting,
            ("entry_id", "account_id", "currency", "amount"),
            [
                (entry, accounts[line.account].pk, line.currency, line.amount)
                for entry, spec in zip(ids, specs, strict=True)
                for line in spec.lines
            ],
        )
    return ids
