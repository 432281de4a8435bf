"""Serve the site for `make run`: the web server, plus a Celery worker and beat when a broker is
set; without one, tasks run eagerly and the beat schedule runs in a thread of this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ewtp.embedded_beat import EmbeddedBeat

DEMO_LOGINS = (
    ("buyer", "demo-buyer"),
    ("seller", "demo-seller"),
    ("hub operator", "demo-operator"),
    ("admin", "demo-admin"),
)


class Command(BaseCommand):
    help = "Serve the storefront (and a Celery worker when CELERY_BROKER_URL is set)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\neWTP Marketplace is at {url}"))
        self.stdout.write(f"  API docs: {url}api/docs/   admin: {url}admin/")
        self.stdout.write(f"  Demo logins (password: {settings.DEMO_PASSWORD}):")
        for role, username in DEMO_LOGINS:
            self.stdout.write(f"    {role:<13} {username}")
        broker = settings.CELERY_BROKER_URL
        # Here, not in runserver: its autoreloader restarts that process, which would start a
        # second beat; this one lives as long as `make run`.
        beat = None if broker else EmbeddedBeat(settings.CELERY_BEAT_SCHEDULE)
        if beat is None:
            self.stdout.write(f"  Background jobs: Celery worker and beat on {broker}\n")
        else:
            self.stdout.write(
                "  Background jobs: run in-process (no CELERY_BROKER_URL set); "
                f"scheduled jobs in-process: {beat.describe()}\n"
            )
        stop_beat = beat.start() if beat is not None else None
        python = sys.executable
        children: list[subprocess.Popen[bytes]] = []
        if broker:
            celery = [python, "-m", "celery", "-A", "ewtp"]
            children.append(subprocess.Popen([*celery, "worker", "--loglevel=INFO"]))  # noqa: S603
            children.append(subprocess.Popen([*celery, "beat", "--loglevel=INFO"]))  # noqa: S603
        web = subprocess.Popen(  # noqa: S603
            [python, "manage.py", "runserver", f"{host}:{port}"], env=os.environ.copy()
        )
        children.append(web)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            if stop_beat is not None:
                stop_beat.set()
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
