"""The account page: what a user sees of their account, and changing email, country and
currency through marketplace.services.account_update."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ehubs.services import hub_operator_group_ensure
from marketplace import services
from marketplace.cart import SHIP_TO_SESSION_KEY
from marketplace.models import BuyerProfile, SellerProfile
from tests.factories import BuyerFactory, SellerFactory, UserFactory
from tests.marketplace.conftest import reference_data_load

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"


def text(response: Any) -> str:
    return response.content.decode()


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def buyer_data(**overrides: str) -> dict[str, str]:
    return {"email": "amelie@example.com", "buyer_country": "FR", "preferred_currency": "GBP"} | (
        overrides
    )


def test_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"
    assert client.post(ACCOUNT, buyer_data())["Location"] == "/accounts/login/?next=/accounts/"


def test_header_links_the_signed_in_user_to_their_account(client: Client) -> None:
    buyer = BuyerFactory.create()
    page = text(signed_in(client, buyer.user).get("/"))
    assert '<a class="nav-user" href="/accounts/">' in page
    assert buyer.user.username in page


def test_buyer_sees_their_account_and_profile(client: Client) -> None:
    buyer = BuyerFactory.create(user__email="amelie@example.com", country="BE")
    page = text(signed_in(client, buyer.user).get(ACCOUNT))
    assert "Your account" in page
    assert buyer.user.username in page
    assert "amelie@example.com" in page
    assert "<dd>Buyer</dd>" in page
    assert "Belgium, prices in EUR" in page
    assert 'href="/accounts/password/change/">Change password</a>' in page
    assert 'name="buyer_country"' in page and 'name="preferred_currency"' in page
    assert 'name="payout_currency"' not in page


def test_seller_sees_employees_and_verification_read_only(client: Client) -> None:
    seller = SellerFactory.create(company_name="Lotus Crafts", employees=7, country="MY")
    page = text(signed_in(client, seller.user).get(ACCOUNT))
    assert "<dd>Seller</dd>" in page
    assert "Lotus Crafts, Malaysia" in page
    assert "7 (a small business: SME duty rates may apply)" in page
    assert "Not verified yet" in page
    assert 'name="seller_country"' in page and 'name="payout_currency"' in page
    assert 'name="employees"' not in page and 'name="verified"' not in page


def test_user_with_both_profiles_changes_both(client: Client) -> None:
    seller = SellerFactory.create(payout_currency="CNY", country="CN")
    BuyerFactory.create(user=seller.user, country="BE", preferred_currency="EUR")
    client = signed_in(client, seller.user)
    assert "<dd>Buyer, Seller</dd>" in text(client.get(ACCOUNT))
    response = client.post(
        ACCOUNT,
        {
            "email": "both@example.com",
            "buyer_country": "DE",
            "preferred_currency": "USD",
            "seller_country": "HK",
            "payout_currency": "HKD",
        },
    )
    assert response.status_code == 302
    buyer = BuyerProfile.objects.get(user=seller.user)
    seller.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("DE", "USD")
    assert (seller.country.code, seller.payout_currency) == ("HK", "HKD")


def test_operator_without_profiles_sees_their_role(client: Client) -> None:
    operator = UserFactory.create(is_staff=True)
    operator.groups.add(hub_operator_group_ensure())
    page = text(signed_in(client, operator).get(ACCOUNT))
    assert "<dd>Hub operator</dd>" in page
    assert 'name="email"' in page and 'name="buyer_country"' not in page


def test_buyer_change_saves_and_says_so(client: Client) -> None:
    buyer = BuyerFactory.create()
    response = signed_in(client, buyer.user).post(ACCOUNT, buyer_data(), follow=True)
    assert response.redirect_chain == [(ACCOUNT, 302)]
    page = text(response)
    assert "Your account details are saved." in page
    assert "France, prices in GBP" in page
    buyer.refresh_from_db()
    buyer.user.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("FR", "GBP")
    assert buyer.user.email == "amelie@example.com"


def test_invalid_input_shows_field_errors_and_changes_nothing(client: Client) -> None:
    buyer = BuyerFactory.create(user__email="before@example.com")
    response = signed_in(client, buyer.user).post(
        ACCOUNT, buyer_data(email="not-an-email", buyer_country="ZZ", preferred_currency="XXX")
    )
    assert response.status_code == 200
    page = text(response)
    assert "Please correct the 3 fields marked below." in page
    assert "Enter a valid email address." in page
    assert "Select a valid choice. ZZ is not one of the available choices." in page
    assert "Select a valid choice. XXX is not one of the available choices." in page
    assert "Belgium, prices in EUR" in page  # the summary still shows what is saved
    buyer.refresh_from_db()
    buyer.user.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("BE", "EUR")
    assert buyer.user.email == "before@example.com"


def test_empty_email_is_refused(client: Client) -> None:
    buyer = BuyerFactory.create(user__email="before@example.com")
    response = signed_in(client, buyer.user).post(ACCOUNT, buyer_data(email=""))
    assert response.status_code == 200
    assert "This field is required." in text(response)
    buyer.user.refresh_from_db()
    assert buyer.user.email == "before@example.com"


def test_seller_cannot_change_employees_or_verified_by_posting_them(client: Client) -> None:
    seller = SellerFactory.create(
        company_name="Lotus Crafts", employees=12, verified=False, payout_currency="CNY"
    )
    response = signed_in(client, seller.user).post(
        ACCOUNT,
        {
            "email": "lotus@example.com",
            "seller_country": "MY",
            "payout_currency": "MYR",
            "employees": "500",
            "verified": "on",
            "company_name": "Renamed",
        },
    )
    assert response.status_code == 302
    seller.refresh_from_db()
    assert (seller.country.code, seller.payout_currency) == ("MY", "MYR")
    assert (seller.employees, seller.verified, seller.company_name) == (12, False, "Lotus Crafts")


def test_saving_keeps_an_operator_s_concurrent_verification() -> None:
    seller = SellerFactory.create(verified=False)
    # The page's instance is loaded before an operator verifies the seller in admin.
    stale = SellerProfile.objects.get(pk=seller.pk)
    SellerProfile.objects.filter(pk=seller.pk).update(verified=True)
    services.seller_profile_update(seller=stale, country="VN", payout_currency="VND")
    seller.refresh_from_db()
    assert seller.verified and seller.country.code == "VN"


# --- Currencies with an exchange rate --------------------------------------------------------


def test_with_rates_loaded_only_quotable_currencies_are_offered(client: Client) -> None:
    reference_data_load()  # rates for USD, EUR, CNY, GBP, RWF
    buyer = BuyerFactory.create(preferred_currency="EUR")
    client = signed_in(client, buyer.user)
    page = text(client.get(ACCOUNT))
    assert '<option value="GBP">' in page
    assert '<option value="JPY">' not in page
    response = client.post(ACCOUNT, buyer_data(preferred_currency="JPY"))
    assert response.status_code == 200
    assert "JPY is not one of the available choices." in text(response)
    buyer.refresh_from_db()
    assert buyer.preferred_currency == "EUR"


def test_service_refuses_a_currency_without_a_rate_but_keeps_the_current_one() -> None:
    reference_data_load()
    buyer = BuyerFactory.create(preferred_currency="JPY")  # its rate is not loaded
    services.buyer_profile_update(buyer=buyer, country="FR", preferred_currency="JPY")
    with pytest.raises(ValidationError) as refused:
        services.buyer_profile_update(buyer=buyer, country="FR", preferred_currency="KRW")
    assert refused.value.message_dict == {
        "preferred_currency": [
            "Prices can't be shown in KRW yet: there is no exchange rate for it. "
            "Choose another currency."
        ]
    }
    buyer.refresh_from_db()
    assert (buyer.country.code, buyer.preferred_currency) == ("FR", "JPY")


def test_account_update_reports_every_mistake_and_leaves_instances_untouched() -> None:
    seller = SellerFactory.create(country="CN", payout_currency="CNY")
    buyer = BuyerFactory.create(user=seller.user, country="BE")
    user = seller.user
    with pytest.raises(ValidationError) as refused:
        services.account_update(
            user=user,
            email="fine@example.com",
            buyer_country="ZZ",
            preferred_currency="EUR",
            seller_country="MY",
            payout_currency="NOPE",
        )
    assert set(refused.value.message_dict) == {"buyer_country", "payout_currency"}
    assert user.email != "fine@example.com"
    assert (buyer.country.code, seller.payout_currency) == ("BE", "CNY")


# --- Ship-to follows the profile -------------------------------------------------------------


def test_ship_to_follows_the_new_profile_when_the_visitor_had_not_chosen_another(
    client: Client,
) -> None:
    buyer = BuyerFactory.create(country="BE", preferred_currency="EUR")
    client = signed_in(client, buyer.user)
    # The header's chooser applied with the profile's own values.
    client.post("/ship-to/", {"country": "BE", "currency": "EUR"})
    client.post(ACCOUNT, buyer_data(buyer_country="FR", preferred_currency="GBP"))
    assert SHIP_TO_SESSION_KEY not in client.session
    page = text(client.get("/"))
    assert '<option value="FR" selected>' in page
    assert '<option value="GBP" selected>' in page


def test_ship_to_the_visitor_chose_in_the_header_stays(client: Client) -> None:
    reference_data_load()
    buyer = BuyerFactory.create(country="BE", preferred_currency="EUR")
    client = signed_in(client, buyer.user)
    client.post("/ship-to/", {"country": "RW", "currency": "RWF"})
    response = client.post(
        ACCOUNT, buyer_data(buyer_country="FR", preferred_currency="GBP"), follow=True
    )
    page = text(response)
    assert "Your account details are saved." in page
    assert "Prices are still shown delivered to Rwanda, in RWF" in page
    assert client.session[SHIP_TO_SESSION_KEY] == {"country": "RW", "currency": "RWF"}
