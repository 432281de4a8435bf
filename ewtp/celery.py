"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly in-process (see settings)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.base")

app = Celery("ewtp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _connections_as_after_a_request(sender: Any = None, **kwargs: Any) -> None:
    # A worker's job is a request for the database's purposes: its connection is kept for the
    # next one up to CONN_MAX_AGE (settings.CELERY_DB_REUSE_MAX stops Celery closing it each
    # time). A job run in-process (eager) is inside its caller's request: leave that alone.
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@app.task(name="ewtp.ping")
def ping() -> str:
    """Health check used by CI to prove a worker answers."""
    return "pong"
