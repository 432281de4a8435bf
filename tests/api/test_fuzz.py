"""Property-based fuzzing of every API operation from the project's own OpenAPI schema.

Schemathesis generates valid (positive) and invalid (negative) requests for each operation and
sends them through the WSGI app, as an anonymous client, a seller, a buyer or a hub operator.
Whatever it sends, the API must answer without a 5xx, with a status code, content type, headers
and body the schema documents; it must refuse every request the schema forbids, and accept
every request the schema allows unless the refusal depends on state no schema can state (see
`POSITIVE_REFUSALS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from customs.clearance import declarations_clear
from customs.models import Declaration
from ehubs.models import Hub
from marketplace.checkout import orders_place
from marketplace.models import Listing
from marketplace.orders import order_cancel, order_pay
from tests.factories import BuyerFactory, ListingFactory, SellerFactory, UserFactory
from tests.marketplace.conftest import reference_data_load
from tests.payouts import payout_write
from tests.trade import ADDRESS, GOOD_CARD

# Only the fuzzing phase: the coverage phase walks every enum value (about 250 countries and 300
# currencies) of every operation, hundreds of requests each, while fuzzing (valid and invalid
# data alike) is bounded by max_examples; boundaries are unit-tested in test_listings. The
# examples phase cannot run with `schema.given`, and the schema's examples are fuzzed anyway.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

# Schema-valid requests the server may still refuse, by operation: (status, the error keys it
# may name). Each is a fact of the data, not of the request's shape: a username already taken or
# a password Django finds too common or too like the username; wrong credentials; a listing that
# is not active, a currency without an exchange rate, or rules that refuse the quote (422); an HS
# code whose first six digits are not one of the 5,612 subheadings of the nomenclature.
POSITIVE_REFUSALS: dict[str, dict[int, re.Pattern[str]]] = {
    "POST /api/v1/auth/token/": {400: re.compile(r"non_field_errors")},
    "POST /api/v1/sellers/": {400: re.compile(r"username|password|payout_currency")},
    "POST /api/v1/buyers/": {400: re.compile(r"username|password|preferred_currency")},
    "PATCH /api/v1/sellers/me/": {400: re.compile(r"payout_currency")},
    "PATCH /api/v1/buyers/me/": {400: re.compile(r"preferred_currency")},
    "POST /api/v1/listings/": {400: re.compile(r"hs_code")},
    "PATCH /api/v1/listings/{id}/": {400: re.compile(r"hs_code")},
    "POST /api/v1/quotes/": {
        400: re.compile(r"lines\[[0-9]+\]\.listing|currency"),
        422: re.compile(r"detail|code"),
    },
    # A checkout names listings that may not be on sale, a currency that may have no rate, and
    # a destination the rules may refuse (a seller's 403 and a 409 out of stock are allowed
    # for every operation).
    "POST /api/v1/orders/": {
        400: re.compile(r"lines|currency"),
        422: re.compile(r"detail|code"),
    },
    # Any card but the sandbox's test cards is declined (402); the error card is a 502.
    "POST /api/v1/orders/{id}/pay/": {
        402: re.compile(r"detail|code"),
        502: re.compile(r"detail|code"),
    },
    # A carrier code may name no logistics partner, a tracking number may be taken.
    "POST /api/v1/orders/{id}/ship/": {400: re.compile(r"carrier|tracking_number")},
    # A partner's event may name a tracking number it does not carry (only after a valid
    # signature, which the fuzzer cannot make: in practice a 401).
    "POST /api/v1/logistics/{code}/events/": {422: re.compile(r"detail|code")},
    # A well-formed hub code may name no hub.
    "GET /api/v1/declarations/": {400: re.compile(r"hub")},
}

# 5xx answers an operation documents: the payment provider failing is a 502 the buyer may
# retry, not a server error (its body says `provider_error`).
DOCUMENTED_UPSTREAM_ERRORS: dict[str, dict[int, str]] = {
    "POST /api/v1/orders/{id}/pay/": {502: "provider_error"},
    "POST /api/v1/declarations/{id}/decide/": {502: "provider_error"},
}


def not_a_server_error_but_a_documented_upstream_error(
    ctx: CheckContext, response: Response, case: schemathesis.Case
) -> bool | None:
    """`not_a_server_error`, except for DOCUMENTED_UPSTREAM_ERRORS with their code."""
    code = DOCUMENTED_UPSTREAM_ERRORS.get(case.operation.label, {}).get(response.status_code)
    if code is not None:
        body = response.json()
        if isinstance(body, dict) and body.get("code") == code:
            return None
    return not_a_server_error(ctx, response, case)


def positive_data_accepted_unless_state_refuses(
    ctx: CheckContext, response: Response, case: schemathesis.Case
) -> bool | None:
    """`positive_data_acceptance`, except for the refusals in POSITIVE_REFUSALS."""
    allowed = POSITIVE_REFUSALS.get(case.operation.label, {}).get(response.status_code)
    if allowed is not None and case.meta is not None and case.meta.generation.mode.is_positive:
        body = response.json()
        if isinstance(body, dict) and body and all(allowed.fullmatch(key) for key in body):
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error_but_a_documented_upstream_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    positive_data_accepted_unless_state_refuses,
]
# Hypothesis favours the first choices; the seller exercises the most code, so it comes first.
IDENTITIES = ("seller", "anonymous", "buyer", "operator")


@pytest.fixture
def api_data(db: Any) -> Iterator[dict[str, Any]]:
    """Tokens, and ids of existing rows for generated paths to hit.

    Requests run in the test's transaction (rolled back afterwards), on SQLite and PostgreSQL.
    """
    # As Django's test client does: otherwise the WSGI handler closes the test's connection,
    # and with it the transaction, around every request (PostgreSQL; SQLite in memory ignores it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    seller, other_seller = SellerFactory.create(), SellerFactory.create()
    listings = [
        ListingFactory.create(seller=owner, status=status)
        for owner in (seller, other_seller)
        for status in Listing.Status.values
    ]
    buyer = BuyerFactory.create()
    try:
        yield {
            "profiles": {"seller": seller, "other_seller": other_seller, "buyer": buyer},
            "headers": {
                "anonymous": {},
                "seller": {"Authorization": f"Token {Token.objects.create(user=seller.user)}"},
                "buyer": {"Authorization": f"Token {Token.objects.create(user=buyer.user)}"},
            },
            "ids": {
                "/api/v1/listings/{id}/": [listing.pk for listing in listings],
                "/api/v1/sellers/{id}/": [seller.pk, other_seller.pk],
                "/api/v1/buyers/{id}/": [buyer.pk],
            },
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


ORDER_PATHS = (
    "/api/v1/orders/{id}/",
    "/api/v1/orders/{id}/pay/",
    "/api/v1/orders/{id}/cancel/",
    "/api/v1/orders/{id}/ship/",
    "/api/v1/orders/{id}/confirm-receipt/",
)
DECLARATION_PATHS = ("/api/v1/declarations/{id}/", "/api/v1/declarations/{id}/decide/")
PAYOUT_PATH = "/api/v1/payouts/{id}/"


@pytest.fixture
def api_orders(api_data: dict[str, Any]) -> dict[str, Any]:
    """`api_data` with the reference data a checkout needs and orders for the order paths: the
    buyer's unpaid, paid and cancelled orders of the seller's goods, and another buyer's; the
    paid order's declarations, screened (in review: the seller is not verified), for the
    declaration paths; a payout of the seller and one of the other seller, for the payout path;
    and an operator of both hubs of its route."""
    reference_data_load()
    profiles = api_data["profiles"]
    listing = Listing.objects.get(seller=profiles["seller"], status=Listing.Status.ACTIVE)
    buyers = [profiles["buyer"]] * 3 + [BuyerFactory.create()]
    orders = [
        orders_place(
            buyer=who,
            lines=[(listing.pk, 1)],
            currency="EUR",
            address=ADDRESS,
            by=who.user,
        )[0]
        for who in buyers
    ]
    order_pay(order=orders[1], card_number=GOOD_CARD)
    order_cancel(order=orders[2])
    filed = [d.pk for d in Declaration.objects.filter(reference=orders[1].reference)]
    declarations_clear(ids=filed)  # what the job would do after the commit
    operator = UserFactory.create(is_staff=True)
    for hub in Hub.objects.filter(code__in=["HGH", "LGG"]):
        hub.operators.add(operator)
    ids = [order.pk for order in orders]
    payouts = [
        payout_write(owner, order=order).pk
        for owner, order in ((profiles["seller"], ids[1]), (profiles["other_seller"], 10**6))
    ]
    return {
        **api_data,
        "headers": {
            **api_data["headers"],
            "operator": {"Authorization": f"Token {Token.objects.create(user=operator)}"},
        },
        "ids": {
            **api_data["ids"],
            **dict.fromkeys(ORDER_PATHS, ids),
            **dict.fromkeys(DECLARATION_PATHS, filed),
            PAYOUT_PATH: payouts,
        },
    }


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors_and_documented_responses(
    case: schemathesis.Case, data: st.DataObject, api_orders: dict[str, Any]
) -> None:
    api_data = api_orders
    identity = data.draw(st.sampled_from(IDENTITIES), label="identity")
    known_ids = api_data["ids"].get(case.operation.path)
    if known_ids and not data.draw(st.booleans(), label="keep the generated id"):
        case.path_parameters["id"] = data.draw(st.sampled_from(known_ids), label="id")

    case.call_and_validate(headers=api_data["headers"][identity], checks=CHECKS)
