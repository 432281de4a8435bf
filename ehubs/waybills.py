"""Waybills: the platform issues one per consignment for its route (customs matches it)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction

from ehubs.models import Waybill


def waybill_issue(
    *,
    reference: str,
    route: Sequence[str],
    consignee_name: str,
    consignee_country: str,
    goods: Iterable[tuple[int, int]],
    value: Decimal,
    currency: str,
    weight_grams: int,
) -> Waybill:
    """The consignment's waybill, issued once: a second call returns the first one."""
    # Insert first: a consignment is issued its waybill once, so the unique reference is the
    # check (one query fewer on the payment's path than looking first).
    try:
        with transaction.atomic():
            return Waybill.objects.create(
                reference=reference,
                number=f"EW{secrets.token_hex(6).upper()}",
                route=list(route),
                consignee_name=consignee_name,
                consignee_country=consignee_country,
                goods=sorted([int(listing), int(quantity)] for listing, quantity in goods),
                value=value,
                currency=currency,
                weight_grams=weight_grams,
            )
    except IntegrityError:
        return Waybill.objects.get(reference=reference)
