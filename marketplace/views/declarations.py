"""Customs declarations on the pages: the Customs section of an order (its buyer reads how
clearance goes in plain words; its seller also reads the screening reasons), and the seller's
own declaration pages, where they answer a hub's question.

The buyer never sees why a declaration was screened out (undervaluation, an unverified seller):
those are between the seller and the hub. What they see is written here from each declaration's
status and audit trail, never from its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from customs.declaring import is_domestic
from customs.models import Declaration, DeclarationEvent
from customs.review import DeclarationConflict, declaration_answer
from customs.screening import AUTO_CLEAR, RULES
from customs.selectors import (
    clearance_mode_names,
    declaration_questions,
    declaration_trail,
    declarations_of,
    declarations_of_seller,
)
from marketplace.forms.customs import SELLER_STATUS, DeclarationAnswerForm, DeclarationFilterForm
from marketplace.models import Order, SellerProfile
from marketplace.views.common import seller_required

S = Declaration.Status
Kind = DeclarationEvent.Kind

DECLARATION_PAGE_SIZE = 20
# How often an order page reloads itself while customs is still deciding: a clearance job
# decides in seconds; a person reviewing a declaration takes minutes.
REFRESH_WHILE_SUBMITTED = 5
REFRESH_WHILE_IN_REVIEW = 30

BUYER_STATUS = {
    S.SUBMITTED: "Waiting for clearance",
    S.CLEARED: "Cleared",
    S.REVIEW: "Being reviewed by the hub's customs officers",
    S.HELD: "Held: the hub asked the seller a question",
}

BUYER_EVENT = {
    Kind.SUBMITTED: "Declared to the hub's customs.",
    Kind.APPROVED: "Cleared by the hub's customs officers.",
    Kind.HELD: "Held: the hub asked the seller a question.",
    Kind.ANSWERED: "The seller answered the hub's question; the customs officers review the "
    "declaration again.",
    Kind.REQUEUED: "Still waiting for clearance: sent to the hub's customs again.",
}


@dataclass(frozen=True)
class TrailEntry:
    """One line of a declaration's timeline, as one party reads it."""

    at: datetime
    status: str
    text: str
    reasons: tuple[str, ...] = ()
    who: str = ""


@dataclass(frozen=True)
class Shown:
    """A declaration with what a page says of it: its mode's name, its status and timeline in
    the reader's words, and (for the seller) the hub's open question."""

    declaration: Declaration
    mode_name: str
    status_text: str
    trail: tuple[TrailEntry, ...]
    question: str = ""


def _closing_event(events: Sequence[DeclarationEvent]) -> DeclarationEvent | None:
    return next((e for e in reversed(events) if e.kind in (Kind.REJECTED, Kind.WITHDRAWN)), None)


def _last_question(events: Sequence[DeclarationEvent]) -> str:
    return next((e.note for e in reversed(events) if e.kind == Kind.HELD), "")


# --- The buyer's words -----------------------------------------------------------------------


def buyer_status(declaration: Declaration, events: Sequence[DeclarationEvent]) -> str:
    if declaration.status != S.REJECTED:
        return BUYER_STATUS[S(declaration.status)]
    closing = _closing_event(events)
    if closing is None:
        return "Rejected"
    if closing.kind == Kind.WITHDRAWN:
        return closing.note or "Withdrawn"
    return f"Rejected: {closing.note}" if closing.note else "Rejected"


def _buyer_event_text(event: DeclarationEvent) -> str:
    if event.kind == Kind.SCREENED:
        if event.status == S.CLEARED:
            return "Cleared automatically."
        return "Passed to the hub's customs officers for a closer look."
    if event.kind == Kind.REJECTED:
        return f"Rejected by the hub's customs officers: {event.note}"
    if event.kind == Kind.WITHDRAWN:
        return event.note or "Withdrawn."
    return BUYER_EVENT.get(Kind(event.kind), event.get_kind_display())


def buyer_shown(declaration: Declaration, mode_names: dict[tuple[int, str], str]) -> Shown:
    events = list(declaration.events.all())
    return Shown(
        declaration=declaration,
        mode_name=mode_names.get((declaration.hub_id, declaration.mode), ""),
        status_text=buyer_status(declaration, events),
        trail=tuple(TrailEntry(e.at, e.status, _buyer_event_text(e)) for e in events),
    )


# --- The seller's words ----------------------------------------------------------------------


def seller_status(declaration: Declaration) -> str:
    if declaration.status == S.REJECTED and any(
        r.get("rule") == "withdrawn" for r in declaration.reasons
    ):
        return "Withdrawn"
    return SELLER_STATUS[S(declaration.status)]


def _who(event: DeclarationEvent, seller_id: int) -> str:
    if event.actor_id is None:
        return "Clearance job" if event.kind == Kind.SCREENED else ""
    if event.actor_id == seller_id:
        return "You"
    return "The hub's customs officers"


def _seller_event_text(event: DeclarationEvent) -> str:
    if event.kind == Kind.APPROVED:
        return "Approved." + (f" {event.note}" if event.note else "")
    if event.kind == Kind.HELD:
        return f"Held. The hub asks: “{event.note}”"
    if event.kind == Kind.ANSWERED:
        return f"Answered: “{event.note}”"
    if event.kind == Kind.REJECTED:
        return f"Rejected: {event.note}"
    return event.note or event.get_kind_display()


def reason_text(reason: dict[str, Any]) -> str:
    """A recorded reason in words: the screening rule's name, then its message."""
    label = RULES.get(str(reason.get("rule", "")), "")
    message = str(reason.get("message", ""))
    return f"{label}: {message}" if label else message


def _reasons(event: DeclarationEvent) -> tuple[str, ...]:
    """The screening reasons behind a screened event (an automatic clearance has none)."""
    if event.kind != Kind.SCREENED or event.rule == AUTO_CLEAR:
        return ()
    return tuple(reason_text(r) for r in event.reasons)


def seller_trail_entry(event: DeclarationEvent, seller_id: int) -> TrailEntry:
    return TrailEntry(
        at=event.at,
        status=event.status,
        text=_seller_event_text(event),
        reasons=_reasons(event),
        who=_who(event, seller_id),
    )


def seller_shown(
    declaration: Declaration,
    mode_names: dict[tuple[int, str], str],
    events: Sequence[DeclarationEvent] | None = None,
) -> Shown:
    trail = list(declaration.events.all()) if events is None else list(events)
    return Shown(
        declaration=declaration,
        mode_name=mode_names.get((declaration.hub_id, declaration.mode), ""),
        # A rejection says why, as the buyer reads it too.
        status_text=buyer_status(declaration, trail)
        if declaration.status == S.REJECTED
        else seller_status(declaration),
        trail=tuple(seller_trail_entry(e, declaration.seller_id) for e in trail),
        question=_last_question(trail) if declaration.status == S.HELD else "",
    )


# --- An order's Customs section --------------------------------------------------------------


def order_customs(order: Order, *, for_buyer: bool) -> dict[str, Any]:
    """The context of an order page's Customs section: its declarations as the reader sees
    them, whether it needs none (domestic), and how often the page should reload itself while
    customs decides (None once every declaration is decided)."""
    declarations = list(declarations_of(reference=order.reference))
    names = clearance_mode_names(declarations=declarations)
    show = buyer_shown if for_buyer else seller_shown
    statuses = {d.status for d in declarations}
    refresh: int | None = None
    if S.SUBMITTED in statuses:
        refresh = REFRESH_WHILE_SUBMITTED
    elif statuses & {S.REVIEW, S.HELD}:
        refresh = REFRESH_WHILE_IN_REVIEW
    return {
        "declarations": [show(d, names) for d in declarations],
        "customs_domestic": not declarations and (is_domestic(order.quote) or not order.route),
        "customs_refresh": refresh,
    }


# --- The seller's declaration pages ----------------------------------------------------------


@require_GET
@seller_required
def seller_declarations(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    """The seller's declarations, newest first, optionally of one status; held ones carry the
    hub's question, and a banner counts those waiting for an answer."""
    form = DeclarationFilterForm(request.GET)
    status = form.status_wanted()
    mine = declarations_of_seller(user=request.user)
    shown = mine.filter(status=status) if status else mine
    page = Paginator(shown, DECLARATION_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = clearance_mode_names(declarations=rows)
    questions = declaration_questions(declarations=rows)
    context = {
        "seller": seller,
        "form": form,
        "status": status,
        "status_label": form.status_label(status),
        "page_obj": page,
        "rows": [
            {
                "declaration": d,
                "mode_name": names.get((d.hub_id, d.mode), ""),
                "status_text": seller_status(d),
                "question": questions.get(d.pk, ""),
            }
            for d in rows
        ],
        "held_count": mine.filter(status=S.HELD).count() if status != S.HELD else None,
    }
    return render(request, "seller/declaration_list.html", context)


def _seller_declaration(request: HttpRequest, pk: int) -> Declaration:
    """The seller's own declaration; a 404 for anyone else's."""
    return get_object_or_404(
        declarations_of_seller(user=request.user).prefetch_related("lines"), pk=pk
    )


def _review_reasons(declaration: Declaration, trail: Sequence[DeclarationEvent]) -> tuple[str, ...]:
    """Why an open declaration went to review: its screening's reasons (a hold's question and
    an answer are in the trail, and the recorded reasons of a decision name the operator)."""
    if declaration.status not in (S.REVIEW, S.HELD):
        return ()
    screened = next((e for e in reversed(trail) if e.kind == Kind.SCREENED), None)
    return _reasons(screened) if screened is not None else ()


def _detail(
    request: HttpRequest, declaration: Declaration, form: DeclarationAnswerForm | None = None
) -> HttpResponse:
    trail = list(declaration_trail(declaration=declaration))
    names = clearance_mode_names(declarations=[declaration])
    context = {
        "shown": seller_shown(declaration, names, trail),
        "declaration": declaration,
        "lines": list(declaration.lines.all()),
        "form": form or DeclarationAnswerForm(),
        "review_reasons": _review_reasons(declaration, trail),
    }
    return render(request, "seller/declaration_detail.html", context)


@require_GET
@seller_required
def seller_declaration(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    """One of the seller's declarations: lines, amounts, the full audit trail and, when it is
    held, the hub's question with a form to answer it."""
    return _detail(request, _seller_declaration(request, pk))


@require_POST
@seller_required
def seller_declaration_answer(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    """Send the seller's answer to a held declaration; it goes back to the hub's review."""
    declaration = _seller_declaration(request, pk)
    form = DeclarationAnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, declaration, form)
    try:
        answered = declaration_answer(
            declaration=declaration, answer=form.cleaned_data["answer"], by=request.user
        )
    except ValueError as error:
        form.add_error("answer", str(error))
        return _detail(request, declaration, form)
    except DeclarationConflict:
        declaration.refresh_from_db(fields=["status", "reasons"])
        messages.warning(
            request,
            f"Declaration {declaration.pk} is no longer waiting for your answer: it is "
            f"{seller_status(declaration).lower()}. Your answer was not sent.",
        )
        return redirect("seller_declaration", pk=declaration.pk)
    messages.success(
        request,
        f"Your answer was sent to the customs officers of {answered.hub.name} "
        f"({answered.hub.code}). The declaration is back in their review queue.",
    )
    return redirect("seller_declaration", pk=answered.pk)
