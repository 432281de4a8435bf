"""Malformed admin requests get the "bad request" page, never a 500 (ewtp.admin_guard)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Listing

pytestmark = pytest.mark.django_db

BAD_REQUEST_TEXT = "understand that request"


def assert_bad_request(response: object) -> None:
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert BAD_REQUEST_TEXT in response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("admin:marketplace_listing_changelist", {"status": "\x00"}),
        ("admin:marketplace_listing_changelist", {"price_currency": "\x00"}),
        ("admin:customs_tariffrow_changelist", {"destination": "\x00"}),
        ("admin:marketplace_sellerprofile_changelist", {"payout_currency": "a\x00"}),
        ("admin:payments_payout_changelist", {"currency": "\x00"}),
        ("admin:payments_settlement_changelist", {"payout_currency": "EUR\x00"}),
        (
            "admin:autocomplete",
            {
                "app_label": "marketplace",
                "model_name": "listing",
                "field_name": "seller",
                "term": "\x00",
            },
        ),
    ],
)
def test_a_nul_character_in_an_admin_query_string_is_a_bad_request(
    admin_client: Client, listing: Listing, url: str, query: dict[str, str]
) -> None:
    """On PostgreSQL these reached SQL and failed (500): a NUL cannot be in a query."""
    assert_bad_request(admin_client.get(reverse(url), query))


def test_admin_pages_with_ordinary_filters_still_answer(
    admin_client: Client, listing: Listing
) -> None:
    response = admin_client.get(
        reverse("admin:marketplace_listing_changelist"), {"status": "active"}
    )
    assert response.status_code == 200
    assert listing.title in response.content.decode()


@pytest.mark.parametrize("selected", ["abc", "\x00", "1.5"])
def test_an_action_on_ids_that_are_not_ids_is_a_bad_request_and_changes_nothing(
    admin_client: Client, listing: Listing, selected: str
) -> None:
    response = admin_client.post(
        reverse("admin:marketplace_listing_changelist"),
        {"action": "archive_selected", "_selected_action": [str(listing.pk), selected]},
    )
    assert_bad_request(response)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_an_action_on_real_ids_still_runs(admin_client: Client, listing: Listing) -> None:
    response = admin_client.post(
        reverse("admin:marketplace_listing_changelist"),
        {"action": "archive_selected", "_selected_action": [str(listing.pk)]},
        follow=True,
    )
    assert "1 listing(s) archived." in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ARCHIVED


@pytest.mark.parametrize(
    "query",
    [
        {"date__year": "99999999999"},
        {"date__year": "2026", "date__month": "99999999999999999999"},
        {"date__year": "٢٠٢٦"},
    ],
)
def test_a_date_hierarchy_beyond_any_date_is_a_bad_request(
    admin_client: Client, query: dict[str, str]
) -> None:
    response = admin_client.get(reverse("admin:payments_ratetable_changelist"), query)
    assert_bad_request(response)


def test_the_date_hierarchy_links_still_answer(admin_client: Client) -> None:
    changelist = reverse("admin:payments_ratetable_changelist")
    assert (
        admin_client.get(changelist, {"date__year": "2026", "date__month": "1"}).status_code == 200
    )
    # Django's own answer to an impossible date: the list with an error flag.
    assert (
        admin_client.get(changelist, {"date__year": "2026", "date__month": "13"}).status_code == 302
    )


def test_a_nul_in_the_changelist_search_is_left_to_its_form(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:marketplace_listing_changelist"), {"q": "a\x00b"})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["abc", "99999999999999999999999", "-1", "order:1"])
@pytest.mark.parametrize(
    "url", ["admin:payments_payout_changelist", "admin:payments_settlement_changelist"]
)
def test_a_payout_or_settlement_search_for_anything_answers_a_list(
    admin_client: Client, url: str, query: str
) -> None:
    response = admin_client.get(reverse(url), {"q": query})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
