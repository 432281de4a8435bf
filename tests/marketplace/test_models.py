from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from djmoney.money import Money

from marketplace.models import Listing
from tests.factories import ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db


def test_stock_below_zero_is_refused_by_the_database() -> None:
    listing = ListingFactory.create(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(stock=-1)
    listing.refresh_from_db()
    assert listing.stock == 1


def test_zero_weight_is_refused_by_the_database() -> None:
    listing = ListingFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(weight_grams=0)


def test_zero_price_is_refused_by_the_database() -> None:
    listing = ListingFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(price=Decimal("0"))


def test_unknown_status_is_refused_by_the_database() -> None:
    listing = ListingFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(status="sold")


@pytest.mark.parametrize("hs_code", ["12345", "12345678901", "12AB56", "6109 10", ""])
def test_hs_code_must_be_6_to_10_digits(hs_code: str) -> None:
    listing = ListingFactory.build(seller=SellerFactory.create(), hs_code=hs_code)
    with pytest.raises(ValidationError) as err:
        listing.full_clean()
    assert "hs_code" in err.value.message_dict


@pytest.mark.parametrize("hs_code", ["610910", "6109100010", "0901110"])
def test_hs_codes_of_6_to_10_digits_are_accepted(hs_code: str) -> None:
    ListingFactory.build(seller=SellerFactory.create(), hs_code=hs_code).full_clean()


def test_price_must_be_positive() -> None:
    listing = ListingFactory.build(seller=SellerFactory.create(), price=Money(0, "EUR"))
    with pytest.raises(ValidationError) as err:
        listing.full_clean()
    assert "price" in err.value.message_dict


def test_origin_country_must_be_iso_alpha_2() -> None:
    listing = ListingFactory.build(seller=SellerFactory.create(), origin_country="XX")
    with pytest.raises(ValidationError) as err:
        listing.full_clean()
    assert "origin_country" in err.value.message_dict


def test_price_keeps_its_currency() -> None:
    listing = ListingFactory.create(price=Money("1500", "JPY"))
    listing.refresh_from_db()
    assert listing.price == Money("1500", "JPY")
    assert listing.hs_chapter == "61"


def test_seller_under_30_staff_is_an_sme() -> None:
    assert SellerFactory.build(employees=29).is_sme
    assert not SellerFactory.build(employees=30).is_sme
