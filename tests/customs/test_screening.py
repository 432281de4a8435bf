"""Screening a declaration (customs.screening, pure): one test per rule and its boundary, several
reasons at once, and the automatic clearance when no rule applies."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from customs.screening import (
    AUTO_CLEAR,
    DOCUMENTS_MISMATCH,
    DUTY_CHANGED,
    NOT_QUOTABLE,
    OVER_LIMIT,
    PROHIBITED,
    UNDERVALUED,
    UNVERIFIED_SELLER,
    Document,
    Facts,
    Requote,
    ScreenedLine,
    Screening,
    screen,
)

D = Decimal
CONSIGNEE = ("Amélie Dupont", "BE")
GOODS = ((1, 2), (2, 1))


def order_doc(**changes: Any) -> Document:
    return replace(
        Document(consignee=CONSIGNEE, goods=GOODS, amount=D("100.00"), currency="EUR"), **changes
    )


def payment_doc(**changes: Any) -> Document:
    return replace(
        Document(consignee=None, goods=None, amount=D("100.00"), currency="EUR"), **changes
    )


def waybill_doc(**changes: Any) -> Document:
    return replace(
        Document(consignee=CONSIGNEE, goods=GOODS, amount=D("80.00"), currency="EUR"), **changes
    )


def shirt(unit_value: str = "20.00", listing_price: str = "20.00") -> ScreenedLine:
    return ScreenedLine(
        listing_id=1,
        label="Silk shirt (HS 610910)",
        unit_value=D(unit_value),
        listing_price=D(listing_price),
        currency="USD",
    )


def facts(**changes: Any) -> Facts:
    """An import declaration every rule lets through: a verified seller, a value under the
    hub's limit, duty and tax as quoted, and matching order, payment and waybill."""
    clean = Facts(
        direction="import",
        currency="EUR",
        customs_value=D("95.00"),
        duty=D("6.00"),
        tax=D("21.21"),
        lines=(shirt(),),
        seller_name="Hangzhou Shirts Co",
        seller_verified=True,
        limit=D("1000.00"),
        limit_label="ECOM: USD 1,000.00",
        requote=Requote(duty=D("6.00"), tax=D("21.21")),
        order=order_doc(),
        payment=payment_doc(),
        waybill=waybill_doc(),
        order_goods_value=D("80.00"),
    )
    return replace(clean, **changes)


def rules(screening: Screening) -> list[str]:
    return [reason.rule for reason in screening.reasons]


def only_reason(screening: Screening, rule: str) -> str:
    assert not screening.cleared
    assert rules(screening) == [rule]
    assert screening.rule == rule
    return screening.reasons[0].message


# --- automatic clearance ---------------------------------------------------------------------


def test_a_declaration_no_rule_applies_to_clears_automatically() -> None:
    screening = screen(facts())

    assert screening.cleared
    assert screening.rule == AUTO_CLEAR
    assert rules(screening) == [AUTO_CLEAR]
    assert screening.reasons[0].message == "Cleared automatically: no screening rule applied."


# --- the re-quote: prohibited, not quotable, duty changed ------------------------------------


def test_goods_prohibited_on_the_clearance_date_go_to_review() -> None:
    refused = Requote(refusal_code="prohibited", refusal="HS 930200 may not be imported into BE.")

    message = only_reason(screen(facts(requote=refused)), PROHIBITED)

    assert message == "Prohibited on the clearance date: HS 930200 may not be imported into BE."


def test_a_consignment_the_engine_no_longer_quotes_goes_to_review() -> None:
    refused = Requote(refusal_code="no_route", refusal="No eHub route reaches BE.")

    message = only_reason(screen(facts(requote=refused)), NOT_QUOTABLE)

    assert message == "No eHub route reaches BE."


def test_duty_changed_since_the_quote_goes_to_review() -> None:
    changed = Requote(duty=D("7.20"), tax=D("21.21"))

    message = only_reason(screen(facts(requote=changed)), DUTY_CHANGED)

    assert "duty EUR 7.20 and tax EUR 21.21 today" in message
    assert "declared EUR 6.00 and EUR 21.21" in message


def test_tax_changed_since_the_quote_goes_to_review() -> None:
    changed = Requote(duty=D("6.00"), tax=D("21.22"))

    only_reason(screen(facts(requote=changed)), DUTY_CHANGED)


def test_duty_and_tax_equal_to_the_quote_pass() -> None:
    # The same amounts written with another exponent are the same amounts.
    same = Requote(duty=D("6.0000"), tax=D("21.2100"))

    assert screen(facts(requote=same)).cleared


def test_an_export_carries_no_duty_so_a_requoted_duty_does_not_matter() -> None:
    export = facts(
        direction="export", duty=D(0), tax=D(0), requote=Requote(duty=D("6"), tax=D("21"))
    )

    assert screen(export).cleared


# --- undervaluation: 80 % of the listing's price ---------------------------------------------


def test_a_unit_value_under_80_percent_of_the_listing_price_is_undervalued() -> None:
    cheap = shirt(unit_value="79.99", listing_price="100.00")  # 79.99 %

    message = only_reason(screen(facts(lines=(cheap,))), UNDERVALUED)

    assert message == (
        "Silk shirt (HS 610910): declared at USD 79.99 a unit, under 80 % of the listing's "
        "price (USD 100.00)."
    )


def test_a_unit_value_of_exactly_80_percent_of_the_listing_price_passes() -> None:
    at_the_line = shirt(unit_value="80.00", listing_price="100.00")

    assert screen(facts(lines=(at_the_line,))).cleared


def test_each_undervalued_line_is_a_reason_of_its_own() -> None:
    second = replace(shirt("1.00", "20.00"), listing_id=2, label="Celadon mug (HS 691200)")

    screening = screen(facts(lines=(shirt("1.00", "20.00"), second)))

    assert rules(screening) == [UNDERVALUED, UNDERVALUED]
    assert [r.message.split(":")[0] for r in screening.reasons] == [
        "Silk shirt (HS 610910)",
        "Celadon mug (HS 691200)",
    ]


# --- the seller ------------------------------------------------------------------------------


def test_an_unverified_seller_goes_to_review() -> None:
    message = only_reason(screen(facts(seller_verified=False)), UNVERIFIED_SELLER)

    assert message == "The seller Hangzhou Shirts Co is not verified."


# --- the hub's auto-clear limit --------------------------------------------------------------


def test_a_value_over_the_hubs_limit_goes_to_review() -> None:
    message = only_reason(screen(facts(customs_value=D("1000.01"))), OVER_LIMIT)

    assert message == (
        "Customs value EUR 1,000.01 is above the hub's auto-clear limit (ECOM: USD 1,000.00)."
    )


def test_a_value_at_the_hubs_limit_passes() -> None:
    assert screen(facts(customs_value=D("1000.00"))).cleared


def test_a_mode_without_a_limit_lets_any_value_through() -> None:
    assert screen(facts(customs_value=D("999999"), limit=None, limit_label="")).cleared


# --- the documents: order, payment, waybill --------------------------------------------------


def documents_reason(**changes: Any) -> str:
    return only_reason(screen(facts(**changes)), DOCUMENTS_MISMATCH)


def test_no_captured_payment_is_a_documents_mismatch() -> None:
    message = documents_reason(payment=None)

    assert message == "Documents do not match: there is no captured payment."


def test_a_payment_more_than_5_percent_off_the_order_is_a_documents_mismatch() -> None:
    message = documents_reason(payment=payment_doc(amount=D("105.01")))

    assert message == (
        "Documents do not match: the payment (EUR 105.01) differs from the order (EUR 100.00) "
        "by more than 5 %."
    )


def test_a_payment_within_5_percent_of_the_order_passes() -> None:
    assert screen(facts(payment=payment_doc(amount=D("105.00")))).cleared
    assert screen(facts(payment=payment_doc(amount=D("95.00")))).cleared


def test_a_payment_in_another_currency_is_a_documents_mismatch() -> None:
    documents_reason(payment=payment_doc(currency="USD"))


def test_no_waybill_is_a_documents_mismatch() -> None:
    assert documents_reason(waybill=None) == "Documents do not match: no waybill was issued."


def test_a_waybill_for_another_consignee_is_a_documents_mismatch() -> None:
    message = documents_reason(waybill=waybill_doc(consignee=("Jean Dupont", "BE")))

    assert message == "Documents do not match: the waybill's consignee is not the order's."


def test_a_waybill_for_the_consignee_in_another_country_is_a_documents_mismatch() -> None:
    documents_reason(waybill=waybill_doc(consignee=("Amélie Dupont", "FR")))


def test_the_consignee_matches_whatever_the_case_and_spacing() -> None:
    sloppy = waybill_doc(consignee=("  AMÉLIE   dupont ", "be"))

    assert screen(facts(waybill=sloppy)).cleared


def test_a_waybill_with_other_goods_is_a_documents_mismatch() -> None:
    message = documents_reason(waybill=waybill_doc(goods=((1, 3), (2, 1))))

    assert message == "Documents do not match: the waybill's goods are not the order's."


def test_a_waybill_value_more_than_5_percent_off_the_goods_is_a_documents_mismatch() -> None:
    message = documents_reason(waybill=waybill_doc(amount=D("84.01")))

    assert message == (
        "Documents do not match: the waybill's value (EUR 84.01) differs from the order's "
        "goods (EUR 80.00) by more than 5 %."
    )


def test_a_waybill_value_within_5_percent_of_the_goods_passes() -> None:
    assert screen(facts(waybill=waybill_doc(amount=D("84.00")))).cleared


def test_every_document_problem_is_told_in_one_reason() -> None:
    message = documents_reason(
        payment=None, waybill=waybill_doc(consignee=("Someone Else", "BE"), goods=((9, 9),))
    )

    assert message == (
        "Documents do not match: there is no captured payment; the waybill's consignee is not "
        "the order's; the waybill's goods are not the order's."
    )


# --- several reasons -------------------------------------------------------------------------


def test_every_rule_that_applies_is_a_reason_and_the_first_is_recorded() -> None:
    screening = screen(
        facts(
            requote=Requote(duty=D("9.00"), tax=D("21.21")),
            lines=(shirt(unit_value="5.00"),),
            seller_verified=False,
            customs_value=D("5000"),
            payment=None,
        )
    )

    assert not screening.cleared
    assert rules(screening) == [
        DUTY_CHANGED,
        UNDERVALUED,
        UNVERIFIED_SELLER,
        OVER_LIMIT,
        DOCUMENTS_MISMATCH,
    ]
    assert screening.rule == DUTY_CHANGED


def test_the_recorded_rule_is_the_first_reason_even_when_the_seller_is_the_only_other() -> None:
    screening = screen(facts(seller_verified=False, waybill=None))

    assert rules(screening) == [UNVERIFIED_SELLER, DOCUMENTS_MISMATCH]
    assert screening.rule == UNVERIFIED_SELLER
