"""`manage.py seed_demo`: upsert the demo sellers, catalogue and logins (run by `make run`)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ewtp.imports import ImportFileError
from marketplace.demo import (
    DEMO_PARTNERS,
    REFERENCE_FILES,
    DemoSummary,
    ListingSpec,
    catalogue_load,
    demo_seed,
)
from marketplace.demo_orders import DemoOrdersSummary, demo_orders_seed


class Command(BaseCommand):
    help = (
        "Create or refresh the demo sellers, listings and logins. Idempotent: a re-run creates "
        "nothing new, and keeps passwords, verification, stock and status people have changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        password: str = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("DEMO_PASSWORD (env EWTP_DEMO_PASSWORD) is empty.")
        started = time.perf_counter()
        # Hubs, rates and tariffs go through the same commands operators use.
        for command, path in REFERENCE_FILES:
            if verbosity:
                self.stdout.write(f"{command} {path.name}")
            call_command(command, str(path), verbosity=verbosity, stdout=self.stdout)
        try:
            catalogue = catalogue_load()
        except ImportFileError as exc:
            raise CommandError(f"Demo catalogue: {exc}") from exc

        def progress(specs: Sequence[ListingSpec]) -> Iterable[ListingSpec]:
            # disable=None: a bar on a terminal, nothing in logs and CI.
            return tqdm(
                specs,
                desc="Listings",
                unit=" listings",
                disable=True if verbosity == 0 else None,
                leave=False,
            )

        summary = demo_seed(password=password, catalogue=catalogue, progress=progress)
        if verbosity:
            self.stdout.write("Demo orders")
        orders = demo_orders_seed()
        if verbosity:
            self._report(summary, password=password, seconds=time.perf_counter() - started)
            self._orders_report(orders)

    def _report(self, summary: DemoSummary, *, password: str, seconds: float) -> None:
        out = self.stdout
        for label, tally in (
            ("Users", summary.users),
            ("Sellers", summary.sellers),
            ("Buyers", summary.buyers),
            ("Listings", summary.listings),
            ("Partners", summary.partners),
        ):
            out.write(f"  {label:<9} {tally}")
        statuses = summary.listings_by_status
        out.write(
            f"Demo catalogue: {summary.seller_count} sellers in {summary.country_count} countries, "
            f"{statuses.get('active', 0)} active listings in {summary.active_chapter_count} "
            f"HS chapters ({statuses.get('draft', 0)} draft, {statuses.get('archived', 0)} "
            f"archived). {'Seeded' if summary.changed else 'Already up to date'} "
            f"in {seconds:.1f} s."
        )
        out.write(self.style.SUCCESS(f"Demo logins (password: {password}):"))
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            out.write(f"  {login.username:<{width}}  {login.role}: {login.detail}")
        out.write("  Every seller-* account of the catalogue uses the same password.")
        out.write(
            f"Logistics partners {', '.join(code for code, _ in DEMO_PARTNERS)}: webhook secret "
            f"{settings.DEMO_LOGISTICS_SECRET} (unless rotated in admin; see docs/delivery.md)."
        )

    def _orders_report(self, summary: DemoOrdersSummary) -> None:
        out = self.stdout
        made = summary.created + summary.present
        out.write(
            self.style.SUCCESS(
                f"Demo orders of demo-buyer: {len(summary.created)} created, "
                f"{len(summary.present)} already there:"
            )
        )
        for order in sorted(made, key=lambda o: o.pk):
            out.write(
                f"  order {order.pk:<4} {order.get_status_display():<18} from "
                f"{order.seller.company_name}"
            )
        for name, why in summary.skipped:
            out.write(self.style.WARNING(f"  not made: the {name} order ({why})"))
