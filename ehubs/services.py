"""Writes to the e-road: importing the hub network file (docs/DATA_FORMATS.md, import_network).

The whole document is validated first (`ehubs.network_file`), against itself and the hubs
already in the database; if there is any problem nothing is written and every one is reported.
The import upserts and never deletes a hub, corridor or union the file does not mention; a hub
the file declares serves exactly its `serves`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from tqdm import tqdm

from ehubs.models import Corridor, CustomsUnion, CustomsUnionMember, Hub, HubCountry
from ehubs.network_file import CorridorRow, HubRow, UnionRow, network_document_check
from ewtp.datacache import bump
from ewtp.imports import ImportFileError, Tally

T = TypeVar("T")


@dataclass(frozen=True)
class ImportSummary:
    hubs: Tally
    corridors: Tally
    customs_unions: Tally

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in (self.hubs, self.corridors, self.customs_unions))

    def __str__(self) -> str:
        return (
            f"Hubs: {self.hubs}; corridors: {self.corridors}; customs unions: {self.customs_unions}"
        )


def _progress(items: Iterable[T], *, desc: str, total: int, show: bool) -> Iterable[T]:
    # disable=None: tqdm turns itself off when stderr is not a terminal (pipes, CI, tests).
    return tqdm(items, desc=desc, total=total, file=sys.stderr, disable=None if show else True)


def network_import(*, data: object, progress: bool = False) -> ImportSummary:
    """Validate the whole network document, then upsert hubs (with exactly their served
    countries), corridors and customs unions in one transaction. Raises ImportFileError
    listing every problem, having written nothing. Re-importing the same file changes nothing."""
    with transaction.atomic():
        db_served = {
            str(country): code
            for country, code in HubCountry.objects.values_list("country", "hub__code")
        }
        db_hub_codes = set(Hub.objects.values_list("code", flat=True))
        db_unions = {
            str(country): code
            for country, code in CustomsUnionMember.objects.values_list("country", "union__code")
        }
        document, errors = network_document_check(
            data, db_hub_codes=db_hub_codes, db_served=db_served, db_unions=db_unions
        )
        if errors:
            raise ImportFileError(
                errors,
                summary=f"{len(errors)} problem(s) in the network file; nothing was imported.",
            )
        hubs = _hubs_write(document.hubs, progress=progress)
        corridors = _corridors_write(document.corridors, progress=progress)
        unions = _unions_write(document.unions)
        summary = ImportSummary(hubs=hubs, corridors=corridors, customs_unions=unions)
        if summary.changed:
            bump("network")
    return summary


def _hubs_write(rows: list[HubRow], *, progress: bool) -> Tally:
    existing = {hub.code: hub for hub in Hub.objects.filter(code__in=[r.code for r in rows])}
    created = updated = unchanged = 0
    changed_codes: set[str] = set()
    by_code: dict[str, Hub] = {}
    for row in _progress(rows, desc="Hubs", total=len(rows), show=progress):
        values = {
            "name": row.name,
            "country": row.country,
            "city": row.city,
            "currency": row.currency,
        }
        hub = existing.get(row.code)
        if hub is None:
            hub = Hub.objects.create(code=row.code, **values)
            created += 1
        else:
            fields = [f for f, v in values.items() if str(getattr(hub, f)) != v]
            if fields:
                for f in fields:
                    setattr(hub, f, values[f])
                hub.save(update_fields=fields)
                changed_codes.add(row.code)
        by_code[row.code] = hub

    # Served countries: the file's hubs serve exactly their lists. Countries are unique, so a
    # country moving between two declared hubs is re-pointed in place, never deleted and re-added.
    wanted = {country: row.code for row in rows for country in row.serves}
    # Validation refused any country held by a hub the file does not declare, so the rows of
    # the declared hubs are all the rows this can touch.
    held = {
        str(hc.country): hc
        for hc in HubCountry.objects.select_related("hub").filter(hub__code__in=list(by_code))
    }
    for country, hc in held.items():
        if country not in wanted:
            changed_codes.add(hc.hub.code)
            hc.delete()
    for country, code in wanted.items():
        hc_now = held.get(country)
        if hc_now is None:
            HubCountry.objects.create(hub=by_code[code], country=country)
            changed_codes.add(code)
        elif hc_now.hub.code != code:
            changed_codes.update({code, hc_now.hub.code})
            hc_now.hub = by_code[code]
            hc_now.save(update_fields=["hub"])

    for code in by_code:
        if code in existing:
            if code in changed_codes:
                updated += 1
            else:
                unchanged += 1
    return Tally(created=created, updated=updated, unchanged=unchanged)


def _corridors_write(rows: list[CorridorRow], *, progress: bool) -> Tally:
    codes = {r.from_code for r in rows} | {r.to_code for r in rows}
    hubs = {hub.code: hub for hub in Hub.objects.filter(code__in=codes)}
    existing = {
        (c.from_hub.code, c.to_hub.code): c
        for c in Corridor.objects.select_related("from_hub", "to_hub").filter(
            from_hub__code__in={r.from_code for r in rows}
        )
    }
    created = updated = unchanged = 0
    for row in _progress(rows, desc="Corridors", total=len(rows), show=progress):
        values: dict[str, object] = {
            "transit_days": row.transit_days,
            "currency": row.currency,
            "base_fee": row.base_fee,
            "per_kg": row.per_kg,
        }
        corridor = existing.get((row.from_code, row.to_code))
        if corridor is None:
            Corridor.objects.create(
                from_hub=hubs[row.from_code], to_hub=hubs[row.to_code], **values
            )
            created += 1
            continue
        fields = [f for f, v in values.items() if getattr(corridor, f) != v]
        if fields:
            for f in fields:
                setattr(corridor, f, values[f])
            corridor.save(update_fields=fields)
            updated += 1
        else:
            unchanged += 1
    return Tally(created=created, updated=updated, unchanged=unchanged)


def _unions_write(rows: list[UnionRow]) -> Tally:
    existing = {
        u.code: u
        for u in CustomsUnion.objects.filter(code__in=[r.code for r in rows]).prefetch_related(
            "members"
        )
    }
    created = updated = unchanged = 0
    # A country may move between two listed unions, and belongs to one union at a time: every
    # leaving member is removed before any joins.
    joining: list[CustomsUnionMember] = []
    leaving: list[int] = []
    for row in rows:
        union = existing.get(row.code)
        if union is None:
            union = CustomsUnion.objects.create(code=row.code)
            joining.extend(CustomsUnionMember(union=union, country=c) for c in row.members)
            created += 1
            continue
        have = {str(m.country): m for m in union.members.all()}
        gone = [m.pk for c, m in have.items() if c not in row.members]
        new = [c for c in row.members if c not in have]
        if gone or new:
            leaving.extend(gone)
            joining.extend(CustomsUnionMember(union=union, country=c) for c in new)
            updated += 1
        else:
            unchanged += 1
    CustomsUnionMember.objects.filter(pk__in=leaving).delete()
    CustomsUnionMember.objects.bulk_create(joining)
    return Tally(created=created, updated=updated, unchanged=unchanged)


HUB_OPERATORS_GROUP = "Hub operators"


def hub_operator_permissions() -> dict[str, tuple[str, ...]]:
    """What hub operators may do in admin, as each app declares it on its AppConfig
    (`operator_permissions = {"model": ("view", "change"), …}`): {"app_label.model": actions}."""
    declared: dict[str, tuple[str, ...]] = {}
    for config in apps.get_app_configs():
        for model, actions in getattr(config, "operator_permissions", {}).items():
            declared[f"{config.label}.{model}"] = tuple(actions)
    return declared


def hub_operator_group_ensure() -> Group:
    """Create or refresh the hub operators' group with exactly the declared permissions."""
    group, _ = Group.objects.get_or_create(name=HUB_OPERATORS_GROUP)
    wanted = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in hub_operator_permissions().items()
        for action in actions
    }
    perms = [
        p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app_label for app_label, _ in wanted}
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    group.permissions.set(perms)
    return group
