"""Delivered prices on the storefront: the ship-to chooser and the listing page's quote.

Every figure a page shows must be the engine's own (quote_listings(...).as_dict()) for the same
input, so the tests compute the engine's quote and look for its amounts on the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_countries import countries
from djmoney.money import Money

from customs.landed_cost import QuoteRefused
from marketplace.cart import SHIP_TO_SESSION_KEY
from marketplace.models import BuyerProfile, Listing
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.factories import BuyerFactory, ListingFactory

pytestmark = pytest.mark.django_db

CHARGES = ("goods", "shipping", "duty", "tax", "total")


def text(response: Any) -> str:
    return response.content.decode()


def shown(money: dict[str, str]) -> str:
    """A money object as pages show it: the engine's amount in the one page format."""
    return format_money(money["amount"], money["currency"])


def engine_quote(
    listing: Listing, quantity: int = 1, *, destination: str = "BE", currency: str = "EUR"
) -> dict[str, Any]:
    items = [Item(listing, quantity)]
    return quote_listings(items=items, destination=destination, currency=currency).as_dict()


def engine_refusal(listing: Listing, *, destination: str, currency: str = "EUR") -> QuoteRefused:
    with pytest.raises(QuoteRefused) as refused:
        quote_listings(items=[Item(listing, 1)], destination=destination, currency=currency)
    return refused.value


def listing_page(client: Client, listing: Listing, **query: Any) -> Any:
    return client.get(reverse("listing_detail", args=[listing.pk]), query)


def choose(client: Client, country: str, currency: str, next_url: str = "/") -> Any:
    return client.post(
        reverse("ship_to"), {"country": country, "currency": currency, "next": next_url}
    )


def as_buyer(client: Client, buyer: BuyerProfile) -> Client:
    client.force_login(buyer.user)
    return client


def assert_shows_quote(page: str, quote: dict[str, Any]) -> None:
    for charge in CHARGES:
        assert shown(quote[charge]) in page, charge
    for sentence in quote["explanations"].values():
        assert escape(sentence) in page


# --- Ship-to chooser -----------------------------------------------------------------------


def test_ship_to_chooser_is_on_every_page_and_defaults_to_belgium_in_euros(
    client: Client, reference_data: None
) -> None:
    for url in (reverse("home"), reverse("search"), reverse("cart")):
        page = text(client.get(url))
        assert f'action="{reverse("ship_to")}"' in page
        assert '<option value="BE" selected>Belgium</option>' in page
        assert '<option value="EUR" selected>EUR</option>' in page


def test_ship_to_currencies_are_those_with_an_exchange_rate(
    client: Client, reference_data: None
) -> None:
    page = text(client.get(reverse("home")))

    for code in ("EUR", "USD", "CNY", "GBP", "RWF"):
        assert f'<option value="{code}"' in page
    assert '<option value="JPY"' not in page


def test_a_buyers_profile_sets_the_default_destination_and_currency(
    client: Client, reference_data: None
) -> None:
    buyer = BuyerFactory.create(country="FR", preferred_currency="GBP")
    listing = ListingFactory.create()

    response = listing_page(as_buyer(client, buyer), listing)

    page = text(response)
    assert '<option value="FR" selected>France</option>' in page
    assert '<option value="GBP" selected>GBP</option>' in page
    assert "Delivered to France" in page
    assert_shows_quote(page, engine_quote(listing, destination="FR", currency="GBP"))


def test_choosing_ship_to_remembers_it_and_returns_to_the_page(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()
    url = reverse("listing_detail", args=[listing.pk])

    response = choose(client, "fr", "gbp", next_url=url)

    assert response.status_code == 302
    assert response["Location"] == url
    assert client.session[SHIP_TO_SESSION_KEY] == {"country": "FR", "currency": "GBP"}
    page = text(client.get(url))
    assert "Prices now include delivery to France, in GBP." in page
    assert "Delivered to France" in page
    assert_shows_quote(page, engine_quote(listing, destination="FR", currency="GBP"))


def test_a_visitors_choice_beats_the_buyer_profile(client: Client, reference_data: None) -> None:
    buyer = BuyerFactory.create(country="FR", preferred_currency="GBP")
    as_buyer(client, buyer)

    choose(client, "BE", "USD")

    page = text(client.get(reverse("home")))
    assert '<option value="BE" selected>Belgium</option>' in page
    assert '<option value="USD" selected>USD</option>' in page


def test_ship_to_never_redirects_off_site(client: Client, reference_data: None) -> None:
    response = choose(client, "BE", "EUR", next_url="https://evil.example/steal")

    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("country", "currency", "message"),
    [
        ("BE", "JPY", "There is no exchange rate for JPY yet; choose another currency."),
        ("BE", "", "Choose the currency prices are shown in."),
        ("", "EUR", "Choose the country to ship to."),
        ("ZZ", "EUR", "ZZ is not a country we know."),
        ("<script>", "EUR", "&lt;SCRIPT&gt; is not a country we know."),
    ],
)
def test_ship_to_refuses_what_it_cannot_price_with_a_message(
    client: Client, reference_data: None, country: str, currency: str, message: str
) -> None:
    choose(client, "FR", "GBP")

    response = client.post(
        reverse("ship_to"), {"country": country, "currency": currency, "next": "/"}, follow=True
    )

    assert response.status_code == 200
    assert message in text(response)
    assert client.session[SHIP_TO_SESSION_KEY] == {"country": "FR", "currency": "GBP"}


def test_ship_to_only_accepts_post(client: Client) -> None:
    assert client.get(reverse("ship_to")).status_code == 405


# --- Listing page: the delivered price ------------------------------------------------------


def test_listing_page_shows_the_engines_delivered_price_with_explanations(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(price=Money(Decimal("20.00"), "USD"), weight_grams=250)
    expected = engine_quote(listing)

    response = listing_page(client, listing)

    assert response.status_code == 200
    page = text(response)
    assert "Delivered to Belgium" in page
    assert_shows_quote(page, expected)
    assert "HGH → LGG" in page
    assert "6 days" in page
    assert "Low-value consignment" in page
    # The plain-language rule behind the duty, and the rule notes.
    assert "BE: flat EUR 3 per tariff subheading on consignments up to EUR 150" in page
    assert "EU low-value consignments: flat EUR 3 per tariff subheading" in page
    assert "Belgian VAT" in page
    # The listing's own price is still there.
    assert "USD 20.00" in page


def test_listing_page_standard_regime_names_the_duty_line(
    client: Client, reference_data: None
) -> None:
    # 200 USD of T-shirts is over EUR 150: duty comes from the HS 6109 line.
    listing = ListingFactory.create(price=Money(Decimal("200.00"), "USD"))
    expected = engine_quote(listing)
    assert expected["customs"]["regime"] == "standard"

    page = text(listing_page(client, listing))

    assert_shows_quote(page, expected)
    assert "Standard import" in page
    assert "Cotton T-shirts" in page


def test_listing_page_requotes_for_the_quantity_asked(client: Client, reference_data: None) -> None:
    listing = ListingFactory.create()
    single, triple = engine_quote(listing, 1), engine_quote(listing, 3)
    assert single["total"] != triple["total"]

    page = text(listing_page(client, listing, quantity="3"))

    assert_shows_quote(page, triple)
    assert "For 3 units" in page
    assert 'value="3"' in page


@pytest.mark.parametrize("quantity", ["abc", "0", "-2", "1000", "100000", "", "2.5"])
def test_listing_page_explains_an_invalid_quantity_and_prices_one_unit(
    client: Client, reference_data: None, quantity: str
) -> None:
    listing = ListingFactory.create()

    response = listing_page(client, listing, quantity=quantity)

    assert response.status_code == 200
    page = text(response)
    assert "Enter a whole number of units from 1 to 999." in page
    assert "For 1 unit" in page
    assert_shows_quote(page, engine_quote(listing, 1))


def test_listing_page_shows_prices_in_the_chosen_currency(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()
    choose(client, "BE", "CNY")

    page = text(listing_page(client, listing))

    assert_shows_quote(page, engine_quote(listing, currency="CNY"))


def test_a_domestic_consignment_has_no_duty_and_no_route(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(
        seller__country="FR", origin_country="FR", price=Money(Decimal("30.00"), "EUR")
    )
    expected = engine_quote(listing)
    assert expected["customs"]["regime"] == "domestic"

    page = text(listing_page(client, listing))

    assert_shows_quote(page, expected)
    assert "Domestic: no customs border is crossed" in page
    assert "Within one eHub" in page
    # One rule covers both charges: its note is listed once, for both.
    assert page.count("No border crossed from FR to BE.") == 1
    assert "<strong>Duty and import tax:</strong> No border crossed from FR to BE." in page


# --- Listing page: refusals explained, not hidden -------------------------------------------


@pytest.mark.parametrize(
    ("code", "destination", "hs_code", "meaning"),
    [
        ("prohibited", "BE", "930200", "may not be imported into Belgium: they cannot be shipped"),
        ("no_route", "RW", "610910", "No eHub route links the seller to Rwanda"),
        (
            "not_served",
            "JP",
            "610910",
            "No eHub serves Japan, so nothing can be delivered there for now.",
        ),
        ("no_tariff", "NL", "610910", "customs tariff of Netherlands has no line for these goods"),
    ],
)
def test_a_refused_quote_is_explained_and_the_listing_price_stays(
    client: Client,
    reference_data: None,
    code: str,
    destination: str,
    hs_code: str,
    meaning: str,
) -> None:
    listing = ListingFactory.create(hs_code=hs_code, price=Money(Decimal("20.00"), "USD"))
    refusal = engine_refusal(listing, destination=destination)
    assert refusal.code == code
    choose(client, destination, "EUR")

    response = listing_page(client, listing)

    assert response.status_code == 200
    page = text(response)
    # Buyer words from the refusal code, never the engine's internal sentence.
    assert escape(refusal.detail) not in page
    assert escape(meaning) in page
    assert f'data-code="{code}"' in page
    assert "USD 20.00" in page
    assert "Total delivered" not in page
    # Nothing claims the goods are delivered there, nor offers to re-price them.
    assert f'<h2 id="delivered-title">Delivery to {countries.name(destination)}</h2>' in page
    assert "Delivered to" not in page
    assert "Update price" not in page


def test_listing_page_explains_a_currency_without_a_rate(
    client: Client, reference_data: None
) -> None:
    buyer = BuyerFactory.create(country="BE", preferred_currency="JPY")
    listing = ListingFactory.create()

    response = listing_page(as_buyer(client, buyer), listing)

    assert response.status_code == 200
    page = text(response)
    assert "Prices can't be shown in JPY." in page
    assert "No exchange rate for JPY." in page
    # The menu still shows what prices are asked in.
    assert '<option value="JPY" selected>JPY</option>' in page


def test_listing_page_without_any_reference_data_still_renders(client: Client) -> None:
    listing = ListingFactory.create(title="Tea bowl")

    response = listing_page(client, listing)

    assert response.status_code == 200
    page = text(response)
    assert "Tea bowl" in page
    assert "No exchange rates have been loaded yet." not in page
    assert "No eHub serves Belgium, so nothing can be delivered there for now." in page


# --- Listing page: add to cart --------------------------------------------------------------


def test_listing_page_offers_add_to_cart_with_the_quoted_quantity(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()

    page = text(listing_page(client, listing, quantity="4"))

    assert f'action="{reverse("cart_add")}"' in page
    assert f'name="listing" value="{listing.pk}"' in page
    assert 'name="quantity" value="4"' in page
    assert "Add to cart</button>" in page


def test_out_of_stock_listing_cannot_be_added_to_the_cart(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(stock=0)

    page = text(listing_page(client, listing))

    assert "Add to cart</button>" not in page
    assert "until the seller restocks it" in page


def test_owner_previewing_a_draft_sees_its_price_but_no_add_to_cart(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(status=Listing.Status.DRAFT)
    owner: User = listing.seller.user
    client.force_login(owner)

    page = text(listing_page(client, listing))

    assert_shows_quote(page, engine_quote(listing))
    assert "Add to cart</button>" not in page
