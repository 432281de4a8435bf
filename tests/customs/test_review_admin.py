"""The hub's review queue in admin: what each hub's operator sees, the approve, hold and reject
decisions (as list actions and on a declaration's page), the filters, the order of the queue,
and that nobody adds, edits or deletes a declaration (tests/test_operator_scope.py holds the
operator's permissions on every admin model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customs.admin.display import age_label
from customs.clearance import declarations_clear
from customs.models import Declaration, DeclarationEvent
from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.models import Order
from marketplace.orders import order_pay
from payments.providers.base import ProviderError
from payments.providers.sandbox import SandboxProvider
from payments.selectors import money_trail
from tests.factories import UserFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:customs_declaration_changelist")
S = Declaration.Status


@dataclass
class Desk:
    lgg: Client  # operator of Liège, where the consignments are imported
    hgh: Client  # operator of Hangzhou, where they are exported
    root: Client
    lgg_user: User


@dataclass
class Consignment:
    order: Order
    export: Declaration  # at HGH
    import_: Declaration  # at LGG


def _operator(username: str, hub_code: str) -> tuple[Client, User]:
    user = UserFactory.create(username=username, is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    Hub.objects.get(code=hub_code).operators.add(user)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def desk(trade: Trade) -> Desk:
    lgg, lgg_user = _operator("lgg-operator", "LGG")
    hgh, _ = _operator("hgh-operator", "HGH")
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="x"))
    return Desk(lgg=lgg, hgh=hgh, root=root, lgg_user=lgg_user)


def in_review(trade: Trade, quantity: int = 2) -> Consignment:
    """A paid order of the (unverified) seller's shirts, both declarations screened to review."""
    (order,) = place(trade, [(trade.shirt, quantity)])
    assert order_pay(order=order, card_number=GOOD_CARD, by=trade.buyer.user).paid
    declarations = Declaration.objects.filter(reference=order.reference)
    declarations_clear(ids=[d.pk for d in declarations])
    export = declarations.get(direction="export")
    import_ = declarations.get(direction="import")
    assert (export.status, import_.status) == (S.REVIEW, S.REVIEW)
    return Consignment(order=order, export=export, import_=import_)


@pytest.fixture
def consignment(trade: Trade, desk: Desk) -> Consignment:
    return in_review(trade)


def status(declaration: Declaration) -> str:
    return Declaration.objects.get(pk=declaration.pk).status


def order_status(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


def listed(response: Any) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [d.pk for d in response.context["cl"].result_list]


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client: Client, action: str, ids: list[int]) -> Any:
    """An action chosen on the changelist; back on the list, which shows (and so uses up) the
    messages."""
    data = {"action": action, "_selected_action": ids, "index": "0"}
    return client.post(QUEUE, data, follow=True)


def decide_with(client: Client, action: str, ids: list[int], reason: str) -> Any:
    """The reason page's own form, as the browser posts it (no "index")."""
    data = {"action": action, "_selected_action": ids, "apply": "yes", "reason": reason}
    return client.post(QUEUE, data, follow=True)


def redirected(response: Any) -> bool:
    return [code for _, code in response.redirect_chain] == [302]


def change_url(declaration: Declaration) -> str:
    return reverse("admin:customs_declaration_change", args=[declaration.pk])


def decide_url(declaration: Declaration) -> str:
    return reverse("admin:customs_declaration_decide", args=[declaration.pk])


# --- Scope --------------------------------------------------------------------------------------


def test_each_operator_sees_only_the_declarations_of_their_hub(
    desk: Desk, consignment: Consignment
) -> None:
    assert listed(desk.lgg.get(QUEUE)) == [consignment.import_.pk]
    assert listed(desk.hgh.get(QUEUE)) == [consignment.export.pk]
    assert set(listed(desk.root.get(QUEUE))) == {consignment.import_.pk, consignment.export.pk}


def test_another_hubs_declaration_is_not_found_on_its_change_and_history_pages(
    desk: Desk, consignment: Consignment
) -> None:
    export = consignment.export
    history = reverse("admin:customs_declaration_history", args=[export.pk])
    for response in (desk.lgg.get(change_url(export)), desk.lgg.get(history)):
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_action_ids_of_another_hub_posted_by_hand_are_left_alone(
    desk: Desk, consignment: Consignment
) -> None:
    ids = [consignment.import_.pk, consignment.export.pk]

    act(desk.lgg, "approve", ids)
    decide_with(desk.lgg, "reject", ids, "Counterfeit goods.")

    assert status(consignment.import_) == S.CLEARED
    assert status(consignment.export) == S.REVIEW


def test_an_action_on_only_another_hubs_ids_decides_nothing_and_says_so(
    desk: Desk, consignment: Consignment
) -> None:
    response = decide_with(desk.lgg, "hold", [consignment.export.pk], "Which fibre?")

    assert status(consignment.export) == S.REVIEW
    assert said(response) == [
        "None of the selected declarations is yours to decide: nothing changed."
    ]


def test_the_decide_address_of_another_hubs_declaration_is_not_found(
    desk: Desk, consignment: Consignment
) -> None:
    response = desk.lgg.post(decide_url(consignment.export), {"decision": "approve"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert status(consignment.export) == S.REVIEW


def test_the_hub_filter_offers_only_the_operators_hubs(
    desk: Desk, consignment: Consignment
) -> None:
    response = desk.lgg.get(QUEUE)

    specs = response.context["cl"].filter_specs
    (hub_filter,) = [f for f in specs if getattr(f, "parameter_name", "") == "hub"]
    assert [code for code, _ in hub_filter.lookup_choices] == ["LGG"]


# --- Approve ------------------------------------------------------------------------------------


def test_the_order_is_cleared_once_both_hubs_approved_its_declarations(
    desk: Desk, consignment: Consignment
) -> None:
    first = act(desk.lgg, "approve", [consignment.import_.pk])
    after_one = order_status(consignment.order)
    act(desk.hgh, "approve", [consignment.export.pk])

    assert said(first) == [
        f"1 approved (#{consignment.import_.pk}): cleared for the consignment to go on."
    ]
    assert after_one == Order.Status.REVIEW
    assert order_status(consignment.order) == Order.Status.CLEARED
    assert status(consignment.export) == status(consignment.import_) == S.CLEARED


def test_approving_several_says_how_many_and_which(desk: Desk, trade: Trade) -> None:
    imports = [in_review(trade, quantity=1).import_.pk for _ in range(3)]

    response = act(desk.lgg, "approve", imports)

    ids = ", ".join(f"#{pk}" for pk in imports)
    assert said(response) == [f"3 approved ({ids}): cleared for the consignment to go on."]


def test_a_declaration_decided_already_is_reported_and_left_as_it_is(
    desk: Desk, consignment: Consignment
) -> None:
    pk = consignment.import_.pk
    act(desk.lgg, "approve", [pk])

    response = decide_with(desk.lgg, "reject", [pk], "Too late.")

    assert said(response) == [f"1 was already decided (#{pk}): nothing changed there."]
    assert status(consignment.import_) == S.CLEARED
    assert order_status(consignment.order) == Order.Status.REVIEW


# --- Hold ---------------------------------------------------------------------------------------


def test_hold_first_asks_for_the_question_and_changes_nothing(
    desk: Desk, consignment: Consignment
) -> None:
    response = act(desk.lgg, "hold", [consignment.import_.pk])

    assert response.status_code == 200 and not response.redirect_chain
    assert "admin/customs/declaration/decide.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Question for the seller" in page
    assert f'name="_selected_action" value="{consignment.import_.pk}"' in page
    assert status(consignment.import_) == S.REVIEW


def test_hold_sends_the_question_and_records_it_in_the_audit_trail(
    desk: Desk, consignment: Consignment
) -> None:
    question = "Which fibre is the shirt made of?"

    response = decide_with(desk.lgg, "hold", [consignment.import_.pk], question)

    assert redirected(response)
    assert status(consignment.import_) == S.HELD
    event = DeclarationEvent.objects.filter(declaration=consignment.import_).latest("at", "pk")
    assert (event.kind, event.note, event.actor) == ("held", question, desk.lgg_user)
    assert order_status(consignment.order) == Order.Status.REVIEW
    trail = desk.lgg.get(change_url(consignment.import_)).content.decode()
    assert question in trail and "lgg-operator" in trail


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("   ", "Write the text: this decision needs it."),
        ("x" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
        ("Which\x00fibre?", "Null characters are not allowed."),
    ],
)
def test_hold_without_a_usable_question_shows_the_page_again(
    desk: Desk, consignment: Consignment, reason: str, error: str
) -> None:
    response = decide_with(desk.lgg, "hold", [consignment.import_.pk], reason)

    assert response.status_code == 200 and not response.redirect_chain
    assert error in response.content.decode()
    assert status(consignment.import_) == S.REVIEW


# --- Reject -------------------------------------------------------------------------------------


def test_reject_refunds_the_buyer_and_the_money_trail_shows_the_refund(
    desk: Desk, consignment: Consignment
) -> None:
    order = consignment.order

    response = decide_with(desk.lgg, "reject", [consignment.import_.pk], "Counterfeit brand.")

    assert said(response) == [
        f"1 rejected (#{consignment.import_.pk}): the order was cancelled and the buyer refunded."
    ]
    assert status(consignment.import_) == S.REJECTED
    assert status(consignment.export) == S.REJECTED  # withdrawn with its order
    assert order_status(order) == Order.Status.REFUNDED
    trail = money_trail(reference=order.reference)
    assert trail.refunds == order.total and trail.in_escrow == Decimal(0)
    assert trail.balanced


def test_a_refund_the_provider_fails_is_a_message_and_changes_nothing(
    desk: Desk, consignment: Consignment, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refund_fails(self: SandboxProvider, **kwargs: Any) -> str:
        raise ProviderError("The sandbox is down for maintenance.")

    monkeypatch.setattr(SandboxProvider, "refund", refund_fails)
    pk = consignment.import_.pk

    response = decide_with(desk.lgg, "reject", [pk], "Counterfeit brand.")

    assert redirected(response)
    (message,) = said(response)
    assert message.startswith(f"#{pk} could not be rejected: the buyer's refund did not go through")
    assert "The sandbox is down for maintenance." in message
    assert status(consignment.import_) == status(consignment.export) == S.REVIEW
    assert order_status(consignment.order) == Order.Status.REVIEW
    assert money_trail(reference=consignment.order.reference).refunds == Decimal(0)


# --- The declaration's page ---------------------------------------------------------------------


def test_the_page_shows_the_declaration_read_only_with_its_lines_and_audit_trail(
    desk: Desk, consignment: Consignment
) -> None:
    response = desk.lgg.get(change_url(consignment.import_))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="status"' not in page and 'name="_save"' not in page
    assert "Unverified seller" in page  # the screening's reason
    assert "610910" in page  # the line's HS code
    assert "Sent to the hub&#x27;s review queue" in page  # the audit trail's screening
    assert "Amélie Dupont (BE)" in page  # the order document's consignee
    assert reverse("admin:marketplace_order_change", args=[consignment.order.pk]) in page


def test_a_crafted_post_to_the_page_changes_nothing(desk: Desk, consignment: Consignment) -> None:
    response = desk.root.post(
        change_url(consignment.import_), {"status": "cleared", "customs_value": "0"}
    )

    assert response.status_code == 403
    assert status(consignment.import_) == S.REVIEW


def test_an_open_declaration_is_held_from_its_page(desk: Desk, consignment: Consignment) -> None:
    page = desk.lgg.get(change_url(consignment.import_)).content.decode()
    response = desk.lgg.post(
        decide_url(consignment.import_), {"decision": "hold", "reason": "Invoice, please."}
    )

    assert 'name="decision" value="hold"' in page
    assert response.status_code == 302 and response["Location"] == change_url(consignment.import_)
    response = desk.lgg.get(response["Location"])
    assert status(consignment.import_) == S.HELD
    assert said(response) == [
        f"1 held (#{consignment.import_.pk}): the question was sent to the seller."
    ]


def test_a_decision_without_its_text_from_the_page_changes_nothing(
    desk: Desk, consignment: Consignment
) -> None:
    url = decide_url(consignment.import_)
    response = desk.lgg.post(url, {"decision": "reject", "reason": ""}, follow=True)

    assert said(response) == ["Nothing changed: Write the text: this decision needs it."]
    assert status(consignment.import_) == S.REVIEW


def test_a_decided_declarations_page_offers_no_decision(
    desk: Desk, consignment: Consignment
) -> None:
    act(desk.lgg, "approve", [consignment.import_.pk])

    page = desk.lgg.get(change_url(consignment.import_)).content.decode()

    assert 'name="decision"' not in page


def test_nobody_adds_or_deletes_a_declaration(desk: Desk, consignment: Consignment) -> None:
    add = desk.root.get(reverse("admin:customs_declaration_add"))
    delete = desk.root.post(
        reverse("admin:customs_declaration_delete", args=[consignment.import_.pk]), {"post": "yes"}
    )
    actions = desk.root.get(QUEUE).context["action_form"].fields["action"].choices

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Declaration.objects.filter(pk=consignment.import_.pk).exists()
    assert "delete_selected" not in [name for name, _ in actions]


# --- The list: order, columns, filters, search --------------------------------------------------


def test_the_queue_is_oldest_first(desk: Desk, trade: Trade) -> None:
    newer, older = in_review(trade, 1).import_, in_review(trade, 1).import_
    Declaration.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(hours=3))

    assert listed(desk.lgg.get(QUEUE)) == [older.pk, newer.pk]


def test_a_row_shows_order_link_hub_amounts_reasons_and_age(
    desk: Desk, consignment: Consignment
) -> None:
    d = consignment.import_
    Declaration.objects.filter(pk=d.pk).update(submitted_at=timezone.now() - timedelta(minutes=3))

    page = desk.lgg.get(QUEUE).content.decode()

    order_link = reverse("admin:marketplace_order_change", args=[consignment.order.pk])
    assert f'<a href="{order_link}">#{consignment.order.pk}</a>' in page
    assert "EUR 40.87" in page  # customs value with its currency
    assert "Unverified seller" in page
    assert "3 min" in page


@pytest.mark.parametrize(
    ("minutes", "label"),
    [(0, "under 1 min"), (3, "3 min"), (59, "59 min"), (60, "1 h"), (47 * 60, "47 h"),
     (48 * 60, "2 days"), (10 * 24 * 60, "10 days")],
)  # fmt: skip
def test_age_is_said_in_minutes_hours_or_days(minutes: int, label: str) -> None:
    assert age_label(timedelta(minutes=minutes, seconds=30)) == label


def test_the_status_filter(desk: Desk, trade: Trade) -> None:
    cleared, waiting = in_review(trade, 1).import_, in_review(trade, 1).import_
    act(desk.lgg, "approve", [cleared.pk])

    assert listed(desk.lgg.get(QUEUE, {"status__exact": "cleared"})) == [cleared.pk]
    assert listed(desk.lgg.get(QUEUE, {"status__exact": "review"})) == [waiting.pk]


@pytest.mark.parametrize(
    ("age", "expected"),
    [("hour", ["fresh"]), ("day", ["hours"]), ("older", ["days", "weeks"]), ("week", ["weeks"])],
)
def test_the_age_filter(desk: Desk, trade: Trade, age: str, expected: list[str]) -> None:
    ages = {
        "fresh": timedelta(minutes=5),
        "hours": timedelta(hours=5),
        "days": timedelta(days=3),
        "weeks": timedelta(days=9),
    }
    ids = {}
    for name, ago in ages.items():
        d = in_review(trade, 1).import_
        Declaration.objects.filter(pk=d.pk).update(submitted_at=timezone.now() - ago)
        ids[d.pk] = name

    found = listed(desk.lgg.get(QUEUE, {"age": age}))

    assert sorted(ids[pk] for pk in found) == sorted(expected)


def test_the_reason_filter_matches_a_rule_not_words_in_a_message(desk: Desk, trade: Trade) -> None:
    under, mentions, plain = (in_review(trade, 1).import_ for _ in range(3))
    unverified = {"rule": "unverified_seller", "message": "The seller is not verified."}
    Declaration.objects.filter(pk=under.pk).update(
        reasons=[unverified, {"rule": "undervalued", "message": "Declared under 80 %."}]
    )
    Declaration.objects.filter(pk=mentions.pk).update(
        reasons=[{"rule": "unverified_seller", "message": "undervalued? no: unverified"}]
    )

    assert listed(desk.lgg.get(QUEUE, {"reason": "undervalued"})) == [under.pk]
    assert listed(desk.lgg.get(QUEUE, {"reason": "unverified_seller"})) == [
        under.pk,
        mentions.pk,
        plain.pk,
    ]


def test_the_seller_verified_filter(desk: Desk, trade: Trade) -> None:
    unverified = in_review(trade, 1).import_
    trade.seller.verified = True
    trade.seller.save()
    (order,) = place(trade, [(trade.shirt, 1)])
    order_pay(order=order, card_number=GOOD_CARD)
    verified = Declaration.objects.get(reference=order.reference, direction="import")

    assert listed(desk.lgg.get(QUEUE, {"seller_verified__exact": "1"})) == [verified.pk]
    assert listed(desk.lgg.get(QUEUE, {"seller_verified__exact": "0"})) == [unverified.pk]


@pytest.mark.parametrize(
    "term", ["{order}", "order:{order}", "#{declaration}", "6109", "Hangzhou Shirts", "amélie"]
)
def test_search_by_order_declaration_hs_code_seller_or_consignee(
    desk: Desk, trade: Trade, term: str
) -> None:
    found = in_review(trade, 1)
    other = in_review(trade, 1)
    (book_order,) = place(trade, [(trade.book, 1)])
    order_pay(order=book_order, card_number=GOOD_CARD)  # another seller, HS 4901, still submitted
    query = term.format(order=found.order.pk, declaration=found.import_.pk)

    result = listed(desk.lgg.get(QUEUE, {"q": query}))

    book = Declaration.objects.get(reference=book_order.reference, direction="import")
    if term == "amélie":  # the buyer of all three
        assert set(result) == {found.import_.pk, other.import_.pk, book.pk}
    elif term in {"6109", "Hangzhou Shirts"}:
        assert set(result) == {found.import_.pk, other.import_.pk}
    else:
        assert result == [found.import_.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "review\x00"},
        {"reason": "undervalued\x00"},
        {"reason": "no_such_rule"},
        {"age": "century"},
        {"hub": "HGH"},  # another hub's code: not one of the operator's choices
        {"hub": "<script>"},
    ],
)
def test_nul_or_junk_in_a_filter_is_a_bad_request(
    desk: Desk, consignment: Consignment, query: dict[str, str]
) -> None:
    assert desk.lgg.get(QUEUE, query).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "no-such-status"},
        {"seller_verified__exact": "maybe"},
        {"direction__exact": "sideways"},
        {"q": "order:99999999999999999999999"},
        {"q": "#\x00"},
        {"o": "x.y.z"},
    ],
)
def test_other_odd_queries_never_fail(
    desk: Desk, consignment: Consignment, query: dict[str, str]
) -> None:
    response = desk.lgg.get(QUEUE, query)

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert consignment.export.pk not in listed(response)
