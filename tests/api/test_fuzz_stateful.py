"""Stateful fuzzing: sequences of API calls that follow the OpenAPI links of the schema.

Schemathesis builds a state machine from the links (ewtp.api.links): it signs a seller up and
reads the new profile, creates a listing and then reads, changes and archives it, lists hubs and
HS codes and opens the first one found. Every step is checked as in test_fuzz.py, and two checks
need the sequence: a resource just created is there (`ensure_resource_availability`), and a
resource deleted is gone (`use_after_free`), except a listing, which DELETE archives (see
`use_after_free_unless_archived`); what an archive leaves behind is checked after each one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CheckContext, CheckFunction
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

from customs.nomenclature import nomenclature
from ehubs.services import network_import
from payments.services import rates_import
from tests.api.test_fuzz import CHECKS, api_data
from tests.factories import SellerFactory

__all__ = ["api_data"]  # the fixture test_fuzz.py defines: requests inside the test transaction

# Only the links the schema states are followed, not ones schemathesis guesses from names.
CONFIG = schemathesis.Config.from_dict({"phases": {"stateful": {"inference": {"algorithms": []}}}})
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

LISTING = "/api/v1/listings/{id}/"
DEMO_DATA = Path(django_settings.BASE_DIR) / "marketplace" / "demo_data"
HS_CODE = re.compile(r"[0-9]{6,10}")


def use_after_free_unless_archived(
    ctx: CheckContext, response: Response, case: schemathesis.Case
) -> bool | None:
    """`use_after_free`, except for listings: DELETE archives a listing, and its seller still
    reads it (status `archived`) and may change it (`active` publishes it again), as the DELETE
    operation and its `GetArchivedListing` link say. `Workflow.after_call` checks that instead."""
    if case.operation.path == LISTING:
        return None
    return use_after_free(ctx, response, case)


STATEFUL_CHECKS: list[CheckFunction] = [
    *CHECKS,
    ensure_resource_availability,
    use_after_free_unless_archived,
]


def with_known_hs_code(case: schemathesis.Case) -> None:
    """Give a valid listing body an HS code whose first six digits are a subheading.

    The schema can only say "6 to 10 digits"; a random six digits are one of the 5,612
    subheadings about once in 200 tries, so nearly every listing would be refused and no link
    from a created listing would ever be followed. The code chosen depends only on the generated
    one, so a run stays repeatable; refusals of unknown codes are tested in test_fuzz.py.
    """
    body = case.body
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(body, dict):
        return
    code = body.get("hs_code")
    if isinstance(code, str) and HS_CODE.fullmatch(code):
        subheadings = nomenclature().subheadings
        body["hs_code"] = subheadings[int(code) % len(subheadings)].code + code[6:]


@pytest.fixture
def reference_data(db: Any) -> None:
    """Hubs for the hub links, and FX rates, without which every profile currency is refused."""
    network_import(data=json.loads((DEMO_DATA / "network.json").read_text()))
    rates_import(data=json.loads((DEMO_DATA / "rates.json").read_text()))


@pytest.fixture
def seller_token(api_data: dict[str, Any], reference_data: None) -> Iterator[str]:
    yield Token.objects.create(user=SellerFactory.create().user).key


def test_linked_calls_keep_the_documented_state(seller_token: str) -> None:
    authorization = f"Token {seller_token}"
    steps: list[str] = []
    archived: list[int] = []

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        headers: ClassVar[dict[str, str]] = {"Authorization": authorization}
        savepoint = ""

        # Every scenario starts from the fixtures' data: what one scenario created (a username
        # taken, a listing archived) would change what the next one sees, and Hypothesis needs a
        # scenario to behave the same when it runs it again.
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": self.headers}

        def before_call(self, case: schemathesis.Case) -> None:
            if case.operation.label in ("POST /api/v1/listings/", f"PATCH {LISTING}"):
                with_known_hs_code(case)

        def after_call(self, response: Response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            steps.append(f"{case.operation.label} {response.status_code}")
            if case.operation.label == f"DELETE {LISTING}" and response.status_code == 204:
                self.check_archived(case.path_parameters["id"])

        def check_archived(self, listing_id: int) -> None:
            """Archived, not erased: its seller still gets it, anyone else a 404."""
            # Through the schema's WSGI transport: Django's test Client would reconnect the
            # signal that closes the test's connection after each request (see api_data).
            read = schema[LISTING]["GET"]
            as_seller = read.Case(path_parameters={"id": listing_id}).call(headers=self.headers)
            assert as_seller.status_code == 200, as_seller.text
            assert as_seller.json()["status"] == "archived"
            assert read.Case(path_parameters={"id": listing_id}).call().status_code == 404
            archived.append(listing_id)

        def validate_response(
            self,
            response: Response,
            case: schemathesis.Case,
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                checks=STATEFUL_CHECKS,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            # The schema has grown (orders, declarations, delivery, payouts): enough scenarios
            # that its links still lead to every state checked below, whatever the ids.
            max_examples=120,
            stateful_step_count=10,
            deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
    )

    # The run reached the states the links lead to, not only the first calls.
    reached = {step.rsplit(" ", 1)[0] for step in steps if step.endswith((" 200", " 201", " 204"))}
    assert {
        "POST /api/v1/listings/",
        f"GET {LISTING}",
        f"PATCH {LISTING}",
        f"DELETE {LISTING}",
        "POST /api/v1/sellers/",
        "GET /api/v1/sellers/{id}/",
        "GET /api/v1/hubs/{code}/",
    } <= reached, sorted(reached)
    assert archived
