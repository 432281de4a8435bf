"""Writes for accounts and listings. Views, serializers, admin and commands call these."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from djmoney.money import Money

from marketplace.models import BuyerProfile, Listing, SellerProfile

# Django's own message for a taken username, used for one that differs only in case too.
USERNAME_TAKEN = "A user with that username already exists."


def _user_create(*, username: str, password: str, email: str) -> User:
    """Usernames are unique whatever their case ("Alice" is taken once "alice" exists). Call
    inside a transaction: a sign-up racing for the same name loses with a ValidationError."""
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    errors: dict[str, Any] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if "username" not in errors and User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [USERNAME_TAKEN]
    if errors:
        raise ValidationError(errors)
    try:
        # A savepoint: the unique indexes on username and lower(username) catch a sign-up that
        # passed the check above at the same moment as this one.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError({"username": [USERNAME_TAKEN]}) from error
    return user


@transaction.atomic
def seller_register(
    *,
    username: str,
    password: str,
    email: str,
    company_name: str,
    country: str,
    employees: int,
    payout_currency: str = "USD",
) -> SellerProfile:
    """Create a user and its seller profile. Raises ValidationError on bad input (nothing saved)."""
    user = _user_create(username=username, password=password, email=email)
    seller = SellerProfile(
        user=user,
        company_name=company_name,
        country=country,
        employees=employees,
        payout_currency=payout_currency,
    )
    seller.full_clean(exclude=["user"])
    seller.save()
    return seller


@transaction.atomic
def buyer_register(
    *, username: str, password: str, email: str, country: str, preferred_currency: str = "USD"
) -> BuyerProfile:
    """Create a user and its buyer profile. Raises ValidationError on bad input (nothing saved)."""
    user = _user_create(username=username, password=password, email=email)
    buyer = BuyerProfile(user=user, country=country, preferred_currency=preferred_currency)
    buyer.full_clean(exclude=["user"])
    buyer.save()
    return buyer


LISTING_EDITABLE = (
    "title",
    "description",
    "hs_code",
    "origin_country",
    "price",
    "stock",
    "weight_grams",
    "status",
)


def listing_create(*, seller: SellerProfile, **fields: Any) -> Listing:
    """Create a listing for the seller after model validation."""
    unknown = set(fields) - set(LISTING_EDITABLE)
    if unknown:
        raise TypeError(f"unknown listing fields: {sorted(unknown)}")
    listing = Listing(seller=seller, **fields)
    listing.full_clean()
    listing.save()
    return listing


# Model fields a listing field is stored in (django-money keeps the currency apart).
_LISTING_COLUMNS = {"price": ("price", "price_currency")}


@transaction.atomic
def listing_update(*, listing: Listing, **fields: Any) -> Listing:
    """Change the given fields after model validation; every other field keeps what is stored.

    The row is re-read under a lock and only the changed columns are written, so two concurrent
    updates of different fields both survive, and an update that does not name `status` never
    undoes an archive done meanwhile. Naming `status` is the seller's choice: `active`
    re-publishes an archived listing. Returns the listing as stored; `listing` gets the same
    values.
    """
    unknown = set(fields) - set(LISTING_EDITABLE)
    if unknown:
        raise TypeError(f"unknown listing fields: {sorted(unknown)}")
    current = Listing.objects.select_for_update().get(pk=listing.pk)
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, fields[name])
    current.full_clean()
    if changed:
        columns = [column for name in changed for column in _LISTING_COLUMNS.get(name, (name,))]
        current.save(update_fields=[*columns, "updated"])
    listing.__dict__.update(
        {f.attname: getattr(current, f.attname) for f in Listing._meta.concrete_fields}
    )
    return current


def listing_archive(*, listing: Listing) -> Listing:
    """Take a listing off the storefront; it stays visible to its seller.

    One conditional UPDATE, so it cannot interleave with a concurrent listing_update."""
    now = timezone.now()
    archived = (
        Listing.objects.filter(pk=listing.pk)
        .exclude(status=Listing.Status.ARCHIVED)
        .update(status=Listing.Status.ARCHIVED, updated=now)
    )
    listing.status = Listing.Status.ARCHIVED
    if archived:
        listing.updated = now
    return listing


def money(amount: Decimal | str | int, currency: str) -> Money:
    return Money(Decimal(amount), currency)


@transaction.atomic
def seller_deactivate(*, seller: SellerProfile) -> int:
    """Stop a seller trading without deleting anything orders point at: the account can no
    longer log in and every listing is archived. Returns how many listings were archived."""
    User.objects.filter(pk=seller.user_id).update(is_active=False)
    return (
        Listing.objects.filter(seller=seller)
        .exclude(status=Listing.Status.ARCHIVED)
        .update(status=Listing.Status.ARCHIVED, updated=timezone.now())
    )


def sellers_verify(*, sellers: QuerySet[SellerProfile]) -> int:
    """Mark sellers as checked by an operator; returns how many were unverified before."""
    return sellers.filter(verified=False).update(verified=True)
