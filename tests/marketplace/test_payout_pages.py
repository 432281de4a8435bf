"""The seller's payout pages: the list (newest first, paginated, an empty state), one payout
with the orders it paid, the link from a settled order's page; another seller's payout is a 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Order
from marketplace.templatetags.money import format_money
from marketplace.views.payouts import PAYOUT_PAGE_SIZE
from payments.models import Payout, Settlement
from tests.factories import BuyerFactory, SellerFactory
from tests.payouts import delivered, payout_write, settled, trade_verified
from tests.trade import Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade() -> Trade:
    return trade_verified()


def _as(client: Client, trade_user: object) -> Client:
    client.force_login(trade_user)  # type: ignore[arg-type]
    return client


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_seller_sees_their_payout_with_its_amount_fee_and_orders(
    client: Client, trade: Trade
) -> None:
    first = settled(trade, [(trade.shirt, 1)])
    payout = Payout.objects.get(seller=trade.seller.pk)
    response = _as(client, trade.seller.user).get(reverse("seller_payouts"))
    assert response.status_code == 200
    text = _text(response)
    assert f"Payout {payout.pk}" in text
    assert format_money(payout.amount, "CNY") in text
    assert format_money(payout.fee, "CNY") in text
    assert "1 payout." in text
    assert f'href="{reverse("seller_payout", args=[payout.pk])}"' in response.content.decode()
    assert first.status == Order.Status.SETTLED


def test_a_payout_page_shows_each_order_in_the_buyers_currency_and_what_was_credited(
    client: Client, trade: Trade
) -> None:
    order = settled(trade, [(trade.shirt, 2)])
    payout = Payout.objects.get(seller=trade.seller.pk)
    s = Settlement.objects.get(reference=order.reference)
    response = _as(client, trade.seller.user).get(reverse("seller_payout", args=[payout.pk]))
    assert response.status_code == 200
    text = _text(response)
    html = response.content.decode()
    for figure in (
        format_money(payout.amount, "CNY"),
        format_money(payout.gross, "CNY"),
        format_money(payout.fee, "CNY"),
        format_money(s.paid, "EUR"),
        format_money(s.goods, "EUR"),
        format_money(s.fee, "EUR"),
        format_money(s.net, "EUR"),
        format_money(s.payout_amount, "CNY"),
    ):
        assert figure in text, figure
    assert f"{s.fee_percent} % of the goods" in text
    rate = format(s.rate.normalize(), "f")
    assert f"1 EUR = {rate} CNY" in text
    assert "sandbox" in text
    assert f'href="{reverse("order_detail", args=[order.pk])}"' in html
    # The figures add up as the page says: net = goods − fee, credited = net at the rate.
    assert s.net == s.goods - s.fee and s.payout_amount == payout.amount


def test_another_sellers_payout_is_not_found(client: Client, trade: Trade) -> None:
    settled(trade, [(trade.book, 1)])  # the other seller's
    theirs = Payout.objects.get(seller=trade.other_seller.pk)
    response = _as(client, trade.seller.user).get(reverse("seller_payout", args=[theirs.pk]))
    assert response.status_code == 404
    listed = _as(client, trade.seller.user).get(reverse("seller_payouts"))
    assert f"Payout {theirs.pk}" not in _text(listed)


@pytest.mark.parametrize("pk", ["0", "99999999999999999999"])
def test_an_unknown_payout_is_not_found(client: Client, pk: str) -> None:
    seller = SellerFactory.create()
    response = _as(client, seller.user).get(f"/seller/payouts/{pk}/")
    assert response.status_code == 404


def test_with_no_payouts_the_page_says_when_they_happen(client: Client) -> None:
    seller = SellerFactory.create()
    text = _text(_as(client, seller.user).get(reverse("seller_payouts")))
    assert "No payouts yet" in text
    assert "once it is delivered" in text
    assert "settlement run" in text


def test_payouts_are_listed_newest_first_twenty_a_page(client: Client) -> None:
    seller = SellerFactory.create()
    payouts = [
        payout_write(seller, order=1000 + n, days_ago=n) for n in range(PAYOUT_PAGE_SIZE + 1)
    ]
    page1 = _as(client, seller.user).get(reverse("seller_payouts"))
    shown = [int(pk) for pk in re.findall(r">Payout (\d+)</a>", page1.content.decode())]
    assert shown == [p.pk for p in payouts[:PAYOUT_PAGE_SIZE]]
    assert "Page 1 of 2" in _text(page1)
    page2 = client.get(reverse("seller_payouts"), {"page": "2"})
    assert re.findall(r">Payout (\d+)</a>", page2.content.decode()) == [str(payouts[-1].pk)]
    # A page that is not one shows the first or the last, never an error.
    assert client.get(reverse("seller_payouts"), {"page": "abc"}).status_code == 200
    assert "Page 2 of 2" in _text(client.get(reverse("seller_payouts"), {"page": "999"}))


def test_the_seller_navigation_links_to_payouts(client: Client) -> None:
    seller = SellerFactory.create()
    html = _as(client, seller.user).get(reverse("seller_orders")).content.decode()
    assert f'href="{reverse("seller_payouts")}"' in html


def test_a_buyer_is_told_payouts_are_for_sellers_and_a_visitor_is_sent_to_log_in(
    client: Client,
) -> None:
    anonymous = client.get(reverse("seller_payouts"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    buyer = BuyerFactory.create()
    assert _as(client, buyer.user).get(reverse("seller_payouts")).status_code == 403


def test_a_settled_orders_page_links_the_seller_to_its_payout(client: Client, trade: Trade) -> None:
    order = settled(trade, [(trade.shirt, 1)])
    s = Settlement.objects.get(reference=order.reference)
    html = _as(client, trade.seller.user).get(reverse("order_detail", args=[order.pk]))
    text = _text(html)
    assert f"Settled: {format_money(s.payout_amount, 'CNY')} was credited to you" in text
    assert f'href="{reverse("seller_payout", args=[s.payout_id])}"' in html.content.decode()
    # The buyer reads the order without what its seller was paid.
    buyer_page = _as(Client(), trade.buyer.user).get(reverse("order_detail", args=[order.pk]))
    assert buyer_page.status_code == 200
    assert "was credited to you" not in _text(buyer_page)
    assert reverse("seller_payout", args=[s.payout_id]) not in buyer_page.content.decode()


def test_an_order_not_yet_settled_has_no_payout_line(client: Client, trade: Trade) -> None:
    order = delivered(trade, [(trade.shirt, 1)])
    text = _text(_as(client, trade.seller.user).get(reverse("order_detail", args=[order.pk])))
    assert "was credited to you" not in text
    assert not Payout.objects.exists()
