"""Serializers of the HS 2022 nomenclature (GET /api/v1/hs-codes/…) and of customs
declarations (GET /api/v1/declarations/…, POST …/decide/)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from customs.models import Declaration
from customs.models.declarations import DeclarationStatus, Direction
from customs.nomenclature import Entry, nomenclature
from customs.review import APPROVE, DECISIONS, HOLD, REASON_MAX, REJECT, decision_problem
from ewtp.api.fields import MoneyField
from ewtp.api.inputs import NO_NUL_PATTERN, NOT_BLANK_PATTERN, JSONTypedInput, TextField
from payments.money import quantize

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class HsLevelOutput(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class HsSectionOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Roman numeral, e.g. XI.")
    description = serializers.CharField()


class HsCodeOutput(serializers.Serializer):
    code = serializers.CharField(help_text="2 digits (chapter), 4 (heading) or 6 (subheading).")
    level = serializers.ChoiceField(choices=["chapter", "heading", "subheading"])
    description = serializers.CharField()
    heading = HsLevelOutput(allow_null=True, help_text="Null for a chapter or a heading.")
    chapter = HsLevelOutput(allow_null=True, help_text="Null for a chapter.")
    section = HsSectionOutput()


class HsCodeDetailOutput(HsCodeOutput):
    children = HsLevelOutput(
        many=True, help_text="A chapter's headings, a heading's subheadings; none for a subheading."
    )


def _level(entry: Entry | None) -> dict[str, str] | None:
    return None if entry is None else {"code": entry.code, "description": entry.description}


def hs_code_data(entry: Entry, *, children: bool = False) -> dict[str, Any]:
    """What the API says of a chapter, heading or subheading."""
    hs = nomenclature()
    section = hs.sections[entry.section]
    data: dict[str, Any] = {
        "code": entry.code,
        "level": entry.level,
        "description": entry.description,
        "heading": _level(hs.heading_of(entry.code)) if len(entry.code) > 4 else None,
        "chapter": _level(hs.chapter_of(entry.code)) if len(entry.code) > 2 else None,
        "section": {"code": section.code, "description": section.description},
    }
    if children:
        data["children"] = [_level(hs.entries[code]) for code in hs.children.get(entry.code, ())]
    return data


# --- Declarations (GET /api/v1/declarations/…, POST …/decide/) -------------------------------


class DeclarationReasonOutput(serializers.Serializer):
    rule = serializers.CharField(
        help_text="The screening rule (`unverified_seller`, `over_limit`, …, `auto_clear`) or "
        "the decision (`approve`, `hold`, `reject`, `answered`, `withdrawn`)."
    )
    message = serializers.CharField(help_text="A sentence for people.")


# The schema's description of the bodies `declaration_body` builds (plain code, as for orders).
class DeclarationOutput(serializers.Serializer):
    """A customs declaration: one per hub and direction of an order's route."""

    id = serializers.IntegerField()
    order = serializers.IntegerField(
        allow_null=True, help_text="The order it declares (`GET /api/v1/orders/{id}/`)."
    )
    hub = serializers.CharField(help_text="The code of the hub it is filed at, e.g. HGH.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    mode = serializers.CharField(
        help_text="The hub's clearance mode at filing (9610, ECOM, …); empty if it had none."
    )
    status = serializers.ChoiceField(choices=DeclarationStatus.choices)
    customs_value = MoneyField(
        help_text="For an import in the destination's customs currency; for an export the "
        "goods' invoice value."
    )
    duty = MoneyField()
    tax = MoneyField()
    reasons = DeclarationReasonOutput(
        many=True, help_text="Why the latest screening or decision went the way it did."
    )


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def declaration_body(declaration: Declaration) -> dict[str, Any]:
    """A declaration as docs/API.md gives it (its hub selected with it: no further query)."""
    d, cur = declaration, declaration.currency
    return {
        "id": d.pk,
        "order": d.order_id,
        "hub": d.hub.code,
        "direction": d.direction,
        "mode": d.mode,
        "status": d.status,
        "customs_value": _money(d.customs_value, cur),
        "duty": _money(d.duty, cur),
        "tax": _money(d.tax, cur),
        "reasons": [
            {"rule": str(r.get("rule", "")), "message": str(r.get("message", ""))}
            for r in d.reasons
            if isinstance(r, dict)
        ],
    }


class DecideInput(JSONTypedInput):
    """`{"decision", "reason"}`; the schema (DecideInputExtension) says which decisions need a
    reason, as `customs.review.decision_problem` checks it."""

    decision = serializers.ChoiceField(choices=DECISIONS)
    reason = TextField(max_length=REASON_MAX, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        problem = decision_problem(decision=attrs["decision"], reason=attrs["reason"])
        if problem:
            raise serializers.ValidationError({"reason": [problem]})
        return attrs


def _enum(auto_schema: AutoSchema, name: str, values: list[str], description: str) -> Any:
    component = ResolvedComponent(
        name=name,
        type=ResolvedComponent.SCHEMA,
        schema={"type": "string", "enum": values, "description": description},
        object=name,
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref


class DecideInputExtension(OpenApiSerializerExtension):
    """One branch per kind of decision: an approval may carry a note, a hold or a rejection
    must say why. Enums of their own: drf-spectacular's enum hook would merge the two
    `decision` enums of one component into one."""

    target_class = DecideInput

    def get_name(self, auto_schema: AutoSchema, direction: str) -> str:
        return "DecideInput"  # drf-spectacular adds "Request"

    def map_serializer(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        note = {"type": "string", "maxLength": REASON_MAX, "pattern": NO_NUL_PATTERN}
        return {
            "description": "An operator's decision on an open declaration.",
            # Also at the top, where drf-spectacular reads whether the body is required (a
            # top-level "type": "object" without properties would make it drop the component).
            "required": ["decision"],
            "oneOf": [
                {
                    "type": "object",
                    "title": "Approve",
                    "properties": {
                        "decision": _enum(
                            auto_schema,
                            "ApproveDecisionEnum",
                            [APPROVE],
                            "`approve`: the declaration is cleared.",
                        ),
                        "reason": {**note, "description": "An optional note for the trail."},
                    },
                    "required": ["decision"],
                },
                {
                    "type": "object",
                    "title": "Hold or reject",
                    "properties": {
                        "decision": _enum(
                            auto_schema,
                            "ReasonedDecisionEnum",
                            [HOLD, REJECT],
                            "`hold`: a question to the seller (the declaration is held until "
                            "they answer); `reject`: the order is cancelled and refunded.",
                        ),
                        "reason": {
                            **note,
                            "minLength": 1,
                            "pattern": NOT_BLANK_PATTERN,
                            "description": "Required: the question to the seller, or why the "
                            "declaration is rejected.",
                        },
                    },
                    "required": ["decision", "reason"],
                },
            ],
            "example": {"decision": REJECT, "reason": "The goods are counterfeit."},
        }
