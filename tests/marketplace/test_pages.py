"""The server-rendered pages, as a visitor, a buyer and a seller see them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from marketplace.models import BuyerProfile, Listing, SellerProfile
from tests.factories import PASSWORD, ListingFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Tall-Lantern-Harbour-81"


def text(response: Any) -> str:
    return response.content.decode()


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def listing_post_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Hand-painted celadon tea bowl",
        "description": "Stoneware, glazed in our kiln in Longquan.",
        "hs_code": "691200",
        "origin_country": "CN",
        "price_0": "38.50",
        "price_1": "USD",
        "stock": "12",
        "weight_grams": "420",
        "status": "active",
    }
    data.update(overrides)
    return data


def buyer_signup_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "amelie",
        "email": "amelie@example.com",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "country": "BE",
        "preferred_currency": "EUR",
    }
    data.update(overrides)
    return data


def seller_signup_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "lotus-crafts",
        "email": "hello@lotus.example",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "company_name": "Lotus Crafts Sdn Bhd",
        "country": "MY",
        "employees": "7",
        "payout_currency": "MYR",
    }
    data.update(overrides)
    return data


def titles_in(response: Any) -> list[str]:
    return [listing.title for listing in response.context["page_obj"]]


# --- Layout --------------------------------------------------------------------------------


def test_layout_offers_sign_up_and_log_in_to_visitors_and_links_the_api_docs(
    client: Client,
) -> None:
    page = text(client.get(reverse("home")))

    assert "eWTP" in page
    assert reverse("signup") in page
    assert reverse("login") in page
    assert 'href="/api/docs/"' in page
    assert "/static/css/site.css" in page


def test_layout_shows_username_my_listings_and_a_logout_button_to_a_seller(
    client: Client, seller: SellerProfile
) -> None:
    page = text(as_user(client, seller.user).get(reverse("home")))

    assert seller.user.username in page
    assert "My listings" in page
    assert f'<form method="post" action="{reverse("logout")}"' in page
    assert "Log out</button>" in page
    assert reverse("signup") + '"' not in page


# --- Home ----------------------------------------------------------------------------------


def test_home_explains_the_platform_and_features_active_listings(client: Client) -> None:
    ListingFactory.create(title="Ceylon black tea, 250 g")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = text(response)
    assert "Buy from small businesses anywhere" in page
    assert 'action="/search/"' in page
    assert "Ceylon black tea, 250 g" in page


def test_home_never_features_drafts_or_archived_listings(client: Client) -> None:
    ListingFactory.create(title="Secret draft kettle", status=Listing.Status.DRAFT)
    ListingFactory.create(title="Retired archived kettle", status=Listing.Status.ARCHIVED)

    page = text(client.get(reverse("home")))

    assert "Secret draft kettle" not in page
    assert "Retired archived kettle" not in page
    assert "No listings are on sale yet" in page


# --- Search --------------------------------------------------------------------------------


def test_search_lists_active_listings_with_a_result_count(client: Client) -> None:
    ListingFactory.create(title="Batik scarf")
    ListingFactory.create(title="Rattan basket")

    response = client.get(reverse("search"))

    assert response.status_code == 200
    assert "2 listings found" in text(response)
    assert sorted(titles_in(response)) == ["Batik scarf", "Rattan basket"]


def test_search_by_text_matches_title_and_description_words(client: Client) -> None:
    ListingFactory.create(title="Batik scarf", description="Hand-drawn wax resist silk")
    ListingFactory.create(title="Silk cushion cover", description="Jacquard weave")
    ListingFactory.create(title="Rattan basket", description="Woven rattan")

    response = client.get(reverse("search"), {"q": "silk"})

    assert sorted(titles_in(response)) == ["Batik scarf", "Silk cushion cover"]
    assert "2 listings found" in text(response)


def test_search_by_origin_country(client: Client) -> None:
    ListingFactory.create(title="Kenyan tea", origin_country="KE")
    ListingFactory.create(title="Chinese tea", origin_country="CN")

    response = client.get(reverse("search"), {"origin": "KE"})

    assert titles_in(response) == ["Kenyan tea"]
    assert "Made in Kenya" in text(response)


def test_search_by_origin_accepts_a_lowercase_country_code(client: Client) -> None:
    ListingFactory.create(title="Kenyan tea", origin_country="KE")
    ListingFactory.create(title="Chinese tea", origin_country="CN")

    assert titles_in(client.get(reverse("search"), {"origin": "ke"})) == ["Kenyan tea"]


def test_search_by_hs_chapter(client: Client) -> None:
    ListingFactory.create(title="Knitted T-shirt", hs_code="610910")
    ListingFactory.create(title="Woven shirt", hs_code="620520")

    response = client.get(reverse("search"), {"chapter": "61"})

    assert titles_in(response) == ["Knitted T-shirt"]


def test_search_by_hs_code_prefix(client: Client) -> None:
    ListingFactory.create(title="Cotton T-shirt", hs_code="610910")
    ListingFactory.create(title="Wool jumper", hs_code="611011")

    response = client.get(reverse("search"), {"hs": "6109"})

    assert titles_in(response) == ["Cotton T-shirt"]


def test_search_price_range_is_in_the_visitors_currency_over_every_listing(
    client: Client, reference_data: None
) -> None:
    # The visitor sees EUR (the default ship-to); USD 1 = EUR 0.865.
    ListingFactory.create(title="Cheap USD", price=Money(Decimal("5.00"), "USD"))
    ListingFactory.create(title="Mid USD", price=Money(Decimal("20.00"), "USD"))
    ListingFactory.create(title="Dear USD", price=Money(Decimal("90.00"), "USD"))
    ListingFactory.create(title="Mid EUR", price=Money(Decimal("20.00"), "EUR"))

    response = client.get(reverse("search"), {"min_price": "10", "max_price": "50"})

    assert sorted(titles_in(response)) == ["Mid EUR", "Mid USD"]
    page = text(response)
    # The range and the price sorts compare the goods' price, and say so: cards lead with the
    # delivered price, which is not what is compared.
    assert "Price before delivery, in EUR" in page
    assert "without delivery, duty and tax, converted into EUR" in page
    assert '<option value="price_asc">Price before delivery: low to high</option>' in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Bowl", "Vase", "Jar"]),
        ("price_desc", ["Jar", "Vase", "Bowl"]),
        ("title", ["Bowl", "Jar", "Vase"]),
        ("newest", ["Jar", "Bowl", "Vase"]),
    ],
)
def test_search_sorts_results(
    client: Client, reference_data: None, sort: str, expected: list[str]
) -> None:
    ListingFactory.create(title="Vase", price=Money(Decimal("30"), "USD"))
    ListingFactory.create(title="Bowl", price=Money(Decimal("10"), "USD"))
    ListingFactory.create(title="Jar", price=Money(Decimal("50"), "USD"))

    assert titles_in(client.get(reverse("search"), {"sort": sort})) == expected


def test_search_without_matches_shows_the_empty_state_and_a_way_to_clear_filters(
    client: Client,
) -> None:
    ListingFactory.create(title="Batik scarf")

    response = client.get(reverse("search"), {"q": "submarine"})

    page = text(response)
    assert "0 listings found" in page
    assert "No listings match “submarine”" in page
    assert 'href="/search/">clear all filters</a>' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_price": "abc"}, "Enter a number using the digits 0-9 and a point"),
        ({"max_price": "-4"}, "greater than or equal to 0"),
        ({"min_price": "15", "max_price": "10"}, "below the minimum price"),
        ({"origin": "XX"}, "Select a valid choice."),
        ({"sort": "cheapest"}, "Select a valid choice."),
        ({"hs": "61a"}, "Enter 2 to 10 digits"),
        ({"chapter": "61", "hs": "6205"}, "not in chapter 61"),
        ({"page": "lots"}, ""),
    ],
)
def test_bad_search_input_shows_a_message_not_an_error_page(
    client: Client, reference_data: None, params: dict[str, str], message: str
) -> None:
    ListingFactory.create(title="Batik scarf")

    response = client.get(reverse("search"), params)

    assert response.status_code == 200
    page = text(response)
    assert message in page
    if message:
        assert "Some filters could not be used and were ignored" in page
    # The filters that did parse still apply; the bad ones are ignored.
    assert "Batik scarf" in page


def test_search_pagination_keeps_the_query_string(client: Client) -> None:
    for n in range(30):
        ListingFactory.create(title=f"Tea caddy {n:02d}")

    first = client.get(reverse("search"), {"q": "caddy", "sort": "title"})
    page = text(first)
    assert "30 listings found" in page
    assert "Page 1 of 2" in page
    assert 'href="?q=caddy&amp;sort=title&amp;page=2"' in page

    second = client.get(reverse("search"), {"q": "caddy", "sort": "title", "page": "2"})
    assert titles_in(second) == [f"Tea caddy {n:02d}" for n in range(24, 30)]


def test_search_never_shows_drafts_even_to_their_owner(
    client: Client, seller: SellerProfile
) -> None:
    ListingFactory.create(seller=seller, title="Draft teapot", status=Listing.Status.DRAFT)
    ListingFactory.create(seller=seller, title="Archived teapot", status=Listing.Status.ARCHIVED)

    for viewer in (Client(), as_user(client, seller.user)):
        response = viewer.get(reverse("search"), {"q": "teapot"})
        assert titles_in(response) == []
        assert "No listings match" in text(response)


# --- Listing detail ------------------------------------------------------------------------


def test_listing_page_shows_what_a_buyer_needs_to_decide(client: Client) -> None:
    seller = SellerFactory.create(company_name="Lotus Crafts", country="MY", verified=True)
    listing = ListingFactory.create(
        seller=seller,
        title="Batik scarf",
        description="Hand-drawn wax resist on silk.",
        hs_code="621410",
        origin_country="MY",
        price=Money(Decimal("45.00"), "EUR"),
        stock=3,
        weight_grams=1250,
    )

    response = client.get(reverse("listing_detail", args=[listing.pk]))

    assert response.status_code == 200
    page = text(response)
    for expected in (
        "Batik scarf",
        "Hand-drawn wax resist on silk.",
        "Lotus Crafts",
        "Malaysia",
        "Verified seller",
        "621410",
        "EUR 45.00",
        "1,250 g",
        "In stock",
    ):
        assert expected in page


def test_listing_page_says_out_of_stock(client: Client) -> None:
    listing = ListingFactory.create(stock=0)

    page = text(client.get(reverse("listing_detail", args=[listing.pk])))

    assert "Out of stock" in page
    assert "In stock" not in page


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_unpublished_listings_are_not_public(
    client: Client, status: str, buyer: BuyerProfile
) -> None:
    listing = ListingFactory.create(status=status)
    url = reverse("listing_detail", args=[listing.pk])

    assert client.get(url).status_code == 404
    assert as_user(Client(), buyer.user).get(url).status_code == 404
    assert as_user(Client(), SellerFactory.create().user).get(url).status_code == 404


def test_owner_sees_their_draft_with_a_notice(client: Client, seller: SellerProfile) -> None:
    listing = ListingFactory.create(
        seller=seller, title="Draft teapot", status=Listing.Status.DRAFT
    )

    response = as_user(client, seller.user).get(reverse("listing_detail", args=[listing.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "This listing is a draft." in page
    assert reverse("seller_listing_edit", args=[listing.pk]) in page


def test_missing_listing_is_a_404(client: Client) -> None:
    assert client.get(reverse("listing_detail", args=[999999])).status_code == 404


# --- Sign-up, log-in, log-out --------------------------------------------------------------


def test_sign_up_page_lets_a_visitor_choose_buyer_or_seller(client: Client) -> None:
    response = client.get(reverse("signup"))

    assert response.status_code == 200
    page = text(response)
    assert "I want to buy" in page
    assert "I want to sell" in page
    assert reverse("signup_buyer") in page
    assert reverse("signup_seller") in page


@pytest.mark.parametrize(
    ("url_name", "fields"),
    [
        (
            "signup_buyer",
            ["Username", "Email address", "Password", "Country", "Preferred currency"],
        ),
        (
            "signup_seller",
            ["Company name", "Country", "Number of employees", "Payout currency"],
        ),
    ],
)
def test_sign_up_forms_ask_for_the_right_details(
    client: Client, url_name: str, fields: list[str]
) -> None:
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    page = text(response)
    for label in fields:
        assert f">{label}" in page
    assert "Password confirmation" in page


@pytest.mark.usefixtures("signup_rates")
def test_buyer_sign_up_creates_a_buyer_and_logs_them_in(client: Client) -> None:
    response = client.post(reverse("signup_buyer"), buyer_signup_data(), follow=True)

    buyer = BuyerProfile.objects.get(user__username="amelie")
    assert (buyer.country.code, buyer.preferred_currency) == ("BE", "EUR")
    assert buyer.user.email == "amelie@example.com"
    assert not SellerProfile.objects.exists()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == buyer.user
    assert "Your buyer account is ready" in text(response)


@pytest.mark.usefixtures("signup_rates")
def test_seller_sign_up_creates_a_seller_logs_them_in_and_invites_a_first_listing(
    client: Client,
) -> None:
    response = client.post(reverse("signup_seller"), seller_signup_data(), follow=True)

    seller = SellerProfile.objects.get(user__username="lotus-crafts")
    assert seller.company_name == "Lotus Crafts Sdn Bhd"
    assert (seller.country.code, seller.employees, seller.payout_currency) == ("MY", 7, "MYR")
    assert not seller.verified
    assert not BuyerProfile.objects.exists()
    assert response.redirect_chain[-1][0] == reverse("seller_listing_create")
    assert response.context["user"] == seller.user
    assert "Your seller account is ready" in text(response)


@pytest.mark.usefixtures("signup_rates")
def test_sign_up_follows_a_safe_next_link_and_ignores_an_offsite_one(client: Client) -> None:
    safe = client.post(reverse("signup_buyer"), {**buyer_signup_data(), "next": "/search/?q=tea"})
    assert safe["Location"] == "/search/?q=tea"

    offsite = Client().post(
        reverse("signup_buyer"),
        {**buyer_signup_data(username="bruno"), "next": "https://evil.example/"},
    )
    assert offsite["Location"] == reverse("home")


@pytest.mark.usefixtures("signup_rates")
@pytest.mark.parametrize(
    ("url_name", "data"),
    [("signup_buyer", buyer_signup_data()), ("signup_seller", seller_signup_data())],
)
def test_duplicate_username_is_a_field_error_and_creates_nothing(
    client: Client, url_name: str, data: dict[str, Any]
) -> None:
    UserFactory.create(username=data["username"])

    response = client.post(reverse(url_name), data)

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "A user with that username already exists."
    ]
    assert "A user with that username already exists." in text(response)
    assert get_user_model().objects.count() == 1
    assert not BuyerProfile.objects.exists()
    assert not SellerProfile.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83920174652", "This password is entirely numeric."),
    ],
)
def test_weak_password_shows_the_validator_message_on_the_password_field(
    client: Client, password: str, message: str
) -> None:
    data = seller_signup_data(password1=password, password2=password)

    response = client.post(reverse("signup_seller"), data)

    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]
    assert message in text(response)
    assert not get_user_model().objects.exists()


def test_mismatched_passwords_are_reported_on_the_confirmation(client: Client) -> None:
    data = buyer_signup_data(password2="Another-Password-77")

    response = client.post(reverse("signup_buyer"), data)

    assert response.context["form"].errors["password2"] == ["The two passwords don't match."]
    assert not get_user_model().objects.exists()


def test_seller_sign_up_rejects_zero_employees(client: Client) -> None:
    response = client.post(reverse("signup_seller"), seller_signup_data(employees="0"))

    assert "Count at least one person: you." in text(response)
    assert not SellerProfile.objects.exists()


def test_signed_in_user_is_sent_home_from_sign_up(client: Client, buyer: BuyerProfile) -> None:
    response = as_user(client, buyer.user).get(reverse("signup_seller"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You are already signed in" in text(response)


def test_log_in_page_logs_a_user_in(client: Client, seller: SellerProfile) -> None:
    assert client.get(reverse("login")).status_code == 200

    response = client.post(
        reverse("login"), {"username": seller.user.username, "password": PASSWORD}, follow=True
    )

    assert response.context["user"] == seller.user
    assert f"Welcome back, {seller.user.username}." in text(response)


def test_log_in_with_a_wrong_password_says_so(client: Client, seller: SellerProfile) -> None:
    response = client.post(
        reverse("login"), {"username": seller.user.username, "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in text(response)


def test_log_out_is_a_post_from_the_nav(client: Client, buyer: BuyerProfile) -> None:
    as_user(client, buyer.user)
    assert client.get(reverse("logout")).status_code == 405

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert not response.context["user"].is_authenticated
    assert "You have logged out." in text(response)


# --- Seller pages: access ------------------------------------------------------------------


def seller_urls(listing: Listing) -> list[str]:
    return [
        reverse("seller_listings"),
        reverse("seller_listing_create"),
        reverse("seller_listing_edit", args=[listing.pk]),
        reverse("seller_listing_archive", args=[listing.pk]),
    ]


def test_visitors_are_sent_to_log_in_from_seller_pages(client: Client, listing: Listing) -> None:
    for url in seller_urls(listing):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_buyers_get_a_helpful_403_on_seller_pages(
    client: Client, buyer: BuyerProfile, listing: Listing
) -> None:
    as_user(client, buyer.user)
    for url in seller_urls(listing):
        response = client.get(url)
        assert response.status_code == 403
        page = text(response)
        assert "This page is for sellers" in page
        assert reverse("signup_seller") in page
    client.post(reverse("seller_listing_archive", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


# --- Seller pages: my listings -------------------------------------------------------------


def test_my_listings_shows_every_own_listing_with_status_stock_price_and_actions(
    client: Client, seller: SellerProfile
) -> None:
    active = ListingFactory.create(seller=seller, title="Live teapot", stock=4)
    ListingFactory.create(seller=seller, title="Draft teapot", status=Listing.Status.DRAFT)
    ListingFactory.create(seller=seller, title="Old teapot", status=Listing.Status.ARCHIVED)
    ListingFactory.create(title="Somebody else's teapot")

    response = as_user(client, seller.user).get(reverse("seller_listings"))

    assert response.status_code == 200
    assert sorted(titles_in(response)) == ["Draft teapot", "Live teapot", "Old teapot"]
    page = text(response)
    assert "Somebody else" not in page
    for badge in ('badge-active">Active', 'badge-draft">Draft', 'badge-archived">Archived'):
        assert badge in page
    assert "USD 20.00" in page
    assert reverse("seller_listing_edit", args=[active.pk]) in page
    assert reverse("seller_listing_archive", args=[active.pk]) in page


def test_my_listings_invites_a_new_seller_to_create_the_first_listing(
    client: Client, seller: SellerProfile
) -> None:
    page = text(as_user(client, seller.user).get(reverse("seller_listings")))

    assert "You have no listings yet" in page
    assert "Create your first listing" in page
    assert reverse("seller_listing_create") in page


def test_my_listings_is_paginated(client: Client, seller: SellerProfile) -> None:
    ListingFactory.create_batch(23, seller=seller)
    as_user(client, seller.user)

    first = client.get(reverse("seller_listings"))
    second = client.get(reverse("seller_listings"), {"page": 2})

    assert len(titles_in(first)) == 20
    assert len(titles_in(second)) == 3
    assert "Page 2 of 2" in text(second)


# --- Seller pages: create, edit, archive ---------------------------------------------------


def test_create_form_starts_from_the_sellers_country_and_payout_currency(
    client: Client,
) -> None:
    seller = SellerFactory.create(country="KE", payout_currency="KES")

    response = as_user(client, seller.user).get(reverse("seller_listing_create"))

    assert response.status_code == 200
    page = text(response)
    assert "New listing" in page
    assert '<option value="KE" selected>Kenya</option>' in page
    assert '<option value="KES" selected>' in page


def test_seller_creates_a_listing(client: Client, seller: SellerProfile) -> None:
    response = as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(), follow=True
    )

    listing = Listing.objects.get(seller=seller)
    assert listing.title == "Hand-painted celadon tea bowl"
    assert listing.price == Money(Decimal("38.50"), "USD")
    assert (listing.hs_code, listing.origin_country.code) == ("691200", "CN")
    assert (listing.stock, listing.weight_grams, listing.status) == (12, 420, "active")
    assert response.redirect_chain[-1][0] == reverse("seller_listings")
    assert "Listing saved" in text(response)
    assert "is live on the storefront" in text(response)


def test_new_listing_can_be_a_draft(client: Client, seller: SellerProfile) -> None:
    response = as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(status="draft"), follow=True
    )

    assert Listing.objects.get(seller=seller).status == Listing.Status.DRAFT
    assert "is a draft: only you can see it" in text(response)


def test_hs_code_typed_with_dots_is_saved_as_digits(client: Client, seller: SellerProfile) -> None:
    as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(hs_code="6912.00")
    )

    assert Listing.objects.get(seller=seller).hs_code == "691200"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs_code", "12345", "Enter an HS code of 6 to 10 digits"),
        ("hs_code", "12AB56", "Enter an HS code of 6 to 10 digits"),
        ("hs_code", "12345678901", "Enter an HS code of 6 to 10 digits"),
        ("price_0", "0", "Enter a price greater than zero."),
        ("price_0", "-3", "Enter a price greater than zero."),
        ("price_0", "lots", "Enter a number using the digits 0-9 and a point, e.g. 12.50."),
        ("price_1", "XYZ", "Select a valid choice."),
        ("stock", "-1", "Stock can&#x27;t be negative"),
        ("weight_grams", "0", "Weight must be at least 1 gram."),
        ("origin_country", "", "This field is required."),
        ("status", "published", "Select a valid choice."),
        ("title", "", "This field is required."),
    ],
)
def test_bad_listing_input_is_explained_next_to_the_field(
    client: Client, seller: SellerProfile, field: str, value: str, message: str
) -> None:
    response = as_user(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(**{field: value})
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field.removesuffix("_0").removesuffix("_1")]
    page = text(response)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert not Listing.objects.exists()


def test_seller_edits_their_listing(client: Client, seller: SellerProfile) -> None:
    listing = ListingFactory.create(seller=seller, title="Tea bowl")
    url = reverse("seller_listing_edit", args=[listing.pk])
    as_user(client, seller.user)

    form_page = text(client.get(url))
    assert "Edit “Tea bowl”" in form_page
    assert 'value="Tea bowl"' in form_page

    response = client.post(
        url,
        listing_post_data(title="Celadon tea bowl", price_0="42", price_1="EUR", stock="0"),
        follow=True,
    )

    listing.refresh_from_db()
    assert listing.title == "Celadon tea bowl"
    assert listing.price == Money(Decimal("42"), "EUR")
    assert listing.stock == 0
    assert "Listing saved" in text(response)


def test_failed_edit_keeps_the_stored_listing_and_the_page_heading(
    client: Client, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, title="Tea bowl")

    response = as_user(client, seller.user).post(
        reverse("seller_listing_edit", args=[listing.pk]),
        listing_post_data(title="Renamed", weight_grams="0"),
    )

    assert "Edit “Tea bowl”" in text(response)
    listing.refresh_from_db()
    assert listing.title == "Tea bowl"


def test_archive_asks_for_confirmation_then_archives_on_post(
    client: Client, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, title="Tea bowl")
    url = reverse("seller_listing_archive", args=[listing.pk])
    as_user(client, seller.user)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Archive “Tea bowl”?" in text(confirm)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE

    response = client.post(url, follow=True)

    listing.refresh_from_db()
    assert listing.status == Listing.Status.ARCHIVED
    assert response.redirect_chain[-1][0] == reverse("seller_listings")
    assert "Listing archived" in text(response)
    assert client.get(reverse("search")).context["page_obj"].paginator.count == 0


def test_archive_only_answers_get_and_post(client: Client, seller: SellerProfile) -> None:
    listing = ListingFactory.create(seller=seller)

    response = as_user(client, seller.user).put(
        reverse("seller_listing_archive", args=[listing.pk])
    )

    assert response.status_code == 405


def test_a_seller_cannot_edit_or_archive_another_sellers_listing(
    client: Client, seller: SellerProfile
) -> None:
    theirs = ListingFactory.create(title="Not yours")
    as_user(client, seller.user)

    edit = reverse("seller_listing_edit", args=[theirs.pk])
    archive = reverse("seller_listing_archive", args=[theirs.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, listing_post_data(title="Stolen")).status_code == 404
    assert client.get(archive).status_code == 404
    assert client.post(archive).status_code == 404

    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Not yours", Listing.Status.ACTIVE)


def test_a_buyer_account_sees_no_sell_link_but_a_visitor_does(
    client: Client, buyer: BuyerProfile
) -> None:
    assert f'href="{reverse("signup_seller")}">Sell</a>' in text(client.get(reverse("home")))
    page = text(as_user(Client(), buyer.user).get(reverse("home")))
    assert f'href="{reverse("signup_seller")}">Sell</a>' not in page
