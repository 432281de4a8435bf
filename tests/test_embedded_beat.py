"""The in-process beat of `make run` without a broker: what it runs, when, and that a failing
task is logged and never stops it. The clock is injected: no test sleeps."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings
from django.utils import timezone

from ewtp.embedded_beat import EmbeddedBeat, interval_seconds
from marketplace.models import Order
from tests.trade import Trade, place


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Calls:
    def __init__(self, failing: str = "") -> None:
        self.made: list[str] = []
        self.failing = failing

    def __call__(self, task: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> object:
        self.made.append(task)
        if task == self.failing:
            raise RuntimeError("the database is locked")
        return None


SCHEDULE = {
    "often": {"task": "t.often", "schedule": 60.0},
    "hourly": {"task": "t.hourly", "schedule": timedelta(hours=1)},
}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (60.0, 60.0),
        (5, 5.0),
        (timedelta(hours=1), 3600.0),
        (schedule(timedelta(seconds=30)), 30.0),
        (crontab(minute="*/5"), None),
        (0, None),
        (-1, None),
        (True, None),
        ("60", None),
    ],
)
def test_interval_seconds(value: object, seconds: float | None) -> None:
    assert interval_seconds(value) == seconds


def test_every_entry_runs_at_start_then_each_on_its_interval() -> None:
    clock, calls = Clock(), Calls()
    beat = EmbeddedBeat(SCHEDULE, run=calls, clock=clock)

    assert beat.tick() == 60.0
    assert calls.made == ["t.often", "t.hourly"]

    clock.now += 59
    assert beat.tick() == 1.0
    assert calls.made == ["t.often", "t.hourly"]

    clock.now += 1
    beat.tick()
    clock.now += 60
    beat.tick()
    assert calls.made == ["t.often", "t.hourly", "t.often", "t.often"]

    clock.now += 3600
    beat.tick()
    assert calls.made[-2:] == ["t.often", "t.hourly"]


def test_a_failing_task_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, calls = Clock(), Calls(failing="t.often")
    beat = EmbeddedBeat(SCHEDULE, run=calls, clock=clock)

    with caplog.at_level(logging.ERROR, logger="ewtp.embedded_beat"):
        beat.tick()
        clock.now += 60
        beat.tick()

    assert calls.made == ["t.often", "t.hourly", "t.often"]  # tried again at its next time
    assert "Scheduled task often (t.often) failed." in caplog.text
    assert "the database is locked" in caplog.text


def test_entries_that_are_no_interval_are_left_out_and_said_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    odd: dict[str, dict[str, Any]] = {
        **SCHEDULE,
        "nightly": {"task": "t.nightly", "schedule": crontab(hour=3)},
        "taskless": {"schedule": 10},
    }
    with caplog.at_level(logging.WARNING, logger="ewtp.embedded_beat"):
        beat = EmbeddedBeat(odd, run=Calls(), clock=Clock())

    assert beat.describe() == "often every 1 min, hourly every 1 h (not run: nightly, taskless)"
    assert "'nightly' is not run in-process" in caplog.text
    assert EmbeddedBeat({}, run=Calls()).tick() == 60.0


def test_the_thread_ticks_at_once_and_stops_when_told() -> None:
    ran = threading.Event()

    def run(task: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        ran.set()

    stop = EmbeddedBeat(SCHEDULE, run=run).start()
    try:
        assert ran.wait(timeout=5)
    finally:
        stop.set()
    thread = next(t for t in threading.enumerate() if t.name == "embedded-beat")
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_a_broken_clock_never_ends_the_thread(caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    ticks = iter([1.0])

    def clock() -> float:
        value = next(ticks, None)
        if value is None:
            stop.set()  # the second reading fails; stop after it was logged
            raise OSError("clock gone")
        return value

    beat = EmbeddedBeat(SCHEDULE, run=Calls(), clock=clock)
    beat.run_until(stop)  # returns: never raises
    assert "The in-process beat failed a tick." in caplog.text


@pytest.mark.django_db
def test_one_tick_of_the_settings_schedule_expires_unpaid_orders(trade: Trade) -> None:
    (late,) = place(trade, [(trade.shirt, 3)])
    (fresh,) = place(trade, [(trade.mug, 1)])
    Order.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    beat = EmbeddedBeat(settings.CELERY_BEAT_SCHEDULE)  # the real tasks, through Celery
    beat.tick()

    late.refresh_from_db()
    fresh.refresh_from_db()
    trade.shirt.refresh_from_db()
    assert (late.status, fresh.status) == (Order.Status.CANCELLED, Order.Status.PENDING_PAYMENT)
    assert trade.shirt.stock == 10
    assert "orders-expire every 1 min" in beat.describe()
