"""The OpenAPI schema and its Swagger UI are served, self-hosted, and describe the API."""

from __future__ import annotations

import re

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_is_served(api_client: APIClient) -> None:
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/auth/token/",
        "/api/v1/sellers/",
        "/api/v1/buyers/",
        "/api/v1/listings/",
        "/api/v1/listings/{id}/",
    } <= set(schema["paths"])


def test_the_schema_documents_money_as_an_object(api_client: APIClient) -> None:
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    components = schema["components"]["schemas"]

    assert components["ListingOutput"]["properties"]["price"]["allOf"] == [
        {"$ref": "#/components/schemas/Money"}
    ]
    assert components["Money"]["required"] == ["amount", "currency"]
    assert components["Money"]["properties"]["amount"]["type"] == "string"
    assert components["ListingInputRequest"]["properties"]["price"] == {
        "$ref": "#/components/schemas/MoneyRequest"
    }


def test_the_listing_filters_are_documented(api_client: APIClient) -> None:
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    params = {p["name"] for p in schema["paths"]["/api/v1/listings/"]["get"]["parameters"]}

    assert {
        "search",
        "origin_country",
        "hs_prefix",
        "min_price",
        "max_price",
        "currency",
        "seller",
        "status",
        "ordering",
        "page",
        "page_size",
    } <= params


def test_swagger_ui_is_served_without_external_cdn(api_client: APIClient) -> None:
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html
