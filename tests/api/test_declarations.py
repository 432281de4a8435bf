"""GET /api/v1/declarations/ and /{id}/: who sees which declaration (its seller, operators of
its hub, superusers; nobody else), the fields of docs/API.md, filters and pagination."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from customs.models import Declaration
from tests.api.conftest import _token_client
from tests.api.declarations_api import (
    DECLARATIONS,
    CaptureCommits,
    Filed,
    declaration_url,
    filed,
    operator,
    paid,
)
from tests.factories import SellerFactory, UserFactory
from tests.trade import Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(trade: Trade, django_capture_on_commit_callbacks: CaptureCommits) -> Filed:
    return filed(trade, django_capture_on_commit_callbacks)


def _listed(client: APIClient, query: str = "") -> set[int]:
    response = client.get(f"{DECLARATIONS}{query}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return {d["id"] for d in body["results"]}


def _sees(client: APIClient, declaration: Declaration) -> bool:
    status = client.get(declaration_url(declaration)).status_code
    assert status in (200, 404), status
    return status == 200


# --- who sees what ---------------------------------------------------------------------------


def test_a_seller_sees_only_their_own_declarations(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    assert _listed(seller) == {world.export.pk, world.import_.pk}
    assert _sees(seller, world.import_)
    assert not _sees(seller, world.other_export)


def test_an_operator_sees_only_the_declarations_of_their_hubs(world: Filed) -> None:
    hangzhou = _token_client(operator("HGH"))

    assert _listed(hangzhou) == {world.export.pk, world.other_export.pk}
    assert _sees(hangzhou, world.other_export)
    assert not _sees(hangzhou, world.import_)


def test_an_operator_of_both_hubs_sees_each_declaration_once(world: Filed) -> None:
    both = _token_client(operator("HGH", "LGG"))

    response = both.get(DECLARATIONS)

    assert response.json()["count"] == 4
    assert {d["id"] for d in response.json()["results"]} == world.ids()


def test_an_operator_of_another_hub_sees_none(world: Filed) -> None:
    kigali = _token_client(operator("KGL"))

    assert _listed(kigali) == set()
    assert not _sees(kigali, world.export)


def test_the_buyer_of_the_order_sees_no_declaration(trade: Trade, world: Filed) -> None:
    buyer = _token_client(trade.buyer.user)

    assert _listed(buyer) == set()
    assert not _sees(buyer, world.import_)


def test_a_superuser_sees_every_declaration(world: Filed) -> None:
    root = _token_client(User.objects.create_superuser("root", "root@example.com", "x-Pass-42"))

    assert _listed(root) == world.ids()
    assert _sees(root, world.other_import)


def test_an_operator_whose_account_was_closed_sees_none(world: Filed) -> None:
    user = operator("HGH")
    user.is_active = False
    user.save()
    client = APIClient()
    client.force_authenticate(user=user)  # a session still open when the account was closed

    assert _listed(client) == set()
    assert not _sees(client, world.export)


@pytest.mark.parametrize("path", ["", "{id}/"])
def test_anonymous_callers_get_a_401(api_client: APIClient, world: Filed, path: str) -> None:
    response = api_client.get(DECLARATIONS + path.format(id=world.export.pk))

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_an_unknown_or_malformed_id_is_a_404(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    for bad in ("0", "999999", "abc", "99999999999999999999999"):
        response = seller.get(f"{DECLARATIONS}{bad}/")
        assert response.status_code == 404, bad
        assert set(response.json()) == {"detail"}


# --- what a declaration says -----------------------------------------------------------------


def test_a_declaration_has_the_fields_of_the_contract(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    body = seller.get(declaration_url(world.import_)).json()

    d = world.import_
    assert body == {
        "id": d.pk,
        "order": world.order.pk,
        "hub": "LGG",
        "direction": "import",
        "mode": "ECOM",
        "status": "review",
        "customs_value": {"amount": f"{d.customs_value:.2f}", "currency": "EUR"},
        "duty": {"amount": f"{d.duty:.2f}", "currency": "EUR"},
        "tax": {"amount": f"{d.tax:.2f}", "currency": "EUR"},
        "reasons": [
            {
                "rule": "unverified_seller",
                "message": "The seller Hangzhou Shirts Co is not verified.",
            }
        ],
    }
    assert body["duty"] != {"amount": "0.00", "currency": "EUR"}  # an import's duty is declared


def test_an_export_is_declared_at_the_origin_hub_without_duty_or_tax(
    trade: Trade, world: Filed
) -> None:
    seller = _token_client(trade.seller.user)

    body = seller.get(declaration_url(world.export)).json()

    assert (body["hub"], body["direction"], body["mode"]) == ("HGH", "export", "9610")
    assert body["customs_value"] == {"amount": "40.00", "currency": "USD"}  # 2 shirts at USD 20
    assert body["duty"] == body["tax"] == {"amount": "0.00", "currency": "USD"}


def test_amounts_are_rounded_to_the_currencys_minor_unit(trade: Trade, world: Filed) -> None:
    Declaration.objects.filter(pk=world.import_.pk).update(customs_value="22.1650", tax="0.0049")
    seller = _token_client(trade.seller.user)

    body = seller.get(declaration_url(world.import_)).json()

    assert body["customs_value"]["amount"] == "22.17"  # half up
    assert body["tax"]["amount"] == "0.00"


def test_a_list_and_a_declarations_own_url_give_the_same_body(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    listed = {d["id"]: d for d in seller.get(DECLARATIONS).json()["results"]}

    assert listed[world.export.pk] == seller.get(declaration_url(world.export)).json()


def test_a_cleared_declaration_says_it_cleared_automatically(
    trade: Trade, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    trade.seller.verified = True
    trade.seller.save()
    order = paid(trade, django_capture_on_commit_callbacks, (trade.mug, 1))
    seller = _token_client(trade.seller.user)

    results = seller.get(DECLARATIONS).json()["results"]

    assert [(d["order"], d["status"]) for d in results] == [(order.pk, "cleared")] * 2
    assert results[0]["reasons"] == [
        {"rule": "auto_clear", "message": "Cleared automatically: no screening rule applied."}
    ]


# --- filters ---------------------------------------------------------------------------------


def test_the_filters_narrow_the_list(world: Filed) -> None:
    both = _token_client(operator("HGH", "LGG"))
    Declaration.objects.filter(pk=world.other_import.pk).update(status="held")

    assert _listed(both, "?hub=HGH") == {world.export.pk, world.other_export.pk}
    assert _listed(both, "?direction=import") == {world.import_.pk, world.other_import.pk}
    assert _listed(both, "?status=held") == {world.other_import.pk}
    assert _listed(both, "?status=review&direction=import&hub=LGG") == {world.import_.pk}
    assert _listed(both, "?status=cleared") == set()


def test_a_filter_never_widens_what_a_user_sees(trade: Trade, world: Filed) -> None:
    seller = _token_client(SellerFactory.create().user)

    assert _listed(seller, "?hub=HGH") == set()


def test_empty_filters_count_as_absent(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    assert _listed(seller, "?status=&direction=&hub=") == {world.export.pk, world.import_.pk}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=open", "status", "Select a valid choice. open is not one of the available"),
        ("status=Review", "status", "Select a valid choice."),
        ("direction=transit", "direction", "Select a valid choice."),
        ("hub=hgh", "hub", "Enter a hub code: 2–10 capital letters or digits."),
        ("hub=%20HGH", "hub", "Enter a hub code: 2–10 capital letters or digits."),
        ("hub=HG%00H", "hub", "Null characters are not allowed."),
        ("hub=ZZZ", "hub", "There is no hub ZZZ: see GET /api/v1/hubs/."),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(
    trade: Trade, world: Filed, query: str, field: str, message: str
) -> None:
    seller = _token_client(trade.seller.user)

    response = seller.get(f"{DECLARATIONS}?{query}")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert any(sentence.startswith(message) for sentence in body[field]), body


def test_filters_do_not_hide_a_declarations_own_url(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    assert seller.get(f"{declaration_url(world.export)}?direction=import").status_code == 200


# --- pagination ------------------------------------------------------------------------------


def test_the_list_is_paginated_oldest_first(trade: Trade, world: Filed) -> None:
    both = _token_client(operator("HGH", "LGG"))

    first = both.get(f"{DECLARATIONS}?page_size=3").json()
    second = both.get(first["next"]).json()

    assert first["count"] == 4 and first["previous"] is None
    assert [d["id"] for d in first["results"] + second["results"]] == sorted(world.ids())
    assert second["next"] is None
    assert both.get(f"{DECLARATIONS}?page=3&page_size=3").status_code == 404
    assert both.get(f"{DECLARATIONS}?page=0").json() == {"page": ["Enter a page number from 1."]}


def test_the_next_link_keeps_the_filters(world: Filed) -> None:
    both = _token_client(operator("HGH", "LGG"))

    first = both.get(f"{DECLARATIONS}?hub=HGH&page_size=1").json()

    assert "hub=HGH" in first["next"]
    assert both.get(first["next"]).json()["results"][0]["id"] == world.other_export.pk


# --- reads stay cheap ------------------------------------------------------------------------


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_reads_a_fixed_number_of_queries_however_many_declarations(
    trade: Trade, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    user = operator("HGH", "LGG")
    client = _token_client(user)
    paid(trade, django_capture_on_commit_callbacks, (trade.shirt, 1))
    few = _queries(client, DECLARATIONS)
    for _ in range(3):
        paid(trade, django_capture_on_commit_callbacks, (trade.mug, 1))
        paid(trade, django_capture_on_commit_callbacks, (trade.book, 1))

    many = _queries(client, DECLARATIONS)

    assert Declaration.objects.count() == 14
    assert many == few
    assert many <= 4  # the token, the count, the page (with its hubs)


def test_a_user_with_no_declarations_gets_an_empty_page(world: Filed) -> None:
    client = _token_client(UserFactory.create())

    response = client.get(DECLARATIONS)

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
