from __future__ import annotations

import copy
from typing import Any

import pytest

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


@pytest.fixture
def network_doc() -> dict[str, Any]:
    """A fresh copy of the documented example, safe to modify."""
    return copy.deepcopy(EXAMPLE_NETWORK)
