"""A worker's database connection: kept from one job to the next while younger than
CONN_MAX_AGE, as a web process keeps it between requests; a job run in-process leaves its
caller's connection and transaction alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from celery.fixups.django import DjangoWorkerFixup  # type: ignore[attr-defined]  # not in the stubs
from celery.signals import task_postrun, task_prerun
from django.db import connection, transaction

from ewtp.celery import app, ping
from marketplace.models import Order


def backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return int(cur.fetchone()[0])


def worker_job() -> None:
    """One job as a prefork worker runs it: Celery's Django fixup and the project's handlers
    around the task, with a request that is not eager."""
    fixup = DjangoWorkerFixup(app)
    ping.push_request(is_eager=False)
    try:
        fixup.on_task_prerun(sender=ping)
        task_prerun.send(sender=ping, task_id="job", task=ping, args=(), kwargs={})
        backend_pid()
        task_postrun.send(sender=ping, task_id="job", task=ping, args=(), kwargs={})
        fixup.on_task_postrun(sender=ping)
    finally:
        ping.pop_request()


@pytest.fixture
def conn_max_age() -> Iterator[None]:
    """CONN_MAX_AGE 60 for this test's connections, as in production."""
    before = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    yield
    connection.settings_dict["CONN_MAX_AGE"] = before
    connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("conn_max_age")
def test_a_workers_jobs_share_one_database_connection_within_conn_max_age() -> None:
    first = backend_pid()
    worker_job()
    worker_job()
    assert backend_pid() == first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_workers_connection_is_closed_after_a_job_when_conn_max_age_is_zero() -> None:
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    first = backend_pid()
    worker_job()
    assert backend_pid() != first


@pytest.mark.django_db
def test_a_job_run_in_process_leaves_its_callers_transaction_usable() -> None:
    with transaction.atomic():
        assert ping.apply().get() == "pong"
        assert Order.objects.count() == 0  # the transaction still answers
