"""One clearance job deciding many declarations: each is recorded with its own decision, however
many of the batch share it."""

from __future__ import annotations

import pytest

from customs import clearance
from customs.models import Declaration, DeclarationEvent
from marketplace.models import SellerProfile
from marketplace.orders import order_pay
from tests.factories import ListingFactory, SellerFactory
from tests.trade import GOOD_CARD, Trade, place


def exports_waiting(
    trade: Trade, monkeypatch: pytest.MonkeyPatch, sellers: list[SellerProfile]
) -> list[int]:
    """One paid order from each seller, its clearance job held back; the export declarations."""
    monkeypatch.setattr(clearance, "clearance_enqueue", lambda by_hub: None)
    for seller in sellers:
        listing = ListingFactory.create(seller=seller, hs_code="610910", stock=5)
        (order,) = place(trade, [(listing, 1)])
        assert order_pay(order=order, card_number=GOOD_CARD).paid
    return list(
        Declaration.objects.filter(direction="export", status="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_a_batch_of_many_distinct_decisions_records_each_declarations_own_reasons(
    trade: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unverified sellers: each declaration is sent to review naming its own seller.
    sellers = [SellerFactory.create(company_name=f"Unverified {n}") for n in range(12)]
    ids = exports_waiting(trade, monkeypatch, sellers)

    assert clearance.declarations_clear(ids=ids) == 12

    for d in Declaration.objects.filter(pk__in=ids):
        assert d.status == Declaration.Status.REVIEW and d.decided_at is None
        assert d.reasons == [
            {
                "rule": "unverified_seller",
                "message": f"The seller {d.seller_name} is not verified.",
            }
        ]
    assert {d.seller_name for d in Declaration.objects.filter(pk__in=ids)} == {
        s.company_name for s in sellers
    }


def test_a_batch_cleared_automatically_records_the_clearance_on_every_declaration(
    trade: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    sellers = [SellerFactory.create(verified=True) for _ in range(3)]
    ids = exports_waiting(trade, monkeypatch, sellers)

    assert clearance.declarations_clear(ids=ids) == 3

    decided = Declaration.objects.filter(pk__in=ids)
    assert {(d.status, d.decided_at is not None) for d in decided} == {("cleared", True)}
    assert [d.reasons[0]["rule"] for d in decided] == ["auto_clear"] * 3
    screened = DeclarationEvent.objects.filter(declaration_id__in=ids, kind="screened")
    assert sorted(e.declaration_id for e in screened) == ids
