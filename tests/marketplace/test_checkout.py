"""Checkout: one order per seller, the quote frozen on each, stock reserved or nothing at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customs.landed_cost import QuoteRefused
from marketplace.checkout import Address, OutOfStock, QuoteChanged, checkout_quote, orders_place
from marketplace.models import Listing, Order
from payments.services import rates_import
from tests.trade import ADDRESS, Trade, place

pytestmark = pytest.mark.django_db


def _stock(listing: Listing) -> int:
    listing.refresh_from_db()
    return listing.stock


def test_cart_of_two_sellers_becomes_two_orders_with_stock_reserved(trade: Trade) -> None:
    orders = place(trade, [(trade.shirt, 2), (trade.book, 1), (trade.mug, 3)])

    assert [o.seller for o in orders] == [trade.seller, trade.other_seller]
    assert {o.status for o in orders} == {Order.Status.PENDING_PAYMENT}
    assert orders[0].checkout == orders[1].checkout
    assert [(line.title, line.quantity) for line in orders[0].lines.all()] == [
        ("Silk shirt", 2),
        ("Celadon mug", 3),
    ]
    assert (_stock(trade.shirt), _stock(trade.mug), _stock(trade.book)) == (8, 7, 9)


def test_each_order_freezes_its_consignment_quote(trade: Trade) -> None:
    quote, _, _ = checkout_quote(
        lines=[(trade.shirt.pk, 2), (trade.book.pk, 1)], destination="BE", currency="EUR"
    )
    orders = place(trade, [(trade.shirt, 2), (trade.book, 1)])

    for order, consignment in zip(orders, quote.consignments, strict=True):
        assert order.quote == consignment.as_dict()
        assert order.total == Decimal(consignment.as_dict()["total"]["amount"])
        assert order.total == order.goods + order.shipping + order.duty + order.tax
        assert order.route == ["HGH", "LGG"]
        assert sorted(order.hubs.values_list("code", flat=True)) == ["HGH", "LGG"]
    assert sum(o.total for o in orders) == quote.total


def test_frozen_quote_ignores_later_rate_changes(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    frozen = dict(order.quote)

    rates_import(data={"base": "USD", "date": "2026-11-24", "rates": {"EUR": "0.9900"}})

    order.refresh_from_db()
    assert order.quote == frozen
    assert order.quote["rates"]["EUR"] == "0.865"


def test_out_of_stock_reserves_nothing(trade: Trade) -> None:
    with pytest.raises(OutOfStock, match="Only 10 of “Tea atlas” left; you asked for 11"):
        place(trade, [(trade.shirt, 2), (trade.book, 11)])

    assert (_stock(trade.shirt), _stock(trade.book)) == (10, 10)
    assert not Order.objects.exists()


def test_same_listing_twice_is_one_line_and_counts_both(trade: Trade) -> None:
    with pytest.raises(OutOfStock):
        place(trade, [(trade.shirt, 6), (trade.shirt, 5)])
    (order,) = place(trade, [(trade.shirt, 6), (trade.shirt, 4)])
    assert [(line.quantity) for line in order.lines.all()] == [10]
    assert _stock(trade.shirt) == 0


def test_listing_not_on_sale_is_a_field_error(trade: Trade) -> None:
    Listing.objects.filter(pk=trade.book.pk).update(status=Listing.Status.ARCHIVED)
    with pytest.raises(ValidationError) as error:
        place(trade, [(trade.shirt, 1), (trade.book, 1)])
    assert error.value.message_dict == {"lines": [f"Listing {trade.book.pk} is not on sale."]}
    assert _stock(trade.shirt) == 10


def test_changed_total_is_refused_until_confirmed(trade: Trade) -> None:
    quote, _, _ = checkout_quote(lines=[(trade.shirt.pk, 1)], destination="BE", currency="EUR")
    shown = quote.total - Decimal("0.01")

    with pytest.raises(QuoteChanged) as changed:
        orders_place(
            buyer=trade.buyer,
            lines=[(trade.shirt.pk, 1)],
            currency="EUR",
            address=ADDRESS,
            expected_total=shown,
        )
    assert str(quote.total) in str(changed.value)
    assert _stock(trade.shirt) == 10

    (order,) = orders_place(
        buyer=trade.buyer,
        lines=[(trade.shirt.pk, 1)],
        currency="EUR",
        address=ADDRESS,
        expected_total=changed.value.quote.total,
    )
    assert order.total == quote.total


def test_destination_the_rules_refuse_reserves_nothing(trade: Trade) -> None:
    nowhere = Address(name="A", line1="1 Main St", city="Austin", postal_code="1", country="US")
    with pytest.raises(QuoteRefused) as refused:
        orders_place(
            buyer=trade.buyer, lines=[(trade.shirt.pk, 1)], currency="EUR", address=nowhere
        )
    assert refused.value.code == "not_served"
    assert _stock(trade.shirt) == 10


def _vnd_order(trade: Trade, price: str, quantity: int) -> Order:
    rates_import(
        data={"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.8650", "VND": "25000000"}}
    )
    Listing.objects.filter(pk=trade.shirt.pk).update(price=Decimal(price), stock=quantity)
    quote, _, _ = checkout_quote(
        lines=[(trade.shirt.pk, quantity)], destination="BE", currency="VND"
    )
    (order,) = place(trade, [(trade.shirt, quantity)], currency="VND")
    order.refresh_from_db()
    assert order.total == quote.total
    assert order.total == order.goods + order.shipping + order.duty + order.tax
    return order


def test_vnd_totals_past_a_trillion_are_stored_exactly(trade: Trade) -> None:
    assert _vnd_order(trade, "9999999.99", 1).total > Decimal(10) ** 12


@pytest.mark.postgres
def test_the_largest_totals_the_engine_makes_are_stored_exactly_on_postgresql(
    trade: Trade,
) -> None:
    # SQLite reads decimals back through a float (15 significant digits); PostgreSQL's numeric
    # keeps all 30.
    assert _vnd_order(trade, "9999999999.99", 10_000).total > Decimal(10) ** 21
