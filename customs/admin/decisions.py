"""The review queue's decisions in admin: approve, hold (a question to the seller) and reject,
on the selected declarations (list actions) or on one declaration's page.

Each declaration is decided by `customs.review.declaration_decide`, one at a time, so one that
was decided meanwhile or whose refund fails leaves the others decided; the operator reads one
message per outcome. Hold and reject ask for their text first on a page of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin, helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse

from customs.models import Declaration
from customs.review import (
    APPROVE,
    HOLD,
    REASON_MAX,
    REJECT,
    DeclarationConflict,
    declaration_decide,
)
from payments.services import PaymentFailed

DONE = {APPROVE: "approved", HOLD: "held", REJECT: "rejected"}

# What each decision asks for, and how its page and buttons say it.
PROMPTS = {
    HOLD: {
        "title": "Hold: ask the seller a question",
        "label": "Question for the seller",
        "help": "The seller sees this question and answers it; the declaration then comes back "
        "to this queue.",
        "button": "Hold and send the question",
    },
    REJECT: {
        "title": "Reject: refuse the consignment",
        "label": "Reason for the rejection",
        "help": "Recorded in the audit trail and shown on the order. The order is cancelled and "
        "the buyer refunded in full.",
        "button": "Reject and refund the buyer",
    },
}


class ReasonForm(forms.Form):
    """The text a hold or a rejection needs (the service refuses an empty one too)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=REASON_MAX,
        error_messages={"required": "Write the text: this decision needs it."},
    )

    def __init__(self, *args: Any, decision: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prompt = prompt = PROMPTS[decision]
        self.fields["reason"].label = prompt["label"]
        self.fields["reason"].help_text = prompt["help"]


@dataclass
class Outcome:
    """Declaration ids by what happened to them."""

    decided: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def decisions_apply(
    *, declarations: Iterable[Declaration], decision: str, reason: str, by: Any
) -> Outcome:
    """Decide each declaration in turn (its own transaction): conflicts and failed refunds are
    outcomes, never exceptions."""
    outcome = Outcome()
    for declaration in declarations:
        try:
            declaration_decide(declaration=declaration, decision=decision, reason=reason, by=by)
        except DeclarationConflict:
            outcome.already.append(declaration.pk)
        except PaymentFailed as failed:
            # The rejection rolled back with the refund: the declaration is still open.
            outcome.refused.append(
                (declaration.pk, f"the buyer's refund did not go through ({failed.message})")
            )
        except ValueError as invalid:
            outcome.refused.append((declaration.pk, str(invalid)))
        else:
            outcome.decided.append(declaration.pk)
    return outcome


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{pk}" for pk in ids)


def outcome_messages(outcome: Outcome, decision: str) -> list[tuple[int, str]]:
    """The messages an operator reads after deciding: (level, text), one per kind of outcome,
    and one per declaration that could not be decided."""
    said: list[tuple[int, str]] = []
    done = outcome.decided
    if done:
        n = len(done)
        text = {
            APPROVE: f"{n} approved ({_ids(done)}): cleared for the consignment to go on.",
            HOLD: f"{n} held ({_ids(done)}): the question was sent to the seller.",
            REJECT: f"{n} rejected ({_ids(done)}): "
            + (
                "the order was cancelled and the buyer refunded."
                if n == 1
                else "their orders were cancelled and the buyers refunded."
            ),
        }[decision]
        said.append((messages.SUCCESS, text))
    if outcome.already:
        n = len(outcome.already)
        verb = "was" if n == 1 else "were"
        said.append(
            (
                messages.WARNING,
                f"{n} {verb} already decided ({_ids(outcome.already)}): nothing changed there.",
            )
        )
    what = DONE[decision]
    for pk, why in outcome.refused:
        said.append(
            (
                messages.ERROR,
                f"#{pk} could not be {what}: {why.rstrip('.')}. Nothing changed for it; try "
                "again in a moment.",
            )
        )
    if not (done or outcome.already or outcome.refused):
        said.append(
            (
                messages.WARNING,
                "None of the selected declarations is yours to decide: nothing changed.",
            )
        )
    return said


def decide_and_tell(
    model_admin: ModelAdmin[Declaration],
    request: HttpRequest,
    declarations: Iterable[Declaration],
    decision: str,
    reason: str = "",
) -> Outcome:
    """Decide, log each decision in the declaration's admin history, and tell the operator."""
    declarations = list(declarations)
    outcome = decisions_apply(
        declarations=declarations, decision=decision, reason=reason, by=request.user
    )
    by_pk = {d.pk: d for d in declarations}
    for pk in outcome.decided:
        note = DONE[decision].capitalize()
        model_admin.log_change(request, by_pk[pk], f"{note}: {reason}" if reason else f"{note}.")
    for level, text in outcome_messages(outcome, decision):
        model_admin.message_user(request, text, level)
    return outcome


def reason_page(
    model_admin: ModelAdmin[Declaration],
    request: HttpRequest,
    declarations: list[Declaration],
    decision: str,
    form: ReasonForm,
) -> TemplateResponse:
    """The page between choosing hold or reject and doing it: the selected declarations and the
    text to send; it posts back to the changelist as the same action."""
    opts = model_admin.model._meta
    prompt = PROMPTS[decision]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": prompt["title"],
        "subtitle": None,
        "opts": opts,
        "decision": decision,
        "prompt": prompt,
        "form": form,
        "declarations": declarations,
        "open_count": sum(1 for d in declarations if d.is_open),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/customs/declaration/decide.html", context)
