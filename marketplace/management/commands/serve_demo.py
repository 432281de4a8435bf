"""Serve the site for `make run`: the web server beside a Celery worker (on Celery's default queue
and every hub's clearance queue) and Celery beat, so a paid order clears while the buyer watches.

With CELERY_BROKER_URL set they use that broker. Without one they share an embedded broker of
their own, kombu's filesystem transport: a folder of messages under EMBEDDED_BROKER_DIR. With
`--eager` no worker runs: jobs run inside the web process (as a plain runserver or gunicorn does
with no broker) and the beat schedule in a thread of this process.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from customs.clearance import clearance_queues
from ewtp.embedded_beat import EmbeddedBeat

DEMO_LOGINS = (
    ("buyer", "demo-buyer"),
    ("seller", "demo-seller"),
    ("hub operator", "demo-operator"),
    ("admin", "demo-admin"),
)
EMBEDDED_BROKER_URL = "filesystem://"
STOP_SECONDS = 10


@dataclass
class Child:
    name: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None


class Command(BaseCommand):
    help = (
        "Serve the storefront with a Celery worker and beat: on CELERY_BROKER_URL, or on an "
        "embedded filesystem broker when none is set; --eager runs jobs in-process instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--eager",
            action="store_true",
            help="No worker and no broker: run background jobs inside the web process and the "
            "beat schedule in a thread of this one.",
        )
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Worker processes (default 2)."
        )

    def handle(
        self, *args: Any, host: str, port: str, eager: bool, concurrency: int, **options: Any
    ) -> None:
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\neWTP Marketplace is at {url}"))
        self.stdout.write(f"  API docs: {url}api/docs/   admin: {url}admin/")
        self.stdout.write(f"  Demo logins (password: {settings.DEMO_PASSWORD}):")
        for role, username in DEMO_LOGINS:
            self.stdout.write(f"    {role:<13} {username}")
        self.stdout.write(
            f"  Logistics partners' webhook: {url}api/v1/logistics/<cainiao|dhl>/events/, "
            f"secret {settings.DEMO_LOGISTICS_SECRET} (docs/delivery.md)"
        )
        python = sys.executable
        env = os.environ.copy()
        web = Child("web server", [python, "manage.py", "runserver", f"{host}:{port}"], env)
        beat: EmbeddedBeat | None = None
        if eager:
            env["CELERY_BROKER_URL"] = ""  # the web process runs its jobs itself
            _jobs_in_process()
            # Here, not in runserver: its autoreloader restarts that process, which would start
            # a second beat; this one lives as long as `make run`.
            beat = EmbeddedBeat(settings.CELERY_BEAT_SCHEDULE)
            self.stdout.write(
                "  Background jobs: run in-process (--eager, no worker); "
                f"scheduled jobs in-process: {beat.describe()}\n"
            )
            children = [web]
        else:
            broker = settings.CELERY_BROKER_URL
            if not broker:
                broker = EMBEDDED_BROKER_URL
                folder = Path(settings.EMBEDDED_BROKER_DIR)
                embedded_broker_prepare(folder)
                env["CELERY_BROKER_URL"] = broker
                env["EWTP_EMBEDDED_BROKER_DIR"] = str(folder)
                where = f"the embedded broker in {folder} (no CELERY_BROKER_URL set)"
            else:
                where = broker
            queues = ",".join(clearance_queues())
            schedule = Path(settings.BASE_DIR) / ".cache" / "celerybeat-schedule"
            schedule.parent.mkdir(parents=True, exist_ok=True)
            celery = [python, "-m", "celery", "-A", "ewtp"]
            worker = [*celery, "worker", "-Q", queues, f"--concurrency={concurrency}"]
            if broker == EMBEDDED_BROKER_URL:
                # One worker on a local folder: no other worker to sync with or gossip to.
                worker += ["--without-mingle", "--without-gossip"]
            children = [
                Child("worker", [*worker, "--loglevel=INFO"], env),
                Child("beat", [*celery, "beat", f"--schedule={schedule}", "--loglevel=INFO"], env),
                web,
            ]
            self.stdout.write(f"  Background jobs: a Celery worker and beat on {where}")
            self.stdout.write(f"  Queues: {queues}")
        self.stdout.write("  Running:")
        for child in children:
            self.stdout.write(f"    {child.name}: {shlex.join(_shown(child.args))}")
        self.stdout.write("")
        self.stdout.flush()
        stop_beat = beat.start() if beat is not None else None
        with _terminate_as_interrupt():
            try:
                for child in children:
                    child.process = subprocess.Popen(child.args, env=child.env)  # noqa: S603
                ended = _first_to_end(children)
                if ended is not web:
                    self.stderr.write(
                        f"The {ended.name} stopped (exit {_code(ended)}); stopping the others."
                    )
            except KeyboardInterrupt:
                pass
            finally:
                if stop_beat is not None:
                    stop_beat.set()
                _stop(children)


def embedded_broker_prepare(folder: Path) -> None:
    """Create the embedded broker's folders.

    Messages left by an earlier run are kept: each is a job whose work may still be to do (a
    clearance job refetches and decides only what is still submitted), so a buyer who paid just
    before the server stopped is cleared as soon as the worker is back, not minutes later by the
    sweeper. The control folder is emptied: it binds the broadcast queues of workers now gone."""
    (folder / "queue").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "control", ignore_errors=True)
    (folder / "control").mkdir(parents=True, exist_ok=True)


def _jobs_in_process() -> None:
    # The in-process beat's jobs (the sweeper sends clearance jobs) run here too, whatever
    # broker the environment names.
    from ewtp.celery import app

    app.conf.task_always_eager = True


def _shown(args: list[str]) -> list[str]:
    return ["python", *args[1:]] if args and args[0] == sys.executable else args


def _first_to_end(children: list[Child]) -> Child:
    while True:
        for child in children:
            if child.process is not None and child.process.poll() is not None:
                return child
        time.sleep(0.5)


def _code(child: Child) -> int | None:
    return None if child.process is None else child.process.returncode


def _stop(children: list[Child]) -> None:
    """Stop every child still running with SIGTERM, killing those that outlast STOP_SECONDS.

    SIGTERM is Celery's warm shutdown however often it comes (a second SIGINT is its cold one),
    and runserver's autoreloader takes its server process with it."""
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM to this process stops the children too, as Ctrl-C does."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (a test calling the command): nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
