from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from marketplace.models import BuyerProfile, SellerProfile
from tests.factories import BuyerFactory, SellerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signup_rates")]

SELLERS = "/api/v1/sellers/"
BUYERS = "/api/v1/buyers/"


def seller_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "username": "hangzhou-silk",
        "password": "Silk-Road-2026!",
        "email": "sales@hangzhou-silk.example",
        "company_name": "Hangzhou Silk Co.",
        "country": "CN",
        "employees": 12,
    }
    body.update(overrides)
    return body


def buyer_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "username": "marie",
        "password": "Waffles-and-Fries-7",
        "email": "marie@example.be",
        "country": "BE",
    }
    body.update(overrides)
    return body


# --- seller sign-up ---------------------------------------------------------------------------


def test_seller_sign_up_returns_the_new_seller_without_password(api_client: APIClient) -> None:
    response = api_client.post(SELLERS, seller_body(), format="json")

    assert response.status_code == 201
    seller = SellerProfile.objects.get()
    assert response.json() == {
        "id": seller.pk,
        "username": "hangzhou-silk",
        "email": "sales@hangzhou-silk.example",
        "company_name": "Hangzhou Silk Co.",
        "country": "CN",
        "employees": 12,
        "verified": False,
        "payout_currency": "CNY",  # omitted: the country's currency
    }
    assert seller.user.check_password("Silk-Road-2026!")


def test_seller_sign_up_takes_a_payout_currency(api_client: APIClient) -> None:
    response = api_client.post(SELLERS, seller_body(payout_currency="CNY"), format="json")

    assert response.status_code == 201
    assert response.json()["payout_currency"] == "CNY"


def test_seller_sign_up_cannot_self_verify(api_client: APIClient) -> None:
    response = api_client.post(SELLERS, seller_body(verified=True), format="json")

    assert response.status_code == 201
    assert response.json()["verified"] is False


def test_duplicate_username_is_a_username_field_error(api_client: APIClient) -> None:
    SellerFactory.create(user__username="hangzhou-silk")

    response = api_client.post(SELLERS, seller_body(), format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert SellerProfile.objects.count() == 1


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "hangzhou-silk"])
def test_weak_password_is_a_password_field_error(api_client: APIClient, password: str) -> None:
    response = api_client.post(SELLERS, seller_body(password=password), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert not User.objects.exists()


@pytest.mark.parametrize("country", ["XX", "Belgium", "be", "BEL", "", None, 32])
def test_bad_country_is_a_country_field_error(api_client: APIClient, country: Any) -> None:
    response = api_client.post(SELLERS, seller_body(country=country), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["country"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employees", 0),
        ("employees", "many"),
        ("employees", 10**20),
        ("email", "not-an-email"),
        ("company_name", ""),
        ("username", "has spaces!"),
        ("payout_currency", "XYZ"),
    ],
)
def test_other_invalid_seller_fields_are_field_errors(
    api_client: APIClient, field: str, value: Any
) -> None:
    response = api_client.post(SELLERS, seller_body(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_seller_sign_up_requires_every_field(api_client: APIClient) -> None:
    response = api_client.post(SELLERS, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {
        "username",
        "password",
        "email",
        "company_name",
        "country",
        "employees",
    }


# --- seller reads -----------------------------------------------------------------------------


def test_anyone_lists_sellers_with_public_fields_only(api_client: APIClient) -> None:
    seller = SellerFactory.create(company_name="Alpha", country="VN", employees=3, verified=True)

    response = api_client.get(SELLERS)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": seller.pk,
                "company_name": "Alpha",
                "country": "VN",
                "employees": 3,
                "verified": True,
            }
        ],
    }


def test_seller_list_is_paginated(api_client: APIClient) -> None:
    SellerFactory.create_batch(3)

    body = api_client.get(SELLERS, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def test_anyone_reads_a_sellers_public_profile(api_client: APIClient) -> None:
    seller = SellerFactory.create()

    response = api_client.get(f"{SELLERS}{seller.pk}/")

    assert response.status_code == 200
    assert set(response.json()) == {"id", "company_name", "country", "employees", "verified"}


def test_unknown_seller_is_a_404(api_client: APIClient) -> None:
    response = api_client.get(f"{SELLERS}999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No SellerProfile matches the given query."}


def test_seller_me_needs_a_login(api_client: APIClient) -> None:
    assert api_client.get(f"{SELLERS}me/").status_code == 401


def test_seller_me_is_a_404_for_a_buyer(buyer_client: APIClient) -> None:
    assert buyer_client.get(f"{SELLERS}me/").status_code == 404


# --- buyers -----------------------------------------------------------------------------------


def test_buyer_sign_up_returns_the_new_buyer(api_client: APIClient) -> None:
    response = api_client.post(BUYERS, buyer_body(), format="json")

    assert response.status_code == 201
    buyer = BuyerProfile.objects.get()
    assert response.json() == {
        "id": buyer.pk,
        "username": "marie",
        "email": "marie@example.be",
        "country": "BE",
        "preferred_currency": "EUR",  # omitted: the country's currency
    }


def test_buyer_sign_up_takes_a_preferred_currency(api_client: APIClient) -> None:
    response = api_client.post(BUYERS, buyer_body(preferred_currency="EUR"), format="json")

    assert response.json()["preferred_currency"] == "EUR"


def test_buyer_duplicate_username_is_a_username_field_error(api_client: APIClient) -> None:
    BuyerFactory.create(user__username="marie")

    response = api_client.post(BUYERS, buyer_body(), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_buyer_weak_password_is_a_password_field_error(api_client: APIClient) -> None:
    response = api_client.post(BUYERS, buyer_body(password="marie"), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["password"]


def test_buyer_bad_country_is_a_country_field_error(api_client: APIClient) -> None:
    response = api_client.post(BUYERS, buyer_body(country="ZZ"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "country": ['"ZZ" is not an ISO 3166-1 alpha-2 country code, e.g. "BE".']
    }


def test_a_buyer_reads_their_own_profile(buyer_client: APIClient, buyer: BuyerProfile) -> None:
    me = buyer_client.get(f"{BUYERS}me/")
    by_id = buyer_client.get(f"{BUYERS}{buyer.pk}/")

    assert me.status_code == by_id.status_code == 200
    assert me.json() == by_id.json()
    assert me.json()["username"] == buyer.user.username


def test_another_buyers_profile_is_a_404(buyer_client: APIClient) -> None:
    stranger = BuyerFactory.create()

    assert buyer_client.get(f"{BUYERS}{stranger.pk}/").status_code == 404


def test_buyers_cannot_be_listed(buyer_client: APIClient) -> None:
    assert buyer_client.get(BUYERS).status_code == 405


def test_buyer_profiles_need_a_login(api_client: APIClient, buyer: BuyerProfile) -> None:
    assert api_client.get(f"{BUYERS}me/").status_code == 401
    assert api_client.get(f"{BUYERS}{buyer.pk}/").status_code == 401


def test_buyer_me_is_a_404_for_a_seller(seller_client: APIClient) -> None:
    assert seller_client.get(f"{BUYERS}me/").status_code == 404


# --- currencies: only those with an FX rate, defaulting from the country ----------------------


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (SELLERS, seller_body, "payout_currency"),
        (BUYERS, buyer_body, "preferred_currency"),
    ],
)
def test_sign_up_refuses_a_currency_without_a_rate(
    api_client: APIClient, url: str, body: Any, field: str
) -> None:
    response = api_client.post(url, body(**{field: "JPY"}), format="json")

    assert response.status_code == 400
    assert response.json() == {
        field: ["There is no exchange rate for JPY yet; choose another currency."]
    }
    assert not User.objects.exists()


@pytest.mark.parametrize(("country", "expected"), [("RW", "RWF"), ("JP", "USD"), ("DE", "EUR")])
def test_an_omitted_currency_follows_the_country_when_it_has_a_rate_else_usd(
    api_client: APIClient, country: str, expected: str
) -> None:
    response = api_client.post(BUYERS, buyer_body(country=country), format="json")

    assert response.status_code == 201
    assert response.json()["preferred_currency"] == expected


@pytest.mark.parametrize("username", ["ana\t", " ana", "ana\n"])
def test_a_username_with_surrounding_whitespace_is_refused_not_trimmed(
    api_client: APIClient, username: str
) -> None:
    body = {
        "username": username,
        "password": "Tall-Lantern-Harbour-81",
        "email": "ana@example.com",
        "country": "BE",
    }
    response = api_client.post("/api/v1/buyers/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert not User.objects.filter(username__iexact="ana").exists()


def test_a_company_name_over_200_characters_is_refused_even_if_trimming_would_shorten_it(
    api_client: APIClient,
) -> None:
    body = {
        "username": "weaver",
        "password": "Tall-Lantern-Harbour-81",
        "email": "w@example.com",
        "company_name": "\x1e" + "W" * 200,
        "country": "BE",
        "employees": 3,
    }
    response = api_client.post("/api/v1/sellers/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "company_name": ["Ensure this field has no more than 200 characters."]
    }
