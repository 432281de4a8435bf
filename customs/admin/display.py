"""How the review queue shows a declaration: reasons by their rule's name, ages, the order
document and the basis as small tables. The JSON is read defensively: a page never fails on a
row another version wrote."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from customs.review import APPROVE, HOLD, REJECT
from customs.screening import AUTO_CLEAR, RULES
from payments.money import money_format

# Reasons as the list shows them: the screening rules, and the decisions recorded after them.
REASON_LABELS = {
    AUTO_CLEAR: "Cleared automatically",
    **RULES,
    APPROVE: "Approved",
    HOLD: "Held",
    REJECT: "Rejected",
    "answered": "Seller answered",
    "withdrawn": "Withdrawn",
}


def age_label(age: timedelta) -> str:
    """How long ago, as the queue says it: "under 1 min", "3 min", "2 h", "5 days"."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def reason_label(reason: Any) -> str:
    rule = str(reason.get("rule", "")) if isinstance(reason, dict) else ""
    return REASON_LABELS.get(rule, rule.replace("_", " ") or "—")


def reasons_of(value: Any) -> list[dict[str, str]]:
    # The JSON is read defensively: a page never fails on a row written by another version.
    if not isinstance(value, list):
        return []
    return [
        {"label": reason_label(r), "message": str(r.get("message", ""))}
        for r in value
        if isinstance(r, dict)
    ]


def reason_list(value: Any) -> SafeString:
    reasons = reasons_of(value)
    if not reasons:
        return format_html("{}", "—")
    return format_html(
        '<ul class="declaration-reasons">{}</ul>',
        format_html_join(
            "", "<li><strong>{}</strong>: {}</li>", ((r["label"], r["message"]) for r in reasons)
        ),
    )


def document_context(document: Any) -> dict[str, Any]:
    doc = document if isinstance(document, dict) else {}
    found = doc.get("consignee")
    consignee: dict[str, Any] = found if isinstance(found, dict) else {}
    goods = [g for g in doc.get("goods") or [] if isinstance(g, list | tuple) and len(g) == 2]
    currency = str(doc.get("currency", ""))
    return {
        "consignee": f"{consignee.get('name', '—')} ({consignee.get('country', '—')})",
        "goods": [{"listing": listing, "quantity": quantity} for listing, quantity in goods],
        "goods_value": _money(doc.get("goods_value"), currency),
        "amount": _money(doc.get("amount"), currency),
        "raw": json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True),
    }


def basis_context(basis: Any) -> dict[str, Any]:
    b = basis if isinstance(basis, dict) else {}
    lines = [ln for ln in b.get("lines") or [] if isinstance(ln, dict)]
    return {
        "destination": b.get("destination", "—"),
        "currency": b.get("currency", "—"),
        "seller_country": b.get("seller_country", "—"),
        "seller_employees": b.get("seller_employees", "—"),
        "lines": [
            {
                "listing": ln.get("listing_id", "—"),
                "title": ln.get("title", ""),
                "hs_code": ln.get("hs_code", ""),
                "origin": ln.get("origin", ""),
                "quantity": ln.get("quantity", ""),
                "unit_price": _money(ln.get("unit_price"), str(ln.get("currency", ""))),
                "weight_grams": ln.get("weight_grams", ""),
            }
            for ln in lines
        ],
        "raw": json.dumps(basis, indent=2, ensure_ascii=False, sort_keys=True),
    }


def _money(amount: Any, currency: str) -> str:
    try:
        return money_format(Decimal(str(amount)), currency)
    except (ArithmeticError, InvalidOperation, KeyError, TypeError, ValueError):
        return f"{currency} {amount}" if amount is not None else "—"
