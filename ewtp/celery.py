"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly in-process (see settings)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewtp.settings.base")

app = Celery("ewtp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ewtp.ping")
def ping() -> str:
    """Health check used by CI to prove a worker answers."""
    return "pong"
