from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import get_territory_currencies
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from djmoney.money import Money

from customs.clearance import declarations_sweep
from customs.models import Declaration
from ehubs.services import HUB_OPERATORS_GROUP
from ewtp.imports import ImportFileError
from marketplace.demo import (
    CATALOGUE_PATH,
    DEMO_ADMIN,
    DEMO_BUYER,
    DEMO_OPERATOR,
    DEMO_SELLER,
    REFERENCE_FILES,
    DemoSummary,
    catalogue_load,
    demo_seed,
)
from marketplace.demo_orders import (
    DEMO_ORDERS,
    DEMO_UNVERIFIED_SELLER,
    DemoOrdersSummary,
    demo_orders_seed,
)
from marketplace.models import (
    BuyerProfile,
    Listing,
    LogisticsPartner,
    Order,
    SellerProfile,
    ShipmentEvent,
)
from payments.models import Payout
from payments.money import quantize

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> DemoSummary:
    return demo_seed(password=settings.DEMO_PASSWORD)


def _snapshot() -> list[tuple[object, ...]]:
    return sorted(
        (
            listing.seller.user.username,
            listing.title,
            listing.hs_code,
            str(listing.origin_country),
            listing.price.amount,
            str(listing.price.currency),
            listing.stock,
            listing.weight_grams,
            listing.status,
        )
        for listing in Listing.objects.select_related("seller__user")
    )


def test_seed_creates_at_least_20_sellers_in_6_countries(seeded: DemoSummary) -> None:
    assert SellerProfile.objects.count() >= 20
    assert SellerProfile.objects.values("country").distinct().count() >= 6
    assert seeded.seller_count == SellerProfile.objects.count()


def test_sellers_are_mostly_smes_with_some_larger_firms_and_mixed_verification(
    seeded: DemoSummary,
) -> None:
    sellers = list(SellerProfile.objects.all())
    smes = [s for s in sellers if 2 <= s.employees <= 29]
    larger = [s for s in sellers if 100 <= s.employees <= 800]
    assert len(smes) > len(sellers) / 2
    assert larger
    assert len(smes) + len(larger) == len(sellers)
    assert {s.verified for s in sellers} == {True, False}


def test_sellers_are_paid_out_in_their_home_currency(seeded: DemoSummary) -> None:
    for seller in SellerProfile.objects.all():
        home = get_territory_currencies(seller.country.code)[0]
        assert seller.payout_currency == home, seller.company_name


def test_seed_creates_200_active_listings_over_15_hs_chapters(seeded: DemoSummary) -> None:
    active = Listing.objects.filter(status=Listing.Status.ACTIVE)
    assert active.count() >= 200
    assert len({listing.hs_code[:2] for listing in active}) >= 15
    assert seeded.listings_by_status["active"] == active.count()


def test_seed_includes_a_few_draft_and_archived_listings(seeded: DemoSummary) -> None:
    assert 1 <= Listing.objects.filter(status=Listing.Status.DRAFT).count() <= 10
    assert 1 <= Listing.objects.filter(status=Listing.Status.ARCHIVED).count() <= 10


def test_every_seeded_listing_passes_full_clean_priced_in_seller_currency_and_rounded(
    seeded: DemoSummary,
) -> None:
    for listing in Listing.objects.select_related("seller"):
        listing.full_clean()
        amount, currency = listing.price.amount, str(listing.price.currency)
        assert 6 <= len(listing.hs_code) <= 10 and listing.hs_code.isdigit()
        assert amount > 0
        assert quantize(amount, currency) == amount, listing.title
        assert currency == listing.seller.payout_currency
        assert listing.weight_grams > 0
        assert listing.description


def test_listings_of_zero_minor_unit_currencies_have_whole_amounts(seeded: DemoSummary) -> None:
    for currency in ("RWF", "VND"):
        amounts = [
            listing.price.amount for listing in Listing.objects.filter(price_currency=currency)
        ]
        assert amounts
        assert all(amount == amount.to_integral_value() for amount in amounts)
        assert min(amounts) >= 1000  # realistic levels for currencies with large numbers


def test_most_listings_are_made_in_the_sellers_country_and_some_are_not(
    seeded: DemoSummary,
) -> None:
    listings = list(Listing.objects.select_related("seller"))
    home = [x for x in listings if x.origin_country == x.seller.country]
    assert len(home) > 0.9 * len(listings)
    assert len(home) < len(listings)


def test_the_four_demo_logins_authenticate_and_have_their_roles(seeded: DemoSummary) -> None:
    password = settings.DEMO_PASSWORD
    users = {
        # The log-in lockout (django-axes) needs the request, as every log-in view passes it.
        name: authenticate(
            RequestFactory().post("/accounts/login/"), username=name, password=password
        )
        for name in (DEMO_BUYER, DEMO_SELLER, DEMO_OPERATOR, DEMO_ADMIN)
    }
    assert all(isinstance(user, User) for user in users.values()), users

    buyer = BuyerProfile.objects.get(user__username=DEMO_BUYER)
    assert (buyer.country.code, buyer.preferred_currency) == ("BE", "EUR")

    seller = SellerProfile.objects.get(user__username=DEMO_SELLER)
    assert seller.country.code == "CN" and seller.is_sme
    assert seller.listings.filter(status=Listing.Status.ACTIVE).exists()

    operator = User.objects.get(username=DEMO_OPERATOR)
    assert operator.is_staff and not operator.is_superuser
    assert operator.groups.filter(name=HUB_OPERATORS_GROUP).exists()
    assert operator.has_perm("marketplace.change_listing")
    assert not operator.has_perm("marketplace.delete_listing")

    admin = User.objects.get(username=DEMO_ADMIN)
    assert admin.is_staff and admin.is_superuser
    assert {login.username for login in seeded.logins} == set(users)


def test_seller_accounts_can_log_in_with_the_demo_password(seeded: DemoSummary) -> None:
    login = RequestFactory().post("/accounts/login/")
    assert authenticate(login, username="seller-hangzhou-silk", password=settings.DEMO_PASSWORD)


def test_running_twice_creates_and_updates_nothing(seeded: DemoSummary) -> None:
    counts = (User.objects.count(), SellerProfile.objects.count(), Listing.objects.count())
    before = _snapshot()

    again = demo_seed(password=settings.DEMO_PASSWORD)

    assert not again.changed
    assert again.listings.unchanged == len(before)
    assert (User.objects.count(), SellerProfile.objects.count(), Listing.objects.count()) == counts
    assert _snapshot() == before


def test_rerun_keeps_what_people_changed_but_restores_the_catalogue(seeded: DemoSummary) -> None:
    user = User.objects.get(username=DEMO_SELLER)
    user.set_password("Changed-by-the-user-9")
    user.save()
    seller = SellerProfile.objects.get(user=user)
    flipped = not seller.verified
    seller.verified = flipped
    seller.company_name = "Renamed"
    seller.save()
    listing = seller.listings.filter(status=Listing.Status.ACTIVE).first()
    assert listing is not None
    catalogue_price = listing.price
    listing.price = Money(Decimal("1.00"), "USD")
    listing.stock = 1
    listing.status = Listing.Status.ARCHIVED
    listing.save()

    again = demo_seed(password=settings.DEMO_PASSWORD)

    user.refresh_from_db()
    seller.refresh_from_db()
    listing.refresh_from_db()
    assert user.check_password("Changed-by-the-user-9")
    assert seller.verified is flipped
    assert seller.company_name == "Jingdezhen Blue Kiln Porcelain"
    assert listing.price == catalogue_price
    assert (listing.stock, listing.status) == (1, Listing.Status.ARCHIVED)
    assert (again.sellers.updated, again.listings.updated) == (1, 1)
    assert again.users.created == again.listings.created == 0


def test_rerun_restores_the_operator_role(seeded: DemoSummary) -> None:
    operator = User.objects.get(username=DEMO_OPERATOR)
    operator.is_staff = False
    operator.save()
    operator.groups.clear()

    again = demo_seed(password=settings.DEMO_PASSWORD)

    operator.refresh_from_db()
    assert operator.is_staff
    assert operator.groups.filter(name=HUB_OPERATORS_GROUP).exists()
    assert again.users.updated == 1


def test_seed_demo_command_prints_the_summary_and_the_logins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Listings" in text and "created" in text
    assert "Already up to date" in text
    for username in (DEMO_BUYER, DEMO_SELLER, DEMO_OPERATOR, DEMO_ADMIN):
        assert username in text
    assert settings.DEMO_PASSWORD in text


def test_catalogue_is_loaded_identically_every_time() -> None:
    assert catalogue_load() == catalogue_load()


def test_catalogue_with_duplicate_titles_for_one_seller_is_refused(tmp_path: Path) -> None:
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    products = data["sellers"][0]["products"]
    products.append(dict(products[-1]))
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ImportFileError, match="duplicate titles"):
        catalogue_load(path)


def test_seed_creates_the_demo_logistics_partners_with_the_demo_secret_once(
    seeded: DemoSummary,
) -> None:
    partners = dict(LogisticsPartner.objects.values_list("code", "name"))
    assert partners == {"cainiao": "Cainiao Network", "dhl": "DHL eCommerce"}
    assert set(LogisticsPartner.objects.values_list("secret", flat=True)) == {
        settings.DEMO_LOGISTICS_SECRET
    }
    assert seeded.partners.created == 2
    cainiao = LogisticsPartner.objects.get(code="cainiao")
    cainiao.secret = "rotated-in-admin"
    cainiao.save()

    again = demo_seed(password=settings.DEMO_PASSWORD)

    assert (again.partners.created, again.partners.unchanged) == (0, 2)
    assert LogisticsPartner.objects.count() == 2
    assert LogisticsPartner.objects.get(code="cainiao").secret == "rotated-in-admin"


# --- the demo orders ------------------------------------------------------------------------


@pytest.fixture
def demo_orders() -> DemoOrdersSummary:
    for command, path in REFERENCE_FILES:
        call_command(command, str(path), verbosity=0)
    demo_seed(password=settings.DEMO_PASSWORD)
    return demo_orders_seed()


def _orders() -> list[tuple[object, ...]]:
    return sorted(
        (str(checkout), status, seller)
        for checkout, status, seller in Order.objects.values_list(
            "checkout", "status", "seller__user__username"
        )
    )


def test_demo_orders_leave_one_order_of_demo_buyer_in_every_state_of_the_journey(
    demo_orders: DemoOrdersSummary,
) -> None:
    assert not demo_orders.skipped
    assert sorted(Order.objects.values_list("status", flat=True)) == sorted(
        ["settled", "delivered", "shipped", "cleared", "review", "paid"]
    )
    assert set(Order.objects.values_list("buyer__user__username", flat=True)) == {DEMO_BUYER}
    review = Order.objects.get(status=Order.Status.REVIEW)
    assert not review.seller.verified
    # The settled order's payout is the demo seller's, in its payout currency.
    payout = Payout.objects.get()
    seller = SellerProfile.objects.get(user__username=DEMO_SELLER)
    assert (payout.seller, payout.currency, payout.order_count) == (seller.pk, "CNY", 1)
    assert payout.amount > 0
    shipped = Order.objects.get(status=Order.Status.SHIPPED)
    assert ShipmentEvent.objects.filter(shipment__order=shipped).count() == 3


def test_the_paid_demo_order_waits_for_the_worker_and_the_first_sweep_sends_it(
    demo_orders: DemoOrdersSummary, django_capture_on_commit_callbacks: Any
) -> None:
    paid = Order.objects.get(status=Order.Status.PAID)
    declarations = Declaration.objects.filter(reference=paid.reference)
    assert set(declarations.values_list("status", flat=True)) == {"submitted"}

    # The sweep's jobs run after its commit (in-process, in tests).
    with django_capture_on_commit_callbacks(execute=True):
        assert declarations_sweep() == 2

    paid.refresh_from_db()
    assert paid.status == Order.Status.CLEARED


def test_seed_demo_twice_makes_the_demo_orders_once_and_changes_none() -> None:
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    orders = _orders()
    payouts = Payout.objects.count()

    call_command("seed_demo", stdout=second)

    assert "Demo orders of demo-buyer: 6 created, 0 already there" in first.getvalue()
    assert "Demo orders of demo-buyer: 0 created, 6 already there" in second.getvalue()
    assert _orders() == orders
    assert Payout.objects.count() == payouts == 1


def test_a_demo_order_that_cannot_be_made_is_reported_and_the_rest_are_made() -> None:
    for command, path in REFERENCE_FILES:
        call_command(command, str(path), verbosity=0)
    demo_seed(password=settings.DEMO_PASSWORD)
    Listing.objects.filter(seller__user__username=DEMO_UNVERIFIED_SELLER).update(
        status=Listing.Status.ARCHIVED
    )

    summary = demo_orders_seed()

    assert [name for name, _ in summary.skipped] == ["review"]
    assert "nothing on sale" in summary.skipped[0][1]
    assert len(summary.created) == 5
    assert not Order.objects.filter(seller__user__username=DEMO_UNVERIFIED_SELLER).exists()


def test_every_demo_order_names_an_active_listing_of_the_catalogue() -> None:
    active = {
        (spec.seller_username, spec.title)
        for spec in catalogue_load().listings
        if spec.status == Listing.Status.ACTIVE
    }
    for order in DEMO_ORDERS:
        assert (order.seller, order.title) in active, order.name
