from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ehubs.services import network_import
from tests.ehubs.factories import CorridorFactory, HubFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_hubs_with_sorted_served_countries(
    api_client: APIClient, network_doc: dict[str, Any]
) -> None:
    network_import(data=network_doc)

    response = api_client.get("/api/v1/hubs/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "code": "HGH",
                "name": "Hangzhou eHub",
                "country": "CN",
                "city": "Hangzhou",
                "currency": "CNY",
                "serves": ["CN"],
            },
            {
                "code": "LGG",
                "name": "Liège eHub",
                "country": "BE",
                "city": "Liège",
                "currency": "EUR",
                "serves": ["BE", "DE", "FR", "LU", "NL"],
            },
        ],
    }


def test_hub_list_is_paginated(api_client: APIClient) -> None:
    for n in range(3):
        HubFactory.create(code=f"H{n}X", serves=[["CN", "BE", "RW"][n]])

    first = api_client.get("/api/v1/hubs/", {"page_size": 2}).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 3
    assert [h["code"] for h in first["results"]] == ["H0X", "H1X"]
    assert first["previous"] is None
    assert [h["code"] for h in second["results"]] == ["H2X"]
    assert second["next"] is None


def test_hub_list_queries_do_not_grow_with_hubs(
    api_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    for n, country in enumerate(["CN", "BE", "RW", "MY", "US"]):
        HubFactory.create(code=f"H{n}X", serves=[country])

    with django_assert_max_num_queries(3):  # count, page, served countries
        api_client.get("/api/v1/hubs/")


def test_hub_detail_includes_corridors_out_with_decimal_string_amounts(
    api_client: APIClient, network_doc: dict[str, Any]
) -> None:
    network_import(data=network_doc)
    CorridorFactory.create(
        from_hub=HubFactory.create(code="HGH"),
        to_hub=HubFactory.create(code="NRT", country="JP", currency="JPY"),
        transit_days=3,
        currency="JPY",
        base_fee="500",
        per_kg="0.0125",
    )

    response = api_client.get("/api/v1/hubs/HGH/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "HGH",
        "name": "Hangzhou eHub",
        "country": "CN",
        "city": "Hangzhou",
        "currency": "CNY",
        "serves": ["CN"],
        "corridors_out": [
            {
                "to": "LGG",
                "transit_days": 6,
                "base_fee": "4.00",
                "per_kg": "6.50",
                "currency": "USD",
            },
            {
                "to": "NRT",
                "transit_days": 3,
                "base_fee": "500",
                "per_kg": "0.0125",
                "currency": "JPY",
            },
        ],
    }


def test_unknown_hub_is_404(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/hubs/NOPE/").status_code == 404


def test_hubs_are_read_only(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/hubs/", {"code": "NEW"}, format="json")

    assert response.status_code in (401, 403, 405)
