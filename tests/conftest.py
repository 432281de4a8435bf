from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import BuyerFactory, ListingFactory, SellerFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def seller(db):  # type: ignore[no-untyped-def]
    return SellerFactory()


@pytest.fixture
def buyer(db):  # type: ignore[no-untyped-def]
    return BuyerFactory()


@pytest.fixture
def listing(seller):  # type: ignore[no-untyped-def]
    return ListingFactory(seller=seller)
