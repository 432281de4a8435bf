"""Writes for accounts and listings. Views, serializers, admin and commands call these."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from djmoney.money import Money

from marketplace.models import BuyerProfile, Listing, SellerProfile


def _user_create(*, username: str, password: str, email: str) -> User:
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
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


def listing_update(*, listing: Listing, **fields: Any) -> Listing:
    """Change the given fields after model validation."""
    unknown = set(fields) - set(LISTING_EDITABLE)
    if unknown:
        raise TypeError(f"unknown listing fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.full_clean()
    listing.save()
    return listing


def listing_archive(*, listing: Listing) -> Listing:
    """Take a listing off the storefront; it stays visible to its seller."""
    if listing.status != Listing.Status.ARCHIVED:
        listing.status = Listing.Status.ARCHIVED
        listing.save(update_fields=["status", "updated"])
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


@transaction.atomic
def sellers_verify(*, sellers: QuerySet[SellerProfile], by: User) -> list[int]:
    """Mark the unverified ones of `sellers` as checked by `by`, now; sellers already verified
    keep their record (idempotent). Returns the ids of the sellers this verified."""
    pks = _seller_pks_locked(sellers=sellers, verified=False)
    SellerProfile.objects.filter(pk__in=pks, verified=False).update(
        verified=True, verified_by=by, verified_at=timezone.now()
    )
    return pks


@transaction.atomic
def sellers_unverify(*, sellers: QuerySet[SellerProfile]) -> list[int]:
    """Withdraw the verification of the verified ones of `sellers`, clearing who and when (the
    admin history keeps who withdrew it). Returns the ids of the sellers this unverified."""
    pks = _seller_pks_locked(sellers=sellers, verified=True)
    SellerProfile.objects.filter(pk__in=pks, verified=True).update(
        verified=False, verified_by=None, verified_at=None
    )
    return pks


def _seller_pks_locked(*, sellers: QuerySet[SellerProfile], verified: bool) -> list[int]:
    # `sellers` may be annotated (admin counts listings); FOR UPDATE needs a plain query.
    selected = list(sellers.order_by().values_list("pk", flat=True))
    return list(
        SellerProfile.objects.select_for_update()
        .filter(pk__in=selected, verified=verified)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
