"""`make run` shares one SQLite file between the web server, the Celery worker and beat: writers
in separate processes wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Read a counter, then write it back plus one, in one transaction, as a clearance job reads
# declarations and then writes their decisions. With SQLite's default (deferred) transactions
# two such writers in two processes fail: the later one's read snapshot is stale when it writes.
WRITER = """
import sys, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print("journal_mode", cursor.fetchone()[0])
for _ in range(int(sys.argv[1])):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        value = cursor.fetchone()[0]
        time.sleep(0.002)
        cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
print("done")
"""


def test_processes_writing_the_same_sqlite_file_at_once_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "shared.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        setup.execute("INSERT INTO counter VALUES (1, 0)")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "ewtp.settings.base",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    processes, rounds = 3, 25
    writers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WRITER, str(rounds)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    results = [writer.communicate(timeout=120) for writer in writers]

    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err[-2000:]
        assert out.split() == ["journal_mode", "wal", "done"]
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT value FROM counter").fetchone()[0] == processes * rounds
