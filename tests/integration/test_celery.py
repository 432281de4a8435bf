"""Background jobs run: in-process in the tests, on a real worker when one is configured."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from ewtp.celery import app, ping


def test_background_jobs_run_in_process_in_the_tests() -> None:
    assert app.conf.task_always_eager
    assert ping.delay().get(timeout=5) == "pong"


def test_a_real_worker_runs_background_jobs(real_worker: str) -> None:
    replies = app.control.ping(timeout=5.0)
    assert replies, f"no Celery worker answered on {real_worker}"
    assert ping.delay().get(timeout=30) == "pong"


def test_ci_runs_against_a_real_broker_and_postgresql() -> None:
    # .ci/run sets EWTP_REQUIRE_WORKER: there a missing broker is a failure, never a skip.
    if not os.environ.get("EWTP_REQUIRE_WORKER"):
        pytest.skip("checks the configuration .ci/run gives (it sets EWTP_REQUIRE_WORKER)")
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
