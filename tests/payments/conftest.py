from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Data-version tokens live in Django's cache; a rolled-back test must not leave its token.
    cache.clear()
    yield
