"""The hub's review queue: operators approve, hold (a question to the seller) or reject a
declaration; the seller answers a hold; a cancelled order withdraws its open declarations.

Each change happens under `select_for_update()` with the status checked again, records an event
in the declaration's audit trail, and tells marketplace (`declarations_decided`) in the same
transaction. A change the status no longer allows is an answer (`DeclarationConflict`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from customs.models import Declaration, DeclarationEvent
from customs.models.declarations import OPEN_STATUSES
from customs.signals import declarations_decided

S = Declaration.Status
Kind = DeclarationEvent.Kind

APPROVE, HOLD, REJECT = "approve", "hold", "reject"
DECISIONS = (APPROVE, HOLD, REJECT)
REASON_MAX = 1000


class DeclarationConflict(Exception):
    """The declaration's state does not allow the change (409 with `code`)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _locked(declaration: Declaration) -> Declaration:
    return (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("hub")
        .get(pk=declaration.pk)
    )


def _actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _who(by: Any) -> str:
    actor = _actor(by)
    return f" by {actor.get_username()}" if actor is not None else ""


def decision_problem(*, decision: str, reason: str) -> str:
    """Why `decision` cannot be made with `reason` ("" if it can): an unknown decision, or a
    hold or rejection without a reason. Forms and the API report it before deciding."""
    if decision not in DECISIONS:
        return f"Unknown decision {decision!r}: use approve, hold or reject."
    if decision in (HOLD, REJECT) and not reason.strip():
        return (
            "Say what the seller should answer." if decision == HOLD else "Say why it is rejected."
        )
    return ""


def declaration_decide(
    *, declaration: Declaration, decision: str, reason: str = "", by: Any = None
) -> Declaration:
    """An operator's decision on an open declaration: approve (cleared), hold (a question to
    the seller; `reason` is the question) or reject (`reason` required; the order is cancelled
    and refunded). Raises DeclarationConflict (not_open) once it is cleared or rejected,
    ValueError for an unknown decision or a missing reason."""
    reason = reason.strip()
    problem = decision_problem(decision=decision, reason=reason)
    if problem:
        raise ValueError(problem)
    with transaction.atomic():
        locked = _locked(declaration)
        if locked.status not in OPEN_STATUSES:
            raise DeclarationConflict(
                "not_open",
                f"This declaration is {locked.get_status_display().lower()}: it has been "
                "decided already.",
            )
        now = timezone.now()
        status, kind, message = {
            APPROVE: (S.CLEARED, Kind.APPROVED, f"Approved{_who(by)}"),
            HOLD: (S.HELD, Kind.HELD, f"Held{_who(by)}: a question to the seller"),
            REJECT: (S.REJECTED, Kind.REJECTED, f"Rejected{_who(by)}"),
        }[decision]
        detail = f"{message}: {reason}" if reason else f"{message}."
        locked.status = status
        locked.reasons = [{"rule": decision, "message": detail}]
        locked.decided_at = now if status in (S.CLEARED, S.REJECTED) else None
        locked.save(update_fields=["status", "reasons", "decided_at"])
        DeclarationEvent.objects.create(
            declaration=locked,
            at=now,
            kind=kind,
            status=status,
            rule=decision,
            reasons=locked.reasons,
            note=reason,
            actor=_actor(by),
        )
        _decided(locked)
    return locked


def _decided(declaration: Declaration) -> None:
    declarations_decided.send(sender=Declaration, declarations=[declaration])
    if declaration.is_open:
        # Its order was cancelled meanwhile: the receiver withdrew it; answer what it is now.
        declaration.refresh_from_db(fields=["status", "reasons", "decided_at"])


def declaration_answer(*, declaration: Declaration, answer: str, by: Any = None) -> Declaration:
    """The seller's answer to a hold: the declaration goes back to the review queue. Raises
    DeclarationConflict (not_held) unless it is held, ValueError for an empty answer."""
    answer = answer.strip()
    if not answer:
        raise ValueError("Write an answer to the hub's question.")
    with transaction.atomic():
        locked = _locked(declaration)
        if locked.status != S.HELD:
            raise DeclarationConflict(
                "not_held", "This declaration is not waiting for an answer from the seller."
            )
        now = timezone.now()
        locked.status = S.REVIEW
        locked.reasons = [
            *locked.reasons,
            {"rule": "answered", "message": f"The seller answered: {answer}"},
        ]
        locked.save(update_fields=["status", "reasons"])
        DeclarationEvent.objects.create(
            declaration=locked,
            at=now,
            kind=Kind.ANSWERED,
            status=S.REVIEW,
            note=answer,
            actor=_actor(by),
        )
        _decided(locked)
    return locked


def declarations_withdraw(*, reference: str, note: str) -> int:
    """Close every open declaration of `reference` (its order was cancelled); returns how many.
    Sends no signal: the caller is the order's own change. A declaration a clearance job holds
    at this moment is skipped (the job locks declarations before orders; waiting here, under
    the order's lock, would deadlock): its decision then finds the order closed."""
    now = timezone.now()
    open_ = list(
        Declaration.objects.select_for_update(skip_locked=True)
        .filter(reference=reference, status__in=list(OPEN_STATUSES))
        .order_by("pk")
    )
    for d in open_:
        d.status = S.REJECTED
        d.reasons = [{"rule": "withdrawn", "message": note}]
        d.decided_at = now
    Declaration.objects.bulk_update(open_, ["status", "reasons", "decided_at"])
    DeclarationEvent.objects.bulk_create(
        DeclarationEvent(
            declaration=d, at=now, kind=Kind.WITHDRAWN, status=S.REJECTED, rule="withdrawn",
            reasons=d.reasons, note=note,
        )
        for d in open_
    )  # fmt: skip
    return len(open_)
