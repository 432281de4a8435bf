"""Reference-data caches: a change in this process shows at once, in another within a second."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from ewtp import datacache
from ewtp.datacache import VersionedCache, bump

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(datacache.time, "monotonic", fake)
    return fake


def counting_cache() -> tuple[VersionedCache[int], list[int]]:
    builds: list[int] = []

    def build() -> int:
        builds.append(len(builds) + 1)
        return len(builds)

    return VersionedCache("sample", build), builds


def test_value_is_built_once_while_nothing_changes(clock: Clock) -> None:
    cache, builds = counting_cache()
    assert [cache.get() for _ in range(5)] == [1] * 5
    clock.now += 60
    assert cache.get() == 1 and builds == [1]


@pytest.mark.django_db
def test_a_change_in_this_process_shows_at_once(clock: Clock) -> None:
    cache, _ = counting_cache()
    cache.get()
    bump("sample")
    assert cache.get() == 2


def test_a_change_in_another_process_shows_after_the_recheck_interval(clock: Clock) -> None:
    cache, _ = counting_cache()
    cache.get()
    # Another process bumps the shared token; this process has not been told.
    caches["versions"].set("ewtp:dataversion:sample", "token-from-elsewhere", timeout=None)
    assert cache.get() == 1
    clock.now += datacache.RECHECK_SECONDS + 0.01
    assert cache.get() == 2


def test_without_redis_the_tokens_live_in_a_folder_every_process_shares() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    out = subprocess.run(
        [sys.executable, "-c", "from ewtp.settings import base; print(base.CACHES['versions'])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "FileBasedCache" in out and str(ROOT / ".cache" / "versions") in out
