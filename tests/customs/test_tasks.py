"""The clearance task around the job: the cyclic garbage collector is paused for the batch."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from customs import clearance
from customs.tasks import declarations_clear


@pytest.fixture
def collector_seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether the collector was enabled while the job ran, one entry a job."""
    seen: list[bool] = []

    def job(*, ids: Sequence[int], **kwargs: Any) -> int:
        seen.append(gc.isenabled())
        return len(ids)

    monkeypatch.setattr(clearance, "declarations_clear", job)
    enabled = gc.isenabled()
    yield seen
    if enabled:
        gc.enable()


def test_a_clearance_job_runs_with_the_collector_paused_and_enables_it_after(
    collector_seen: list[bool],
) -> None:
    gc.enable()
    assert declarations_clear.apply(args=([1, 2],)).get() == 2
    assert collector_seen == [False]
    assert gc.isenabled()


def test_a_clearance_job_leaves_a_collector_that_was_off_off(collector_seen: list[bool]) -> None:
    gc.disable()
    declarations_clear.apply(args=([1],)).get()
    assert collector_seen == [False]
    assert not gc.isenabled()


def test_a_failing_clearance_job_enables_the_collector_again(
    monkeypatch: pytest.MonkeyPatch, collector_seen: list[bool]
) -> None:
    def failing(**kwargs: Any) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(clearance, "declarations_clear", failing)
    gc.enable()
    with pytest.raises(RuntimeError):
        declarations_clear.apply(args=([1],)).get()
    assert gc.isenabled()
