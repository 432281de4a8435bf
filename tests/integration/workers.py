"""Processes a test starts and kills: a real `celery worker` on a queue of the test's own, and
`manage.py` commands, both reading the test's database; waiting on what they do; leaving
nothing of the test in Redis afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from ewtp.celery import app

ROOT = Path(__file__).resolve().parents[2]


def database_env(**extra: str) -> dict[str, str]:
    """This process's environment, pointed at the test database (pytest-django's `test_…`)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{connection.settings_dict['NAME']}")),
        "DJANGO_SETTINGS_MODULE": "ewtp.settings.test",
        **extra,
    }


class Process:
    """A child in a process group of its own (so a SIGKILL takes its children too), its output
    appended to `log`."""

    def __init__(self, args: Sequence[str], log: Path, env: dict[str, str]) -> None:
        self.args = list(args)
        self.log = log
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL it and its children: no shutdown, no message handed back."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def wait(self, seconds: float) -> int:
        """Its exit status, once it has ended by itself."""
        assert self.process is not None
        try:
            status = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.args[-1]} still running after {seconds} s:\n{self.log_tail()}")
        self.process = None
        return status

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


class Worker(Process):
    """A real `celery worker` on one queue, one pool process, reading the test database."""

    def __init__(self, queue: str, name: str, log: Path, **env: str) -> None:
        self.queue = queue
        self.name = name
        super().__init__(
            [
                sys.executable, "-m", "celery", "-A", "ewtp", "worker",
                "-Q", queue, "-n", name,
                "--concurrency", "1", "--pool", "prefork",
                "--without-mingle", "--without-gossip", "--loglevel", "INFO",
            ],
            log, database_env(**env),
        )  # fmt: skip


def manage(*args: str, log: Path, **env: str) -> Process:
    """`manage.py <args>` against the test database, not started yet."""
    return Process([sys.executable, "manage.py", *args], log, database_env(**env))


def wait_until(until: Callable[[], bool], what: str, seconds: float, log: Process) -> None:
    deadline = time.monotonic() + seconds
    while not until():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}; log of {log.args[-1]}:\n{log.log_tail()}")
        time.sleep(0.05)


def broker_forget(queue: str) -> None:
    """Leave nothing of this test in Redis: its queue, and the messages its killed workers held
    (kombu keeps them as unacknowledged until the visibility timeout, an hour)."""
    with app.connection_for_write() as conn:
        channel: Any = conn.default_channel
        channel.queue_purge(queue)
        client = channel.client
        for tag, raw in client.hgetall(channel.unacked_key).items():
            if json.loads(raw)[-1] == queue:  # [message, exchange, routing key]
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)
        # Its binding tables (Celery names the queue's exchange after it).
        client.delete(channel.keyprefix_queue % queue, channel.keyprefix_binding_permanent % queue)


def queue_length(queue: str) -> int:
    with app.connection_for_write() as conn:
        return int(conn.default_channel.client.llen(queue))  # type: ignore[attr-defined]
