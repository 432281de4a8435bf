"""`make run` (manage.py serve_demo): the processes it starts and what its banner says, with
and without a broker. Processes are not really started: Popen is replaced."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from marketplace.management.commands import serve_demo


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args: list[str], **kwargs: Any) -> None:
        FakeProcess.started.append(args)

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0


@pytest.fixture
def popen(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    FakeProcess.started = []
    monkeypatch.setattr(serve_demo.subprocess, "Popen", FakeProcess)
    return FakeProcess.started


def _serve() -> str:
    out = io.StringIO()
    call_command("serve_demo", stdout=out)
    return out.getvalue()


@override_settings(CELERY_BROKER_URL="")
def test_without_a_broker_the_beat_schedule_runs_in_process(
    popen: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[serve_demo.EmbeddedBeat] = []
    stop = threading.Event()

    def start(beat: serve_demo.EmbeddedBeat) -> threading.Event:
        started.append(beat)
        return stop

    monkeypatch.setattr(serve_demo.EmbeddedBeat, "start", start)

    banner = _serve()

    assert "Background jobs: run in-process (no CELERY_BROKER_URL set)" in banner
    assert (
        "orders-expire every 1 min, declarations-sweep every 1 min, idempotency-keys-purge "
        "every 1 h" in banner
    )
    assert [entry.task for entry in started[0].entries] == [
        "marketplace.tasks.orders_expire",
        "customs.tasks.declarations_sweep",
        "ewtp.api.tasks.idempotency_keys_purge",
    ]
    assert [args[-2:] for args in popen] == [["runserver", "127.0.0.1:8000"]]
    assert stop.is_set()  # the server ended: so did the beat


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_with_a_broker_celery_runs_the_worker_and_beat(
    popen: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_demo.EmbeddedBeat, "start", pytest.fail)

    banner = _serve()

    assert "Celery worker and beat on redis://127.0.0.1:6379/0" in banner
    assert [args[3:6] for args in popen[:2]] == [["-A", "ewtp", "worker"], ["-A", "ewtp", "beat"]]
