"""Writes of the API's own rows: claiming, recording and purging idempotency keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.api.errors import Conflict
from ewtp.api.models import IdempotencyKey

# Each round either returns or saw the row change under it (expired and deleted, or purged);
# more rounds than this means something keeps deleting the key, and the client should retry.
_CLAIM_ROUNDS = 3


def idempotency_key_ttl() -> timedelta:
    """How long a key and its first response are kept (IDEMPOTENCY_KEY_TTL_HOURS)."""
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_key_claim(
    *, user_id: int, endpoint: str, key: str, request_hash: str
) -> tuple[IdempotencyKey, bool]:
    """Claim the user's `key` on `endpoint` for this request, or find the committed row holding it.

    Returns (row, True) when this request is the first to use the key (or the stored one had
    expired), (row, False) when an earlier request holds it. Call it inside the transaction that
    runs the request: on PostgreSQL a concurrent claim of the same key waits on the unique index
    until that transaction ends, then finds the committed row (or, after a rollback, claims it).
    """
    for _ in range(_CLAIM_ROUNDS):
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the transaction usable
                row = IdempotencyKey.objects.create(
                    user_id=user_id, endpoint=endpoint, key=key, request_hash=request_hash
                )
            return row, True
        except IntegrityError:
            pass
        held = IdempotencyKey.objects.filter(user_id=user_id, endpoint=endpoint, key=key).first()
        if held is None:
            continue  # purged since the insert failed: claim it again
        cutoff = timezone.now() - idempotency_key_ttl()
        if held.created >= cutoff:
            return held, False
        # Expired keys count as absent. A concurrent claimer of the same stale row waits for
        # this delete's row lock, then deletes nothing and finds the row inserted below.
        IdempotencyKey.objects.filter(pk=held.pk, created__lt=cutoff).delete()
    raise Conflict(
        "This Idempotency-Key is being changed by another request; retry in a moment.",
        code="idempotency_key_in_use",
    )


def idempotency_key_record(*, row: IdempotencyKey, status: int, body: Any) -> None:
    """Store the response of the request that claimed `row`, to be replayed to its repeats."""
    IdempotencyKey.objects.filter(pk=row.pk).update(response_status=status, response_body=body)


def idempotency_key_release(*, row: IdempotencyKey) -> None:
    """Forget a claimed key whose request did nothing (invalid input), so it may be retried."""
    IdempotencyKey.objects.filter(pk=row.pk).delete()


def idempotency_keys_purge(*, older_than: timedelta | None = None) -> int:
    """Delete keys created more than `older_than` ago (default: the TTL); returns how many."""
    cutoff = timezone.now() - (older_than if older_than is not None else idempotency_key_ttl())
    deleted, _ = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
    return deleted
