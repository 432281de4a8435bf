from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

# The example of docs/DATA_FORMATS.md, import_network.
EXAMPLE_NETWORK: dict[str, Any] = {
    "hubs": [
        {
            "code": "HGH",
            "name": "Hangzhou eHub",
            "country": "CN",
            "city": "Hangzhou",
            "currency": "CNY",
            "serves": ["CN"],
        },
        {
            "code": "LGG",
            "name": "Liège eHub",
            "country": "BE",
            "city": "Liège",
            "currency": "EUR",
            "serves": ["BE", "NL", "LU", "DE", "FR"],
        },
    ],
    "corridors": [
        {
            "from": "HGH",
            "to": "LGG",
            "transit_days": 6,
            "currency": "USD",
            "base_fee": "4.00",
            "per_kg": "6.50",
        }
    ],
    "customs_unions": [{"code": "EU", "members": ["AT", "BE", "DE", "FR", "IT", "LU", "NL"]}],
}


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Data-version tokens live in Django's cache; a rolled-back test must not leave its token.
    cache.clear()
    yield


@pytest.fixture
def network_doc() -> dict[str, Any]:
    """A fresh copy of the documented example, safe to modify."""
    return copy.deepcopy(EXAMPLE_NETWORK)
