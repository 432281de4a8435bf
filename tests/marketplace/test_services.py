from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from ehubs.services import HUB_OPERATORS_GROUP, hub_operator_group_ensure
from marketplace import services
from marketplace.models import Listing, SellerProfile
from tests.factories import PASSWORD, BuyerFactory, ListingFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seller_register_creates_user_and_profile_that_can_list_at_once() -> None:
    seller = services.seller_register(
        username="weaver",
        password=PASSWORD,
        email="w@example.com",
        company_name="Weaver Co",
        country="RW",
        employees=8,
        payout_currency="RWF",
    )
    assert seller.user.check_password(PASSWORD)
    assert not seller.verified
    listing = services.listing_create(
        seller=seller,
        title="Agaseke basket",
        hs_code="460219",
        origin_country="RW",
        price=Money("25000", "RWF"),
        stock=4,
        weight_grams=300,
        status=Listing.Status.ACTIVE,
    )
    assert listing.pk and listing.seller == seller


def test_duplicate_username_is_a_field_error_and_creates_nothing() -> None:
    UserFactory.create(username="taken")
    with pytest.raises(ValidationError) as err:
        services.seller_register(
            username="taken",
            password=PASSWORD,
            email="t@example.com",
            company_name="X",
            country="CN",
            employees=3,
        )
    assert "username" in err.value.message_dict
    assert SellerProfile.objects.count() == 0


def test_weak_password_is_refused_by_djangos_validators() -> None:
    with pytest.raises(ValidationError) as err:
        services.buyer_register(username="b1", password="123", email="", country="BE")
    messages = " ".join(err.value.messages)
    assert "too short" in messages
    assert not User.objects.filter(username="b1").exists()


def test_invalid_profile_rolls_back_the_user() -> None:
    with pytest.raises(ValidationError) as err:
        services.seller_register(
            username="ghost",
            password=PASSWORD,
            email="g@example.com",
            company_name="Ghost",
            country="ZZ",
            employees=0,
        )
    assert {"country", "employees"} <= set(err.value.message_dict)
    assert not User.objects.filter(username="ghost").exists()


def test_listing_update_validates_and_archive_hides_from_storefront() -> None:
    listing = ListingFactory.create()
    with pytest.raises(ValidationError):
        services.listing_update(listing=listing, hs_code="12")
    listing.refresh_from_db()
    assert listing.hs_code == "610910"
    services.listing_archive(listing=listing)
    assert Listing.objects.get(pk=listing.pk).status == "archived"


def test_hub_operator_group_has_admin_permissions_but_no_delete() -> None:
    group = hub_operator_group_ensure()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_listing", "change_listing", "change_sellerprofile"} <= codenames
    marketplace_perms = group.permissions.filter(content_type__app_label="marketplace")
    assert not marketplace_perms.filter(codename__startswith="delete_").exists()
    assert Group.objects.filter(name=HUB_OPERATORS_GROUP).count() == 1


def test_seller_cannot_be_created_twice_for_one_user() -> None:
    seller = SellerFactory.create()
    with pytest.raises(ValidationError):
        SellerProfile(
            user=seller.user, company_name="Again", country="CN", employees=2
        ).full_clean()


def test_a_seller_with_listings_cannot_be_deleted() -> None:
    listing = ListingFactory.create()

    with pytest.raises(ProtectedError):
        listing.seller.delete()
    with pytest.raises(ProtectedError):
        listing.seller.user.delete()
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_a_buyer_account_cannot_be_deleted_from_under_its_profile() -> None:
    buyer = BuyerFactory.create()

    with pytest.raises(ProtectedError):
        buyer.user.delete()


def test_deactivating_a_seller_archives_their_listings_and_keeps_every_row() -> None:
    seller = SellerFactory.create()
    _active, draft = ListingFactory.create_batch(2, seller=seller)
    draft.status = Listing.Status.DRAFT
    draft.save()
    other = ListingFactory.create()

    archived = services.seller_deactivate(seller=seller)

    assert archived == 2
    seller.refresh_from_db()
    seller.user.refresh_from_db()
    assert seller.user.is_active is False
    assert set(seller.listings.values_list("status", flat=True)) == {"archived"}
    assert Listing.objects.get(pk=other.pk).status == "active"
    response = Client().post(
        reverse("login"), {"username": seller.user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "correct username and password" in response.content.decode()
