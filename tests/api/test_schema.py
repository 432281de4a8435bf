"""The OpenAPI schema and its Swagger UI are served, self-hosted, and describe the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from rest_framework.test import APIClient

from ewtp.api.inputs import NOT_BLANK_PATTERN
from marketplace.api.filters import AMOUNT_PATTERN

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


def _schema(api_client: APIClient) -> Any:
    return yaml.safe_load(api_client.get("/api/schema/").content)


def test_the_schema_states_the_quote_line_limits(api_client: APIClient) -> None:
    lines = _schema(api_client)["components"]["schemas"]["QuoteInputRequest"]["properties"]["lines"]

    assert (lines["minItems"], lines["maxItems"]) == (1, 100)


def test_the_schema_types_and_bounds_the_page_parameters(api_client: APIClient) -> None:
    params = {
        p["name"]: p for p in _schema(api_client)["paths"]["/api/v1/listings/"]["get"]["parameters"]
    }

    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert {"type": "integer", "minimum": 1} in params["page"]["schema"]["oneOf"]
    assert params["min_price"]["schema"]["pattern"] == AMOUNT_PATTERN
    assert params["search"]["allowEmptyValue"] is True


def test_the_schema_gives_money_input_the_decimals_of_its_currency(api_client: APIClient) -> None:
    schemas = _schema(api_client)["components"]["schemas"]
    by_places = {
        branch["properties"]["currency"]["$ref"].rsplit("/", 1)[1]: branch["properties"]["amount"]
        for branch in schemas["MoneyRequest"]["oneOf"]
    }

    assert "JPY" in schemas["CurrencyCodeWith0Decimals"]["enum"]
    assert "EUR" in schemas["CurrencyCodeWith2Decimals"]["enum"]
    two = by_places["CurrencyCodeWith2Decimals"]["oneOf"]
    assert two[0]["pattern"] == r"^(?=[0-9.]*[1-9])[0-9]{1,10}(\.[0-9]{1,2}0*)?$"
    assert two[1]["multipleOf"] == 0.01


def test_the_schema_states_account_and_text_rules(api_client: APIClient) -> None:
    seller = _schema(api_client)["components"]["schemas"]["SellerRegisterInputRequest"][
        "properties"
    ]

    assert seller["username"]["pattern"] == r"^[\w.@+-]+$"
    assert seller["password"]["minLength"] == 8
    assert seller["company_name"]["pattern"] == NOT_BLANK_PATTERN
    assert seller["email"]["format"] == "email"


def _links(schema: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    return {
        name: (link["operationId"], link["parameters"])
        for name, link in schema["paths"][path][method]["responses"][status]["links"].items()
    }


def test_the_schema_links_responses_to_the_requests_that_can_follow(
    api_client: APIClient,
) -> None:
    schema = _schema(api_client)
    by_id = {"id": "$response.body#/id"}
    listing = {
        "GetListing": ("v1_listings_retrieve", by_id),
        "UpdateListing": ("v1_listings_partial_update", by_id),
        "ArchiveListing": ("v1_listings_destroy", by_id),
    }

    assert _links(schema, "/api/v1/listings/", "post", "201") == listing
    assert _links(schema, "/api/v1/listings/{id}/", "patch", "200") == listing
    assert _links(schema, "/api/v1/listings/{id}/", "delete", "204") == {
        "GetArchivedListing": ("v1_listings_retrieve", {"id": "$request.path.id"})
    }
    seller = {"GetSeller": ("v1_sellers_retrieve", by_id)}
    assert _links(schema, "/api/v1/sellers/", "post", "201") == seller
    assert _links(schema, "/api/v1/sellers/me/", "get", "200") == seller
    first_code = {"code": "$response.body#/results/0/code"}
    assert _links(schema, "/api/v1/hubs/", "get", "200") == {
        "GetFirstHub": ("v1_hubs_retrieve", first_code)
    }
    assert _links(schema, "/api/v1/hs-codes/", "get", "200") == {
        "GetFirstHsCode": ("v1_hs_codes_retrieve", first_code)
    }
    by_first = {"id": "$response.body#/results/0/id"}
    assert _links(schema, "/api/v1/declarations/", "get", "200") == {
        "GetFirstDeclaration": ("v1_declarations_retrieve", by_first)
    }
    assert _links(schema, "/api/v1/declarations/{id}/", "get", "200") == {
        "DecideDeclaration": ("v1_declarations_decide_create", by_id)
    }
    assert _links(schema, "/api/v1/declarations/{id}/decide/", "post", "200") == {
        "GetDeclaration": ("v1_declarations_retrieve", by_id)
    }
    # The declarations are moved to the responses, not left on the operations.
    assert "x-ewtp-links" not in yaml.safe_dump(schema)


def _component(schema: dict[str, Any], ref: dict[str, str]) -> Any:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_the_schema_documents_the_declarations(api_client: APIClient) -> None:
    schema = _schema(api_client)
    components = schema["components"]["schemas"]
    declarations = schema["paths"]["/api/v1/declarations/"]["get"]
    decide = schema["paths"]["/api/v1/declarations/{id}/decide/"]["post"]

    assert {p["name"] for p in declarations["parameters"]} == {
        "status", "direction", "hub", "page", "page_size"
    }  # fmt: skip
    output = components["DeclarationOutput"]["properties"]
    assert set(output) == {
        "id", "order", "hub", "direction", "mode", "status", "customs_value", "duty", "tax",
        "reasons",
    }  # fmt: skip
    assert output["duty"] == {"$ref": "#/components/schemas/Money"}
    # Each `status` choice set has a name of its own.
    assert output["status"] == {"$ref": "#/components/schemas/DeclarationStatusEnum"}
    assert components["DeclarationStatusEnum"]["enum"] == [
        "submitted", "cleared", "review", "held", "rejected"
    ]  # fmt: skip
    assert "OrderStatusEnum" in components and "ListingStatusEnum" in components
    assert set(decide["responses"]) == {"200", "400", "401", "403", "404", "409", "429", "502"}
    conflict = _component(
        schema, decide["responses"]["409"]["content"]["application/json"]["schema"]
    )
    assert _component(schema, conflict["properties"]["code"]["allOf"][0])["enum"] == [
        "not_open", "idempotency_key_reused", "idempotency_key_in_use"
    ]  # fmt: skip
    assert "Idempotency-Key" in {p["name"] for p in decide["parameters"]}
    assert decide["requestBody"]["required"] is True


def test_the_schema_says_a_hold_or_a_rejection_needs_a_reason(api_client: APIClient) -> None:
    schema = _schema(api_client)
    approve, reasoned = schema["components"]["schemas"]["DecideInputRequest"]["oneOf"]

    assert _component(schema, approve["properties"]["decision"])["enum"] == ["approve"]
    assert approve["required"] == ["decision"]
    assert _component(schema, reasoned["properties"]["decision"])["enum"] == ["hold", "reject"]
    assert reasoned["required"] == ["decision", "reason"]
    assert reasoned["properties"]["reason"]["pattern"] == NOT_BLANK_PATTERN
    assert approve["properties"]["reason"]["maxLength"] == 1000


def test_a_link_to_a_missing_operation_or_response_fails_the_schema() -> None:
    from ewtp.api.links import link, links, postprocess_links

    def schema_with(declared: dict[str, Any]) -> dict[str, Any]:
        operation = {"operationId": "a_list", "responses": {"200": {}}, **declared}
        return {"paths": {"/a/": {"get": operation}}}

    good = schema_with(links(200, Self=link("a_list", "Again.")))
    assert postprocess_links(good, None, None, True)["paths"]["/a/"]["get"]["responses"] == {
        "200": {
            "links": {"Self": {"operationId": "a_list", "parameters": {}, "description": "Again."}}
        }
    }
    with pytest.raises(ValueError, match="no operation nowhere"):
        postprocess_links(schema_with(links(200, X=link("nowhere", "?"))), None, None, True)
    with pytest.raises(ValueError, match="GET /a/ has no 201 response"):
        postprocess_links(schema_with(links(201, X=link("a_list", "?"))), None, None, True)
