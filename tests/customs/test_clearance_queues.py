"""`manage.py clearance_queues`: the queues a worker for every hub listens on (its `-Q`)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.ehubs.factories import HubFactory

DEMO_NETWORK = Path(__file__).resolve().parents[2] / "marketplace/demo_data/network.json"


def _queues(*args: str) -> str:
    out = io.StringIO()
    call_command("clearance_queues", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_the_default_queue_comes_first_then_each_hub_of_the_database_by_code() -> None:
    for code in ("LGG", "HGH", "KUL"):
        HubFactory.create(code=code)

    assert _queues() == "celery,customs.HGH,customs.KUL,customs.LGG"


@pytest.mark.django_db
def test_with_no_hubs_only_the_default_queue_is_listened_to() -> None:
    assert _queues() == "celery"


def test_a_network_file_names_the_hubs_without_reading_the_database() -> None:
    # No database access here: pytest-django refuses a query from a test without `db`.
    assert _queues("--network", str(DEMO_NETWORK)) == (
        "celery,customs.ADD,customs.BKK,customs.HGH,customs.KGL,customs.KUL,customs.LAX,"
        "customs.LGG,customs.SYD"
    )


def test_a_network_file_that_is_not_valid_is_refused_with_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "network.json"
    bad.write_text(json.dumps({"hubs": [{"code": "hgh"}], "corridors": []}))

    with pytest.raises(CommandError, match=r"network\.json: hubs\[0\]"):
        _queues("--network", str(bad))


def test_a_missing_network_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        _queues("--network", str(tmp_path / "nope.json"))
