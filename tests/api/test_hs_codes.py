"""GET /api/v1/hs-codes/?search=… and /api/v1/hs-codes/{code}/, and HS codes refused or described
by the listings and quotes APIs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from ewtp.api.inputs import NOT_BLANK_PATTERN
from marketplace.models import Listing, SellerProfile
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/hs-codes/"


def get(path: str, **params: Any) -> Any:
    return APIClient().get(path, params)


def test_search_ranks_subheadings_with_their_heading_chapter_and_section() -> None:
    response = get(URL, search="cotton t-shirt")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 1
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"][0] == {
        "code": "610910",
        "level": "subheading",
        "description": "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
        "heading": {
            "code": "6109",
            "description": "T-shirts, singlets and other vests; knitted or crocheted",
        },
        "chapter": {
            "code": "61",
            "description": "Apparel and clothing accessories; knitted or crocheted",
        },
        "section": {"code": "XI", "description": "Textiles and textile articles"},
    }


def test_search_is_paginated_like_the_other_lists() -> None:
    first = get(URL, search="cotton", page_size=5).json()
    second = get(URL, search="cotton", page_size=5, page=2).json()

    assert len(first["results"]) == 5
    assert first["next"] and "page=2" in first["next"]
    assert {r["code"] for r in first["results"]}.isdisjoint(r["code"] for r in second["results"])


def test_digits_search_by_code_prefix() -> None:
    body = get(URL, search="0902").json()

    assert [r["code"] for r in body["results"]] == ["090210", "090220", "090230", "090240"]


def test_green_tea_is_found_ranked_high() -> None:
    codes = [r["code"] for r in get(URL, search="green tea").json()["results"]]

    assert "090210" in codes[:3]


@pytest.mark.parametrize("params", [{}, {"search": ""}, {"search": "   "}, {"search": "\x1d\t"}])
def test_a_missing_or_empty_search_is_a_400_saying_what_to_send(params: dict[str, str]) -> None:
    response = get(URL, **params)

    assert response.status_code == 400
    assert response.json() == {
        "search": [
            "Give words to search for, e.g. ?search=cotton+t-shirt, or the first digits of a code."
        ]
    }


def test_a_search_too_long_is_a_400() -> None:
    response = get(URL, search="cotton " * 40)

    assert response.status_code == 400
    assert list(response.json()) == ["search"]


@pytest.mark.parametrize("search", ["\x00", "cotton\x00shirt"])
def test_a_search_with_a_nul_character_is_a_400_like_every_text_field(search: str) -> None:
    response = get(URL, search=search)

    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


def test_a_search_is_too_long_by_its_length_as_sent_spaces_included() -> None:
    response = get(URL, search="cotton".ljust(201))

    assert response.status_code == 400
    assert list(response.json()) == ["search"]
    assert get(URL, search="cotton".ljust(200)).status_code == 200


def test_a_search_without_matches_is_an_empty_page() -> None:
    body = get(URL, search="zzzqqq").json()

    assert (body["count"], body["results"]) == (0, [])


@pytest.mark.parametrize(
    ("code", "level", "children"),
    [("61", "chapter", 17), ("6109", "heading", 2), ("610910", "subheading", 0)],
)
def test_a_code_of_2_4_or_6_digits_is_looked_up_with_its_contents(
    code: str, level: str, children: int
) -> None:
    response = get(f"{URL}{code}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["level"], len(body["children"])) == (code, level, children)
    assert body["section"]["code"] == "XI"


def test_a_heading_lists_its_subheadings() -> None:
    body = get(f"{URL}6109/").json()

    assert body["chapter"]["code"] == "61"
    assert body["heading"] is None
    assert body["children"] == [
        {
            "code": "610910",
            "description": "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
        },
        {
            "code": "610990",
            "description": "T-shirts, singlets and other vests; of textile materials "
            "(other than cotton), knitted or crocheted",
        },
    ]


def test_an_unknown_subheading_is_a_404_naming_the_nearest_heading() -> None:
    response = get(f"{URL}610999/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": '"610999" is not an HS 2022 subheading. Heading 6109 is "T-shirts, singlets '
        'and other vests; knitted or crocheted": its subheadings are 610910, 610990.'
    }


@pytest.mark.parametrize(
    ("code", "detail"),
    [
        ("77", "77 is not an HS 2022 chapter."),
        ("6199", "6199 is not an HS 2022 heading."),
        ("12345", "An HS code here has 2, 4 or 6 digits; “12345” has not."),
        ("tshirt", "An HS code here has 2, 4 or 6 digits; “tshirt” has not."),
    ],
)
def test_other_unknown_codes_are_404s_in_json(code: str, detail: str) -> None:
    response = get(f"{URL}{code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_the_endpoints_are_in_the_schema(api_client: APIClient) -> None:
    import yaml

    schema = yaml.safe_load(api_client.get("/api/schema/").content)

    assert {"/api/v1/hs-codes/", "/api/v1/hs-codes/{code}/"} <= set(schema["paths"])
    params = schema["paths"]["/api/v1/hs-codes/"]["get"]["parameters"]
    assert {"search", "page", "page_size"} <= {p["name"] for p in params}
    search = next(p for p in params if p["name"] == "search")
    assert search["schema"]["pattern"] == NOT_BLANK_PATTERN  # not blank, no NUL
    lines = schema["components"]["schemas"]["QuoteLineOutput"]["properties"]
    assert "hs_description" in lines
    assert "hs_description" in schema["components"]["schemas"]["ListingOutput"]["properties"]


# --- listings refuse unknown subheadings and describe the known ---------------------------


def listing_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Cotton T-shirt",
        "hs_code": "610910",
        "origin_country": "CN",
        "price": {"amount": "12.00", "currency": "EUR"},
        "weight_grams": 180,
    }
    body.update(overrides)
    return body


def test_creating_a_listing_with_an_unknown_subheading_is_a_400_naming_the_heading(
    seller_client: APIClient,
) -> None:
    response = seller_client.post(
        "/api/v1/listings/", listing_body(hs_code="610999"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "hs_code": [
            '"610999" is not an HS 2022 subheading. Heading 6109 is "T-shirts, singlets and '
            'other vests; knitted or crocheted": its subheadings are 610910, 610990.'
        ]
    }
    assert not Listing.objects.exists()


def test_changing_a_listing_to_an_unknown_subheading_is_a_400_and_changes_nothing(
    seller_client: APIClient, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, hs_code="610910")

    response = seller_client.patch(
        f"/api/v1/listings/{listing.pk}/", {"hs_code": "6199000000"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["hs_code"][0].startswith(
        'The first six digits of 6199000000, "619900", are not an HS 2022 subheading. '
        'Chapter 61 is "Apparel and clothing accessories; knitted or crocheted"'
    )
    listing.refresh_from_db()
    assert listing.hs_code == "610910"


def test_a_listing_with_national_digits_is_described_by_its_subheading(
    seller_client: APIClient,
) -> None:
    response = seller_client.post(
        "/api/v1/listings/", listing_body(hs_code="6109100010"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["hs_description"] == (
        "T-shirts, singlets and other vests; of cotton, knitted or crocheted"
    )


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("   ", "Give words to search for"),
        ("tea\x00", "Null characters are not allowed."),
        ("tea" + " " * 200, "no more than 200 characters"),
    ],
)
def test_a_blank_nul_or_overlong_search_is_a_400_as_the_schema_says(
    api_client: APIClient, search: str, message: str
) -> None:
    response = api_client.get("/api/v1/hs-codes/", {"search": search})

    assert response.status_code == 400
    assert message in response.json()["search"][0]
    schema = api_client.get("/api/schema/?format=json").json()
    (parameter,) = [
        p
        for p in schema["paths"]["/api/v1/hs-codes/"]["get"]["parameters"]
        if p["name"] == "search"
    ]
    assert re.fullmatch(parameter["schema"]["pattern"], search) is None or len(search) > 200
