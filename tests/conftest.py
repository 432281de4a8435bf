from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from marketplace.models import BuyerProfile, Listing, SellerProfile
from tests.factories import BuyerFactory, ListingFactory, SellerFactory

# CI runs the property tests on a fixed sequence of examples, so that a run is repeatable;
# locally every run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


POSTGRES_NEEDED = "needs PostgreSQL: set DATABASE_URL=postgres://…"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.postgres` tests skip on another database, except in CI (.ci/run sets
    EWTP_REQUIRE_WORKER), where running them on anything else is a failure."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    if os.environ.get("EWTP_REQUIRE_WORKER"):
        pytest.fail(f"{POSTGRES_NEEDED} (EWTP_REQUIRE_WORKER is set: CI must run this test)")
    pytest.skip(POSTGRES_NEEDED)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def seller(db: None) -> SellerProfile:
    return SellerFactory.create()


@pytest.fixture
def buyer(db: None) -> BuyerProfile:
    return BuyerFactory.create()


@pytest.fixture
def listing(seller: SellerProfile) -> Listing:
    return ListingFactory.create(seller=seller)


@pytest.fixture(autouse=True)
def _fresh_reference_caches() -> Iterator[None]:
    """Cached hubs, rates and tariffs never leak from one test's (rolled back) data to the next."""
    from django.core.cache import caches

    from ewtp.datacache import forget_local

    caches["default"].clear()
    caches["versions"].clear()
    forget_local()
    yield


@pytest.fixture
def signup_rates(db: None) -> None:
    """An FX table with the currencies the sign-up tests choose (sign-up offers only those)."""
    from payments.services import rates_import

    rates = {"EUR": "0.8650", "CNY": "7.1200", "MYR": "4.4000", "RWF": "1450.00"}
    rates_import(data={"base": "USD", "date": "2026-11-23", "rates": rates})


@pytest.fixture
def trade(db: None) -> Any:
    """Two sellers, three listings and a buyer in Belgium, with hubs, tariff and rates loaded."""
    from tests.trade import trade_world

    return trade_world()


@pytest.fixture(autouse=True)
def _ledger_balanced_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that touched the database: the trial balance is zero in every currency
    and every order's money trail balances. A test that breaks the ledger on purpose (to show
    that the report or a trigger notices) is marked `ledger_broken`."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if request.node.get_closest_marker("ledger_broken") is not None:
        yield
        return
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        yield
        return
    # The database fixture is set up first, so this check runs before its rollback or flush.
    yield
    from django.db import connection

    raw = connection.connection
    if raw is None or getattr(raw, "closed", False):
        # Never connected, or closed by the test (`run_from_argv` closes connections): its
        # uncommitted writes are gone with the connection; there is nothing left to check.
        return
    from marketplace.models import Order
    from payments.selectors import money_trails, trial_balance

    unbalanced = {cur: amount for cur, amount in trial_balance().items() if amount != 0}
    assert not unbalanced, f"trial balance not zero after the test: {unbalanced}"
    references = [order.reference for order in Order.objects.only("id").order_by("pk")]
    for start in range(0, len(references), 1000):  # a few queries a thousand orders
        for reference, trail in money_trails(references=references[start : start + 1000]).items():
            assert trail.balanced, f"{reference}'s money trail does not balance: {trail}"
