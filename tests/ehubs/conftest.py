from __future__ import annotations

import copy
from typing import Any

import pytest

from tests import examples

# The example of docs/DATA_FORMATS.md, import_network.
EXAMPLE_NETWORK: dict[str, Any] = examples.NETWORK


@pytest.fixture
def network_doc() -> dict[str, Any]:
    """A fresh copy of the documented example, safe to modify."""
    return copy.deepcopy(EXAMPLE_NETWORK)
