"""`manage.py clearance_queues [--network FILE]`: the queues to hand a worker's `-Q`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from customs.clearance import clearance_queues
from ehubs.network_file import network_document_check
from ewtp.imports import FileReadError, json_file_load


class Command(BaseCommand):
    help = (
        "Print the comma-separated Celery queues a worker for every hub listens on: celery (the "
        "tasks of no hub) and customs.<HUB> for each hub in the database, or in a network file "
        "with --network (then the database is not read). Use it as "
        '`celery -A ewtp worker -Q "$(manage.py clearance_queues)"`.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--network",
            metavar="FILE",
            help="Read the hub codes from this network file (import_network's format).",
        )

    def handle(self, *args: Any, network: str | None, **options: Any) -> None:
        codes = None if network is None else _network_codes(network)
        try:
            queues = clearance_queues(codes)
        except DatabaseError as exc:
            raise CommandError(
                f"Cannot read the hubs from the database ({str(exc).strip()}); run "
                "`manage.py migrate` first, or give --network FILE."
            ) from None
        self.stdout.write(",".join(queues))


def _network_codes(path: str) -> list[str]:
    try:
        data = json_file_load(path)
    except FileReadError as exc:
        raise CommandError(str(exc)) from None
    # Checked as if into an empty database: the file alone must say which hubs there are.
    document, errors = network_document_check(data, db_hub_codes=set(), db_served={})
    if errors:
        raise CommandError(f"{path}: " + "; ".join(errors))
    return [hub.code for hub in document.hubs]
