"""Celery tasks of customs: thin callers of `customs.clearance`.

Clearance jobs run on their hub's queue (`customs.<HUB>`, chosen when they are sent), so each
hub's workers clear in its jurisdiction and a slow hub stalls no other. They are safe to run
twice: a declaration is claimed by a status-guarded `SELECT … FOR UPDATE SKIP LOCKED`. Only
transient database errors are retried, with backoff and a limit; a declaration whose job gave up
stays `submitted` and the sweeper sends it again.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from customs import clearance

log = logging.getLogger(__name__)

# The longest wait between two tries; the broker's visibility timeout must outlast it (and the
# task's time limit), so no message held back for a retry is handed to a second worker.
RETRY_BACKOFF_MAX = 60
MAX_RETRIES = 5


class ClearanceTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # The declarations stay `submitted`: the sweeper sends them again later.
        log.error(
            "Clearance job %s failed for declarations %s: %s; the sweeper will retry them.",
            task_id, args[0] if args else kwargs.get("ids"), exc,
        )  # fmt: skip


@shared_task(
    name="customs.tasks.declarations_clear",
    base=ClearanceTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def declarations_clear(ids: list[int]) -> int:
    """Screen and decide these declarations (those still submitted); returns how many."""
    with collector_paused():
        return clearance.declarations_clear(ids=[int(i) for i in ids])


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: the collector is enabled again (if it was) after.

    A batch allocates some 10^5 objects and frees nearly all of them by reference counting when
    it returns; collections during it walk them, and the reference data, for next to nothing
    (about a sixth of a worker's CPU). What cyclic garbage it leaves is collected after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@shared_task(name="customs.tasks.declarations_sweep")
def declarations_sweep() -> int:
    """Beat: re-send declarations left `submitted` past EWTP_CLEARANCE_SWEEP_AFTER_SECONDS."""
    return clearance.declarations_sweep()


def visibility_timeout_needed() -> int:
    """The least broker visibility timeout that no retry countdown or running job outlives."""
    return max(RETRY_BACKOFF_MAX, int(settings.CELERY_TASK_TIME_LIMIT)) + 60
