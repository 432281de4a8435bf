"""HS 2022 codes on the pages: the listing form refuses unknown subheadings and helps find the
right one without JavaScript; listing page, cards, cart, seller list and admin describe the code;
/hs-codes/ searches the nomenclature."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from djmoney.money import Money

from marketplace.models import Listing, SellerProfile
from tests.factories import ListingFactory, SellerFactory
from tests.marketplace.test_pages import as_user, listing_post_data

pytestmark = pytest.mark.django_db

TSHIRT = "T-shirts, singlets and other vests; of cotton, knitted or crocheted"
UNKNOWN_610999 = (
    '"610999" is not an HS 2022 subheading. Heading 6109 is "T-shirts, singlets and other '
    'vests; knitted or crocheted": its subheadings are 610910, 610990.'
)


def text(response: Any) -> str:
    return response.content.decode()


def input_value(page: str, name: str) -> str | None:
    """The value="" of the input named `name` on the page (None when there is none)."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group())
    return value.group(1) if value else ""


def signed_in(client: Client, user: User) -> Client:
    return as_user(client, user)


# --- validation -------------------------------------------------------------------------------


def test_the_model_refuses_a_code_that_is_not_a_subheading_naming_the_heading() -> None:
    listing = ListingFactory.build(seller=SellerFactory.create(), hs_code="610999")

    with pytest.raises(ValidationError) as err:
        listing.full_clean()

    assert err.value.message_dict == {"hs_code": [UNKNOWN_610999]}


def test_the_listing_form_refuses_an_unknown_subheading_next_to_the_field(
    client: Client, seller: SellerProfile
) -> None:
    response = signed_in(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(hs_code="6109.99")
    )

    assert response.status_code == 200
    page = text(response)
    assert escape(UNKNOWN_610999) in page
    assert "Please correct the 1 field marked below." in page
    assert not Listing.objects.exists()


def test_a_bad_format_gets_one_message_not_two(client: Client, seller: SellerProfile) -> None:
    response = signed_in(client, seller.user).post(
        reverse("seller_listing_create"), listing_post_data(hs_code="12345678901")
    )

    page = text(response)
    assert "Enter an HS code of 6 to 10 digits" in page
    assert "is not an HS 2022 subheading" not in page


# --- "Find my HS code" without JavaScript -----------------------------------------------------


def test_find_hs_code_keeps_what_the_seller_typed_and_lists_ranked_subheadings(
    client: Client, seller: SellerProfile
) -> None:
    data = listing_post_data(
        title="Organic tee", hs_code="", stock="", **{"hs-q": "cotton t-shirt"}
    )
    data["hs_find"] = "1"

    response = signed_in(client, seller.user).post(reverse("seller_listing_create"), data)

    assert response.status_code == 200
    page = text(response)
    assert input_value(page, "title") == "Organic tee"
    assert input_value(page, "price_0") == "38.50"
    assert input_value(page, "hs-q") == "cotton t-shirt"
    buttons = re.findall(r'name="hs_choose" value="(\d{6})"', page)
    assert buttons[0] == "610910"
    assert len(buttons) == 10
    assert escape(TSHIRT) in page
    assert "Heading 6109: T-shirts, singlets and other vests; knitted or crocheted" in page
    # Not saved, and no "required" complaints about the fields left empty.
    assert not Listing.objects.exists()
    assert "This field is required." not in page
    assert "Please correct" not in page


def test_choosing_a_result_sets_the_hs_code_and_saving_keeps_it(
    client: Client, seller: SellerProfile
) -> None:
    signed_in(client, seller.user)
    data = listing_post_data(title="Organic tee", hs_code="", **{"hs-q": "cotton t-shirt"})
    data["hs_choose"] = "610910"

    chosen = client.post(reverse("seller_listing_create"), data)

    page = text(chosen)
    assert input_value(page, "hs_code") == "610910"
    assert input_value(page, "title") == "Organic tee"
    assert "HS code set to <code>610910</code>" in page
    assert not Listing.objects.exists()

    # The seller then presses Save: the form as re-rendered, without the finder's buttons.
    data = listing_post_data(title="Organic tee", hs_code="610910", **{"hs-q": "cotton t-shirt"})
    saved = client.post(reverse("seller_listing_create"), data, follow=True)

    assert "Listing saved." in text(saved)
    listing = Listing.objects.get(seller=seller)
    assert (listing.title, listing.hs_code) == ("Organic tee", "610910")


def test_the_finder_on_the_edit_page_changes_nothing_until_saved(
    client: Client, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, title="Green tea", hs_code="090230")
    data = listing_post_data(title="Sencha green tea", hs_code="090230", **{"hs-q": "green tea"})
    data["hs_find"] = "1"

    response = signed_in(client, seller.user).post(
        reverse("seller_listing_edit", args=[listing.pk]), data
    )

    page = text(response)
    assert input_value(page, "title") == "Sencha green tea"
    assert 'value="090210"' in page
    listing.refresh_from_db()
    assert listing.title == "Green tea"


def test_an_empty_search_says_what_to_type(client: Client, seller: SellerProfile) -> None:
    data = listing_post_data(**{"hs-q": ""})
    data["hs_find"] = "1"

    page = text(signed_in(client, seller.user).post(reverse("seller_listing_create"), data))

    assert "Type words that describe the goods" in page
    assert not Listing.objects.exists()


def test_a_choice_that_is_not_a_subheading_is_refused(
    client: Client, seller: SellerProfile
) -> None:
    data = listing_post_data(hs_code="691200", **{"hs-q": "mug"})
    data["hs_choose"] = "999999"

    page = text(signed_in(client, seller.user).post(reverse("seller_listing_create"), data))

    assert escape("“999999” is not an HS 2022 subheading; choose one below.") in page
    assert input_value(page, "hs_code") == "691200"
    assert not Listing.objects.exists()


def test_enter_in_the_form_still_saves_the_first_submit_button_is_save(
    client: Client, seller: SellerProfile
) -> None:
    page = text(signed_in(client, seller.user).get(reverse("seller_listing_create")))

    form = page[page.index('<form method="post" class="form form-wide"') :]
    first_button = re.search(r"<button[^>]*>[^<]*</button>", form)
    assert first_button is not None
    assert "Save listing" in first_button.group()
    assert "name=" not in first_button.group()
    assert "Find HS code" in form


# --- descriptions wherever a code is shown ----------------------------------------------------


def test_the_listing_page_and_cards_show_the_subheadings_description(client: Client) -> None:
    listing = ListingFactory.create(title="Cotton T-shirt", hs_code="6109100010")

    detail = text(client.get(reverse("listing_detail", args=[listing.pk])))
    home = text(client.get(reverse("home")))

    assert escape(TSHIRT) in detail
    assert escape(TSHIRT[:40]) in home


def test_the_cart_lines_show_the_subheadings_description(
    client: Client, reference_data: None
) -> None:
    listing = ListingFactory.create(
        seller=SellerFactory.create(country="CN"), hs_code="090210",
        price=Money(Decimal("9.00"), "USD"),
    )  # fmt: skip
    client.post(reverse("cart_add"), {"listing": listing.pk, "quantity": 1})

    page = text(client.get(reverse("cart")))

    assert (
        escape("Tea, green; (not fermented), in immediate packings of a content not exceeding 3kg")
        in page
    )


def test_the_sellers_listing_list_shows_the_description(
    client: Client, seller: SellerProfile
) -> None:
    ListingFactory.create(seller=seller, hs_code="610910")

    page = text(signed_in(client, seller.user).get(reverse("seller_listings")))

    assert escape(TSHIRT) in page


def test_the_admin_listing_list_shows_the_description(admin_client: Client) -> None:
    ListingFactory.create(hs_code="610910")

    page = text(admin_client.get(reverse("admin:marketplace_listing_changelist")))

    assert "HS 2022 subheading" in page
    assert escape(TSHIRT) in page


# --- /hs-codes/ -------------------------------------------------------------------------------


def test_the_hs_codes_page_searches_by_words(client: Client) -> None:
    response = client.get(reverse("hs_codes"), {"q": "cotton t-shirt"})

    assert response.status_code == 200
    page = text(response)
    assert page.index("<code>610910</code>") < page.index("<code>610990</code>")
    assert escape(TSHIRT) in page
    assert "hs_choose" not in page


def test_the_hs_codes_page_lists_a_headings_subheadings_by_digits(client: Client) -> None:
    page = text(client.get(reverse("hs_codes"), {"q": "0902"}))

    assert re.findall(r"<code>(\d{6})</code>", page) == ["090210", "090220", "090230", "090240"]


def test_the_hs_codes_page_says_when_nothing_matches(client: Client) -> None:
    page = text(client.get(reverse("hs_codes"), {"q": "zzzqqq"}))

    assert escape("No HS 2022 subheading matches “zzzqqq”.") in page


def test_the_hs_codes_page_refuses_a_query_too_long(client: Client) -> None:
    response = client.get(reverse("hs_codes"), {"q": "x" * 201})

    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in text(response)
