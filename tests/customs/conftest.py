from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from ehubs.models import Hub, HubCountry
from ehubs.services import hub_operator_group_ensure
from tests import examples

HEADER = examples.TARIFF_HEADER
# DATA_FORMATS.md's example, verbatim.
EXAMPLE_ROWS = examples.TARIFF_ROWS


@pytest.fixture
def tariff_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a tariff CSV (the header, then `rows`) and return its path."""
    count = 0

    def write(rows: list[str], *, header: str = HEADER, encoding: str = "utf-8") -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"tariff{count}.csv"
        path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
        return path

    return write


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser("root", "root@example.com", "Correct-Horse-42")


@pytest.fixture
def operator_be(db: Any) -> User:
    """A staff user in the hub operators' group who runs the Liège hub (serves BE and NL)."""
    user = User.objects.create_user("liege-operator", password="Correct-Horse-42", is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    hub = Hub.objects.create(
        code="LGG", name="Liège eHub", country="BE", city="Liège", currency="EUR"
    )
    hub.operators.add(user)
    HubCountry.objects.create(hub=hub, country="BE")
    HubCountry.objects.create(hub=hub, country="NL")
    other = Hub.objects.create(
        code="JFK", name="New York eHub", country="US", city="New York", currency="USD"
    )
    HubCountry.objects.create(hub=other, country="US")
    return user
