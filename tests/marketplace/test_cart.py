"""The session cart: its functions, and the cart page's per-seller quotes and grand total, which
must be the engine's own figures for the same lines."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from djmoney.money import Money

from customs.landed_cost import QuoteRefused
from marketplace.cart import (
    CART_SESSION_KEY,
    cart_add,
    cart_count,
    cart_items,
    cart_quantities,
    cart_remove,
    cart_set,
)
from marketplace.models import Listing, SellerProfile
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.factories import BuyerFactory, ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db

CHARGES = ("goods", "shipping", "duty", "tax", "total")


def text(response: Any) -> str:
    return response.content.decode()


def shown(money: dict[str, str]) -> str:
    return format_money(money["amount"], money["currency"])


@pytest.fixture
def session() -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore()
    return store


def add(
    client: Client,
    listing: Listing | int | str,
    quantity: Any = 1,
    *,
    follow: bool = False,
    **extra: Any,
) -> Any:
    pk = listing.pk if isinstance(listing, Listing) else listing
    data = {"listing": pk, "quantity": quantity, **extra}
    return client.post(reverse("cart_add"), data, follow=follow)


def in_cart(client: Client) -> dict[int, int]:
    return cart_quantities(client.session)


def cart_page(client: Client) -> str:
    response = client.get(reverse("cart"))
    assert response.status_code == 200
    return text(response)


def assert_charges(page: str, quote: dict[str, Any]) -> None:
    for charge in CHARGES:
        assert shown(quote[charge]) in page, charge


# --- cart.py -------------------------------------------------------------------------------


def test_cart_add_accumulates_and_caps_at_999(session: SessionBase) -> None:
    assert cart_add(session, 7, 2) == 2
    assert cart_add(session, 7, 3) == 5
    assert cart_add(session, 7, 998) == 999
    assert cart_quantities(session) == {7: 999}


def test_cart_set_clamps_to_1_to_999_and_keeps_the_order(session: SessionBase) -> None:
    cart_add(session, 3, 1)
    cart_add(session, 9, 1)

    assert cart_set(session, 3, 0) == 1
    assert cart_set(session, 9, 100000) == 999
    assert list(cart_quantities(session)) == [3, 9]


def test_cart_remove_says_whether_the_line_was_there(session: SessionBase) -> None:
    cart_add(session, 3, 1)

    assert cart_remove(session, 3) is True
    assert cart_remove(session, 3) is False
    assert cart_quantities(session) == {}


def test_cart_items_keep_cart_order_and_drop_listings_no_longer_on_sale(
    session: SessionBase,
) -> None:
    first, archived, draft, last = ListingFactory.create_batch(4)
    gone = ListingFactory.create()
    for listing in (first, archived, draft, gone, last):
        cart_add(session, listing.pk, 2)
    Listing.objects.filter(pk=archived.pk).update(status=Listing.Status.ARCHIVED)
    Listing.objects.filter(pk=draft.pk).update(status=Listing.Status.DRAFT)
    gone_pk = gone.pk
    gone.delete()

    items = cart_items(session)

    assert [(item.listing.pk, item.quantity) for item in items] == [(first.pk, 2), (last.pk, 2)]
    assert cart_quantities(session) == {first.pk: 2, last.pk: 2}
    assert gone_pk not in cart_quantities(session)


def test_cart_ignores_malformed_session_data(session: SessionBase) -> None:
    listing = ListingFactory.create()
    session[CART_SESSION_KEY] = {str(listing.pk): 2000, "abc": 1, "5": "x", "6": -1}

    items = cart_items(session)

    assert [(item.listing, item.quantity) for item in items] == [(listing, 999)]
    assert session[CART_SESSION_KEY] == {str(listing.pk): 999}
    assert cart_count(session) == 999


def test_cart_survives_a_session_holding_something_else(session: SessionBase) -> None:
    session[CART_SESSION_KEY] = ["not", "a", "dict"]

    assert cart_items(session) == []
    assert cart_add(session, 1, 1) == 1


# --- Adding, updating, removing -------------------------------------------------------------


def test_add_to_cart_stores_the_quantity_and_shows_the_cart(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(title="Batik scarf")

    response = add(client, listing, 2)

    assert response.status_code == 302
    assert response["Location"] == reverse("cart")
    assert in_cart(client) == {listing.pk: 2}
    page = cart_page(client)
    assert "Added 2 × “Batik scarf” to your cart." in page
    assert '<span class="cart-count">2</span>' in page


def test_adding_again_adds_up_and_warns_at_the_cap(client: Client, reference_data: None) -> None:
    listing = ListingFactory.create()
    add(client, listing, 990)

    response = add(client, listing, 20, follow=True)

    assert in_cart(client) == {listing.pk: 999}
    assert "A cart line holds at most 999 units" in text(response)


@pytest.mark.parametrize("quantity", ["abc", "0", "-1", "100000", "", "1.5"])
def test_add_to_cart_refuses_an_invalid_quantity_with_a_message(
    client: Client, reference_data: None, quantity: str
) -> None:
    listing = ListingFactory.create()
    next_url = reverse("listing_detail", args=[listing.pk])

    response = add(client, listing, quantity, next=next_url)

    assert response.status_code == 302
    assert response["Location"] == next_url
    assert in_cart(client) == {}
    assert "Enter a whole number of units from 1 to 999." in text(client.get(next_url))


NOT_ON_SALE = "That listing is not on sale, so it can&#x27;t be added to your cart."


@pytest.mark.parametrize(
    ("listing_id", "message"),
    [
        ("999999", NOT_ON_SALE),
        ("abc", NOT_ON_SALE),
        ("-3", NOT_ON_SALE),
        ("", "Choose a listing to add."),
    ],
)
def test_add_to_cart_refuses_an_unknown_listing_with_a_message(
    client: Client, reference_data: None, listing_id: str, message: str
) -> None:
    response = add(client, listing_id, 1, follow=True)

    assert response.status_code == 200
    assert message in text(response)
    assert in_cart(client) == {}


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_listings_not_on_sale_cannot_be_added(
    client: Client, reference_data: None, status: str
) -> None:
    listing = ListingFactory.create(status=status)

    response = add(client, listing, 1, follow=True)

    assert "That listing is not on sale" in text(response)
    assert in_cart(client) == {}


def test_out_of_stock_listings_cannot_be_added(client: Client, reference_data: None) -> None:
    listing = ListingFactory.create(stock=0, title="Sold-out bowl")

    response = add(client, listing, 1, follow=True)

    assert "“Sold-out bowl” is out of stock" in text(response)
    assert in_cart(client) == {}


def test_update_sets_a_lines_quantity(client: Client, reference_data: None) -> None:
    listing = ListingFactory.create(title="Tea bowl")
    add(client, listing, 1)

    response = client.post(
        reverse("cart_update"), {"listing": listing.pk, "quantity": "4"}, follow=True
    )

    assert in_cart(client) == {listing.pk: 4}
    assert "“Tea bowl”: quantity now 4." in text(response)


@pytest.mark.parametrize(
    ("listing_field", "quantity", "message"),
    [
        ("own", "abc", "Enter a whole number of units from 1 to 999."),
        ("own", "0", "Enter a whole number of units from 1 to 999."),
        ("own", "100000", "Enter a whole number of units from 1 to 999."),
        ("999999", "2", "That item is not in your cart."),
        ("abc", "2", "That item is not in your cart."),
    ],
)
def test_update_refuses_invalid_input_with_a_message(
    client: Client, reference_data: None, listing_field: str, quantity: str, message: str
) -> None:
    listing = ListingFactory.create()
    add(client, listing, 3)
    pk = str(listing.pk) if listing_field == "own" else listing_field

    response = client.post(
        reverse("cart_update"), {"listing": pk, "quantity": quantity}, follow=True
    )

    assert response.status_code == 200
    assert message in text(response)
    assert in_cart(client) == {listing.pk: 3}


def test_remove_takes_the_line_out(client: Client, reference_data: None) -> None:
    kept, removed = ListingFactory.create(), ListingFactory.create(title="Rattan basket")
    add(client, kept, 1)
    add(client, removed, 1)

    response = client.post(reverse("cart_remove"), {"listing": removed.pk}, follow=True)

    assert in_cart(client) == {kept.pk: 1}
    assert "“Rattan basket” removed from your cart." in text(response)


@pytest.mark.parametrize("listing_id", ["999999", "abc", ""])
def test_remove_of_something_not_in_the_cart_is_a_message(
    client: Client, reference_data: None, listing_id: str
) -> None:
    response = client.post(reverse("cart_remove"), {"listing": listing_id}, follow=True)

    assert response.status_code == 200
    assert "That item is not in your cart." in text(response)


@pytest.mark.parametrize("name", ["cart_add", "cart_update", "cart_remove"])
def test_cart_changes_are_post_only(client: Client, name: str) -> None:
    assert client.get(reverse(name)).status_code == 405


# --- The cart page --------------------------------------------------------------------------


def test_empty_cart_says_so(client: Client, reference_data: None) -> None:
    page = cart_page(client)

    assert "Your cart is empty" in page
    assert reverse("search") in page
    assert '<span class="cart-count">0</span>' in page


def test_cart_groups_lines_by_seller_with_the_engines_quotes_and_grand_total(
    client: Client, reference_data: None
) -> None:
    lotus = SellerFactory.create(company_name="Lotus Crafts", country="CN")
    atelier = SellerFactory.create(company_name="Atelier Lyon", country="FR")
    shirt = ListingFactory.create(seller=lotus, title="Cotton T-shirt")
    scarf = ListingFactory.create(
        seller=atelier, title="Silk scarf", hs_code="621410", origin_country="FR",
        price=Money(Decimal("35.00"), "EUR"), weight_grams=120,
    )  # fmt: skip
    bowl = ListingFactory.create(
        seller=lotus, title="Celadon bowl", hs_code="691200", price=Money(Decimal("38.50"), "USD")
    )
    add(client, shirt, 2)
    add(client, scarf, 1)
    add(client, bowl, 1)
    items = [Item(shirt, 2), Item(scarf, 1), Item(bowl, 1)]
    engine = quote_listings(items=items, destination="BE", currency="EUR")
    whole = engine.as_dict()
    assert len(whole["consignments"]) == 2

    page = cart_page(client)

    for consignment in whole["consignments"]:
        assert_charges(page, consignment)
        for sentence in consignment["explanations"].values():
            assert escape(sentence) in page
    assert_charges(page, whole)
    assert "Grand total" in page
    # One section per seller, in the order they were added, each listing its own lines.
    assert page.index("From Lotus Crafts") < page.index("From Atelier Lyon")
    lotus_part = page[page.index("From Lotus Crafts") : page.index("From Atelier Lyon")]
    assert "Cotton T-shirt" in lotus_part and "Celadon bowl" in lotus_part
    assert "Silk scarf" not in lotus_part
    assert "HGH → LGG" in lotus_part
    assert "6 days" in lotus_part
    assert "Domestic: no customs border is crossed" in page  # FR to BE, one customs union
    assert '<span class="cart-count">4</span>' in page


def test_a_single_seller_cart_totals_the_engines_quote(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()
    add(client, listing, 3)
    expected = quote_listings(items=[Item(listing, 3)], destination="BE", currency="EUR").as_dict()

    page = cart_page(client)

    assert_charges(page, expected)
    assert "Grand total" in page


def test_cart_is_quoted_to_the_chosen_destination_and_currency(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()
    add(client, listing, 2)
    client.post(reverse("ship_to"), {"country": "FR", "currency": "GBP", "next": "/cart/"})
    expected = quote_listings(items=[Item(listing, 2)], destination="FR", currency="GBP").as_dict()

    page = cart_page(client)

    assert "Delivered to France, prices in GBP" in page
    assert_charges(page, expected)


def test_a_buyer_sees_the_cart_in_their_profile_currency(
    client: Client, reference_data: None
) -> None:
    buyer = BuyerFactory.create(country="FR", preferred_currency="CNY")
    client.force_login(buyer.user)
    listing = ListingFactory.create()
    add(client, listing, 1)
    expected = quote_listings(items=[Item(listing, 1)], destination="FR", currency="CNY").as_dict()

    assert_charges(cart_page(client), expected)


def test_listings_taken_off_sale_drop_out_of_the_cart_with_a_note(
    client: Client, reference_data: None
) -> None:
    kept = ListingFactory.create(title="Kept teapot")
    archived = ListingFactory.create(title="Archived kettle")
    add(client, kept, 1, follow=True)
    add(client, archived, 1, follow=True)
    Listing.objects.filter(pk=archived.pk).update(status=Listing.Status.ARCHIVED)

    page = cart_page(client)

    assert "1 item no longer on sale was removed from your cart." in page
    assert "Kept teapot" in page
    assert "Archived kettle" not in page
    assert in_cart(client) == {kept.pk: 1}
    expected = quote_listings(items=[Item(kept, 1)], destination="BE", currency="EUR").as_dict()
    assert_charges(page, expected)


def test_a_refused_consignment_is_explained_and_its_lines_can_be_removed(
    client: Client, reference_data: None
) -> None:
    shirts = SellerFactory.create(company_name="Shirt Works", country="CN")
    arms = SellerFactory.create(company_name="Old Arms Co", country="CN")
    shirt = ListingFactory.create(seller=shirts, title="Cotton T-shirt")
    pistol = ListingFactory.create(seller=arms, title="Antique pistol", hs_code="930200")
    ball = ListingFactory.create(seller=arms, title="Leather ball", hs_code="950662")
    for listing in (shirt, pistol, ball):
        add(client, listing, 1)
    with pytest.raises(QuoteRefused) as refused:
        quote_listings(
            items=[Item(shirt, 1), Item(pistol, 1), Item(ball, 1)],
            destination="BE",
            currency="EUR",
        )
    assert refused.value.code == "prohibited"
    fine = quote_listings(items=[Item(shirt, 1)], destination="BE", currency="EUR").as_dict()

    page = cart_page(client)

    assert "Your cart can't be delivered to Belgium as it is." in page
    assert escape(refused.value.detail) not in page
    assert "The problem is with the goods from <strong>Old Arms Co</strong>" in page
    assert "may not be imported into Belgium: they cannot be shipped there." in page
    # The seller whose goods can go keeps its quote; the whole cart has no grand total.
    assert_charges(page, fine)
    assert "Grand total" not in page
    # The offending line, and only it, is marked; every line can still be removed.
    arms_part = page[page.index("From Old Arms Co") :]
    assert arms_part.count("cart-line-blocking") == 1
    blocking = arms_part[arms_part.index("cart-line-blocking") :]
    assert blocking.index("Antique pistol") < blocking.index("</li>")
    for listing in (shirt, pistol, ball):
        assert f'name="listing" value="{listing.pk}"' in page

    client.post(reverse("cart_remove"), {"listing": pistol.pk})
    expected = quote_listings(
        items=[Item(shirt, 1), Item(ball, 1)], destination="BE", currency="EUR"
    ).as_dict()
    after = cart_page(client)
    assert "Your cart can't be delivered" not in after
    assert_charges(after, expected)


def test_a_refused_destination_is_explained_for_every_seller(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create()
    add(client, listing, 1)
    client.post(reverse("ship_to"), {"country": "JP", "currency": "EUR", "next": "/"})

    page = cart_page(client)

    assert "Destination not served" not in page
    assert escape("We don't deliver to Japan yet.") in page
    assert "No eHub serves Japan, so nothing can be delivered there for now." in page
    assert f'name="listing" value="{listing.pk}"' in page


def test_cart_in_a_currency_without_a_rate_lists_the_items_with_a_message(
    client: Client, reference_data: None
) -> None:
    buyer = BuyerFactory.create(country="BE", preferred_currency="JPY")
    client.force_login(buyer.user)
    listing = ListingFactory.create(title="Tea bowl")
    add(client, listing, 1)

    page = cart_page(client)

    assert "Prices can't be shown in JPY." in page
    assert "Tea bowl" in page
    assert "Grand total" not in page


def test_cart_count_in_the_nav_ignores_listings_gone_off_sale(
    client: Client, reference_data: None, seller: SellerProfile
) -> None:
    on_sale, gone = ListingFactory.create(seller=seller), ListingFactory.create(seller=seller)
    add(client, on_sale, 2)
    add(client, gone, 5)
    Listing.objects.filter(pk=gone.pk).update(status=Listing.Status.ARCHIVED)

    page = text(client.get(reverse("home")))

    assert '<span class="cart-count">2</span>' in page
