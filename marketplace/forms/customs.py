"""The seller's declaration forms: the list's status filter and the answer to a hub's question."""

from __future__ import annotations

from typing import Any

from django import forms

from customs.models import Declaration
from customs.review import REASON_MAX

S = Declaration.Status

# What the seller's pages call each status (they speak to the seller: "you").
SELLER_STATUS = {
    S.SUBMITTED: "Waiting for clearance",
    S.REVIEW: "In review by the hub's customs officers",
    S.HELD: "Held: the hub asks you a question",
    S.CLEARED: "Cleared",
    S.REJECTED: "Rejected",
}

ANSWER_MAX = REASON_MAX
ANSWER_REQUIRED = "Write your answer to the hub's question."
ANSWER_TOO_LONG = f"Keep your answer to {ANSWER_MAX:,} characters or fewer (it has %(show_value)d)."


FILTER_CHOICES: list[tuple[str, str]] = [
    ("", "Any status"),
    (S.HELD, "Held: waiting for your answer"),
    (S.SUBMITTED, SELLER_STATUS[S.SUBMITTED]),
    (S.REVIEW, "In review"),
    (S.CLEARED, SELLER_STATUS[S.CLEARED]),
    (S.REJECTED, "Rejected or withdrawn"),
]


class DeclarationFilterForm(forms.Form):
    """The seller's declarations, by status (read from the query string; invalid is ignored)."""

    status = forms.ChoiceField(label="Status", required=False, choices=FILTER_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def status_wanted(self) -> str:
        return str(self.cleaned_data.get("status") or "") if self.is_valid() else ""

    @staticmethod
    def status_label(status: str) -> str:
        return dict(FILTER_CHOICES).get(status, "") if status else ""


class DeclarationAnswerForm(forms.Form):
    """The seller's answer to a hold: sent back to the hub's customs officers for review.
    Django's CharField refuses NUL characters (PostgreSQL cannot store them)."""

    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        help_text=(
            f"Up to {ANSWER_MAX:,} characters. The hub's customs officers read it and decide "
            "again; the buyer does not see it."
        ),
        error_messages={"required": ANSWER_REQUIRED, "max_length": ANSWER_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
