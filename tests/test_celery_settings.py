"""Celery's settings keep clearance jobs safe on a real broker: a message held by a dead worker
comes back only after the longest a job may run or wait, jobs are acknowledged after they ran,
tasks of no hub have a queue, and beat runs the sweeper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from customs.tasks import RETRY_BACKOFF_MAX, declarations_clear, visibility_timeout_needed
from ewtp.celery import app

ROOT = Path(__file__).resolve().parent.parent


def _base_settings(**env: str) -> dict[str, object]:
    """Celery's settings as ewtp.settings.base computes them from `env` (a fresh process)."""
    script = (
        "import json; from ewtp.settings import base as s; print(json.dumps({"
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'options': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EWTP_"))}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_the_visibility_timeout_outlasts_a_running_job_and_its_longest_retry_wait() -> None:
    needed = visibility_timeout_needed()
    assert needed > settings.CELERY_TASK_TIME_LIMIT
    assert needed > RETRY_BACKOFF_MAX
    configured = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert isinstance(configured, int)
    assert configured >= needed
    assert app.conf.broker_transport_options["visibility_timeout"] == configured


def test_the_embedded_broker_keeps_the_visibility_timeout_and_gets_its_folders(
    tmp_path: Path,
) -> None:
    computed = _base_settings(
        CELERY_BROKER_URL="filesystem://", EWTP_EMBEDDED_BROKER_DIR=str(tmp_path)
    )

    assert computed["eager"] is False
    options = computed["options"]
    assert isinstance(options, dict)
    assert options["visibility_timeout"] >= visibility_timeout_needed()
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "queue")
    assert options["control_folder"] == str(tmp_path / "control")


def test_without_a_broker_jobs_run_in_process_and_with_one_they_do_not() -> None:
    assert _base_settings()["eager"] is True
    assert _base_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")["eager"] is False


def test_a_clearance_job_is_acknowledged_only_after_it_ran_and_requeued_if_its_worker_dies() -> (
    None
):
    assert declarations_clear.acks_late is True
    assert declarations_clear.reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_of_no_hub_go_to_celerys_default_queue() -> None:
    assert app.conf.task_default_queue == "celery"


def test_beat_runs_the_sweeper_more_often_than_a_declaration_waits_for_it() -> None:
    sweep = settings.CELERY_BEAT_SCHEDULE["declarations-sweep"]
    app.loader.import_default_modules()

    assert sweep["task"] == "customs.tasks.declarations_sweep"
    assert sweep["task"] in app.tasks
    assert isinstance(sweep["schedule"], float)
    assert sweep["schedule"] <= settings.EWTP_CLEARANCE_SWEEP_AFTER_SECONDS
