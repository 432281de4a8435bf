"""Background jobs run: in-process without a broker, on a real worker when one is configured."""

from __future__ import annotations

import os

from django.conf import settings

from ewtp.celery import app, ping


def test_background_job_runs_in_the_configured_mode() -> None:
    if settings.CELERY_BROKER_URL:
        replies = app.control.ping(timeout=5.0)
        assert replies, f"no Celery worker answered on {settings.CELERY_BROKER_URL}"
        assert ping.delay().get(timeout=30) == "pong"
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER
        assert ping.delay().get(timeout=5) == "pong"


def test_ci_runs_against_a_real_broker() -> None:
    # .ci/run sets EWTP_REQUIRE_WORKER: there a missing broker is a failure, never a skip.
    if os.environ.get("EWTP_REQUIRE_WORKER"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
        assert not settings.CELERY_TASK_ALWAYS_EAGER
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else:
        assert (not settings.CELERY_BROKER_URL) == settings.CELERY_TASK_ALWAYS_EAGER
