"""Declarations from payment to decision (customs.clearance, customs.review and the orders that
follow them): filing on payment, the clearance job and each screening rule on real data, the
sweeper, the hub's review decisions, a buyer cancelling during customs, a domestic order."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from moneyed import Money

from customs import clearance
from customs.clearance import declarations_clear, declarations_sweep
from customs.models import ClearanceMode, Declaration, DeclarationEvent, TariffRow
from customs.modes import clearance_modes_ensure
from customs.review import DeclarationConflict, declaration_answer, declaration_decide
from customs.services import tariff_import
from customs.tasks import declarations_clear as declarations_clear_task
from ehubs.models import Hub, Waybill
from marketplace.models import Listing, Order
from marketplace.orders import order_cancel
from payments.models import Payment
from payments.selectors import money_trail, trial_balance
from tests.customs.clearing import (
    clear,
    declarations,
    kinds,
    paid_order,
    rules,
    status,
    timeline,
    verify,
)
from tests.factories import ListingFactory, SellerFactory, UserFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db

S = Order.Status
DS = Declaration.Status
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def verified(trade: Trade) -> Trade:
    verify(trade.seller)
    return trade


@pytest.fixture
def operator(db: Any) -> Any:
    return UserFactory.create(username="hub-officer", is_staff=True)


# --- filing on payment -----------------------------------------------------------------------


def test_paying_files_an_export_at_the_origin_hub_and_an_import_at_the_destination(
    trade: Trade,
) -> None:
    order = paid_order(trade)

    found = declarations(order)

    assert set(found) == {"export", "import"}
    exported, imported = found["export"], found["import"]
    assert (exported.hub.code, exported.mode) == ("HGH", "9610")
    assert (imported.hub.code, imported.mode) == ("LGG", "ECOM")
    assert order.route == ["HGH", "LGG"]
    assert {d.status for d in found.values()} == {DS.SUBMITTED}
    for d in found.values():
        assert kinds(d) == ["submitted"]
        assert (d.seller, d.buyer) == (trade.seller.user, trade.buyer.user)
        assert (d.origin_country, d.destination_country) == ("CN", "BE")
        assert d.order_id == order.pk


def test_the_import_declares_the_orders_frozen_customs_figures(trade: Trade) -> None:
    order = paid_order(trade)
    customs = order.quote["customs"]

    imported = declarations(order)["import"]

    assert imported.currency == customs["currency"] == "EUR"
    assert imported.customs_value == Decimal(customs["customs_value"]["amount"])
    assert imported.duty == Decimal(customs["duty"]["amount"])
    assert imported.tax == Decimal(customs["tax"]["amount"])
    assert (imported.duty, imported.tax) == (order.duty, order.tax)  # the buyer paid these


def test_the_export_declares_the_invoice_in_the_listings_currency(trade: Trade) -> None:
    order = paid_order(trade)

    exported = declarations(order)["export"]

    assert (exported.currency, exported.customs_value) == ("USD", Decimal("40.00"))
    assert (exported.duty, exported.tax) == (0, 0)
    (line,) = exported.lines.all()
    assert (line.listing_id, line.quantity, line.unit_value) == (trade.shirt.pk, 2, 20)


def test_the_timeline_says_the_declarations_were_filed(trade: Trade) -> None:
    order = paid_order(trade)

    assert timeline(order)[-1] == (
        S.PAID,
        "Customs declarations filed (export at HGH, import at LGG); clearance has started.",
    )


def test_the_commit_sends_one_clearance_job_per_hub_on_its_queue(
    trade: Trade, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[list[int], str]] = []
    monkeypatch.setitem(declarations_clear_task.app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        declarations_clear_task,
        "apply_async",
        lambda args, queue: sent.append((list(args[0]), queue)),
    )

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(trade)

    found = declarations(order)
    assert sorted(sent, key=lambda s: s[1]) == [
        ([found["export"].pk], "customs.HGH"),
        ([found["import"].pk], "customs.LGG"),
    ]


def test_without_a_broker_the_commit_clears_the_order_in_process(
    verified: Trade, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(declarations_clear_task.app.conf, "task_always_eager", True)

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(verified)

    assert status(order) == S.CLEARED
    assert {d.status for d in declarations(order).values()} == {DS.CLEARED}


def test_a_hub_without_modes_gets_its_countrys_standard_set_once(trade: Trade) -> None:
    paid_order(trade)
    paid_order(trade, [(trade.mug, 1)])

    def codes(hub: str) -> list[str]:
        return list(
            ClearanceMode.objects.filter(hub__code=hub)
            .order_by("code")
            .values_list("code", flat=True)
        )

    assert codes("HGH") == ["1210", "9610", "9710", "9810"]
    assert codes("LGG") == ["ECOM", "GEN"]


def test_a_hub_whose_default_mode_was_removed_files_under_no_mode(trade: Trade) -> None:
    liege = Hub.objects.get(code="LGG")
    clearance_modes_ensure(hub=liege)
    ClearanceMode.objects.filter(hub=liege, code="ECOM").delete()

    imported = declarations(paid_order(trade))["import"]

    assert imported.mode == ""
    assert DeclarationEvent.objects.get(declaration=imported).note == (
        "Filed at LGG under mode (none)."
    )


def test_filing_again_returns_the_declarations_already_filed(trade: Trade) -> None:
    from marketplace.customs_filing import order_customs_file

    order = paid_order(trade)
    before = sorted(d.pk for d in declarations(order).values())

    again = order_customs_file(order=order)

    assert sorted(d.pk for d in again) == before
    assert Declaration.objects.count() == 2
    assert Waybill.objects.filter(reference=order.reference).count() == 1


# --- the clearance job -----------------------------------------------------------------------


def test_the_job_clears_a_verified_sellers_declarations_and_the_order(verified: Trade) -> None:
    order = paid_order(verified)

    assert clear(order, "HGH") == 1
    assert status(order) == S.IN_CUSTOMS
    assert clear(order, "LGG") == 1
    assert status(order) == S.CLEARED

    found = declarations(order)
    for d in found.values():
        assert d.status == DS.CLEARED
        assert d.decided_at is not None
        assert rules(d) == ["auto_clear"]
        assert kinds(d) == ["submitted", "screened"]
    assert timeline(order)[-2:] == [
        (S.IN_CUSTOMS, "Export declaration at HGH cleared by customs."),
        (S.CLEARED, "Import declaration at LGG cleared by customs."),
    ]


def test_one_job_for_both_hubs_clears_the_order_at_once(verified: Trade) -> None:
    order = paid_order(verified)

    assert clear(order) == 2

    assert status(order) == S.CLEARED
    assert [s for s, _ in timeline(order)] == [
        S.PENDING_PAYMENT,
        S.PAID,
        S.PAID,
        S.CLEARED,
        S.CLEARED,
    ]


def test_an_unverified_sellers_declarations_go_to_review(trade: Trade) -> None:
    order = paid_order(trade)

    clear(order)

    assert status(order) == S.REVIEW
    for d in declarations(order).values():
        assert d.status == DS.REVIEW
        assert d.decided_at is None
        assert rules(d) == ["unverified_seller"]
        event = DeclarationEvent.objects.get(declaration=d, kind="screened")
        assert (event.status, event.rule) == (DS.REVIEW, "unverified_seller")
        assert event.note == "Sent to the hub's review queue: Unverified seller"
    assert timeline(order)[-1] == (
        S.REVIEW,
        "Import declaration at LGG is being reviewed by the hub's customs officers.",
    )


def test_running_the_job_twice_decides_each_declaration_once(verified: Trade) -> None:
    order = paid_order(verified)

    assert clear(order) == 2
    assert clear(order) == 0

    for d in declarations(order).values():
        assert DeclarationEvent.objects.filter(declaration=d, kind="screened").count() == 1
    assert [s for s, _ in timeline(order)].count(S.CLEARED) == 2


def test_the_database_refuses_a_second_screening_of_a_declaration(verified: Trade) -> None:
    order = paid_order(verified)
    clear(order)
    exported = declarations(order)["export"]

    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationEvent.objects.create(
            declaration=exported,
            at=timezone.now(),
            kind="screened",
            status=DS.CLEARED,
            rule="auto_clear",
        )

    assert DeclarationEvent.objects.filter(declaration=exported, kind="screened").count() == 1


def test_the_job_ignores_ids_that_are_not_submitted_declarations(verified: Trade) -> None:
    order = paid_order(verified)
    clear(order)

    assert declarations_clear(ids=[*(d.pk for d in declarations(order).values()), 99999]) == 0


def test_the_job_task_returns_how_many_it_decided(verified: Trade) -> None:
    order = paid_order(verified)
    ids = [d.pk for d in declarations(order).values()]

    assert declarations_clear_task.apply(args=(ids,), throw=True).get() == 2
    assert status(order) == S.CLEARED


# --- the sweeper -----------------------------------------------------------------------------


def test_the_sweeper_sends_again_only_declarations_left_submitted_too_long(
    verified: Trade, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranded, recent = paid_order(verified), paid_order(verified, [(verified.mug, 1)])
    decided = paid_order(verified, [(verified.shirt, 1)])
    clear(decided)
    now = timezone.now()
    long_ago = now - timedelta(minutes=10)
    Declaration.objects.filter(reference__in=[stranded.reference, decided.reference]).update(
        enqueued_at=long_ago
    )
    sent: list[dict[str, list[int]]] = []
    monkeypatch.setattr(clearance, "clearance_enqueue", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert declarations_sweep(now=now, older_than=timedelta(minutes=2)) == 2

    swept = declarations(stranded)
    assert sent == [{"HGH": [swept["export"].pk], "LGG": [swept["import"].pk]}]
    for d in swept.values():
        assert d.enqueued_at == now
        assert kinds(d) == ["submitted", "requeued"]
        assert DeclarationEvent.objects.get(declaration=d, kind="requeued").status == DS.SUBMITTED
    for d in [*declarations(recent).values(), *declarations(decided).values()]:
        assert "requeued" not in kinds(d)
    assert declarations_sweep(now=now, older_than=timedelta(minutes=2)) == 0


def test_a_swept_declaration_then_clears(
    verified: Trade, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = paid_order(verified)  # its jobs' messages were lost
    Declaration.objects.filter(reference=order.reference).update(
        enqueued_at=timezone.now() - timedelta(hours=1)
    )
    monkeypatch.setitem(declarations_clear_task.app.conf, "task_always_eager", True)

    with django_capture_on_commit_callbacks(execute=True):
        assert declarations_sweep() == 2

    assert status(order) == S.CLEARED
    for d in declarations(order).values():
        assert kinds(d) == ["submitted", "requeued", "screened"]


# --- each rule on the clearance date ---------------------------------------------------------


def test_a_listing_price_raised_over_25_percent_before_payment_is_undervaluation(
    verified: Trade,
) -> None:
    (order,) = place(verified, [(verified.shirt, 2)])  # at USD 20.00
    Listing.objects.filter(pk=verified.shirt.pk).update(price=Decimal("25.01"))
    from marketplace.orders import order_pay

    assert order_pay(order=order, card_number=GOOD_CARD).paid
    clear(order)

    assert status(order) == S.REVIEW
    for d in declarations(order).values():
        assert rules(d) == ["undervalued"]
        assert d.reasons[0]["message"] == (
            "Silk shirt (HS 610910): declared at USD 20.00 a unit, under 80 % of the "
            "listing's price (USD 25.01)."
        )


def test_a_listing_price_raised_by_exactly_25_percent_is_not_undervaluation(
    verified: Trade,
) -> None:
    (order,) = place(verified, [(verified.shirt, 2)])
    Listing.objects.filter(pk=verified.shirt.pk).update(price=Decimal("25.00"))
    from marketplace.orders import order_pay

    assert order_pay(order=order, card_number=GOOD_CARD).paid
    clear(order)

    assert status(order) == S.CLEARED


def test_a_tariff_imported_after_the_quote_changes_the_duty(
    verified: Trade, tmp_path: Path
) -> None:
    order = paid_order(verified)
    csv = tmp_path / "vat.csv"
    csv.write_text(
        "kind,destination,hs_prefix,origin,rate_percent,per_unit,currency,valuation,"
        "low_value_upto,low_value_duty_per_subheading,tax_free_upto,sme_max_employees,"
        "valid_from,valid_to,note\n"
        "tax,BE,,,22,,,,,,,,,,Belgian VAT raised\n"
    )
    call_command("import_tariff", str(csv), stdout=io.StringIO())

    clear(order)

    found = declarations(order)
    assert rules(found["import"]) == ["duty_changed"]
    assert found["import"].status == DS.REVIEW
    assert "declared EUR" in found["import"].reasons[0]["message"]
    assert found["export"].status == DS.CLEARED  # an export carries no duty
    assert status(order) == S.REVIEW


def test_a_tariff_row_saved_after_the_quote_changes_the_duty(verified: Trade) -> None:
    order = paid_order(verified)
    vat = TariffRow.objects.get(kind="tax", destination="BE", hs_prefix="")
    vat.rate_percent = Decimal("25")
    vat.save()

    clear(order)

    assert rules(declarations(order)["import"]) == ["duty_changed"]
    assert status(order) == S.REVIEW


def test_goods_prohibited_after_the_quote_go_to_review(verified: Trade) -> None:
    order = paid_order(verified)
    tariff_import(
        rows=[
            {
                "kind": "prohibited",
                "destination": "BE",
                "hs_prefix": "6109",
                "note": "Shirts banned today",
            }
        ]
    )

    clear(order)

    for d in declarations(order).values():
        assert rules(d) == ["prohibited"]
        assert "Shirts banned today" in d.reasons[0]["message"]
    assert status(order) == S.REVIEW


def test_a_hubs_limit_lowered_below_the_value_goes_to_review(verified: Trade) -> None:
    order = paid_order(verified)
    ClearanceMode.objects.filter(hub__code="LGG", code="ECOM").update(
        auto_clear_limit=Decimal("10"), limit_currency="USD"
    )

    clear(order)

    found = declarations(order)
    assert rules(found["import"]) == ["over_limit"]
    assert (
        found["import"]
        .reasons[0]["message"]
        .endswith("above the hub's auto-clear limit (ECOM: USD 10.00).")
    )
    assert found["export"].status == DS.CLEARED
    assert status(order) == S.REVIEW


def test_a_value_within_the_hubs_limit_clears(verified: Trade) -> None:
    order = paid_order(verified)
    imported = declarations(order)["import"]
    ClearanceMode.objects.filter(hub__code="LGG", code="ECOM").update(
        auto_clear_limit=imported.customs_value, limit_currency="EUR"
    )

    clear(order)

    assert status(order) == S.CLEARED


def test_a_declaration_whose_mode_was_removed_after_filing_has_no_limit(verified: Trade) -> None:
    order = paid_order(verified)
    ClearanceMode.objects.filter(hub__code="LGG", code="ECOM").delete()
    # The hub's new default is not the mode the declaration was filed under.
    ClearanceMode.objects.filter(hub__code="LGG", code="GEN").update(
        default_for_import=True, auto_clear_limit=Decimal(1), limit_currency="EUR"
    )

    clear(order)

    assert status(order) == S.CLEARED


@pytest.mark.parametrize(
    "tamper",
    [
        {"consignee_name": "Someone Else"},
        {"goods": [[1, 1]]},
        {"value": Decimal("999.00")},
    ],
    ids=["consignee", "goods", "value"],
)
def test_a_tampered_waybill_is_a_documents_mismatch(
    verified: Trade, tamper: dict[str, Any]
) -> None:
    order = paid_order(verified)
    Waybill.objects.filter(reference=order.reference).update(**tamper)

    clear(order)

    for d in declarations(order).values():
        assert rules(d) == ["documents_mismatch"]
    assert status(order) == S.REVIEW


def test_a_waybill_consignee_written_otherwise_still_matches(verified: Trade) -> None:
    order = paid_order(verified)
    Waybill.objects.filter(reference=order.reference).update(consignee_name="  AMÉLIE  DUPONT")

    clear(order)

    assert status(order) == S.CLEARED


def test_a_refunded_payment_is_a_documents_mismatch(verified: Trade) -> None:
    order = paid_order(verified)
    Payment.objects.filter(reference=order.reference).update(status=Payment.Status.REFUNDED)

    clear(order)

    assert rules(declarations(order)["import"]) == ["documents_mismatch"]
    assert "there is no captured payment" in declarations(order)["import"].reasons[0]["message"]


# --- the hub's review decisions --------------------------------------------------------------


def in_review(trade: Trade) -> tuple[Order, Declaration, Declaration]:
    order = paid_order(trade)  # an unverified seller: both go to review
    clear(order)
    found = declarations(order)
    assert {d.status for d in found.values()} == {DS.REVIEW}
    return order, found["export"], found["import"]


def test_approving_both_declarations_clears_the_order(trade: Trade, operator: Any) -> None:
    order, exported, imported = in_review(trade)

    declaration_decide(declaration=exported, decision="approve", by=operator)
    assert status(order) == S.REVIEW
    approved = declaration_decide(declaration=imported, decision="approve", by=operator)

    assert approved.status == DS.CLEARED
    assert status(order) == S.CLEARED
    event = DeclarationEvent.objects.get(declaration=imported, kind="approved")
    assert (event.status, event.rule, event.actor) == (DS.CLEARED, "approve", operator)
    assert timeline(order)[-1] == (S.CLEARED, "Import declaration at LGG cleared by customs.")


def test_approving_one_while_the_other_is_in_review_keeps_the_order_in_review(
    trade: Trade, operator: Any
) -> None:
    order, exported, imported = in_review(trade)

    declaration_decide(declaration=exported, decision="approve", by=operator)

    assert status(order) == S.REVIEW
    imported.refresh_from_db()
    assert imported.status == DS.REVIEW
    assert timeline(order)[-1] == (S.REVIEW, "Export declaration at HGH cleared by customs.")


def test_a_hold_and_the_sellers_answer_keep_the_order_in_review(
    trade: Trade, operator: Any
) -> None:
    order, _, imported = in_review(trade)

    held = declaration_decide(
        declaration=imported, decision="hold", reason="Send the invoice.", by=operator
    )
    assert held.status == DS.HELD
    assert status(order) == S.REVIEW
    assert timeline(order)[-1] == (
        S.REVIEW,
        "Import declaration at LGG held: the hub asked the seller a question.",
    )

    answered = declaration_answer(
        declaration=imported, answer="Invoice attached.", by=trade.seller.user
    )

    assert answered.status == DS.REVIEW
    assert status(order) == S.REVIEW
    assert answered.reasons[-1] == {
        "rule": "answered",
        "message": "The seller answered: Invoice attached.",
    }
    assert kinds(imported) == ["submitted", "screened", "held", "answered"]


def test_answering_a_declaration_that_is_not_held_is_a_conflict(trade: Trade) -> None:
    _, _, imported = in_review(trade)

    with pytest.raises(DeclarationConflict) as refused:
        declaration_answer(declaration=imported, answer="Here.", by=trade.seller.user)

    assert refused.value.code == "not_held"


def test_rejecting_a_declaration_refunds_the_order_and_withdraws_the_other(
    trade: Trade, operator: Any
) -> None:
    order, exported, imported = in_review(trade)

    declaration_decide(
        declaration=imported, decision="reject", reason="Counterfeit goods.", by=operator
    )

    assert status(order) == S.REFUNDED
    imported.refresh_from_db()
    exported.refresh_from_db()
    assert (imported.status, rules(imported)) == (DS.REJECTED, ["reject"])
    assert (exported.status, rules(exported)) == (DS.REJECTED, ["withdrawn"])
    assert kinds(exported) == ["submitted", "screened", "withdrawn"]
    assert Listing.objects.get(pk=trade.shirt.pk).stock == 10
    trail = money_trail(reference=order.reference)
    assert (trail.paid, trail.refunds, trail.in_escrow) == (order.total, order.total, 0)
    assert trail.balanced
    assert all(amount == 0 for amount in trial_balance().values())
    last_status, note = timeline(order)[-1]
    assert last_status == S.REFUNDED
    assert note == (
        # The officer's reason as written; their username stays off the buyer's timeline.
        "Customs rejected the import declaration at LGG: Counterfeit goods. The payment was "
        "refunded in full and the goods released."
    )
    assert exported.reasons[0]["message"] == (
        "Withdrawn: the import declaration at LGG was rejected."
    )


def test_deciding_on_a_decided_declaration_is_a_conflict(trade: Trade, operator: Any) -> None:
    _, exported, _ = in_review(trade)
    declaration_decide(declaration=exported, decision="approve", by=operator)

    for decision in ("approve", "hold", "reject"):
        with pytest.raises(DeclarationConflict) as refused:
            declaration_decide(
                declaration=exported, decision=decision, reason="Again.", by=operator
            )
        assert refused.value.code == "not_open"

    assert kinds(exported) == ["submitted", "screened", "approved"]


@pytest.mark.parametrize(
    ("decision", "reason"),
    [("release", ""), ("hold", ""), ("reject", "   "), ("APPROVE", "")],
)
def test_a_bad_decision_or_a_missing_reason_changes_nothing(
    trade: Trade, operator: Any, decision: str, reason: str
) -> None:
    order, _, imported = in_review(trade)
    before = timeline(order)

    with pytest.raises(ValueError):
        declaration_decide(declaration=imported, decision=decision, reason=reason, by=operator)

    imported.refresh_from_db()
    assert imported.status == DS.REVIEW
    assert kinds(imported) == ["submitted", "screened"]
    assert (status(order), timeline(order)) == (S.REVIEW, before)


# --- a buyer cancelling during customs -------------------------------------------------------


def test_cancelling_during_customs_withdraws_the_declarations_and_refunds(trade: Trade) -> None:
    order = paid_order(trade)
    clear(order, "HGH")  # the export is in review, the import still submitted

    order_cancel(order=order, by=trade.buyer.user)

    assert status(order) == S.REFUNDED
    for d in declarations(order).values():
        assert (d.status, rules(d)) == (DS.REJECTED, ["withdrawn"])
        assert d.reasons[0]["message"] == "Withdrawn: the buyer cancelled the order."
        assert kinds(d)[-1] == "withdrawn"
    trail = money_trail(reference=order.reference)
    assert (trail.refunds, trail.in_escrow) == (order.total, 0)


def test_a_late_clearance_job_after_a_cancellation_decides_nothing(verified: Trade) -> None:
    order = paid_order(verified)
    order_cancel(order=order, by=verified.buyer.user)
    events = timeline(order)

    assert clear(order) == 0

    assert status(order) == S.REFUNDED
    assert timeline(order) == events
    assert {d.status for d in declarations(order).values()} == {DS.REJECTED}


def test_a_cleared_order_can_still_be_cancelled_and_refunded(verified: Trade) -> None:
    order = paid_order(verified)
    clear(order)

    order_cancel(order=order, by=verified.buyer.user)

    assert status(order) == S.REFUNDED
    # Customs had released the goods: their decisions stand.
    assert {d.status for d in declarations(order).values()} == {DS.CLEARED}


# --- a domestic order ------------------------------------------------------------------------


def test_a_domestic_order_files_no_declaration_and_is_cleared_at_payment(trade: Trade) -> None:
    # A seller in France, the buyer in Belgium: one customs union, no border crossed.
    seller = SellerFactory.create(company_name="Lyon Silks", country="FR")
    scarf = ListingFactory.create(
        seller=seller, title="Silk scarf", origin_country="FR", price=Money("30.00", "EUR")
    )

    order = paid_order(trade, [(scarf, 1)])

    assert order.quote["customs"]["regime"] == "domestic"
    assert not Declaration.objects.filter(reference=order.reference).exists()
    assert order.status == S.CLEARED
    assert timeline(order)[-1] == (
        S.CLEARED,
        "Domestic consignment: no customs declaration is needed.",
    )


def test_a_declaration_reads_as_its_direction_and_hub(trade: Trade) -> None:
    found = declarations(paid_order(trade))

    assert str(found["export"]) == f"Declaration {found['export'].pk} (export at HGH)"
    assert str(found["import"]) == f"Declaration {found['import'].pk} (import at LGG)"
