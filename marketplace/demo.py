"""Demo data: sellers, listings and the four demo logins, upserted from marketplace/demo_data/.

`demo_seed()` is the one write; `catalogue_load()` turns the JSON catalogue into plain specs
without touching the database. Both are deterministic: the same files give the same rows.

Why not `services.seller_register()` per seller: it hashes a password per user (PBKDF2, about
0.3 s each) and saves row by row, which would make `make run` wait ~10 s. Here one hash is shared
by every demo account and rows are written in bulk, after the same model validation.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from djmoney.money import Money

from ehubs.services import hub_operator_group_ensure
from ewtp.codes import is_currency
from ewtp.imports import ImportFileError, Tally
from marketplace.models import BuyerProfile, Listing, LogisticsPartner, SellerProfile
from payments.money import quantize

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
CATALOGUE_PATH = DEMO_DATA / "catalogue.json"
# Reference data, loaded by seed_demo through the public import commands, in this order.
REFERENCE_FILES = (
    ("import_network", DEMO_DATA / "network.json"),
    ("import_rates", DEMO_DATA / "rates.json"),
    ("import_tariff", DEMO_DATA / "tariff.csv"),
)
DEMO_OPERATOR_HUB = "LGG"

DEMO_BUYER = "demo-buyer"
DEMO_SELLER = "demo-seller"
DEMO_OPERATOR = "demo-operator"
DEMO_ADMIN = "demo-admin"
# The demo's logistics partners (code, name): sellers ship with them and they sign events with
# settings.DEMO_LOGISTICS_SECRET (docs/delivery.md has a signed request to paste).
DEMO_PARTNERS = (("cainiao", "Cainiao Network"), ("dhl", "DHL eCommerce"))
DEMO_BUYER_COUNTRY = "BE"
DEMO_BUYER_CURRENCY = "EUR"
EMAIL_DOMAIN = "example.com"

# Flags the demo logins must have for the roles printed next to them; reasserted on every run.
ROLE_FLAGS: dict[str, dict[str, bool]] = {
    DEMO_OPERATOR: {"is_active": True, "is_staff": True},
    DEMO_ADMIN: {"is_active": True, "is_staff": True, "is_superuser": True},
}

# On re-runs these describe a row and are refreshed from the data files. What people change while
# using the demo (passwords, seller verification, listing stock and status, the buyer's currency)
# is set only when the row is created, so a re-seed never undoes an operator's or a buyer's work.
SELLER_REFRESHED = ("company_name", "country", "employees", "payout_currency")
LISTING_REFRESHED = ("description", "hs_code", "origin_country", "price", "weight_grams")


def catalogue_refusal(message: str) -> ImportFileError:
    """The demo data files are inconsistent; the message names the offending entry."""
    return ImportFileError([message], summary=message)


@dataclass(frozen=True)
class SellerSpec:
    username: str
    company_name: str
    country: str
    employees: int
    verified: bool
    payout_currency: str

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class ListingSpec:
    seller_username: str
    title: str
    description: str
    hs_code: str
    origin_country: str
    price: Decimal
    currency: str
    stock: int
    weight_grams: int
    status: str


@dataclass(frozen=True)
class Catalogue:
    sellers: tuple[SellerSpec, ...]
    listings: tuple[ListingSpec, ...]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    detail: str


@dataclass
class DemoSummary:
    users: Tally = field(default_factory=Tally)
    sellers: Tally = field(default_factory=Tally)
    buyers: Tally = field(default_factory=Tally)
    listings: Tally = field(default_factory=Tally)
    partners: Tally = field(default_factory=Tally)
    seller_count: int = 0
    country_count: int = 0
    listings_by_status: dict[str, int] = field(default_factory=dict)
    active_chapter_count: int = 0
    logins: tuple[DemoLogin, ...] = ()

    @property
    def changed(self) -> bool:
        return any(
            t.created or t.updated
            for t in (self.users, self.sellers, self.buyers, self.listings, self.partners)
        )


ListingProgress = Callable[[Sequence[ListingSpec]], Iterable[ListingSpec]]


# --- reading the catalogue (pure) -------------------------------------------------------------


def _stock_default(key: str, employees: int) -> int:
    # crc32, not hash(): Python salts str hashes per process and the demo must not change per run.
    stock = 6 + zlib.crc32(key.encode()) % 115
    return stock * 5 if employees >= 100 else stock


def _decimal(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise catalogue_refusal(f"{where}: price {value!r} is not a decimal") from exc
    if not amount.is_finite() or amount <= 0:
        raise catalogue_refusal(f"{where}: price must be greater than 0")
    return amount


def _seller_spec(raw: dict[str, Any]) -> SellerSpec:
    try:
        spec = SellerSpec(
            username=str(raw["username"]),
            company_name=str(raw["company_name"]),
            country=str(raw["country"]).upper(),
            employees=int(raw["employees"]),
            verified=bool(raw.get("verified", False)),
            payout_currency=str(raw["payout_currency"]).upper(),
        )
    except KeyError as exc:
        raise catalogue_refusal(f"seller {raw.get('username', '?')}: missing {exc}") from exc
    if not is_currency(spec.payout_currency):
        raise catalogue_refusal(f"seller {spec.username}: unknown currency {spec.payout_currency}")
    return spec


def _listing_specs(seller: SellerSpec, products: list[dict[str, Any]]) -> list[ListingSpec]:
    specs: list[ListingSpec] = []
    for product in products:
        variants: list[dict[str, Any]] = product.get("variants") or [{}]
        for variant in variants:
            merged = {**product, **variant}
            title = str(product["title"])
            if "name" in variant:
                title = f"{title}, {variant['name']}"
            where = f"{seller.username} / {title}"
            try:
                price = quantize(_decimal(merged["price"], where), seller.payout_currency)
                weight = int(merged["weight_grams"])
                hs_code = str(merged["hs_code"])
            except KeyError as exc:
                raise catalogue_refusal(f"{where}: missing {exc}") from exc
            stock = merged.get("stock")
            specs.append(
                ListingSpec(
                    seller_username=seller.username,
                    title=title,
                    description=str(merged.get("description", "")),
                    hs_code=hs_code,
                    origin_country=str(merged.get("origin", seller.country)).upper(),
                    price=price,
                    currency=seller.payout_currency,
                    stock=int(stock)
                    if stock is not None
                    else _stock_default(where, seller.employees),
                    weight_grams=weight,
                    status=str(merged.get("status", Listing.Status.ACTIVE)),
                )
            )
    return specs


def _round_robin(groups: list[list[ListingSpec]]) -> list[ListingSpec]:
    """One listing of each seller in turn, so "newest first" pages show many sellers."""
    out: list[ListingSpec] = []
    for i in range(max((len(g) for g in groups), default=0)):
        out.extend(g[i] for g in groups if i < len(g))
    return out


def catalogue_load(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and expand the demo catalogue. Raises ImportFileError on inconsistent data."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sellers: list[SellerSpec] = []
    groups: list[list[ListingSpec]] = []
    seen_users: set[str] = set()
    for raw in data["sellers"]:
        seller = _seller_spec(raw)
        if seller.username in seen_users:
            raise catalogue_refusal(f"seller {seller.username} appears twice")
        seen_users.add(seller.username)
        specs = _listing_specs(seller, raw.get("products", []))
        titles = [s.title for s in specs]
        duplicates = sorted({t for t in titles if titles.count(t) > 1})
        if duplicates:
            raise catalogue_refusal(f"seller {seller.username}: duplicate titles {duplicates}")
        sellers.append(seller)
        groups.append(specs)
    if DEMO_SELLER not in seen_users:
        raise catalogue_refusal(f"the catalogue must contain the {DEMO_SELLER} seller")
    return Catalogue(sellers=tuple(sellers), listings=tuple(_round_robin(groups)))


# --- writing ------------------------------------------------------------------------------------


def _users_upsert(
    *, usernames: Sequence[str], password: str, groups: dict[str, Group], tally: Tally
) -> dict[str, User]:
    existing = User.objects.in_bulk(list(usernames), field_name="username")
    missing = [u for u in usernames if u not in existing]
    if missing:
        # One hash for all demo accounts: they share the demo password anyway.
        encoded = make_password(password)
        User.objects.bulk_create(
            [
                User(
                    username=username,
                    email=f"{username}@{EMAIL_DOMAIN}",
                    password=encoded,
                    **ROLE_FLAGS.get(username, {}),
                )
                for username in missing
            ]
        )
        tally.created += len(missing)
    changed: set[str] = set()
    flagged: list[User] = []
    for username, user in existing.items():
        flags = ROLE_FLAGS.get(username, {})
        if any(getattr(user, name) != value for name, value in flags.items()):
            for name, value in flags.items():
                setattr(user, name, value)
            flagged.append(user)
            changed.add(username)
    if flagged:
        User.objects.bulk_update(flagged, ["is_active", "is_staff", "is_superuser"])
    users = User.objects.in_bulk(list(usernames), field_name="username")
    for username, group in groups.items():
        user = users[username]
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            if username in existing:
                changed.add(username)
    tally.updated += len(changed)
    tally.unchanged += len(existing) - len(changed)
    return users


def _sellers_upsert(
    *, specs: Sequence[SellerSpec], users: dict[str, User], tally: Tally
) -> dict[str, SellerProfile]:
    existing = {
        s.user.username: s
        for s in SellerProfile.objects.select_related("user").filter(
            user__username__in=[spec.username for spec in specs]
        )
    }
    to_create: list[SellerProfile] = []
    to_update: list[SellerProfile] = []
    for spec in specs:
        wanted = {name: getattr(spec, name) for name in SELLER_REFRESHED}
        seller = existing.get(spec.username)
        if seller is None:
            seller = SellerProfile(user=users[spec.username], verified=spec.verified, **wanted)
            seller.full_clean(exclude=["user"])
            to_create.append(seller)
        elif any(_differs(getattr(seller, name), value) for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(seller, name, value)
            seller.full_clean(exclude=["user"])
            to_update.append(seller)
    SellerProfile.objects.bulk_create(to_create)
    SellerProfile.objects.bulk_update(to_update, list(SELLER_REFRESHED))
    tally.created += len(to_create)
    tally.updated += len(to_update)
    tally.unchanged += len(specs) - len(to_create) - len(to_update)
    return {
        s.user.username: s
        for s in SellerProfile.objects.select_related("user").filter(
            user__username__in=[spec.username for spec in specs]
        )
    }


def _buyer_upsert(*, user: User, tally: Tally) -> None:
    buyer = BuyerProfile.objects.filter(user=user).first()
    if buyer is None:
        buyer = BuyerProfile(
            user=user, country=DEMO_BUYER_COUNTRY, preferred_currency=DEMO_BUYER_CURRENCY
        )
        buyer.full_clean(exclude=["user"])
        buyer.save()
        tally.created += 1
    elif _differs(buyer.country, DEMO_BUYER_COUNTRY):
        buyer.country = DEMO_BUYER_COUNTRY
        buyer.save(update_fields=["country"])
        tally.updated += 1
    else:
        tally.unchanged += 1


def _differs(current: Any, wanted: Any) -> bool:
    if isinstance(current, Money) and isinstance(wanted, Money):
        return current.amount != wanted.amount or current.currency != wanted.currency
    # CountryField gives a Country object; compare codes.
    return str(getattr(current, "code", current)) != str(wanted)


def _listing_values(spec: ListingSpec) -> dict[str, Any]:
    return {
        "description": spec.description,
        "hs_code": spec.hs_code,
        "origin_country": spec.origin_country,
        "price": Money(spec.price, spec.currency),
        "weight_grams": spec.weight_grams,
    }


def _listings_upsert(
    *,
    specs: Sequence[ListingSpec],
    sellers: dict[str, SellerProfile],
    tally: Tally,
    progress: ListingProgress | None,
) -> None:
    existing = {
        (listing.seller_id, listing.title): listing
        for listing in Listing.objects.filter(seller__in=list(sellers.values()))
    }
    now = timezone.now()
    to_create: list[Listing] = []
    to_update: list[Listing] = []
    for spec in progress(specs) if progress else specs:
        seller = sellers[spec.seller_username]
        wanted = _listing_values(spec)
        listing = existing.get((seller.pk, spec.title))
        if listing is None:
            listing = Listing(
                seller=seller, title=spec.title, stock=spec.stock, status=spec.status, **wanted
            )
        elif any(_differs(getattr(listing, name), value) for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(listing, name, value)
            listing.updated = now
        else:
            continue
        # Field validation only: the seller was just saved (its FK check would be a query per
        # row) and the CHECK constraints, each one more query per row in validate_constraints(),
        # repeat the field validators and are enforced by the database on insert anyway.
        listing.full_clean(exclude=["seller"], validate_constraints=False)
        (to_update if listing.pk else to_create).append(listing)
    Listing.objects.bulk_create(to_create, batch_size=500)
    Listing.objects.bulk_update(
        to_update, [*LISTING_REFRESHED, "price_currency", "updated"], batch_size=500
    )
    tally.created += len(to_create)
    tally.updated += len(to_update)
    tally.unchanged += len(specs) - len(to_create) - len(to_update)


def _totals(summary: DemoSummary, sellers: Iterable[SellerProfile]) -> None:
    seller_ids = [s.pk for s in sellers]
    summary.seller_count = len(seller_ids)
    summary.country_count = (
        SellerProfile.objects.filter(pk__in=seller_ids).values("country").distinct().count()
    )
    listings = Listing.objects.filter(seller_id__in=seller_ids)
    summary.listings_by_status = {
        row["status"]: row["n"]
        for row in listings.values("status").annotate(n=Count("id")).order_by("status")
    }
    summary.active_chapter_count = (
        listings.filter(Q(status=Listing.Status.ACTIVE))
        .annotate(chapter=Substr("hs_code", 1, 2))
        .values("chapter")
        .distinct()
        .count()
    )


def demo_logins(*, demo_seller: SellerProfile | None = None) -> tuple[DemoLogin, ...]:
    seller_detail = "SME seller with listings"
    if demo_seller is not None:
        seller_detail = (
            f"{demo_seller.company_name} ({demo_seller.country.code}, "
            f"{demo_seller.employees} staff), pays out in {demo_seller.payout_currency}"
        )
    return (
        DemoLogin(DEMO_BUYER, "buyer", f"in {DEMO_BUYER_COUNTRY}, pays in {DEMO_BUYER_CURRENCY}"),
        DemoLogin(DEMO_SELLER, "seller", seller_detail),
        DemoLogin(DEMO_OPERATOR, "hub operator", f"runs the {DEMO_OPERATOR_HUB} eHub from /admin/"),
        DemoLogin(DEMO_ADMIN, "admin", "superuser, /admin/"),
    )


@transaction.atomic
def demo_seed(
    *,
    password: str,
    catalogue: Catalogue | None = None,
    progress: ListingProgress | None = None,
    logistics_secret: str = "",
) -> DemoSummary:
    """Upsert the demo catalogue, logins and logistics partners; running it again creates and
    duplicates nothing.

    New users get `password`; existing users keep theirs. New partners get `logistics_secret`
    (settings.DEMO_LOGISTICS_SECRET by default); existing ones keep theirs (rotated in admin,
    say). `progress` may wrap the listing iteration (e.g. with tqdm)."""
    if not password:
        raise ValueError("a demo password is required")
    catalogue = catalogue or catalogue_load()
    summary = DemoSummary()

    group = hub_operator_group_ensure()
    usernames = [s.username for s in catalogue.sellers]
    usernames += [DEMO_BUYER, DEMO_OPERATOR, DEMO_ADMIN]
    users = _users_upsert(
        usernames=usernames,
        password=password,
        groups={DEMO_OPERATOR: group},
        tally=summary.users,
    )

    sellers = _sellers_upsert(specs=catalogue.sellers, users=users, tally=summary.sellers)
    _buyer_upsert(user=users[DEMO_BUYER], tally=summary.buyers)
    _listings_upsert(
        specs=catalogue.listings, sellers=sellers, tally=summary.listings, progress=progress
    )
    _partners_upsert(
        secret=logistics_secret or settings.DEMO_LOGISTICS_SECRET, tally=summary.partners
    )
    _totals(summary, sellers.values())
    _operator_hub_assign(users[DEMO_OPERATOR])
    summary.logins = demo_logins(demo_seller=sellers[DEMO_SELLER])
    return summary


def _partners_upsert(*, secret: str, tally: Tally) -> None:
    for code, name in DEMO_PARTNERS:
        partner, created = LogisticsPartner.objects.get_or_create(
            code=code, defaults={"name": name, "secret": secret}
        )
        if created:
            tally.created += 1
        elif partner.name != name:
            partner.name = name
            partner.save(update_fields=["name"])
            tally.updated += 1
        else:
            tally.unchanged += 1


def _operator_hub_assign(operator: User) -> None:
    """The demo operator runs the Liège hub (when the network is loaded)."""
    from ehubs.models import Hub

    hub = Hub.objects.filter(code=DEMO_OPERATOR_HUB).first()
    if hub is not None:
        hub.operators.add(operator)
