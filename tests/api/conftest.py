from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import BuyerProfile, SellerProfile
from tests.factories import SellerFactory


def _token_client(user: User) -> APIClient:
    """An API client sending `Authorization: Token …` for the user, as API clients do."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def seller_client(seller: SellerProfile) -> APIClient:
    return _token_client(seller.user)


@pytest.fixture
def other_seller(db: Any) -> SellerProfile:
    return SellerFactory.create(company_name="Other Goods Ltd")


@pytest.fixture
def other_seller_client(other_seller: SellerProfile) -> APIClient:
    return _token_client(other_seller.user)


@pytest.fixture
def buyer_client(buyer: BuyerProfile) -> APIClient:
    return _token_client(buyer.user)
