"""What the benchmarks share to measure: a process's CPU time, the machine's load, and dropping a
benchmark's database once this process's connections are closed."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a live process has used; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def database_drop(admin_dsn: str, name: str) -> None:
    from django.db import connections

    from bench import checkout_world

    connections.close_all()
    checkout_world.database_drop(admin_dsn, name)
