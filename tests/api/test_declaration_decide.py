"""POST /api/v1/declarations/{id}/decide/: operators of the declaration's hub (and superusers)
approve, hold or reject it; the order follows (cleared, review, refunded). Everyone else is
refused without a change, and so is a decision on a declaration already decided."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from customs.models import Declaration, DeclarationEvent
from payments.models import Entry, Payment
from payments.providers.base import ProviderError
from payments.providers.sandbox import SandboxProvider
from payments.selectors import money_trail, trial_balance
from tests.api.conftest import _token_client
from tests.api.declarations_api import CaptureCommits, Filed, decide_url, filed, operator
from tests.api.orders_api import ORDERS, balanced, stock
from tests.trade import Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(trade: Trade, django_capture_on_commit_callbacks: CaptureCommits) -> Filed:
    return filed(trade, django_capture_on_commit_callbacks)


@pytest.fixture
def hangzhou(world: Filed) -> APIClient:
    """An operator of HGH, where both orders' exports are filed."""
    return _token_client(operator("HGH"))


@pytest.fixture
def liege(world: Filed) -> APIClient:
    """An operator of LGG, where both orders' imports are filed."""
    return _token_client(operator("LGG"))


def _order_status(trade: Trade, world: Filed) -> str:
    """The order's status as its buyer reads it."""
    response = _token_client(trade.buyer.user).get(f"{ORDERS}{world.order.pk}/")
    assert response.status_code == 200
    status: str = response.json()["status"]
    return status


def _status(declaration: Declaration) -> str:
    declaration.refresh_from_db()
    return declaration.status


def _decide(client: APIClient, declaration: Declaration, body: Any, **headers: str) -> Any:
    return client.post(decide_url(declaration), body, format="json", headers=headers)


def _unchanged(world: Filed, trade: Trade) -> None:
    """Nothing was decided: both declarations of the order still in review, the order too."""
    assert (_status(world.export), _status(world.import_)) == ("review", "review")
    assert not DeclarationEvent.objects.filter(kind__in=["approved", "held", "rejected"]).exists()
    assert _order_status(trade, world) == "review"


# --- the three decisions ---------------------------------------------------------------------


def test_approving_a_declaration_clears_it(trade: Trade, world: Filed, hangzhou: APIClient) -> None:
    response = _decide(hangzhou, world.export, {"decision": "approve"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["status"]) == (world.export.pk, "cleared")
    username = DeclarationEvent.objects.get(kind="approved").actor.username  # type: ignore[union-attr]
    assert body["reasons"] == [{"rule": "approve", "message": f"Approved by {username}."}]
    # The import is still in review: so is the order.
    assert _order_status(trade, world) == "review"


def test_an_order_is_cleared_once_both_its_declarations_are_approved(
    trade: Trade, world: Filed, hangzhou: APIClient, liege: APIClient
) -> None:
    _decide(hangzhou, world.export, {"decision": "approve"})

    response = _decide(liege, world.import_, {"decision": "approve", "reason": "Checked."})

    assert response.json()["status"] == "cleared"
    assert response.json()["reasons"][0]["message"].endswith(": Checked.")
    assert _order_status(trade, world) == "cleared"
    assert _status(world.other_import) == "review"  # the other order's are not touched


def test_holding_a_declaration_asks_the_seller_a_question(
    trade: Trade, world: Filed, liege: APIClient
) -> None:
    question = "Send the invoice for the silk, please."

    response = _decide(liege, world.import_, {"decision": "hold", "reason": question})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "held"
    assert [r["rule"] for r in body["reasons"]] == ["hold"]
    assert body["reasons"][0]["message"].endswith(f"a question to the seller: {question}")
    assert _order_status(trade, world) == "review"


def test_a_held_declaration_can_still_be_approved(world: Filed, liege: APIClient) -> None:
    _decide(liege, world.import_, {"decision": "hold", "reason": "Which silk?"})

    response = _decide(liege, world.import_, {"decision": "approve"})

    assert (response.status_code, response.json()["status"]) == (200, "cleared")


def test_rejecting_a_declaration_refunds_the_order(
    trade: Trade, world: Filed, hangzhou: APIClient
) -> None:
    response = _decide(
        hangzhou, world.export, {"decision": "reject", "reason": "Counterfeit labels."}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected"
    assert _order_status(trade, world) == "refunded"
    # The order's other declaration is withdrawn; its goods go back on sale.
    assert _status(world.import_) == "rejected"
    assert world.import_.reasons[0]["rule"] == "withdrawn"
    assert stock(trade.shirt) == [10]
    trail = money_trail(reference=world.order.reference)
    assert (trail.paid, trail.refunds, trail.in_escrow) == (world.order.total,) * 2 + (0,)
    assert trail.balanced and balanced(trial_balance())
    assert _status(world.other_export) == "review"


def test_a_superuser_decides_at_any_hub(world: Filed) -> None:
    root = _token_client(User.objects.create_superuser("root", "root@example.com", "x-Pass-42"))

    response = _decide(root, world.other_import, {"decision": "approve"})

    assert (response.status_code, response.json()["status"]) == (200, "cleared")


# --- who may not -----------------------------------------------------------------------------


def test_the_seller_who_sees_it_gets_a_403_and_nothing_changes(trade: Trade, world: Filed) -> None:
    seller = _token_client(trade.seller.user)

    response = _decide(seller, world.export, {"decision": "approve"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the operators of hub HGH decide on its declarations."
    }
    # Refused before the body is read: a bad one is the same 403.
    assert _decide(seller, world.export, {"decision": "maybe"}).status_code == 403
    _unchanged(world, trade)


def test_an_operator_of_another_hub_gets_a_404(
    trade: Trade, world: Filed, liege: APIClient
) -> None:
    response = _decide(liege, world.export, {"decision": "approve"})

    assert response.status_code == 404
    assert (
        _decide(_token_client(operator("KGL")), world.export, {"decision": "approve"}).status_code
        == 404
    )
    _unchanged(world, trade)


def test_the_buyer_gets_a_404(trade: Trade, world: Filed) -> None:
    buyer = _token_client(trade.buyer.user)

    response = _decide(buyer, world.import_, {"decision": "reject", "reason": "I changed my mind."})

    assert response.status_code == 404
    _unchanged(world, trade)


def test_anonymous_callers_get_a_401(trade: Trade, world: Filed, api_client: APIClient) -> None:
    response = _decide(api_client, world.export, {"decision": "approve"})

    assert response.status_code == 401
    _unchanged(world, trade)


def test_an_unknown_declaration_is_a_404(world: Filed, hangzhou: APIClient) -> None:
    response = hangzhou.post("/api/v1/declarations/999999/decide/", {"decision": "approve"})

    assert response.status_code == 404


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "decision", "This field is required."),
        ({"decision": "maybe"}, "decision", '"maybe" is not a valid choice.'),
        ({"decision": "APPROVE"}, "decision", '"APPROVE" is not a valid choice.'),
        ({"decision": 1}, "decision", '"1" is not a valid choice.'),
        ({"decision": None}, "decision", "This field may not be null."),
        ({"decision": "hold"}, "reason", "Say what the seller should answer."),
        ({"decision": "hold", "reason": ""}, "reason", "Say what the seller should answer."),
        ({"decision": "reject"}, "reason", "Say why it is rejected."),
        ({"decision": "reject", "reason": " \t\n"}, "reason", "Say why it is rejected."),
        ({"decision": "reject", "reason": 5}, "reason", "Enter a string."),
        ({"decision": "reject", "reason": "x" * 1001}, "reason", "Ensure this field has no more"),
        ({"decision": "approve", "reason": " " * 1001}, "reason", "Ensure this field has no more"),
        ({"decision": "reject", "reason": "fake\x00"}, "reason", "Null characters are not"),
        (["approve"], "non_field_errors", "Invalid data. Expected a dictionary"),
    ],
)
def test_a_bad_decision_is_a_400_naming_the_field_and_changes_nothing(
    trade: Trade, world: Filed, hangzhou: APIClient, body: Any, field: str, message: str
) -> None:
    response = _decide(hangzhou, world.export, body)

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field], errors
    assert errors[field][0].startswith(message), errors
    _unchanged(world, trade)


def test_a_reason_of_1000_characters_is_accepted(world: Filed, hangzhou: APIClient) -> None:
    response = _decide(hangzhou, world.export, {"decision": "hold", "reason": "q" * 1000})

    assert (response.status_code, response.json()["status"]) == (200, "held")


def test_malformed_json_is_a_400(trade: Trade, world: Filed, hangzhou: APIClient) -> None:
    response = hangzhou.post(
        decide_url(world.export), b'{"decision": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    _unchanged(world, trade)


# --- decided already -------------------------------------------------------------------------


def test_deciding_again_on_a_cleared_declaration_is_a_409(
    world: Filed, hangzhou: APIClient
) -> None:
    _decide(hangzhou, world.export, {"decision": "approve"})

    response = _decide(hangzhou, world.export, {"decision": "reject", "reason": "Too late."})

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This declaration is cleared: it has been decided already.",
        "code": "not_open",
    }
    assert _status(world.export) == "cleared"
    assert not Entry.objects.filter(kind="refund").exists()


def test_a_declaration_withdrawn_with_its_order_is_a_409(
    world: Filed, hangzhou: APIClient, liege: APIClient
) -> None:
    _decide(hangzhou, world.export, {"decision": "reject", "reason": "Counterfeit labels."})

    response = _decide(liege, world.import_, {"decision": "approve"})

    assert (response.status_code, response.json()["code"]) == (409, "not_open")
    assert _status(world.import_) == "rejected"


# --- the provider fails a rejection's refund -------------------------------------------------


@pytest.fixture
def refunds_fail(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    def refund_fails(self: SandboxProvider, **kwargs: Any) -> str:
        raise ProviderError("The sandbox is down for maintenance.")

    monkeypatch.setattr(SandboxProvider, "refund", refund_fails)
    return monkeypatch


def test_a_refund_the_provider_fails_is_a_502_and_nothing_changes(
    trade: Trade, world: Filed, hangzhou: APIClient, refunds_fail: pytest.MonkeyPatch
) -> None:
    response = _decide(hangzhou, world.export, {"decision": "reject", "reason": "Counterfeit."})

    assert response.status_code == 502
    body = response.json()
    assert body["code"] == "provider_error"
    assert "The sandbox is down for maintenance." in body["detail"]
    assert body["detail"].endswith("Nothing was changed: the declaration is still open.")
    _unchanged(world, trade)
    assert Payment.objects.get(reference=world.order.reference).status == "captured"
    assert stock(trade.shirt) == [8]


# --- Idempotency-Key -------------------------------------------------------------------------


def test_a_repeat_with_the_same_key_replays_the_decision(world: Filed, hangzhou: APIClient) -> None:
    body = {"decision": "reject", "reason": "Counterfeit labels."}
    first = _decide(hangzhou, world.export, body, **{"Idempotency-Key": "decide-1"})

    again = _decide(hangzhou, world.export, body, **{"Idempotency-Key": "decide-1"})

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert DeclarationEvent.objects.filter(kind="rejected").count() == 1
    assert Entry.objects.filter(kind="refund").count() == 1


def test_the_same_key_with_another_decision_is_a_409(world: Filed, hangzhou: APIClient) -> None:
    _decide(hangzhou, world.export, {"decision": "approve"}, **{"Idempotency-Key": "k"})

    response = _decide(
        hangzhou, world.export, {"decision": "hold", "reason": "?"}, **{"Idempotency-Key": "k"}
    )

    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")


def test_a_provider_failure_is_not_remembered_by_the_key(
    trade: Trade, world: Filed, hangzhou: APIClient, refunds_fail: pytest.MonkeyPatch
) -> None:
    body = {"decision": "reject", "reason": "Counterfeit labels."}
    failed = _decide(hangzhou, world.export, body, **{"Idempotency-Key": "retry-me"})
    refunds_fail.undo()

    retried = _decide(hangzhou, world.export, body, **{"Idempotency-Key": "retry-me"})

    assert failed.status_code == 502
    assert (retried.status_code, retried.json()["status"]) == (200, "rejected")
    assert "Idempotent-Replayed" not in retried.headers
    assert _order_status(trade, world) == "refunded"
