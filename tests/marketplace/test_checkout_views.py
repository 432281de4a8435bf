"""The checkout page: who may check out, what it shows (the engine's totals, one order per
seller), placing the orders at the total shown, and every refusal explained with nothing
reserved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from djmoney.money import Money

from marketplace.cart import cart_quantities
from marketplace.models import BuyerProfile, Listing, Order
from marketplace.quoting import Item, quote_listings
from marketplace.templatetags.money import format_money
from tests.factories import BuyerFactory, ListingFactory, SellerFactory
from tests.trade import ADDRESS

pytestmark = pytest.mark.django_db

ADDRESS_FORM = {
    "name": ADDRESS.name,
    "line1": ADDRESS.line1,
    "city": ADDRESS.city,
    "postal_code": ADDRESS.postal_code,
}


def text(response: Any) -> str:
    return response.content.decode()


def shown(money: dict[str, str]) -> str:
    return format_money(money["amount"], money["currency"])


def engine_total(*items: Item, country: str = "BE", currency: str = "EUR") -> dict[str, str]:
    total: dict[str, str] = quote_listings(
        items=list(items), destination=country, currency=currency
    ).as_dict()["total"]
    return total


def as_buyer(client: Client, buyer: BuyerProfile) -> Client:
    client.force_login(buyer.user)
    return client


def add(client: Client, listing: Listing, quantity: int = 1) -> None:
    client.post(reverse("cart_add"), {"listing": listing.pk, "quantity": quantity})


def confirm(client: Client, total: dict[str, str] | str, **extra: Any) -> Any:
    amount = total if isinstance(total, str) else total["amount"]
    data = {**ADDRESS_FORM, "country": "BE", "currency": "EUR", "expected_total": amount, **extra}
    return client.post(reverse("checkout"), data)


@pytest.fixture
def shopper(client: Client, reference_data: None, buyer: BuyerProfile) -> Client:
    return as_buyer(client, buyer)


# --- Who may check out -----------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_and_back_to_checkout(client: Client) -> None:
    response = client.get(reverse("checkout"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/checkout/"


def test_a_seller_is_told_checkout_needs_a_buyer_account(
    client: Client, seller: Any, reference_data: None
) -> None:
    client.force_login(seller.user)

    response = client.get(reverse("checkout"))

    assert response.status_code == 403
    assert "Checkout and orders are for buyers" in text(response)
    assert reverse("signup_buyer") in text(response)


def test_an_empty_cart_goes_back_to_the_cart_with_a_note(shopper: Client) -> None:
    response = shopper.get(reverse("checkout"), follow=True)

    assert response.redirect_chain == [(reverse("cart"), 302)]
    assert "Your cart is empty: add something to it first." in text(response)


def test_the_cart_offers_checkout_and_the_nav_links_to_my_orders(shopper: Client) -> None:
    add(shopper, ListingFactory.create())

    page = text(shopper.get(reverse("cart")))

    assert f'href="{reverse("checkout")}">Checkout</a>' in page
    assert f'href="{reverse("order_list")}"' in page
    assert ">My orders</a>" in page


def test_a_sellers_nav_links_to_incoming_orders(client: Client, seller: Any) -> None:
    client.force_login(seller.user)

    page = text(client.get(reverse("home")))

    assert f'href="{reverse("seller_orders")}">Orders</a>' in page
    assert ">My orders</a>" not in page


# --- What the page shows ---------------------------------------------------------------------


def test_checkout_shows_one_order_per_seller_and_the_engines_grand_total(
    shopper: Client,
) -> None:
    first = ListingFactory.create(seller=SellerFactory.create(company_name="Lotus Crafts"))
    second = ListingFactory.create(seller=SellerFactory.create(company_name="Silk Road Tea"))
    add(shopper, first, 2)
    add(shopper, second, 1)
    total = engine_total(Item(first, 2), Item(second, 1))

    page = text(shopper.get(reverse("checkout")))

    assert "Delivered to <strong>Belgium</strong>, paid in <strong>EUR</strong>" in page
    assert "Your cart becomes 2 orders, one per seller" in page
    assert "Order 1: from Lotus Crafts" in page
    assert "Order 2: from Silk Road Tea" in page
    assert shown(total) in page
    assert f'name="expected_total" value="{total["amount"]}"' in page
    assert "Place orders" in page


def test_checkout_delivers_to_the_ship_to_country_in_its_currency(shopper: Client) -> None:
    listing = ListingFactory.create()
    add(shopper, listing)
    shopper.post(reverse("ship_to"), {"country": "FR", "currency": "GBP", "next": "/"})
    total = engine_total(Item(listing, 1), country="FR", currency="GBP")

    page = text(shopper.get(reverse("checkout")))

    assert "Delivered to <strong>France</strong>, paid in <strong>GBP</strong>" in page
    assert shown(total) in page
    assert 'name="country" value="FR"' in page
    assert 'name="currency" value="GBP"' in page


# --- Placing the orders ----------------------------------------------------------------------


def test_placing_makes_one_order_per_seller_reserves_stock_and_clears_the_cart(
    shopper: Client, buyer: BuyerProfile
) -> None:
    first = ListingFactory.create(stock=5)
    second = ListingFactory.create(stock=5)
    add(shopper, first, 2)
    add(shopper, second, 1)
    total = engine_total(Item(first, 2), Item(second, 1))

    response = confirm(shopper, total)

    orders = list(Order.objects.filter(buyer=buyer).order_by("id"))
    assert len(orders) == 2
    assert {o.checkout for o in orders} == {orders[0].checkout}
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout_orders", args=[orders[0].checkout])
    assert sum(o.total for o in orders) == Decimal(total["amount"])
    assert (orders[0].ship_name, orders[0].ship_city, orders[0].ship_country) == (
        ADDRESS.name,
        ADDRESS.city,
        "BE",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stock, second.stock) == (3, 4)
    assert cart_quantities(shopper.session) == {}
    page = text(shopper.get(response["Location"]))
    assert "Thank you: 2 orders placed and the goods reserved." in page
    assert "Pay 2 orders" in page


def test_a_changed_total_is_shown_old_and_new_and_nothing_is_reserved(
    shopper: Client, buyer: BuyerProfile
) -> None:
    listing = ListingFactory.create(stock=5)
    add(shopper, listing, 1)
    old = engine_total(Item(listing, 1))
    Listing.objects.filter(pk=listing.pk).update(price=Decimal("25.00"))
    listing.refresh_from_db()
    new = engine_total(Item(listing, 1))
    assert new != old

    response = confirm(shopper, old)

    page = text(response)
    assert response.status_code == 200
    assert "The total has changed." in page
    assert f"changed from {shown(old)} to {shown(new)} since you saw it" in page
    assert "Nothing was charged or reserved." in page
    assert f'name="expected_total" value="{new["amount"]}"' in page
    assert "Confirm and place order" in page
    assert not Order.objects.filter(buyer=buyer).exists()
    listing.refresh_from_db()
    assert listing.stock == 5

    again = confirm(shopper, new)

    assert again.status_code == 302
    assert Order.objects.filter(buyer=buyer).count() == 1


def test_a_ship_to_changed_since_the_page_asks_to_confirm_again(
    shopper: Client, buyer: BuyerProfile
) -> None:
    listing = ListingFactory.create()
    add(shopper, listing)
    total = engine_total(Item(listing, 1))
    shopper.post(reverse("ship_to"), {"country": "FR", "currency": "EUR", "next": "/"})

    response = confirm(shopper, total)

    assert response.status_code == 200
    assert "the orders now go to France, in EUR" in text(response)
    assert not Order.objects.exists()


def test_out_of_stock_goes_back_to_the_cart_and_reserves_nothing(
    shopper: Client, buyer: BuyerProfile
) -> None:
    plenty = ListingFactory.create(stock=10)
    scarce = ListingFactory.create(title="Last teapot", stock=3)
    add(shopper, plenty, 2)
    add(shopper, scarce, 3)
    total = engine_total(Item(plenty, 2), Item(scarce, 3))
    Listing.objects.filter(pk=scarce.pk).update(stock=1)

    response = confirm(shopper, total)

    assert response.status_code == 302
    assert response["Location"] == reverse("cart")
    page = text(shopper.get(reverse("cart")))
    assert escape("Only 1 of “Last teapot” left; you asked for 3.") in page
    assert "Nothing was reserved" in page
    assert not Order.objects.exists()
    plenty.refresh_from_db()
    assert plenty.stock == 10
    assert cart_quantities(shopper.session) == {plenty.pk: 2, scarce.pk: 3}


def test_a_refused_cart_is_explained_offers_no_button_and_orders_nothing(
    shopper: Client,
) -> None:
    pistol = ListingFactory.create(title="Antique pistol", hs_code="930200")
    add(shopper, pistol)

    page = text(shopper.get(reverse("checkout")))
    response = confirm(shopper, "10.00")

    assert "Your cart can't be delivered to Belgium as it is." in page
    assert "may not be imported into Belgium" in page
    assert "Place order" not in page
    assert response.status_code == 200
    assert "Your cart can't be delivered to Belgium as it is." in text(response)
    assert not Order.objects.exists()


def test_a_currency_without_a_rate_is_explained(client: Client, reference_data: None) -> None:
    as_buyer(client, BuyerFactory.create(preferred_currency="JPY"))
    add(client, ListingFactory.create())

    page = text(client.get(reverse("checkout")))

    assert "Prices can't be shown in JPY." in page
    assert "Place order" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("city", "x" * 101, "Ensure this value has at most 100 characters"),
        ("line1", "Rue\x00Neuve", "Null characters are not allowed."),
        ("expected_total", "12e3", "The checkout page was not complete"),
        ("expected_total", "", "The checkout page was not complete"),
        ("currency", "EURO", "The checkout page was not complete"),
    ],
)
def test_bad_input_is_explained_on_the_page_and_orders_nothing(
    shopper: Client, field: str, value: str, message: str
) -> None:
    listing = ListingFactory.create()
    add(shopper, listing)
    total = engine_total(Item(listing, 1))

    response = confirm(shopper, total, **{field: value})

    assert response.status_code == 200
    assert message in text(response)
    assert not Order.objects.exists()


def test_a_listing_gone_off_sale_is_dropped_before_checkout(
    shopper: Client, buyer: BuyerProfile
) -> None:
    kept = ListingFactory.create()
    gone = ListingFactory.create(price=Money(Decimal("30.00"), "USD"))
    add(shopper, kept)
    add(shopper, gone)
    Listing.objects.filter(pk=gone.pk).update(status=Listing.Status.ARCHIVED)

    response = confirm(shopper, engine_total(Item(kept, 1)))

    assert response.status_code == 302
    order = Order.objects.get(buyer=buyer)
    assert [line.listing_id for line in order.lines.all()] == [kept.pk]


def test_checkout_accepts_only_get_and_post(shopper: Client) -> None:
    assert shopper.put(reverse("checkout")).status_code == 405
