"""Celery beat's schedule, run in-process when there is no broker (`make run` on the defaults).

Without CELERY_BROKER_URL tasks run eagerly and no `celery beat` runs, so nothing would expire
unpaid orders or purge old idempotency keys. `EmbeddedBeat` calls the tasks of
settings.CELERY_BEAT_SCHEDULE itself, each every `schedule` seconds, from a daemon thread: a task
that fails is logged and tried again at its next time; nothing stops the server. Interval
schedules only (a number, a timedelta or celery's `schedule`); others are logged and left out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

logger = logging.getLogger(__name__)

TaskRunner = Callable[[str, tuple[Any, ...], dict[str, Any]], object]

# The longest the thread sleeps when nothing is due (e.g. an empty schedule), and the shortest,
# so a clock that jumps or a task that runs long never makes it spin.
IDLE_SECONDS = 60.0
MIN_WAIT_SECONDS = 0.5


@dataclass
class BeatEntry:
    name: str
    task: str
    every: float  # seconds
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    due_at: float = 0.0  # on the beat's clock


def interval_seconds(schedule: object) -> float | None:
    """Seconds between runs of a beat `schedule` value, or None if it is not a positive
    interval (a crontab, nonsense)."""
    if isinstance(schedule, bool):
        return None
    every: float | None = None
    if isinstance(schedule, int | float):
        every = float(schedule)
    elif isinstance(schedule, timedelta):
        every = schedule.total_seconds()
    elif isinstance(getattr(schedule, "run_every", None), timedelta):  # celery.schedules.schedule
        every = schedule.run_every.total_seconds()  # type: ignore[attr-defined]
    return every if every is not None and every > 0 else None


def celery_task_run(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> object:
    """Run the registered Celery task `name` here and now (as an eager call), raising its error."""
    from ewtp.celery import app

    app.loader.import_default_modules()  # the apps' tasks modules (autodiscovery)
    _connections_tidy()
    try:
        return app.tasks[name].apply(args=args, kwargs=kwargs, throw=True).get()
    finally:
        _connections_tidy()


def _connections_tidy() -> None:
    """The beat thread's connection must not outlive CONN_MAX_AGE (or a dropped server) between
    ticks; a caller's open transaction (a test's) is left alone."""
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:
        close_old_connections()


class EmbeddedBeat:
    """The interval entries of a beat schedule, with the time each is next due on `clock`.

    Every entry is due at once when the beat starts (as `celery beat` runs them first thing)."""

    def __init__(
        self,
        schedule: Mapping[str, Mapping[str, Any]],
        *,
        run: TaskRunner = celery_task_run,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self._clock = clock
        self.entries: list[BeatEntry] = []
        self.skipped: list[str] = []
        now = clock()
        for name, spec in schedule.items():
            every = interval_seconds(spec.get("schedule"))
            task = spec.get("task")
            if every is None or not isinstance(task, str) or not task:
                logger.warning(
                    "Beat entry %r is not run in-process: not a task on an interval.", name
                )
                self.skipped.append(name)
                continue
            self.entries.append(
                BeatEntry(
                    name=name,
                    task=task,
                    every=every,
                    args=tuple(spec.get("args") or ()),
                    kwargs=dict(spec.get("kwargs") or {}),
                    due_at=now,
                )
            )

    def tick(self) -> float:
        """Run each entry that is due (once), then return the seconds until the next is due."""
        for entry in self.entries:
            now = self._clock()
            if now < entry.due_at:
                continue
            # The next time counts from now: a late or failing run never repeats back to back.
            entry.due_at = now + entry.every
            try:
                self._run(entry.task, entry.args, entry.kwargs)
            except Exception:
                logger.exception("Scheduled task %s (%s) failed.", entry.name, entry.task)
        if not self.entries:
            return IDLE_SECONDS
        return max(0.0, min(entry.due_at for entry in self.entries) - self._clock())

    def run_until(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, sleeping between ticks; never raises."""
        while not stop.is_set():
            try:
                wait = self.tick()
            except Exception:  # a broken clock or runner: log, wait, go on
                logger.exception("The in-process beat failed a tick.")
                wait = IDLE_SECONDS
            stop.wait(min(max(wait, MIN_WAIT_SECONDS), IDLE_SECONDS))

    def start(self) -> threading.Event:
        """Run the beat in a daemon thread; set the returned event to stop it."""
        stop = threading.Event()
        threading.Thread(
            target=self.run_until, args=(stop,), name="embedded-beat", daemon=True
        ).start()
        return stop

    def describe(self) -> str:
        """The schedule in one line, for the startup banner."""
        line = ", ".join(f"{e.name} every {_duration(e.every)}" for e in self.entries) or "nothing"
        return f"{line} (not run: {', '.join(self.skipped)})" if self.skipped else line


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"
