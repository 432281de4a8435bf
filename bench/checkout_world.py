"""The checkout benchmark's database and data: a fresh PostgreSQL database migrated with the real
schema, reference data loaded through the import commands, sellers with many listings of large
stock (each seller's listing ids contiguous, so pgbench can pick two of one seller), and buyers
with API tokens. Also the pgbench script doing a checkout's SQL writes in one transaction."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench.quotes import RATES
from bench.worlds import (
    COLUMNS,
    HS_CODES,
    ORIGINS,
    SELLER_COUNTRIES,
    destinations,
    network_document,
    tariff_rows,
)

SELLERS_LISTINGS = 40  # listings per seller (6 sellers)
STOCK = 1_000_000_000  # large: no checkout ever finds a listing sold out
TARIFF_ROWS = 10_000
CURRENCY = "EUR"


@dataclass(frozen=True)
class Buyer:
    user_id: int
    buyer_id: int
    token: str
    country: str


@dataclass(frozen=True)
class World:
    first_listing: int  # seller k's listings: first + k * per_seller + i, i < per_seller
    sellers: int
    per_seller: int
    buyers: list[Buyer]  # contiguous buyer and user ids, in client order

    def pair(self, rng: random.Random) -> tuple[int, int]:
        """Two adjacent listings of one seller, chosen at random: one order of two lines."""
        first = self.first_listing + rng.randrange(self.sellers) * self.per_seller
        a = first + rng.randrange(self.per_seller - 1)
        return a, a + 1


def database_create(admin_dsn: str, name: str) -> None:
    """Drop and create `name` (its own database: the benchmark may do what it likes there)."""
    import psycopg2

    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def database_drop(admin_dsn: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def reference_data_load(work: Path) -> list[str]:
    """Migrate, then import the network, rates and a tariff through the commands; returns the
    destinations."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    dests = destinations(50)
    (work / "network.json").write_text(json.dumps(network_document(dests)))
    rates = {"base": "USD", "date": "2026-11-23", "rates": RATES}
    (work / "rates.json").write_text(json.dumps(rates))
    with (work / "tariff.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(tariff_rows(dests, TARIFF_ROWS))
    call_command("import_network", str(work / "network.json"), verbosity=0)
    call_command("import_rates", str(work / "rates.json"), verbosity=0)
    call_command("import_tariff", str(work / "tariff.csv"), "--no-progress", verbosity=0)
    return dests


def world_create(*, clients: int, dests: list[str]) -> World:
    """Sellers, listings and one buyer (with an API token) per client. Users are created without
    a usable password: hashing 22 passwords would only slow the set-up."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from marketplace.checkout import checkout_quote
    from marketplace.models import BuyerProfile, Listing, SellerProfile

    rng = random.Random(5)
    listing_ids: list[int] = []
    for n, country in enumerate(SELLER_COUNTRIES):
        user = User.objects.create_user(f"bench-seller-{n}", "")
        seller = SellerProfile.objects.create(
            user=user,
            company_name=f"Bench {country}",
            country=country,
            employees=[5, 40][n % 2],
        )
        for i in range(SELLERS_LISTINGS):
            listing = Listing.objects.create(
                seller=seller,
                title=f"Bench item {n}-{i}",
                hs_code=rng.choice(HS_CODES),
                origin_country=rng.choice(ORIGINS),
                price=Decimal(rng.randint(100, 90000)) / 100,
                price_currency="USD",
                stock=STOCK,
                weight_grams=rng.randint(50, 4000),
                status=Listing.Status.ACTIVE,
            )
            listing_ids.append(listing.pk)
    first = listing_ids[0]
    if listing_ids != list(range(first, first + len(listing_ids))):
        raise SystemExit("listing ids are not contiguous; recreate the benchmark database")
    buyers = []
    for i in range(clients):
        user = User.objects.create_user(f"bench-buyer-{i}", "")
        country = dests[i % len(dests)]
        profile = BuyerProfile.objects.create(
            user=user, country=country, preferred_currency=CURRENCY
        )
        token = Token.objects.create(user=user)
        buyers.append(Buyer(user.pk, profile.pk, token.key, str(country)))
    for field in ("user_id", "buyer_id"):
        ids = [getattr(b, field) for b in buyers]
        if ids != list(range(ids[0], ids[0] + len(ids))):
            raise SystemExit(f"buyer {field}s are not contiguous; recreate the database")
    world = World(first, len(SELLER_COUNTRIES), SELLERS_LISTINGS, buyers)
    # Every pair must quote for every buyer's destination, or a checkout would be refused.
    for buyer in buyers:
        for a in range(first, first + len(listing_ids) - 1):
            if (a - first) % SELLERS_LISTINGS == SELLERS_LISTINGS - 1:
                continue
            checkout_quote(lines=[(a, 1), (a + 1, 1)], destination=buyer.country, currency=CURRENCY)
    return world


CHECKOUT_SQL = r"""
-- One checkout as the application runs it (orders_place, then order_pay): the same statements,
-- reads included, in the same two transactions, with the same savepoints.
\set s random(0, :sellers - 1)
\set a random(0, :per_seller - 2)
\set l1 :first_listing + (1 - :hot) * (:s * :per_seller + :a)
\set l2 :l1 + 1
\set buyer :first_buyer + :client_id
\set actor :first_user + :client_id
-- orders_place: the listings and their sellers, for the quote (outside the transaction)
SELECT l.id, l.seller_id, l.title, l.hs_code, l.origin_country, l.price, l.price_currency,
  l.stock, l.weight_grams, l.status, s.country, s.employees
  FROM marketplace_listing l JOIN marketplace_sellerprofile s ON s.id = l.seller_id
  WHERE l.id IN (:l1, :l2) AND l.status = 'active';
BEGIN;
UPDATE marketplace_listing SET stock = stock - 1
  WHERE id = :l1 AND status = 'active' AND stock >= 1 RETURNING seller_id, price AS p1 \gset
UPDATE marketplace_listing SET stock = stock - 1
  WHERE id = :l2 AND status = 'active' AND stock >= 1 RETURNING price AS p2 \gset
SELECT id, code, name, country, city, currency FROM ehubs_hub WHERE id IN (:hub_a, :hub_b);
INSERT INTO marketplace_order (checkout, buyer_id, seller_id, status, currency, goods, shipping,
  duty, tax, total, quote, ship_name, ship_line1, ship_city, ship_postal_code, ship_country,
  expires_at, created, updated)
  VALUES (gen_random_uuid(), :buyer, :seller_id, 'pending_payment', 'EUR', :p1 + :p2, 9.50,
  3.10, 12.40, :p1 + :p2 + 25.00, '{quote}', 'Bench Buyer', '1 Bench Street', 'Bench City',
  '1000', 'BE', now() + interval '30 minutes', now(), now()) RETURNING id AS order_id \gset
INSERT INTO marketplace_orderline (order_id, listing_id, title, hs_code, quantity, unit_price,
  unit_currency)
  SELECT :order_id, id, title, hs_code, 1, price, price_currency FROM marketplace_listing
  WHERE id IN (:l1, :l2);
INSERT INTO marketplace_order_hubs (order_id, hub_id) VALUES (:order_id, :hub_a),
  (:order_id, :hub_b) ON CONFLICT DO NOTHING;
INSERT INTO marketplace_orderevent (order_id, at, status, note, actor_id)
  VALUES (:order_id, now(), 'pending_payment',
  'Order placed; the goods are reserved for 30 minutes awaiting payment.', :actor);
COMMIT;
-- order_pay: lock the order, the attempt, the provider's two calls, the capture entry, paid
BEGIN;
SELECT o.*, b.*, bu.*, s.*, su.* FROM marketplace_order o
  JOIN marketplace_buyerprofile b ON b.id = o.buyer_id JOIN auth_user bu ON bu.id = b.user_id
  JOIN marketplace_sellerprofile s ON s.id = o.seller_id JOIN auth_user su ON su.id = s.user_id
  WHERE o.id = :order_id FOR UPDATE OF o;
SELECT id, attempt, status FROM payments_payment WHERE reference = 'order:' || :order_id;
INSERT INTO payments_payment (reference, attempt, provider, amount, currency, status,
  "authorization", capture, refund, message, created, updated)
  VALUES ('order:' || :order_id, 1, 'sandbox', :p1 + :p2 + 25.00, 'EUR', 'pending', '', '', '',
  '', now(), now()) RETURNING id AS payment_id \gset
SAVEPOINT authorize;
INSERT INTO payments_sandboxoperation (idempotency_key, operation, amount, currency, card, parent,
  outcome, provider_id, message, created)
  VALUES ('order:' || :order_id || ':1:authorize', 'authorize', :p1 + :p2 + 25.00, 'EUR',
  'fingerprint', '', 'succeeded', 'sbx_auth_' || :order_id, '', now());
RELEASE SAVEPOINT authorize;
SELECT a.*, (SELECT SUM(c.amount) FROM payments_sandboxoperation c WHERE c.operation = 'capture'
  AND c.parent = a.provider_id AND c.outcome = 'succeeded') AS taken
  FROM payments_sandboxoperation a WHERE a.operation = 'authorize'
  AND a.provider_id = 'sbx_auth_' || :order_id AND a.outcome = 'succeeded' LIMIT 1;
SAVEPOINT capture;
INSERT INTO payments_sandboxoperation (idempotency_key, operation, amount, currency, card, parent,
  outcome, provider_id, message, created)
  VALUES ('order:' || :order_id || ':1:capture', 'capture', :p1 + :p2 + 25.00, 'EUR', '',
  'sbx_auth_' || :order_id, 'succeeded', 'sbx_capt_' || :order_id, '', now());
RELEASE SAVEPOINT capture;
UPDATE payments_payment SET status = 'captured', "authorization" = 'sbx_auth_' || :order_id,
  capture = 'sbx_capt_' || :order_id, updated = now()
  WHERE id = :payment_id AND status = 'pending';
SAVEPOINT ledger;
SELECT id, code, kind, name FROM payments_account WHERE code IN ('escrow', 'provider:sandbox');
INSERT INTO payments_entry (kind, reference, payment_id, reverses_id, memo, created)
  VALUES ('capture', 'order:' || :order_id, :payment_id, NULL, 'Payment captured by sandbox',
  now()) RETURNING id AS entry_id \gset
INSERT INTO payments_posting (entry_id, account_id, currency, amount)
  VALUES (:entry_id, :provider_account, 'EUR', :p1 + :p2 + 25.00),
  (:entry_id, :escrow_account, 'EUR', -(:p1 + :p2 + 25.00));
RELEASE SAVEPOINT ledger;
UPDATE marketplace_order SET status = 'paid', updated = now()
  WHERE id = :order_id AND status = 'pending_payment';
INSERT INTO marketplace_orderevent (order_id, at, status, note, actor_id)
  VALUES (:order_id, now(), 'paid', 'Payment captured; the money is held in escrow until delivery.',
  :actor);
COMMIT;
"""


def pgbench_script(quote: object) -> str:
    """The script, with a real order's frozen quote as the JSON every order stores. json.dumps
    puts a space after each colon, so pgbench reads no `:name` inside it as a variable."""
    text = json.dumps(quote, ensure_ascii=True).replace("'", "''")
    return CHECKOUT_SQL.replace("{quote}", text)
