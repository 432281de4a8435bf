"""What a buyer reads about prices: one money format on every page, cards led by the delivered
price, refusals in buyer words (never the engine's internal sentence), and honest ship-to
messages with a page of the destinations served."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from djmoney.money import Money

from customs.landed_cost import QuoteRefused
from marketplace.models import BuyerProfile, Listing
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.factories import ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db


def html(response: Any) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def choose(client: Client, country: str, currency: str) -> Any:
    return client.post(
        reverse("ship_to"), {"country": country, "currency": currency, "next": "/"}, follow=True
    )


def card_of(page: str, listing: Listing) -> str:
    href = f'href="{reverse("listing_detail", args=[listing.pk])}"'
    cards = [c.split("</article>")[0] for c in page.split("<article")[1:] if href in c]
    assert len(cards) == 1
    return cards[0]


# --- one money format ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("4500000", "VND", "VND 4,500,000"),
        ("1500", "JPY", "JPY 1,500"),
        ("12.345", "KWD", "KWD 12.345"),
        ("1234567.5", "EUR", "EUR 1,234,567.50"),
        ("0.125", "USD", "USD 0.13"),  # half-up, the project's one rounding rule
        ("2.5", "JPY", "JPY 3"),
    ],
)
def test_amounts_have_the_currencys_digits_and_the_locales_grouping(
    amount: str, currency: str, shown: str
) -> None:
    assert format_money(Decimal(amount), currency) == shown


def test_every_page_shows_listing_prices_grouped(client: Client, reference_data: None) -> None:
    seller = SellerFactory.create(country="CN")
    vnd = ListingFactory.create(seller=seller, title="Lacquer box", price=Money(4500000, "VND"))
    jpy = ListingFactory.create(seller=seller, title="Tea whisk", price=Money(1500, "JPY"))
    kwd = ListingFactory.create(seller=seller, title="Date jar", price=Money("12.345", "KWD"))
    client.force_login(seller.user)
    client.post(reverse("cart_add"), {"listing": vnd.pk, "quantity": 1})

    pages = {
        "home": html(client.get(reverse("home"))),
        "search": html(client.get(reverse("search"))),
        "listing": html(client.get(reverse("listing_detail", args=[vnd.pk]))),
        "cart": html(client.get(reverse("cart"))),
        "seller": html(client.get(reverse("seller_listings"))),
    }

    for name, page in pages.items():
        assert "VND 4,500,000" in page, name
        assert "4500000" not in page, name
    for name in ("home", "search", "seller"):
        assert "JPY 1,500" in pages[name], name
        assert "KWD 12.345" in pages[name], name
    assert "1500.0000" not in pages["seller"]
    assert jpy.pk and kwd.pk


def test_delivered_amounts_are_grouped_on_cards_listing_page_and_cart(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(price=Money(Decimal("200.00"), "USD"))
    choose(client, "BE", "RWF")  # RWF has no minor unit: a delivered price in the 100,000s
    client.post(reverse("cart_add"), {"listing": listing.pk, "quantity": 1})
    total = quote_listings(items=[Item(listing, 1)], destination="BE", currency="RWF").as_dict()[
        "total"
    ]
    expected = format_money(total["amount"], "RWF")
    assert re.fullmatch(r"RWF \d{1,3}(,\d{3})+", expected)

    assert expected in card_of(html(client.get(reverse("home"))), listing)
    assert expected in html(client.get(reverse("listing_detail", args=[listing.pk])))
    assert expected in html(client.get(reverse("cart")))


# --- cards lead with the delivered price -----------------------------------------------------


def test_a_card_leads_with_the_delivered_price_then_the_goods_price(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(price=Money(Decimal("20.00"), "USD"))
    total = quote_listings(items=[Item(listing, 1)], destination="BE", currency="EUR").as_dict()[
        "total"
    ]

    card = card_of(html(client.get(reverse("home"))), listing)

    delivered = (
        f'<p class="card-delivered"><span class="money">{format_money(total["amount"], "EUR")}'
    )
    assert delivered in card
    assert card.index(delivered) < card.index("USD 20.00</span> before delivery, duty and tax")
    assert "Add to cart" in card


# --- refusals in buyer words -----------------------------------------------------------------

REFUSALS = [
    # code, destination, HS code, the buyer's sentence
    ("prohibited", "BE", "930200", "These goods may not be imported into Belgium"),
    ("no_route", "RW", "610910", "No eHub route links the seller to Rwanda yet"),
    (
        "not_served",
        "JP",
        "610910",
        "No eHub serves Japan, so nothing can be delivered there for now.",
    ),
    ("no_tariff", "NL", "610910", "The customs tariff of Netherlands has no line for these goods"),
]


@pytest.mark.parametrize(("code", "destination", "hs_code", "meaning"), REFUSALS)
def test_refusals_never_show_the_engines_detail_on_any_page(
    client: Client, reference_data: None, code: str, destination: str, hs_code: str, meaning: str
) -> None:
    listing = ListingFactory.create(hs_code=hs_code)
    with pytest.raises(QuoteRefused) as refused:
        quote_listings(items=[Item(listing, 1)], destination=destination, currency="EUR")
    assert refused.value.code == code
    detail = escape(refused.value.detail)
    choose(client, destination, "EUR")
    client.post(reverse("cart_add"), {"listing": listing.pk, "quantity": 1})

    listing_page = html(client.get(reverse("listing_detail", args=[listing.pk])))
    card = card_of(html(client.get(reverse("search"))), listing)
    cart = html(client.get(reverse("cart")))

    for page in (listing_page, card, cart):
        assert detail not in page
        assert "customs profile" not in page
    assert escape(meaning) in listing_page
    assert escape(meaning) in cart
    assert f'data-code="{code}"' in card
    # Where the quote is refused, nothing offers to add it to the cart.
    assert "Add to cart" not in card
    assert "Add to cart" not in listing_page
    assert "can't be added to the cart while it can't be delivered" in listing_page


def test_a_missing_rate_for_the_goods_is_not_called_an_unserved_country(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(price=Money(4500000, "VND"))  # no VND rate is loaded

    page = html(client.get(reverse("listing_detail", args=[listing.pk])))

    assert "No exchange rate for VND" not in page
    assert "No eHub serves Belgium" not in page
    assert "cannot be worked out right now" in page
    assert "VND 4,500,000" in page


# --- ship-to honesty and the destinations page ----------------------------------------------


def test_choosing_a_country_no_hub_serves_says_so_plainly(
    client: Client, reference_data: None
) -> None:
    page = html(choose(client, "BR", "USD"))

    assert escape("We don't deliver to Brazil yet. Prices are shown without delivery") in page
    assert "Prices now include delivery" not in page


def test_choosing_a_served_country_says_prices_include_delivery(
    client: Client, reference_data: None
) -> None:
    page = html(choose(client, "FR", "GBP"))

    assert "Prices now include delivery to France, in GBP." in page


def test_a_served_country_without_customs_profile_says_whose_goods_it_gets(
    client: Client, reference_data: None
) -> None:
    page = html(choose(client, "DE", "EUR"))

    assert "We deliver to Germany only goods from sellers in the EU" in page
    assert "Prices now include delivery" not in page


def test_the_delivery_page_lists_the_destinations_served_with_their_hub(
    client: Client, reference_data: None
) -> None:
    page = html(client.get(reverse("delivery")))

    assert "<h1>Where we deliver</h1>" in page
    anywhere = page[page.index("From sellers anywhere") : page.index("same customs territory")]
    for country in ("Belgium", "France", "Netherlands", "Rwanda"):
        assert f'<th scope="row">{country}</th>' in anywhere
    assert "Liège eHub (LGG)" in anywhere
    assert "Kigali eHub (KGL)" in anywhere
    within = page[page.index("same customs territory") :]
    assert '<th scope="row">Germany</th>' in within
    assert "Hangzhou eHub (HGH)" in within  # CN and HK have no customs profile here
    for unserved in ("Brazil", "Japan"):
        assert f'<th scope="row">{unserved}</th>' not in page


def test_the_delivery_page_names_the_countries_of_a_customs_union(
    client: Client, reference_data: None
) -> None:
    page = html(client.get(reverse("delivery")))

    within = page[page.index("same customs territory") :]
    germany = within[within.index('<th scope="row">Germany</th>') :].split("</tr>")[0]
    assert "<td>the EU (Belgium, France, Germany, Netherlands)</td>" in germany


def test_the_delivery_page_is_linked_from_the_ship_to_chooser_and_the_footer(
    client: Client,
) -> None:
    page = html(client.get(reverse("home")))

    assert page.count(f'href="{reverse("delivery")}"') == 2
    assert "We don't deliver anywhere yet" in html(client.get(reverse("delivery")))


# --- sign-up currencies ----------------------------------------------------------------------


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "username": "amelie",
        "email": "amelie@example.org",
        "password1": "Liège-2026-waffles",
        "password2": "Liège-2026-waffles",
        "country": "BE",
        **overrides,
    }


@pytest.mark.usefixtures("signup_rates")
@pytest.mark.parametrize(("name", "field"), [("signup_buyer", "preferred_currency")])
def test_sign_up_offers_only_currencies_with_a_rate(client: Client, name: str, field: str) -> None:
    page = html(client.get(reverse(name)))

    select = page[page.index(f'name="{field}"') : page.index("</select>", page.index(field))]
    assert '<option value="" selected>Same as my country</option>' in select
    for code in ("USD", "EUR", "CNY", "MYR", "RWF"):
        assert f'<option value="{code}">' in select
    assert '<option value="JPY">' not in select
    assert 'id="currency-defaults"' in page
    assert "js/signup-currency" in page


@pytest.mark.usefixtures("signup_rates")
@pytest.mark.parametrize(("country", "expected"), [("BE", "EUR"), ("RW", "RWF"), ("JP", "USD")])
def test_a_buyer_left_on_same_as_country_gets_the_countrys_currency_or_usd(
    client: Client, country: str, expected: str
) -> None:
    response = client.post(reverse("signup_buyer"), signup_data(country=country))

    assert response.status_code == 302
    assert BuyerProfile.objects.get().preferred_currency == expected


@pytest.mark.usefixtures("signup_rates")
def test_a_seller_choosing_a_currency_without_a_rate_is_told_and_nothing_is_created(
    client: Client,
) -> None:
    data = signup_data(company_name="Atelier", employees="3", payout_currency="JPY")

    response = client.post(reverse("signup_seller"), data)

    assert response.status_code == 200
    assert "There is no exchange rate for JPY yet; choose another currency." in html(response)
    assert not User.objects.exists()
