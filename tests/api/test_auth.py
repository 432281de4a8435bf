from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import SellerProfile
from tests.factories import PASSWORD

URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def test_correct_credentials_return_the_users_token(
    api_client: APIClient, seller: SellerProfile
) -> None:
    response = api_client.post(
        URL, {"username": seller.user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=seller.user).key}


def test_the_token_authenticates_later_requests(
    api_client: APIClient, seller: SellerProfile
) -> None:
    token = api_client.post(
        URL, {"username": seller.user.username, "password": PASSWORD}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.get("/api/v1/sellers/me/")

    assert response.status_code == 200
    assert response.json()["username"] == seller.user.username


def test_asking_twice_returns_the_same_token(api_client: APIClient, seller: SellerProfile) -> None:
    body = {"username": seller.user.username, "password": PASSWORD}

    first = api_client.post(URL, body, format="json").json()
    second = api_client.post(URL, body, format="json").json()

    assert first == second


def test_wrong_password_is_a_400_without_token(
    api_client: APIClient, seller: SellerProfile
) -> None:
    response = api_client.post(
        URL, {"username": seller.user.username, "password": "wrong-password"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_missing_fields_are_field_errors(api_client: APIClient) -> None:
    response = api_client.post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_a_bad_token_is_a_401_with_www_authenticate(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get("/api/v1/listings/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


def test_a_stale_token_does_not_block_logging_in(
    api_client: APIClient, seller: SellerProfile
) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token stale")

    response = api_client.post(
        URL, {"username": seller.user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
