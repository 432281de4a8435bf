"""PATCH /api/v1/buyers/me/ and /sellers/me/: the account page's country and currency changes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from marketplace.models import BuyerProfile, SellerProfile
from tests.marketplace.conftest import reference_data_load

pytestmark = pytest.mark.django_db

BUYER_ME = "/api/v1/buyers/me/"
SELLER_ME = "/api/v1/sellers/me/"


def test_buyer_changes_country_and_currency(buyer_client: APIClient, buyer: BuyerProfile) -> None:
    response = buyer_client.patch(
        BUYER_ME, {"country": "FR", "preferred_currency": "GBP"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["country"] == "FR"
    assert response.json()["preferred_currency"] == "GBP"
    buyer.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("FR", "GBP")


def test_buyer_changes_one_field_and_keeps_the_other(
    buyer_client: APIClient, buyer: BuyerProfile
) -> None:
    response = buyer_client.patch(BUYER_ME, {"preferred_currency": "USD"}, format="json")
    assert response.status_code == 200
    assert response.json()["country"] == "BE"
    assert response.json()["preferred_currency"] == "USD"


def test_buyer_bad_codes_are_field_errors_and_change_nothing(
    buyer_client: APIClient, buyer: BuyerProfile
) -> None:
    response = buyer_client.patch(
        BUYER_ME, {"country": "be", "preferred_currency": "EURO"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"country", "preferred_currency"}
    buyer.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("BE", "EUR")


def test_a_currency_without_an_exchange_rate_is_refused(
    buyer_client: APIClient, buyer: BuyerProfile
) -> None:
    reference_data_load()  # rates for USD, EUR, CNY, GBP, RWF
    response = buyer_client.patch(BUYER_ME, {"preferred_currency": "JPY"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "preferred_currency": [
            "Prices can't be shown in JPY yet: there is no exchange rate for it. "
            "Choose another currency."
        ]
    }


def test_buyer_me_patch_needs_a_login_and_a_buyer(
    api_client: APIClient, seller_client: APIClient
) -> None:
    assert api_client.patch(BUYER_ME, {"country": "FR"}, format="json").status_code == 401
    response = seller_client.patch(BUYER_ME, {"country": "FR"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "You have no buyer profile."}


def test_seller_changes_country_and_payout_currency(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    response = seller_client.patch(
        SELLER_ME, {"country": "HK", "payout_currency": "HKD"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["country"], body["payout_currency"]) == ("HK", "HKD")


def test_seller_cannot_change_employees_or_verified(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    response = seller_client.patch(
        SELLER_ME, {"employees": 3, "verified": True, "payout_currency": "USD"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["employees"], body["verified"], body["payout_currency"]) == (12, False, "USD")
    seller.refresh_from_db()
    assert (seller.employees, seller.verified) == (12, False)


def test_seller_me_patch_is_a_404_for_a_buyer(buyer_client: APIClient) -> None:
    assert buyer_client.patch(SELLER_ME, {"country": "FR"}, format="json").status_code == 404


def test_profile_patch_is_in_the_schema(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/?format=json").json()
    for path, body in ((BUYER_ME, "BuyerProfileInput"), (SELLER_ME, "SellerProfileInput")):
        patch = schema["paths"][path]["patch"]
        assert set(patch["responses"]) == {"200", "400", "401", "404", "429"}
        ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"Patched{body}Request")
