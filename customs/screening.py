"""Screening a customs declaration: a pure module (a declaration's facts in, a decision out).

Each rule that fires is a reason for manual review; with none, the declaration clears
automatically. The shell (`customs.clearance`) gathers the facts on the clearance date: the
consignment quoted again with today's tariff and rates, the hub's limit, the three documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from payments.money import money_format

# The rules, as they are recorded on decisions and shown to operators.
AUTO_CLEAR = "auto_clear"
PROHIBITED = "prohibited"
NOT_QUOTABLE = "not_quotable"
UNDERVALUED = "undervalued"
UNVERIFIED_SELLER = "unverified_seller"
OVER_LIMIT = "over_limit"
DUTY_CHANGED = "duty_changed"
DOCUMENTS_MISMATCH = "documents_mismatch"

RULES = {
    PROHIBITED: "Prohibited goods",
    NOT_QUOTABLE: "Cannot be quoted on the clearance date",
    UNDERVALUED: "Undervaluation",
    UNVERIFIED_SELLER: "Unverified seller",
    OVER_LIMIT: "Above the auto-clear limit",
    DUTY_CHANGED: "Duty or tax changed since the quote",
    DOCUMENTS_MISMATCH: "Order, payment and waybill do not match",
}

# Declared unit values under this share of the listing's price are undervalued.
UNDERVALUE_SHARE = Decimal("0.8")
# Order, payment and waybill amounts may differ by this share of the order's.
DOCUMENT_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class Reason:
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message}


@dataclass(frozen=True)
class ScreenedLine:
    listing_id: int
    label: str
    unit_value: Decimal  # declared, in the declaration's line currency
    listing_price: Decimal  # the listing's price at filing, converted to the same currency
    currency: str


@dataclass(frozen=True)
class Document:
    """What matching reads of a document: whom it is for, what goods, what amount."""

    consignee: tuple[str, str] | None  # (name, country)
    goods: tuple[tuple[int, int], ...] | None  # (listing, quantity), sorted
    amount: Decimal | None
    currency: str


@dataclass(frozen=True)
class Requote:
    """The consignment quoted again on the clearance date: its duty and tax in the
    declaration's currency, or the engine's refusal (`refusal_code`, `refusal`)."""

    duty: Decimal | None = None
    tax: Decimal | None = None
    refusal_code: str = ""
    refusal: str = ""


@dataclass(frozen=True)
class Facts:
    direction: str
    currency: str
    customs_value: Decimal
    duty: Decimal
    tax: Decimal
    lines: tuple[ScreenedLine, ...]
    seller_name: str
    seller_verified: bool
    limit: Decimal | None  # the hub's auto-clear limit, converted to `currency`
    limit_label: str  # the limit as the hub states it, e.g. "CNY 5000"
    requote: Requote
    order: Document
    payment: Document | None
    waybill: Document | None
    # The order's goods value, beside which the waybill's declared value is matched.
    order_goods_value: Decimal | None = None


@dataclass(frozen=True)
class Screening:
    cleared: bool
    rule: str  # AUTO_CLEAR, or the first rule that sent it to review
    reasons: tuple[Reason, ...]


def screen(facts: Facts) -> Screening:
    """Clear `facts`' declaration, or send it to review with every reason that applies."""
    reasons = [
        *_requote_reasons(facts),
        *_undervalued(facts),
        *_unverified(facts),
        *_over_limit(facts),
        *documents_match(
            order=facts.order,
            payment=facts.payment,
            waybill=facts.waybill,
            order_goods_value=facts.order_goods_value,
        ),
    ]
    if not reasons:
        return Screening(
            cleared=True,
            rule=AUTO_CLEAR,
            reasons=(Reason(AUTO_CLEAR, "Cleared automatically: no screening rule applied."),),
        )
    return Screening(cleared=False, rule=reasons[0].rule, reasons=tuple(reasons))


def _requote_reasons(facts: Facts) -> list[Reason]:
    requote = facts.requote
    if requote.refusal_code == "prohibited":
        return [Reason(PROHIBITED, f"Prohibited on the clearance date: {requote.refusal}")]
    if requote.refusal_code:
        return [Reason(NOT_QUOTABLE, requote.refusal)]
    if facts.direction != "import" or requote.duty is None or requote.tax is None:
        return []  # exports carry no duty or tax
    if requote.duty == facts.duty and requote.tax == facts.tax:
        return []
    cur = facts.currency
    return [
        Reason(
            DUTY_CHANGED,
            f"The tariff or rates changed since the quote: duty {_m(requote.duty, cur)} and tax "
            f"{_m(requote.tax, cur)} today, declared {_m(facts.duty, cur)} and "
            f"{_m(facts.tax, cur)}.",
        )
    ]


def _undervalued(facts: Facts) -> list[Reason]:
    return [
        Reason(
            UNDERVALUED,
            f"{line.label}: declared at {_m(line.unit_value, line.currency)} a unit, under 80 % "
            f"of the listing's price ({_m(line.listing_price, line.currency)}).",
        )
        for line in facts.lines
        if line.unit_value < line.listing_price * UNDERVALUE_SHARE
    ]


def _unverified(facts: Facts) -> list[Reason]:
    if facts.seller_verified:
        return []
    return [Reason(UNVERIFIED_SELLER, f"The seller {facts.seller_name} is not verified.")]


def _over_limit(facts: Facts) -> list[Reason]:
    if facts.limit is None or facts.customs_value <= facts.limit:
        return []
    return [
        Reason(
            OVER_LIMIT,
            f"Customs value {_m(facts.customs_value, facts.currency)} is above the hub's "
            f"auto-clear limit ({facts.limit_label}).",
        )
    ]


def documents_match(
    *,
    order: Document,
    payment: Document | None,
    waybill: Document | None,
    order_goods_value: Decimal | None = None,
) -> list[Reason]:
    """Order, payment and waybill: the same consignee, the same goods, amounts within 5 %."""
    problems: list[str] = []
    if payment is None:
        problems.append("there is no captured payment")
    elif not _close(payment.amount, payment.currency, order.amount, order.currency):
        problems.append(
            f"the payment ({_m(payment.amount, payment.currency)}) differs from the order "
            f"({_m(order.amount, order.currency)}) by more than 5 %"
        )
    if waybill is None:
        problems.append("no waybill was issued")
    else:
        if _consignee(waybill.consignee) != _consignee(order.consignee):
            problems.append("the waybill's consignee is not the order's")
        if waybill.goods != order.goods:
            problems.append("the waybill's goods are not the order's")
        expected = order_goods_value if order_goods_value is not None else order.amount
        if not _close(waybill.amount, waybill.currency, expected, order.currency):
            problems.append(
                f"the waybill's value ({_m(waybill.amount, waybill.currency)}) differs from "
                f"the order's goods ({_m(expected, order.currency)}) by more than 5 %"
            )
    if not problems:
        return []
    return [Reason(DOCUMENTS_MISMATCH, "Documents do not match: " + "; ".join(problems) + ".")]


def _close(amount: Decimal | None, currency: str, reference: Decimal | None, ref_cur: str) -> bool:
    if amount is None or reference is None or currency != ref_cur:
        return False
    return abs(amount - reference) <= abs(reference) * DOCUMENT_TOLERANCE


def _consignee(value: tuple[str, str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    name, country = value
    return (" ".join(name.split()).casefold(), country.upper())


def _m(amount: Decimal | None, currency: str) -> str:
    # Stored amounts carry four places ("EUR 40.8700"): people read them in the currency's.
    return "(none)" if amount is None else money_format(amount, currency)
