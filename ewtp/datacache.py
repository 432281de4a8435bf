"""Process-local caches of reference data (tariffs, network, rates), invalidated across processes.

Each kind of data has a version token in the "versions" cache (Redis, or a folder that the
processes of one machine share). Writers call
`bump(name)`; a `VersionedCache` rebuilds its value when the token it was built with has changed.
A random token (not a counter) means a cleared cache can never look like an old version.

A process looks at the shared token at most every `RECHECK_SECONDS`, so a change made by
another process shows within that time; a change made in this process shows at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import caches
from django.db import transaction

T = TypeVar("T")
_KEY = "ewtp:dataversion:{}"
RECHECK_SECONDS = 1.0
# Bumped by every local change: a process never serves its own stale data.
_local_generation = 0


def forget_local() -> None:
    """Make every cache in this process look at the shared tokens on its next use."""
    global _local_generation
    _local_generation += 1


def version(name: str) -> str:
    cache = caches["versions"]
    token = cache.get(_KEY.format(name))
    if token is None:
        token = uuid.uuid4().hex
        cache.add(_KEY.format(name), token, timeout=None)
        token = cache.get(_KEY.format(name), token)
    return str(token)


def bump(name: str) -> None:
    """Mark `name` changed now and again when the current transaction commits, so no process
    caches data read before the commit under the new token."""

    def _set() -> None:
        caches["versions"].set(_KEY.format(name), uuid.uuid4().hex, timeout=None)

    forget_local()
    _set()
    transaction.on_commit(_set)


class VersionedCache(Generic[T]):
    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.name = name
        self._build = build
        self._lock = threading.Lock()
        self._token: str | None = None
        self._value: T | None = None
        self._checked = (-1, 0.0)  # (local generation, monotonic time) of the last token look

    def get(self) -> T:
        now = time.monotonic()
        generation, at = self._checked
        if (
            self._value is not None
            and generation == _local_generation
            and now - at < RECHECK_SECONDS
        ):
            return self._value
        token = version(self.name)
        self._checked = (_local_generation, now)
        if token != self._token or self._value is None:
            with self._lock:
                value = self._build()
                self._value, self._token = value, token
                return value
        return self._value
