"""Customs on the pages: the Customs section of an order (the buyer reads plain words, never the
screening reasons; the page reloads itself while customs decides), and the seller's declaration
pages, where they read the whole audit trail and answer a hub's question."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from moneyed import Money

from customs.clearance import declarations_clear
from customs.models import Declaration, DeclarationEvent
from customs.review import declaration_answer, declaration_decide
from marketplace.models import Order
from marketplace.orders import order_pay
from marketplace.templatetags.money import format_money
from marketplace.views import declarations as declaration_views
from tests.factories import ListingFactory, SellerFactory, UserFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db

S = Declaration.Status
REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+)">')
QUESTION = "Please send the mill's invoice for the silk."
REASON = "The silk is declared as cotton on the waybill."


def text(response: Any) -> str:
    return response.content.decode()


def paid(trade: Trade, *, verified: bool = False, listing: Any = None) -> Order:
    """An order of two shirts, paid; its declarations filed but not yet cleared (no job ran)."""
    trade.seller.verified = verified
    trade.seller.save(update_fields=["verified"])
    (order,) = place(trade, [(listing or trade.shirt, 2)])
    order_pay(order=order, card_number=GOOD_CARD)
    return order


def declarations(order: Order) -> list[Declaration]:
    return list(Declaration.objects.filter(reference=order.reference).order_by("direction"))


def cleared(order: Order) -> list[Declaration]:
    """Run the clearance job on the order's declarations, as a hub's worker would."""
    declarations_clear(ids=[d.pk for d in declarations(order)])
    return declarations(order)


def officer() -> Any:
    """The Liège hub's customs officer (their name is never shown to the buyer)."""
    found = User.objects.filter(username="officer-lgg").first()
    return found or UserFactory.create(username="officer-lgg", is_staff=True)


def held(order: Order, question: str = QUESTION) -> Declaration:
    """The order screened (into review: the seller is unverified) and its import held."""
    _, imported = cleared(order)
    return declaration_decide(declaration=imported, decision="hold", reason=question, by=officer())


def order_page(client: Client, order: Order) -> str:
    return text(client.get(reverse("order_detail", args=[order.pk])))


def customs_section(page: str) -> str:
    start = page.index('aria-labelledby="customs-title"')
    return page[start : page.index("</section>", start)]


def refresh_of(page: str) -> int | None:
    found = REFRESH.search(page)
    return int(found.group(1)) if found else None


def events_of(declaration: Declaration, kind: str) -> int:
    return DeclarationEvent.objects.filter(declaration=declaration, kind=kind).count()


@pytest.fixture
def shopper(client: Client, trade: Trade) -> Client:
    client.force_login(trade.buyer.user)
    return client


@pytest.fixture
def vendor(client: Client, trade: Trade) -> Client:
    client.force_login(trade.seller.user)
    return client


# --- The buyer's order page ------------------------------------------------------------------


def test_buyer_sees_each_declaration_with_hub_direction_mode_and_amounts(
    shopper: Client, trade: Trade
) -> None:
    order = paid(trade)
    export, import_ = cleared(order)

    section = customs_section(order_page(shopper, order))

    assert "Export declaration · Hangzhou eHub (HGH)" in section
    assert "Import declaration · Liège eHub (LGG)" in section
    assert "<strong>9610</strong> · Cross-border e-commerce retail, direct mail" in section
    assert "<strong>ECOM</strong> · E-commerce consignment" in section
    for d in (export, import_):
        for amount in (d.customs_value, d.duty, d.tax):
            assert format_money(amount, d.currency) in section
    assert format_money(Decimal("3.00"), "EUR") in section  # the import's EU flat duty


def test_buyer_sees_each_declarations_timeline_in_plain_words(
    shopper: Client, trade: Trade
) -> None:
    order = paid(trade)
    cleared(order)

    section = customs_section(order_page(shopper, order))

    assert section.count("Declared to the hub&#x27;s customs.") == 2
    assert section.count("Passed to the hub&#x27;s customs officers for a closer look.") == 2
    assert section.count("Being reviewed by the hub&#x27;s customs officers") == 2


def test_buyer_never_sees_why_a_declaration_was_screened_out(shopper: Client, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 2)])
    # Dearer by the time it is paid: the declared price is under 80 % of the listing's.
    trade.shirt.price = Money(Decimal("100.00"), "USD")
    trade.shirt.save(update_fields=["price"])
    order_pay(order=order, card_number=GOOD_CARD)
    export, _ = cleared(order)
    assert {r["rule"] for r in export.reasons} == {"undervalued", "unverified_seller"}

    page = order_page(shopper, order)

    for internal in ("ndervalu", "erified", "80 %", "Unverified", "screening", "rule"):
        assert internal not in customs_section(page)
    assert "Being reviewed by the hub&#x27;s customs officers" in page


def test_buyer_reads_a_hold_without_the_question_or_the_sellers_answer(
    shopper: Client, trade: Trade
) -> None:
    order = paid(trade)
    declaration = held(order)

    page = order_page(shopper, order)
    assert "Held: the hub asked the seller a question" in customs_section(page)
    assert "mill" not in page and "officer-lgg" not in page

    declaration_answer(declaration=declaration, answer="Invoice 2026-118 attached by email.")
    section = customs_section(order_page(shopper, order))
    assert "The seller answered the hub&#x27;s question" in section
    assert "Invoice 2026-118" not in section


def test_buyer_reads_the_operators_reason_for_a_rejection(shopper: Client, trade: Trade) -> None:
    order = paid(trade)
    _, imported = cleared(order)
    declaration_decide(declaration=imported, decision="reject", reason=REASON, by=officer())

    section = customs_section(order_page(shopper, order))

    assert f"Rejected: {REASON}" in section
    assert "officer-lgg" not in section
    assert "Withdrawn: the import declaration at LGG was rejected." in section


def test_the_order_timeline_gives_the_rejection_reason_without_the_officers_name(
    shopper: Client, trade: Trade
) -> None:
    order = paid(trade)
    _, imported = cleared(order)
    declaration_decide(declaration=imported, decision="reject", reason="Counterfeit", by=officer())

    page = order_page(shopper, order)

    assert (
        "Customs rejected the import declaration at LGG: Counterfeit. The payment was refunded "
        "in full and the goods released." in page
    )
    assert "officer-lgg" not in page


def test_a_cleared_order_says_cleared_and_stops_reloading(shopper: Client, trade: Trade) -> None:
    order = paid(trade, verified=True)
    assert {d.status for d in cleared(order)} == {S.CLEARED}

    page = order_page(shopper, order)

    assert customs_section(page).count("<strong>Cleared</strong>") == 2
    assert "Cleared automatically." in page
    assert refresh_of(page) is None
    assert "reloads itself" not in page


def test_paid_but_undecided_says_waiting_for_clearance_and_reloads_every_5_seconds(
    shopper: Client, trade: Trade
) -> None:
    order = paid(trade)

    page = order_page(shopper, order)

    assert customs_section(page).count("<strong>Waiting for clearance</strong>") == 2
    assert refresh_of(page) == 5
    assert "this page reloads itself every 5 seconds" in page


def test_an_order_in_review_reloads_less_often(shopper: Client, trade: Trade) -> None:
    order = paid(trade)
    cleared(order)

    assert refresh_of(order_page(shopper, order)) == 30


def test_a_rejected_order_stops_reloading(shopper: Client, trade: Trade) -> None:
    order = paid(trade)
    _, imported = cleared(order)
    declaration_decide(declaration=imported, decision="reject", reason=REASON)

    assert refresh_of(order_page(shopper, order)) is None


def test_a_domestic_order_says_no_declaration_is_needed(shopper: Client, trade: Trade) -> None:
    lyon = SellerFactory.create(country="FR", company_name="Atelier Lyon")
    scarf = ListingFactory.create(seller=lyon, title="Silk scarf", origin_country="FR")
    (order,) = place(trade, [(scarf, 1)])
    order_pay(order=order, card_number=GOOD_CARD)

    page = order_page(shopper, order)

    assert (
        "No customs declaration is needed: the goods go from France to Belgium within one "
        "customs union, so they cross no customs border." in customs_section(page)
    )
    assert refresh_of(page) is None


def test_an_order_within_one_country_says_the_goods_stay_there(
    shopper: Client, trade: Trade
) -> None:
    liege = SellerFactory.create(country="BE", company_name="Chocolaterie Liégeoise")
    bar = ListingFactory.create(seller=liege, title="Dark chocolate", origin_country="BE")
    (order,) = place(trade, [(bar, 1)])
    order_pay(order=order, card_number=GOOD_CARD)

    section = customs_section(order_page(shopper, order))

    assert "No customs declaration is needed: the goods stay within Belgium" in section


def test_an_unpaid_order_says_declarations_come_with_payment(shopper: Client, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])

    page = order_page(shopper, order)

    assert "The customs declarations are filed when the order is paid." in page
    assert refresh_of(page) is None


# --- The seller's order page -----------------------------------------------------------------


def test_sellers_order_page_shows_the_declarations_with_their_reasons_and_links(
    vendor: Client, trade: Trade
) -> None:
    order = paid(trade)
    export, _ = cleared(order)

    section = customs_section(order_page(vendor, order))

    assert "Export declaration · Hangzhou eHub (HGH)" in section
    assert "Unverified seller: The seller Hangzhou Shirts Co is not verified." in section
    assert reverse("seller_declaration", args=[export.pk]) in section


def test_sellers_order_page_shows_the_hubs_question_with_a_way_to_answer(
    vendor: Client, trade: Trade
) -> None:
    order = paid(trade)
    declaration = held(order)

    section = customs_section(order_page(vendor, order))

    assert "The hub asks you:" in section and "mill&#x27;s invoice" in section
    assert f"{reverse('seller_declaration', args=[declaration.pk])}#answer" in section


# --- The seller's declarations ---------------------------------------------------------------


def test_seller_lists_their_own_declarations_newest_first(vendor: Client, trade: Trade) -> None:
    first = paid(trade)
    second = paid(trade)
    (theirs,) = place(trade, [(trade.book, 1)])
    order_pay(order=theirs, card_number=GOOD_CARD)
    newest = declarations(second)[-1]
    oldest = declarations(first)[0]

    page = text(vendor.get(reverse("seller_declarations")))

    assert "4 declarations." in page
    assert page.index(f">Import {newest.pk}<") < page.index(f">Export {oldest.pk}<")
    for d in declarations(theirs):
        assert reverse("seller_declaration", args=[d.pk]) not in page
    assert "Waiting for clearance" in page


def test_seller_nav_links_to_declarations(vendor: Client) -> None:
    page = text(vendor.get(reverse("seller_declarations")))

    assert f'href="{reverse("seller_declarations")}" aria-current="page">Declarations<' in page


def test_held_declarations_are_flagged_with_the_hubs_question_and_counted(
    vendor: Client, trade: Trade
) -> None:
    order = paid(trade)
    declaration = held(order)

    page = text(vendor.get(reverse("seller_declarations")))

    assert "1 declaration is held: the hub asks you a question." in page
    assert "The hub asks: “Please send the mill&#x27;s invoice for the silk.”" in page
    assert 'class="row-held"' in page
    assert f"{reverse('seller_declaration', args=[declaration.pk])}#answer" in page


def test_seller_filters_declarations_by_status(vendor: Client, trade: Trade) -> None:
    declaration = held(paid(trade))

    page = text(vendor.get(reverse("seller_declarations"), {"status": "held"}))

    assert "1 declaration with the status “Held: waiting for your answer”." in page
    assert f">Import {declaration.pk}<" in page
    assert ">Export " not in page


def test_an_unknown_status_filter_shows_every_declaration(vendor: Client, trade: Trade) -> None:
    paid(trade)

    response = vendor.get(reverse("seller_declarations"), {"status": "lost\x00"})

    assert response.status_code == 200
    assert "showing every declaration" in text(response)
    assert "2 declarations." in text(response)


def test_seller_declarations_are_paginated(
    vendor: Client, trade: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(declaration_views, "DECLARATION_PAGE_SIZE", 3)
    paid(trade)
    paid(trade)

    first = text(vendor.get(reverse("seller_declarations")))
    second = text(vendor.get(reverse("seller_declarations"), {"page": "2"}))

    assert "Page 1 of 2" in first and first.count('data-label="Declaration"') == 3
    assert "Page 2 of 2" in second and second.count('data-label="Declaration"') == 1


def test_a_seller_with_no_declarations_is_told_where_they_come_from(vendor: Client) -> None:
    page = text(vendor.get(reverse("seller_declarations")))

    assert "No declarations yet" in page


def test_declarations_pages_are_for_sellers_only(client: Client, trade: Trade) -> None:
    url = reverse("seller_declarations")
    assert client.get(url).status_code == 302  # to log in

    client.force_login(trade.buyer.user)
    assert client.get(url).status_code == 403


def test_declaration_page_shows_lines_amounts_and_the_full_audit_trail(
    vendor: Client, trade: Trade
) -> None:
    order = paid(trade)
    export, _ = cleared(order)

    page = text(vendor.get(reverse("seller_declaration", args=[export.pk])))

    assert f"Export declaration {export.pk}" in page
    assert "Silk shirt" in page and "HS 610910" in page
    (line,) = export.lines.all()
    assert format_money(line.unit_value, line.currency) in page
    assert format_money(export.customs_value, export.currency) in page
    assert "Filed at HGH under mode 9610." in page
    assert "Sent to the hub&#x27;s review queue: Unverified seller" in page
    assert "Unverified seller: The seller Hangzhou Shirts Co is not verified." in page
    assert "Clearance job" in page
    assert reverse("order_detail", args=[order.pk]) in page
    assert 'name="answer"' not in page  # not held: nothing to answer


def test_a_rejected_declaration_page_says_why(vendor: Client, trade: Trade) -> None:
    _, imported = cleared(paid(trade))
    declaration_decide(declaration=imported, decision="reject", reason=REASON, by=officer())

    page = text(vendor.get(reverse("seller_declaration", args=[imported.pk])))

    assert f"<strong>Rejected: {REASON}</strong>" in page
    assert "Why it is in review" not in page


def test_held_declaration_page_asks_the_question_with_an_answer_form(
    vendor: Client, trade: Trade
) -> None:
    declaration = held(paid(trade))

    page = text(vendor.get(reverse("seller_declaration", args=[declaration.pk])))

    assert '<blockquote class="hub-question">Please send the mill&#x27;s invoice' in page
    assert "Held. The hub asks: “Please send the mill&#x27;s invoice" in page
    assert "The hub&#x27;s customs officers" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<textarea name="answer"' in page and 'maxlength="1000"' in page
    why = page[page.index("Why it is in review") : page.index("Goods declared")]
    assert "Unverified seller: The seller Hangzhou Shirts Co is not verified." in why
    assert "officer-lgg" not in page


def test_another_sellers_declaration_is_not_found(client: Client, trade: Trade) -> None:
    declaration = held(paid(trade))
    client.force_login(trade.other_seller.user)

    seen = client.get(reverse("seller_declaration", args=[declaration.pk]))
    answered = client.post(
        reverse("seller_declaration_answer", args=[declaration.pk]), {"answer": "Sure."}
    )

    assert seen.status_code == 404 and answered.status_code == 404
    declaration.refresh_from_db()
    assert declaration.status == S.HELD
    assert events_of(declaration, "answered") == 0


def test_the_buyer_cannot_open_the_sellers_declaration_page(shopper: Client, trade: Trade) -> None:
    declaration = held(paid(trade))

    assert shopper.get(reverse("seller_declaration", args=[declaration.pk])).status_code == 403


def test_seller_answers_a_held_declaration_and_it_goes_back_to_review(
    vendor: Client, trade: Trade
) -> None:
    order = paid(trade)
    declaration = held(order)

    response = vendor.post(
        reverse("seller_declaration_answer", args=[declaration.pk]),
        {"answer": "  The mill's invoice is attached: 2026-118.  "},
        follow=True,
    )

    page = text(response)
    assert response.redirect_chain[-1][0] == reverse("seller_declaration", args=[declaration.pk])
    assert "Your answer was sent to the customs officers of Liège eHub (LGG)." in page
    assert "Answered: “The mill&#x27;s invoice is attached: 2026-118.”" in page
    assert "In review by the hub&#x27;s customs officers" in page
    declaration.refresh_from_db()
    assert declaration.status == S.REVIEW
    event = DeclarationEvent.objects.get(declaration=declaration, kind="answered")
    assert event.note == "The mill's invoice is attached: 2026-118."
    assert event.actor == trade.seller.user
    order.refresh_from_db()
    assert order.status == Order.Status.REVIEW


def test_answering_a_declaration_no_longer_held_says_so(vendor: Client, trade: Trade) -> None:
    declaration = held(paid(trade))
    declaration_decide(declaration=declaration, decision="approve")

    response = vendor.post(
        reverse("seller_declaration_answer", args=[declaration.pk]),
        {"answer": "Here it is."},
        follow=True,
    )

    assert response.status_code == 200
    assert (
        f"Declaration {declaration.pk} is no longer waiting for your answer: it is cleared. "
        "Your answer was not sent." in text(response)
    )
    assert events_of(declaration, "answered") == 0


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("", "Write your answer to the hub&#x27;s question."),
        ("   \n  ", "Write your answer to the hub&#x27;s question."),
        ("x" * 1001, "Keep your answer to 1,000 characters or fewer (it has 1001)."),
        ("Invoice\x00 attached", "Null characters are not allowed."),
    ],
    ids=["empty", "blank", "too-long", "nul"],
)
def test_a_bad_answer_is_a_form_error_and_changes_nothing(
    vendor: Client, trade: Trade, answer: str, error: str
) -> None:
    declaration = held(paid(trade))

    response = vendor.post(
        reverse("seller_declaration_answer", args=[declaration.pk]), {"answer": answer}
    )

    assert response.status_code == 200
    assert error in text(response)
    assert '<textarea name="answer"' in text(response)
    declaration.refresh_from_db()
    assert declaration.status == S.HELD
    assert events_of(declaration, "answered") == 0


def test_an_answer_of_exactly_1000_characters_is_sent(vendor: Client, trade: Trade) -> None:
    declaration = held(paid(trade))

    vendor.post(reverse("seller_declaration_answer", args=[declaration.pk]), {"answer": "y" * 1000})

    declaration.refresh_from_db()
    assert declaration.status == S.REVIEW


def test_answering_needs_the_csrf_token(trade: Trade) -> None:
    declaration = held(paid(trade))
    client = Client(enforce_csrf_checks=True)
    client.force_login(trade.seller.user)

    response = client.post(
        reverse("seller_declaration_answer", args=[declaration.pk]), {"answer": "Here it is."}
    )

    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == S.HELD


def test_the_answer_url_takes_only_posts(vendor: Client, trade: Trade) -> None:
    declaration = held(paid(trade))

    response = vendor.get(reverse("seller_declaration_answer", args=[declaration.pk]))

    assert response.status_code == 405


# --- Queries ---------------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_order_page_reads_declarations_in_a_fixed_number_of_queries(
    shopper: Client, trade: Trade
) -> None:
    fresh, busy = paid(trade), paid(trade)
    held(busy)  # two more events on one declaration, screened events on both

    assert queries(shopper, reverse("order_detail", args=[fresh.pk])) == queries(
        shopper, reverse("order_detail", args=[busy.pk])
    )
    assert queries(shopper, reverse("order_detail", args=[busy.pk])) <= 16


def test_the_declaration_list_reads_a_page_in_a_fixed_number_of_queries(
    vendor: Client, trade: Trade
) -> None:
    held(paid(trade))
    url = reverse("seller_declarations")
    few = queries(vendor, url)
    for _ in range(3):
        held(paid(trade), question="Which mill wove it?")

    assert queries(vendor, url) == few
    assert few <= 10


def test_the_declaration_page_reads_in_a_fixed_number_of_queries(
    vendor: Client, trade: Trade
) -> None:
    declaration = held(paid(trade))

    assert queries(vendor, reverse("seller_declaration", args=[declaration.pk])) <= 10
