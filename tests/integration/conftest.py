"""The real worker: tests here send their jobs to the configured broker, where a Celery worker
(started by .ci/run, or by the test itself) runs them against the test database."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings

from ewtp.celery import app

BROKER_NEEDED = (
    "needs a broker and a worker on every queue: set CELERY_BROKER_URL and start one, as .ci/run "
    "does"
)


def broker_required(scheme: str = "") -> str:
    """The configured broker URL; without one (or not of `scheme`) the test is skipped, except
    in CI (EWTP_REQUIRE_WORKER), where it fails."""
    url: str = settings.CELERY_BROKER_URL
    if url and url.startswith(scheme):
        return url
    reason = BROKER_NEEDED if not scheme else f"{BROKER_NEEDED} ({scheme}… only)"
    if os.environ.get("EWTP_REQUIRE_WORKER"):
        pytest.fail(f"{reason} (EWTP_REQUIRE_WORKER is set: CI must run this test)")
    pytest.skip(reason)


@pytest.fixture
def real_worker() -> Iterator[str]:
    """Jobs go to the broker for this test (the suite otherwise runs them in-process)."""
    url = broker_required()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield url
    finally:
        app.conf.task_always_eager = eager
