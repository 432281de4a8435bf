"""Filing declarations and clearing them: the writes behind the clearance jobs.

`declarations_file` files a paid consignment's declarations (customs.declaring) and, after the
commit, sends one clearance job per hub to that hub's queue. `declarations_clear` is the job: it
claims the declarations still `submitted` with `SELECT … FOR UPDATE SKIP LOCKED`, screens each
(customs.screening) on the facts of the day and records the decision, so a job that runs twice,
or beside another, decides each declaration once (a unique key backs it: one `screened` event per
declaration). `declarations_sweep` re-sends declarations left `submitted` too long.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs.declaring import DeclarationSpec, Filing, LineSpec, declarations_for
from customs.landed_cost import Consignment, QuoteLine, QuoteRefused, quote_consignment
from customs.models import ClearanceMode, Declaration, DeclarationEvent, DeclarationLine
from customs.modes import clearance_modes_default
from customs.screening import (
    RULES,
    Document,
    Facts,
    Reason,
    Requote,
    ScreenedLine,
    Screening,
    screen,
)
from customs.selectors import tariff_index_current
from customs.signals import declarations_decided
from customs.tariff import TariffIndex
from ehubs.models import Hub, Waybill
from ehubs.routing import Network
from ehubs.selectors import network_current
from payments.fx import MissingRate, Rates
from payments.models import Payment
from payments.money import money_format
from payments.selectors import rates_current

log = logging.getLogger(__name__)

S = Declaration.Status
Kind = DeclarationEvent.Kind

# True inside `clearance_deferred()`.
_deferred: ContextVar[bool] = ContextVar("clearance_deferred", default=False)


def clearance_queue(hub_code: str) -> str:
    """The Celery queue of a hub's clearance workers."""
    return f"customs.{hub_code}"


def clearance_queues(hub_codes: Iterable[str] | None = None) -> list[str]:
    """The queues a worker for everything listens on: Celery's default queue (the tasks of no
    hub) first, then each hub's clearance queue; the hubs in the database unless given."""
    if hub_codes is None:
        hub_codes = Hub.objects.values_list("code", flat=True)
    hubs = sorted({clearance_queue(code) for code in hub_codes})
    return [settings.CELERY_TASK_DEFAULT_QUEUE, *hubs]


# --- Filing ----------------------------------------------------------------------------------


def declarations_file(*, filing: Filing) -> list[Declaration]:
    """File the declarations of a paid consignment (none if domestic; the ones already filed if
    called again) and send them to clearance once the transaction commits."""
    existing = list(Declaration.objects.filter(reference=filing.reference).select_related("hub"))
    if existing:
        return existing
    specs = declarations_for(filing)
    if not specs:
        return []
    hubs = Hub.objects.in_bulk([s.hub for s in specs], field_name="code")
    modes = clearance_modes_default(hubs=hubs.values())
    now = timezone.now()
    # One INSERT each for the declarations, their lines and their events (both databases
    # return the new ids from a bulk insert).
    declarations = Declaration.objects.bulk_create(
        _declaration(spec, hubs[spec.hub], modes[(hubs[spec.hub].pk, spec.direction)], filing, now)
        for spec in specs
    )
    DeclarationLine.objects.bulk_create(
        _line(declaration, ln)
        for declaration, spec in zip(declarations, specs, strict=True)
        for ln in spec.lines
    )
    DeclarationEvent.objects.bulk_create(
        DeclarationEvent(
            declaration=d,
            at=now,
            kind=Kind.SUBMITTED,
            status=S.SUBMITTED,
            note=f"Filed at {d.hub.code} under mode {d.mode or '(none)'}.",
        )
        for d in declarations
    )
    clearance_enqueue_on_commit(declarations)
    return declarations


def _declaration(
    spec: DeclarationSpec, hub: Hub, mode: ClearanceMode | None, filing: Filing, now: datetime
) -> Declaration:
    return Declaration(
        reference=spec.reference,
        hub=hub,
        direction=spec.direction,
        mode=mode.code if mode is not None else "",
        currency=spec.currency,
        customs_value=spec.customs_value,
        duty=spec.duty,
        tax=spec.tax,
        seller_id=filing.seller.user_id,
        seller_name=filing.seller.name,
        seller_country=filing.seller.country,
        seller_verified=filing.seller_verified,
        buyer_id=filing.buyer.user_id,
        consignee_name=filing.consignee_name,
        consignee_country=filing.consignee_country,
        origin_country=spec.origin_country,
        destination_country=spec.destination_country,
        basis=spec.basis,
        order_document=spec.order_document,
        quoted_on=spec.quoted_on,
        submitted_at=now,
        enqueued_at=now,
    )


def _line(declaration: Declaration, ln: LineSpec) -> DeclarationLine:
    return DeclarationLine(
        declaration=declaration,
        listing_id=ln.listing_id,
        title=ln.title[:200],
        hs_code=ln.hs_code,
        hs_description=ln.hs_description[:500],
        origin=ln.origin,
        quantity=ln.quantity,
        unit_value=ln.unit_value,
        value=ln.value,
        currency=ln.currency,
        listing_price=ln.listing_price,
        listing_currency=ln.listing_currency,
    )


@contextmanager
def clearance_deferred() -> Iterator[None]:
    """Declarations filed inside get no clearance job: they stay `submitted` until the sweeper
    sends them to their hubs' workers. `seed_demo` uses it to leave a paid order for the worker
    of `make run` to clear, where jobs would otherwise run in-process at once."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def clearance_enqueue_on_commit(declarations: Iterable[Declaration]) -> None:
    """After the commit, one clearance job per hub, on that hub's queue (none inside
    `clearance_deferred()`)."""
    by_hub: dict[str, list[int]] = defaultdict(list)
    for d in declarations:
        by_hub[d.hub.code].append(d.pk)
    if by_hub and not _deferred.get():
        # robust: the payment has committed; a broker that is down is logged, and the sweeper
        # sends the declarations later.
        transaction.on_commit(lambda: clearance_enqueue(dict(by_hub)), robust=True)


def clearance_enqueue(by_hub: dict[str, list[int]]) -> None:
    """Send each hub's declarations to its queue, in batches of `EWTP_CLEARANCE_BATCH`."""
    from customs.tasks import declarations_clear  # tasks call this module's services

    size = settings.EWTP_CLEARANCE_BATCH
    eager = declarations_clear.app.conf.task_always_eager  # no broker: run here, no queue
    for hub_code, ids in by_hub.items():
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            if eager:
                declarations_clear.apply(args=(batch,), throw=True)
            else:
                declarations_clear.apply_async(args=(batch,), queue=clearance_queue(hub_code))


# --- Clearing --------------------------------------------------------------------------------


class _Line(NamedTuple):
    """What screening reads of a declaration line."""

    listing_id: int
    title: str
    hs_code: str
    listing_price: Decimal
    listing_currency: str


@dataclass(frozen=True)
class _Day:
    """What every declaration of a batch is screened against: today's rules and rates."""

    on: date
    rates: Rates | None
    tariff: TariffIndex
    network: Network
    modes: dict[tuple[int, str], ClearanceMode]
    payments: dict[str, Document]
    waybills: dict[str, Document]
    lines: dict[int, list[_Line]]
    # (mode id, currency) → the limit in that currency and its label, worked out once a batch.
    limits: dict[tuple[int, str], tuple[Decimal | None, str]]


def declarations_clear(*, ids: Sequence[int], now: datetime | None = None) -> int:
    """Screen and decide the declarations among `ids` that are still `submitted` and not being
    cleared by another job; returns how many this call decided."""
    now = now or timezone.now()
    with transaction.atomic():
        # of=self: locking the joined hub row too would make every other job of the hub skip
        # all its declarations while this one runs.
        claimed = list(
            Declaration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=list(ids), status=S.SUBMITTED)
            .order_by("pk")
        )
        if not claimed:
            return 0
        # A batch has one or two hubs: read them once rather than joined to every row.
        hubs = Hub.objects.in_bulk({d.hub_id for d in claimed})
        for d in claimed:
            Declaration.hub.field.set_cached_value(d, hubs[d.hub_id])
        day = _day_load(claimed, now)
        decided = [(d, screen(declaration_facts(d, day))) for d in claimed]
        _decisions_write(decided, now)
        declarations_decided.send(sender=Declaration, declarations=claimed)
    return len(claimed)


def _day_load(claimed: list[Declaration], now: datetime) -> _Day:
    references = {d.reference for d in claimed}
    # The payment and the waybill as screening matches them (the latest captured attempt).
    payments = {
        reference: Document(consignee=None, goods=None, amount=amount, currency=currency)
        for reference, amount, currency in Payment.objects.filter(
            reference__in=references, status=Payment.Status.CAPTURED
        )
        .order_by("attempt")
        .values_list("reference", "amount", "currency")
    }
    waybills = {
        reference: Document(
            consignee=(name, str(country)),
            goods=tuple((int(a), int(b)) for a, b in goods),
            amount=value,
            currency=currency,
        )
        for reference, name, country, goods, value, currency in Waybill.objects.filter(
            reference__in=references
        ).values_list(
            "reference", "consignee_name", "consignee_country", "goods", "value", "currency"
        )
    }
    modes = {
        (m.hub_id, m.code): m
        for m in ClearanceMode.objects.filter(hub_id__in={d.hub_id for d in claimed})
    }
    lines: dict[int, list[_Line]] = defaultdict(list)
    for declaration_id, listing_id, title, hs_code, price, currency in (
        DeclarationLine.objects.filter(declaration__in=claimed)
        .order_by("pk")
        .values_list(
            "declaration_id", "listing_id", "title", "hs_code", "listing_price", "listing_currency"
        )
    ):
        lines[declaration_id].append(_Line(listing_id, title, hs_code, price, currency))
    return _Day(
        on=timezone.localdate(now),
        rates=rates_current(),
        tariff=tariff_index_current(),
        network=network_current(),
        modes=modes,
        payments=payments,
        waybills=waybills,
        lines=lines,
        limits={},
    )


def declaration_facts(declaration: Declaration, day: _Day) -> Facts:
    """Everything screening needs to know of one declaration, on the clearance date."""
    d = declaration
    basis = d.basis
    rates = day.rates
    document = d.order_document
    mode = day.modes.get((d.hub_id, d.mode))
    if mode is None:
        limit, limit_label = None, ""
    else:
        known = day.limits.get((mode.pk, d.currency))
        if known is None:
            known = day.limits[(mode.pk, d.currency)] = _limit(mode, d.currency, rates)
        limit, limit_label = known
    return Facts(
        direction=d.direction,
        currency=d.currency,
        customs_value=d.customs_value,
        duty=d.duty,
        tax=d.tax,
        lines=tuple(_screened_lines(day.lines.get(d.pk, ()), basis, rates)),
        seller_name=d.seller_name,
        seller_verified=d.seller_verified,
        limit=limit,
        limit_label=limit_label,
        requote=_requote(d, day),
        order=Document(
            consignee=(document["consignee"]["name"], document["consignee"]["country"]),
            goods=tuple((int(a), int(b)) for a, b in document["goods"]),
            amount=Decimal(document["amount"]),
            currency=document["currency"],
        ),
        order_goods_value=Decimal(document["goods_value"]),
        payment=day.payments.get(d.reference),
        waybill=day.waybills.get(d.reference),
    )


def _limit(
    mode: ClearanceMode | None, currency: str, rates: Rates | None
) -> tuple[Decimal | None, str]:
    if mode is None or mode.auto_clear_limit is None:
        return None, ""
    label = f"{mode.code}: {money_format(mode.auto_clear_limit, mode.limit_currency)}"
    if mode.limit_currency == currency:
        return mode.auto_clear_limit, label
    if rates is None:
        return Decimal(0), label + ", no exchange rate to compare it with"
    try:
        return rates.convert(mode.auto_clear_limit, mode.limit_currency, currency), label
    except MissingRate:
        return Decimal(0), label + ", no exchange rate to compare it with"


def _screened_lines(
    lines: Iterable[_Line], basis: dict[str, Any], rates: Rates | None
) -> Iterable[ScreenedLine]:
    # Declared (invoice) unit prices beside the listing's price at filing, in the invoice
    # currency; the declaration's own lines hold the listing prices.
    invoice = {int(ln["listing_id"]): ln for ln in basis["lines"]}
    for line in lines:
        paid = invoice.get(line.listing_id)
        if paid is None:
            continue
        currency = paid["currency"]
        listing_price = line.listing_price
        if line.listing_currency != currency:
            if rates is None:
                continue
            try:
                listing_price = rates.convert(listing_price, line.listing_currency, currency)
            except MissingRate:
                continue
        yield ScreenedLine(
            listing_id=line.listing_id,
            label=f"{line.title} (HS {line.hs_code})",
            unit_value=Decimal(paid["unit_price"]),
            listing_price=listing_price,
            currency=currency,
        )


def _requote(d: Declaration, day: _Day) -> Requote:
    """The consignment quoted again with the day's tariff and rates (one engine for all)."""
    basis = d.basis
    if day.rates is None:
        return Requote(refusal_code="not_served", refusal="No exchange rates are loaded.")
    consignment = Consignment(
        seller_country=basis["seller_country"],
        seller_employees=int(basis["seller_employees"]),
        lines=tuple(
            QuoteLine(
                listing_id=int(ln["listing_id"]),
                hs_code=ln["hs_code"],
                origin=ln["origin"],
                unit_price=Decimal(ln["unit_price"]),
                currency=ln["currency"],
                weight_grams=int(ln["weight_grams"]),
                quantity=int(ln["quantity"]),
                title=ln.get("title", ""),
            )
            for ln in basis["lines"]
        ),
    )
    try:
        again = quote_consignment(
            consignment,
            destination=basis["destination"],
            currency=basis["currency"],
            on=day.on,
            network=day.network,
            tariff=day.tariff,
            rates=day.rates,
        )
    except QuoteRefused as refused:
        return Requote(refusal_code=str(refused.code), refusal=refused.detail)
    except MissingRate as missing:
        return Requote(refusal_code="not_served", refusal=str(missing))
    duty, tax = again.customs_duty, again.customs_tax
    if again.customs_currency != d.currency:
        try:
            duty = day.rates.convert(duty, again.customs_currency, d.currency)
            tax = day.rates.convert(tax, again.customs_currency, d.currency)
        except MissingRate as missing:
            return Requote(refusal_code="not_served", refusal=str(missing))
    return Requote(duty=duty, tax=tax)


DISTINCT_UPDATES = 10


def _decisions_write(decided: list[tuple[Declaration, Screening]], now: datetime) -> None:
    alike: dict[tuple[bool, tuple[Reason, ...]], list[Declaration]] = defaultdict(list)
    for d, screening in decided:
        d.status = S.CLEARED if screening.cleared else S.REVIEW
        d.reasons = [r.as_dict() for r in screening.reasons]
        d.decided_at = now if screening.cleared else None
        alike[(screening.cleared, screening.reasons)].append(d)
    # The rows are locked by this transaction: no other job changes them before the commit.
    # Declarations given the same decision (every automatic clearance of the batch) take one
    # UPDATE … WHERE id IN (…). Past DISTINCT_UPDATES decisions, those that no other declaration
    # shares go in one bulk_update instead, whose CASE per row and field costs more to build
    # than to run.
    singles: list[Declaration] = []
    for same in alike.values():
        if len(same) == 1 and len(alike) > DISTINCT_UPDATES:
            singles.extend(same)
            continue
        first = same[0]
        Declaration.objects.filter(pk__in=[d.pk for d in same]).update(
            status=first.status, reasons=first.reasons, decided_at=first.decided_at
        )
    if singles:
        Declaration.objects.bulk_update(
            singles, ["status", "reasons", "decided_at"], batch_size=500
        )
    DeclarationEvent.objects.bulk_create(
        [
            DeclarationEvent(
                declaration=d,
                at=now,
                kind=Kind.SCREENED,
                status=d.status,
                rule=screening.rule,
                reasons=d.reasons,
                note=_screening_note(screening),
            )
            for d, screening in decided
        ],
        batch_size=500,
    )


def _screening_note(screening: Screening) -> str:
    if screening.cleared:
        return "Cleared automatically."
    return "Sent to the hub's review queue: " + "; ".join(
        _reason_label(r) for r in screening.reasons
    )


def _reason_label(reason: Reason) -> str:
    return RULES.get(reason.rule, reason.rule)


# --- The sweeper -----------------------------------------------------------------------------


def declarations_sweep(*, now: datetime | None = None, older_than: timedelta | None = None) -> int:
    """Send again to clearance every declaration left `submitted` since `older_than` ago (its
    job's message was lost, or its worker died); returns how many were sent."""
    now = now or timezone.now()
    if older_than is None:
        older_than = timedelta(seconds=settings.EWTP_CLEARANCE_SWEEP_AFTER_SECONDS)
    cutoff = now - older_than
    with transaction.atomic():
        stranded = list(
            Declaration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=S.SUBMITTED, enqueued_at__lt=cutoff)
            .select_related("hub")
            .order_by("enqueued_at", "pk")[: settings.EWTP_CLEARANCE_SWEEP_LIMIT]
        )
        if not stranded:
            return 0
        Declaration.objects.filter(pk__in=[d.pk for d in stranded]).update(enqueued_at=now)
        DeclarationEvent.objects.bulk_create(
            DeclarationEvent(
                declaration=d,
                at=now,
                kind=Kind.REQUEUED,
                status=S.SUBMITTED,
                note="Still waiting for clearance: sent to the hub's workers again.",
            )
            for d in stranded
        )
        clearance_enqueue_on_commit(stranded)
    log.warning("Clearance sweeper re-sent %d declarations left submitted.", len(stranded))
    return len(stranded)
