"""`make run` (manage.py serve_demo): the processes it starts, the broker they share and what
its banner says. Processes are not really started: Popen is replaced."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from ewtp.celery import app
from marketplace.management.commands import serve_demo
from tests.ehubs.factories import HubFactory


class FakeProcess:
    """A child that runs until terminated, except one whose args contain a word of
    `FakeProcess.ends`: that one has ended with the exit code given there."""

    started: list[FakeProcess] = []
    ends: dict[str, int] = {}

    def __init__(self, args: list[str], **kwargs: Any) -> None:
        self.args = args
        self.env: dict[str, str] = kwargs["env"]
        self.returncode = next((c for w, c in FakeProcess.ends.items() if w in args), None)
        self.terminated = False
        FakeProcess.started.append(self)

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        assert self.returncode is not None, "waited for a child that was never stopped"
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -15

    def kill(self) -> None:
        self.returncode = -9


@pytest.fixture
def popen(monkeypatch: pytest.MonkeyPatch) -> list[FakeProcess]:
    FakeProcess.started = []
    FakeProcess.ends = {"runserver": 0}  # the web server is stopped (Ctrl-C) at once
    monkeypatch.setattr(serve_demo.subprocess, "Popen", FakeProcess)
    return FakeProcess.started


@pytest.fixture
def hubs(db: None) -> None:
    HubFactory.create(code="LGG")
    HubFactory.create(code="HGH")


def _serve(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("serve_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _named(popen: list[FakeProcess], word: str) -> FakeProcess:
    return next(p for p in popen if word in p.args)


ALL_QUEUES = "celery,customs.HGH,customs.LGG"


@pytest.mark.usefixtures("hubs")
def test_without_a_broker_a_worker_on_every_queue_and_beat_share_an_embedded_one(
    popen: list[FakeProcess], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(serve_demo.EmbeddedBeat, "start", pytest.fail)
    folder = tmp_path / "broker"
    with override_settings(CELERY_BROKER_URL="", EMBEDDED_BROKER_DIR=folder):
        banner, _ = _serve()

    assert f"a Celery worker and beat on the embedded broker in {folder}" in banner
    assert f"Queues: {ALL_QUEUES}" in banner
    worker, beat, web = popen
    assert worker.args[3:6] == ["-A", "ewtp", "worker"]
    assert worker.args[worker.args.index("-Q") + 1] == ALL_QUEUES
    assert beat.args[3:6] == ["-A", "ewtp", "beat"]
    assert web.args[-2:] == ["runserver", "127.0.0.1:8000"]
    for child in popen:  # the web server sends jobs where the worker reads them
        assert child.env["CELERY_BROKER_URL"] == "filesystem://"
        assert child.env["EWTP_EMBEDDED_BROKER_DIR"] == str(folder)
    assert (folder / "queue").is_dir()
    assert (folder / "control").is_dir()
    # The server ended, so the worker and beat were stopped.
    assert worker.terminated and beat.terminated


@pytest.mark.usefixtures("hubs")
def test_jobs_left_in_the_embedded_broker_are_kept_and_old_bindings_dropped(
    popen: list[FakeProcess], tmp_path: Path
) -> None:
    folder = tmp_path / "broker"
    (folder / "queue").mkdir(parents=True)
    (folder / "control").mkdir()
    job = folder / "queue" / "1_abc.customs.HGH.msg"
    job.write_text("{}")
    (folder / "control" / "celery.pidbox.exchange").write_text("[]")
    with override_settings(CELERY_BROKER_URL="", EMBEDDED_BROKER_DIR=folder):
        _serve()

    assert job.exists()
    assert list((folder / "control").iterdir()) == []


@pytest.mark.usefixtures("hubs")
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_with_a_broker_the_worker_and_beat_use_it(
    popen: list[FakeProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(serve_demo.EmbeddedBeat, "start", pytest.fail)

    banner, _ = _serve()

    assert "a Celery worker and beat on redis://127.0.0.1:6379/0" in banner
    worker = _named(popen, "worker")
    assert worker.args[worker.args.index("-Q") + 1] == ALL_QUEUES
    assert "--without-mingle" not in worker.args  # other workers may share this broker
    assert all(p.env["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0" for p in popen)
    assert _named(popen, "beat")


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_eager_runs_jobs_in_the_web_process_and_the_beat_schedule_in_a_thread(
    popen: list[FakeProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[serve_demo.EmbeddedBeat] = []
    stop = threading.Event()

    def start(beat: serve_demo.EmbeddedBeat) -> threading.Event:
        started.append(beat)
        return stop

    monkeypatch.setattr(serve_demo.EmbeddedBeat, "start", start)
    monkeypatch.setitem(app.conf, "task_always_eager", False)

    banner, _ = _serve("--eager")

    assert "Background jobs: run in-process (--eager, no worker)" in banner
    assert "declarations-sweep every 1 min" in banner
    assert [entry.task for entry in started[0].entries] == [
        "marketplace.tasks.orders_expire",
        "customs.tasks.declarations_sweep",
        "marketplace.tasks.orders_auto_confirm",
        "marketplace.tasks.settlement_start",
        "ewtp.api.tasks.idempotency_keys_purge",
    ]
    (web,) = popen
    assert web.args[-2:] == ["runserver", "127.0.0.1:8000"]
    assert web.env["CELERY_BROKER_URL"] == ""  # no broker: the web process runs its jobs
    assert app.conf.task_always_eager  # and so does the beat here, whatever the broker
    assert stop.is_set()  # the server ended: so did the beat


@pytest.mark.usefixtures("hubs")
def test_a_worker_that_stops_stops_the_demo_with_a_message(
    popen: list[FakeProcess], tmp_path: Path
) -> None:
    FakeProcess.ends = {"worker": 1}
    with override_settings(CELERY_BROKER_URL="", EMBEDDED_BROKER_DIR=tmp_path):
        _, errors = _serve()

    assert "The worker stopped (exit 1); stopping the others." in errors
    assert _named(popen, "beat").terminated
    assert _named(popen, "runserver").terminated
