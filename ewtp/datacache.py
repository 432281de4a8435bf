"""Process-local caches of reference data (tariffs, network, rates), invalidated across processes.

Each kind of data has a version token in Django's cache (Redis in production). Writers call
`bump(name)`; a `VersionedCache` rebuilds its value when the token it was built with has changed.
A random token (not a counter) means a cleared cache can never look like an old version.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_KEY = "ewtp:dataversion:{}"


def version(name: str) -> str:
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
        cache.set(_KEY.format(name), uuid.uuid4().hex, timeout=None)

    _set()
    transaction.on_commit(_set)


class VersionedCache(Generic[T]):
    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.name = name
        self._build = build
        self._lock = threading.Lock()
        self._token: str | None = None
        self._value: T | None = None

    def get(self) -> T:
        token = version(self.name)
        if token != self._token or self._value is None:
            with self._lock:
                value = self._build()
                self._value, self._token = value, token
                return value
        return self._value
