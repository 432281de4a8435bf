"""The clearance benchmark's world: paid cross-border orders whose declarations wait, `submitted`.

A fresh PostgreSQL database with the checkout benchmark's reference data (16 hubs, rates, a
10,000-row tariff over 50 destinations, imported through the commands), verified sellers in
China and buyers served by one destination hub, so every order exports at O0 and imports at D0.

`TEMPLATES` orders are placed and paid for real (`orders_place`, `order_pay` with the sandbox's
good card: stock, payment, provider records, capture entry and postings, waybill, the two
declarations with their lines and `submitted` events, the order's timeline). Their clearance
jobs are not sent: the benchmark sends them itself. The rest of the world is copies of those
rows, made in SQL: every row a template's payment left, with the order's id (and every reference,
key and provider id naming it) moved on, a fresh checkout id and waybill number, each copy's
posting balanced as the ledger's triggers check at commit. Copy `k` of the templates holds the
orders `first_order + k * TEMPLATES …`, so a set of copies is a range of order and declaration ids.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.checkout_world import CURRENCY, database_create, reference_data_load
from bench.worlds import HS_CODES

TEMPLATES = 100  # orders paid for real; every other order is a copy of one of them
SELLERS = 4
LISTINGS_PER_SELLER = 30
BUYERS = 20
GOOD_CARD = "4242424242424242"
EXPORT_HUB, IMPORT_HUB = "O0", "D0"  # China's origin hub; the hub of the first five destinations


@dataclass(frozen=True)
class Sets:
    """Which copies of the templates each run clears: copy ranges [start, stop)."""

    first_order: int
    first_declaration: int
    copies: dict[str, tuple[int, int]]

    def orders(self, name: str) -> tuple[int, int]:
        """The first and last order id of a set."""
        start, stop = self.copies[name]
        return self.first_order + start * TEMPLATES, self.first_order + stop * TEMPLATES - 1

    def declarations(self, name: str) -> tuple[int, int]:
        start, stop = self.copies[name]
        per = 2 * TEMPLATES
        return self.first_declaration + start * per, self.first_declaration + stop * per - 1


def world_create(
    work: Path,
    admin_dsn: str,
    db_name: str,
    orders: dict[str, int],
    *,
    sellers: int = SELLERS,
    before_copy: Callable[[], None] | None = None,
) -> Sets:
    """A fresh database with `orders[name]` paid orders for each named set (multiples of
    TEMPLATES), their declarations submitted and no clearance job sent. `before_copy` may take
    the template orders further (their new rows must be of tables the copy makes)."""
    for name, n in orders.items():
        if n % TEMPLATES:
            raise SystemExit(f"set {name}: {n} orders is not a multiple of {TEMPLATES}")
    database_create(admin_dsn, db_name)
    dests = reference_data_load(work)
    first_order, first_declaration = _templates_pay(dests[:5], sellers)
    if before_copy is not None:
        before_copy()
    copies: dict[str, tuple[int, int]] = {}
    at = 0
    for name, n in orders.items():
        copies[name] = (at, at + n // TEMPLATES)
        at += n // TEMPLATES
    _templates_copy(at - 1)
    _analyze()
    return Sets(first_order, first_declaration, copies)


def _analyze() -> None:
    """Statistics for the planner, as autovacuum would gather them after such a load, so every
    run starts with the same plans (without them the claim scanned the status index)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _templates_pay(dests: list[str], sellers: int) -> tuple[int, int]:
    """Place and pay TEMPLATES orders for real, with their clearance jobs held back."""
    from django.contrib.auth.models import User

    from customs import clearance
    from customs.models import Declaration
    from marketplace.checkout import Address, orders_place
    from marketplace.models import BuyerProfile, Listing, SellerProfile
    from marketplace.orders import order_pay

    rng = random.Random(11)
    listings: list[list[int]] = []
    for n in range(sellers):
        user = User.objects.create_user(f"bench-cn-seller-{n}", "")
        seller = SellerProfile.objects.create(
            user=user,
            company_name=f"Bench Hangzhou {n}",
            country="CN",
            employees=[8, 45][n % 2],
            verified=True,
        )
        listings.append(
            [
                Listing.objects.create(
                    seller=seller,
                    title=f"Bench export {n}-{i}",
                    hs_code=rng.choice(HS_CODES),
                    origin_country="CN",
                    # Low-value parcels: every order stays under both hubs' auto-clear limits.
                    price=Decimal(rng.randint(500, 9000)) / 100,
                    price_currency="USD",
                    stock=10**9,
                    weight_grams=rng.randint(100, 1500),
                    status=Listing.Status.ACTIVE,
                ).pk
                for i in range(LISTINGS_PER_SELLER)
            ]
        )
    buyers = []
    for n in range(BUYERS):
        user = User.objects.create_user(
            f"bench-buyer-{n}", "", first_name="Bench", last_name=str(n)
        )
        buyers.append(
            BuyerProfile.objects.create(
                user=user, country=dests[n % len(dests)], preferred_currency=CURRENCY
            )
        )
    before = row_counts()
    sent = clearance.clearance_enqueue
    clearance.clearance_enqueue = lambda by_hub: None  # the benchmark sends the jobs itself
    try:
        for n in range(TEMPLATES):
            buyer = buyers[n % BUYERS]
            own = listings[n % sellers]
            picked = rng.sample(own, rng.randint(1, 3))
            address = Address(
                name=f"Bench Buyer {n % BUYERS}",
                line1=f"{n} Bench Street",
                city="Bench City",
                postal_code="1000",
                country=str(buyer.country),
            )
            (order,) = orders_place(
                buyer=buyer,
                lines=[(pk, rng.randint(1, 2)) for pk in picked],
                currency=CURRENCY,
                address=address,
                by=buyer.user,
            )
            outcome = order_pay(order=order, card_number=GOOD_CARD, by=buyer.user)
            if not outcome.paid:
                raise SystemExit(f"template order {order.pk} was not paid: {outcome.message}")
    finally:
        clearance.clearance_enqueue = sent
    # The copies must hold every row a payment writes: a table the copy does not know of would
    # make the copied orders less than paid ones. (The ledger's accounts and a hub's clearance
    # modes are written by the first payment only.)
    tables_check(before, "order_pay", once={"payments_account", "customs_clearancemode"})
    declarations = list(Declaration.objects.order_by("pk").values_list("reference", "hub__code"))
    expected = [EXPORT_HUB, IMPORT_HUB] * TEMPLATES
    if [hub for _, hub in declarations] != expected:
        raise SystemExit("every template order must export at O0 and import at D0")
    first_order = int(declarations[0][0].partition(":")[2])
    first_declaration = Declaration.objects.order_by("pk").values_list("pk", flat=True)[0]
    return first_order, first_declaration


# What a template's payment left, table by table: (model label, {column: SQL for the copy}).
# In the SQL, `k` is the copy number (1, 2, …), `t` the template row, and `span('label')` the
# number of template rows of that model (a copy's ids are the template's plus k × span).
# Columns not named are copied as they are.
_ORDER_ID = "(substr({col}, 7)::bigint + k * span('marketplace.Order'))"
COPIED: list[tuple[str, dict[str, str]]] = [
    (
        "marketplace.Order",
        {"checkout": "gen_random_uuid()"},
    ),
    ("marketplace.OrderLine", {"order_id": "t.order_id + k * span('marketplace.Order')"}),
    ("marketplace.Order_hubs", {"order_id": "t.order_id + k * span('marketplace.Order')"}),
    ("marketplace.OrderEvent", {"order_id": "t.order_id + k * span('marketplace.Order')"}),
    (
        "payments.Payment",
        {
            "reference": "'order:' || " + _ORDER_ID.format(col="t.reference"),
            "authorization": "t.authorization || '-' || k",
            "capture": "t.capture || '-' || k",
        },
    ),
    (
        "payments.SandboxOperation",
        {
            "idempotency_key": "regexp_replace(t.idempotency_key, '^order:[0-9]+', 'order:' || "
            "(split_part(t.idempotency_key, ':', 2)::bigint + k * span('marketplace.Order')))",
            "provider_id": "t.provider_id || '-' || k",
            "parent": "CASE WHEN t.parent = '' THEN '' ELSE t.parent || '-' || k END",
        },
    ),
    (
        "payments.Entry",
        {
            "reference": "'order:' || " + _ORDER_ID.format(col="t.reference"),
            "payment_id": "t.payment_id + k * span('payments.Payment')",
        },
    ),
    ("payments.Posting", {"entry_id": "t.entry_id + k * span('payments.Entry')"}),
    (
        "ehubs.Waybill",
        {
            "reference": "'order:' || " + _ORDER_ID.format(col="t.reference"),
            "number": "'EW' || upper(substr(md5(random()::text || t.id || k), 1, 12))",
        },
    ),
    (
        "customs.Declaration",
        {"reference": "'order:' || " + _ORDER_ID.format(col="t.reference")},
    ),
    (
        "customs.DeclarationLine",
        {"declaration_id": "t.declaration_id + k * span('customs.Declaration')"},
    ),
    (
        "customs.DeclarationEvent",
        {"declaration_id": "t.declaration_id + k * span('customs.Declaration')"},
    ),
]


def tables_check(before: dict[str, int], what: str, *, once: set[str]) -> None:
    """Fail if rows appeared, since the `before` counts, in a table the copy does not make
    (other than the tables in `once`, written by the first template only)."""
    grown = {t for t, n in row_counts().items() if n != before.get(t)}
    unknown = grown - once - {_table(label)._meta.db_table for label, _ in COPIED}
    if unknown:
        raise SystemExit(f"{what} wrote rows the copy does not make: {sorted(unknown)}")


def row_counts() -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    with connection.cursor() as cur:
        counts = {}
        for table in sorted(tables):
            cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = int(cur.fetchone()[0])
    return counts


def _table(label: str) -> Any:
    from django.apps import apps

    app, _, name = label.partition(".")
    if name == "Order_hubs":
        return apps.get_model(app, "Order").hubs.through
    return apps.get_model(app, name)


def _templates_copy(copies: int) -> None:
    """Add `copies` copies of every row the template orders' payments left, in one transaction."""
    from django.db import connection, transaction
    from django.db.models import F

    from marketplace.models import Listing, OrderLine

    spans: dict[str, tuple[int, int]] = {}
    with connection.cursor() as cur:
        for label, _ in COPIED:
            table = _table(label)._meta.db_table
            cur.execute(f'SELECT min(id), max(id), count(*) FROM "{table}"')  # noqa: S608
            low, high, count = cur.fetchone()
            if high - low + 1 != count:
                raise SystemExit(f"{table}: the template rows' ids are not contiguous")
            spans[label] = (low, count)
    if copies <= 0:
        return
    with transaction.atomic(), connection.cursor() as cur:
        # Django's foreign keys are checked at COMMIT; checked after each statement instead, the
        # copy takes half the time. The ledger's own deferred checks stay at COMMIT.
        cur.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
            "WHERE contype = 'f' AND condeferrable"
        )
        cur.execute(f"SET CONSTRAINTS {cur.fetchone()[0]} IMMEDIATE")
        for label, overrides in COPIED:
            model = _table(label)
            table = model._meta.db_table
            low, count = spans[label]
            columns = [f.column for f in model._meta.concrete_fields]
            exprs = []
            for column in columns:
                expr = overrides.get(column, f't."{column}"')
                if column == "id":
                    expr = "t.id + k * span(self)"
                exprs.append(_spans_fill(expr, label, spans))
            names = ", ".join(f'"{c}"' for c in columns)
            cur.execute(
                f'INSERT INTO "{table}" ({names}) '  # noqa: S608
                f'SELECT {", ".join(exprs)} FROM "{table}" t, generate_series(1, %s) AS k '
                f"WHERE t.id BETWEEN %s AND %s ORDER BY k, t.id",
                [copies, low, low + count - 1],
            )
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'(SELECT max(id) FROM "{table}"))'
            )
        # The copies' goods come out of stock as the templates' did.
        sold: dict[int, int] = {}
        for listing_id, quantity in OrderLine.objects.filter(
            order_id__lt=spans["marketplace.Order"][0] + spans["marketplace.Order"][1]
        ).values_list("listing_id", "quantity"):
            sold[listing_id] = sold.get(listing_id, 0) + quantity
        for listing_id, quantity in sold.items():
            Listing.objects.filter(pk=listing_id).update(stock=F("stock") - quantity * copies)


def _spans_fill(expr: str, label: str, spans: dict[str, tuple[int, int]]) -> str:
    expr = expr.replace("span(self)", str(spans[label][1]))
    for other, (_, count) in spans.items():
        expr = expr.replace(f"span('{other}')", str(count))
    return expr
