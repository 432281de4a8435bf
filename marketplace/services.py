"""Writes for accounts and listings. Views, serializers, admin and commands call these."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from djmoney.money import Money

from marketplace.currencies import currencies_offered
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


# --- Account changes (the account page and PATCH /api/v1/{buyers,sellers}/me/) -------------------


def _currency_check(code: str, *, current: str) -> None:
    """A new currency must be one prices can be quoted in (currencies.currencies_offered,
    the rule sign-up follows too); the current one stays allowed even if its rate has gone."""
    if code != current and code not in currencies_offered():
        raise ValidationError(
            f"Prices can't be shown in {code} yet: there is no exchange rate for it. "
            "Choose another currency.",
            code="no_rate",
        )


def _profile_checked(
    profile: BuyerProfile | SellerProfile, *, country: str, currency_field: str, currency: str
) -> None:
    """Validate the new country and currency on a copy, so a refusal leaves `profile` as it is."""
    candidate = copy.copy(profile)
    candidate.country = country
    setattr(candidate, currency_field, currency)
    errors: dict[str, list[str]] = {}
    try:
        candidate.clean_fields(
            exclude=[
                f.name
                for f in type(profile)._meta.fields
                if f.name not in ("country", currency_field)
            ]
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if currency_field not in errors:
        try:
            _currency_check(currency, current=getattr(profile, currency_field))
        except ValidationError as error:
            errors[currency_field] = list(error.messages)
    if errors:
        raise ValidationError(errors)


def _email_checked(user: User, email: str) -> str:
    email = User.objects.normalize_email(email.strip())
    if not email:
        # Password reset links are sent there, so an account keeps one.
        raise ValidationError({"email": ["Enter your email address."]})
    try:
        return str(User._meta.get_field("email").clean(email, user))
    except ValidationError as error:
        raise ValidationError({"email": list(error.messages)}) from error


def _profile_save(
    profile: BuyerProfile | SellerProfile, *, country: str, currency_field: str, currency: str
) -> None:
    profile.country = country
    setattr(profile, currency_field, currency)
    # Only these columns: an operator's concurrent change (verified, employees) is kept.
    profile.save(update_fields=["country", currency_field])


def buyer_profile_update(
    *, buyer: BuyerProfile, country: str, preferred_currency: str
) -> BuyerProfile:
    """Change where a buyer ships to and the currency they see prices in. Raises
    ValidationError keyed `country` / `preferred_currency` (nothing saved)."""
    fields = {
        "country": country,
        "currency_field": "preferred_currency",
        "currency": preferred_currency,
    }
    _profile_checked(buyer, **fields)
    _profile_save(buyer, **fields)
    return buyer


def seller_profile_update(
    *, seller: SellerProfile, country: str, payout_currency: str
) -> SellerProfile:
    """Change a seller's country and payout currency; employees and verified are not theirs to
    change (operators check them). Raises ValidationError keyed `country` / `payout_currency`."""
    fields = {"country": country, "currency_field": "payout_currency", "currency": payout_currency}
    _profile_checked(seller, **fields)
    _profile_save(seller, **fields)
    return seller


def user_email_update(*, user: User, email: str) -> User:
    """Change a user's email address. Raises ValidationError keyed `email` (nothing saved)."""
    user.email = _email_checked(user, email)
    user.save(update_fields=["email"])
    return user


@transaction.atomic
def account_update(
    *,
    user: User,
    email: str | None = None,
    buyer_country: str | None = None,
    preferred_currency: str | None = None,
    seller_country: str | None = None,
    payout_currency: str | None = None,
) -> User:
    """Change a user's email and the country and currency of each profile they have, all or
    nothing (None keeps a value). Raises one ValidationError keyed by these argument names with
    every mistake at once; then nothing is saved and the instances are left as they were."""
    errors: dict[str, list[str]] = {}
    if email is not None:
        try:
            email = _email_checked(user, email)
        except ValidationError as error:
            errors.update(error.message_dict)
    changes: list[tuple[BuyerProfile | SellerProfile, str, str, str]] = []
    wanted = [
        ("buyer_profile", "buyer_country", buyer_country, "preferred_currency", preferred_currency),
        ("seller_profile", "seller_country", seller_country, "payout_currency", payout_currency),
    ]
    for accessor, country_key, country, currency_field, currency in wanted:
        profile = getattr(user, accessor, None)
        if profile is None or (country is None and currency is None):
            continue
        country = str(profile.country.code) if country is None else country
        currency = str(getattr(profile, currency_field)) if currency is None else currency
        try:
            _profile_checked(
                profile, country=country, currency_field=currency_field, currency=currency
            )
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                errors.setdefault(country_key if name == "country" else name, []).extend(texts)
        else:
            changes.append((profile, country, currency_field, currency))
    if errors:
        raise ValidationError(errors)
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    for profile, country, currency_field, currency in changes:
        _profile_save(profile, country=country, currency_field=currency_field, currency=currency)
    return user
