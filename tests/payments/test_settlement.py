"""Settlement, pure: the entries that release one order's escrow, the fee, the FX, the shares."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.ledger import PostingLine, trail
from payments.settlement import (
    CustomsPart,
    OrderToSettle,
    SettlementInvalid,
    SettlementPlan,
    ShippingLeg,
    allocate,
    cross_rate,
    payout_entry,
    settlement_plan,
)

D = Decimal

# A shirt from Hangzhou to Belgium, paid in EUR: 40.00 goods, 12.00 shipping over two legs,
# 4.80 duty and 11.41 tax declared in EUR at Liège; the seller is paid in CNY.
ORDER = OrderToSettle(
    reference="order:7",
    seller=3,
    currency="EUR",
    goods=D("40.00"),
    shipping=D("12.00"),
    duty=D("4.80"),
    tax=D("11.41"),
    total=D("68.21"),
    fee_percent=D("5.00"),
    payout_currency="CNY",
    rate=D("8.231213872832370"),
    customs=(CustomsPart(hub="LGG", currency="EUR", duty=D("4.80"), tax=D("11.41")),),
    legs=(ShippingLeg(hub="HGH", weight=D("9.00")), ShippingLeg(hub="KUL", weight=D("3.00"))),
)


def lines_of(plan: SettlementPlan) -> list[PostingLine]:
    entry = plan.entry
    return [
        PostingLine(1, entry.kind, line.account, line.currency, line.amount) for line in entry.lines
    ]


def by_account(plan: SettlementPlan) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for line in lines_of(plan):
        key = (line.account, line.currency)
        found[key] = found.get(key, D(0)) + line.amount
    return found


def test_the_seller_is_paid_the_goods_less_the_fee_converted_into_the_payout_currency() -> None:
    plan = settlement_plan(ORDER)
    assert plan.fee == D("2.00")  # 5 % of 40.00
    assert plan.net == D("38.00")
    assert plan.payout_currency == "CNY"
    assert plan.payout_amount == D("312.79")  # 38.00 × 8.2312… rounded half-up
    accounts = by_account(plan)
    assert accounts[("seller:3", "CNY")] == D("-312.79")
    assert accounts[("platform:fees", "EUR")] == D("-2.00")


def test_duty_and_tax_go_to_the_customs_accounts_of_the_declarations_hub() -> None:
    accounts = by_account(settlement_plan(ORDER))
    assert accounts[("hub:LGG:duty", "EUR")] == D("-4.80")
    assert accounts[("hub:LGG:tax", "EUR")] == D("-11.41")


def test_shipping_is_shared_among_the_hubs_legs_leave_from_in_proportion_to_their_cost() -> None:
    accounts = by_account(settlement_plan(ORDER))
    assert accounts[("hub:HGH:logistics", "EUR")] == D("-9.00")
    assert accounts[("hub:KUL:logistics", "EUR")] == D("-3.00")


def test_escrow_is_emptied_exactly_and_every_entry_balances() -> None:
    plan = settlement_plan(ORDER)
    accounts = by_account(plan)
    assert accounts[("escrow", "EUR")] == ORDER.total
    entry = plan.entry
    assert entry.kind == "release" and entry.reference == "order:7"
    assert [line.account for line in entry.lines].count("escrow") == 1  # one line: the total
    result = trail(lines_of(plan))
    assert result.in_escrow == -ORDER.total  # released: the capture is not in this trail


def test_the_trail_attributes_each_part_at_what_left_escrow_for_it() -> None:
    capture = [
        PostingLine(0, "capture", "provider:sandbox", "EUR", ORDER.total),
        PostingLine(0, "capture", "escrow", "EUR", -ORDER.total),
    ]
    result = trail(capture + lines_of(settlement_plan(ORDER)))
    assert result.balanced and result.in_escrow == 0
    assert (result.seller_payout, result.platform_fee) == (D("38.00"), D("2.00"))
    assert (result.shipping, result.duties, result.taxes) == (D("12.00"), D("4.80"), D("11.41"))


def test_customs_in_another_currency_receives_exactly_the_declared_amounts_through_fx() -> None:
    order = replace(
        ORDER,
        currency="USD",
        goods=D("46.24"),
        shipping=D("13.87"),
        duty=D("5.55"),
        tax=D("13.19"),
        total=D("78.85"),
        customs=(CustomsPart(hub="LGG", currency="EUR", duty=D("4.80"), tax=D("11.41")),),
    )
    plan = settlement_plan(order)
    accounts = by_account(plan)
    assert accounts[("hub:LGG:duty", "EUR")] == D("-4.80")
    assert accounts[("hub:LGG:tax", "EUR")] == D("-11.41")
    capture = [
        PostingLine(0, "capture", "provider:sandbox", "USD", order.total),
        PostingLine(0, "capture", "escrow", "USD", -order.total),
    ]
    result = trail(capture + lines_of(plan))
    assert result.balanced
    assert (result.duties, result.taxes) == (D("5.55"), D("13.19"))


def test_a_small_seller_pays_the_rate_it_is_given_and_no_fee_means_none() -> None:
    plan = settlement_plan(replace(ORDER, fee_percent=D("0")))
    assert plan.fee == 0 and plan.net == D("40.00")
    assert ("platform:fees", "EUR") not in by_account(plan)


def test_a_seller_paid_in_the_buyers_currency_needs_no_exchange() -> None:
    plan = settlement_plan(replace(ORDER, payout_currency="EUR", rate=D("0.9")))
    assert plan.rate == 1 and plan.payout_amount == D("38.00")
    assert not any(line.account == "fx" for line in lines_of(plan))


def test_a_net_worth_less_than_a_unit_of_the_payout_currency_is_paid_in_the_buyers() -> None:
    tiny = replace(
        ORDER,
        goods=D("0.01"),
        shipping=D("0"),
        duty=D("0"),
        tax=D("0"),
        total=D("0.01"),
        fee_percent=D("0"),
        payout_currency="KWD",
        rate=D("0.0001"),
        customs=(),
    )
    plan = settlement_plan(tiny)
    assert (plan.payout_currency, plan.payout_amount) == ("EUR", D("0.01"))


def test_a_domestic_order_pays_no_customs_and_no_carrier() -> None:
    domestic = replace(
        ORDER, shipping=D("0"), duty=D("0"), tax=D("0"), total=D("40.00"), customs=(), legs=()
    )
    accounts = {account for account, _ in by_account(settlement_plan(domestic))}
    assert accounts == {"escrow", "fx", "seller:3", "platform:fees"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"total": D("68.20")}, "do not add up"),
        ({"goods": D("40.001"), "total": D("68.211")}, "not a rounded amount"),
        ({"customs": ()}, "no declaration carries any duty"),
        ({"legs": ()}, "no leg to pay it to"),
        ({"fee_percent": D("101")}, "is not a rate"),
        ({"rate": D("0")}, "no usable rate"),
        (
            {"customs": (CustomsPart(hub="LGG", currency="EUR", duty=D("4.81"), tax=D("11.41")),)},
            "the declaration says 4.81",
        ),
    ],
)
def test_figures_that_cannot_be_settled_are_refused_with_a_reason(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(SettlementInvalid, match=message):
        settlement_plan(replace(ORDER, **change))  # type: ignore[arg-type]


def test_allocate_shares_whole_minor_units_and_adds_up() -> None:
    assert allocate(D("10.00"), [D(1), D(1), D(1)], "EUR") == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("7"), [D(0), D(0)], "JPY") == [D("4"), D("3")]
    assert allocate(D("1.000"), [D(2), D(1)], "KWD") == [D("0.667"), D("0.333")]


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=10**6, places=3), min_size=1, max_size=6),
)
def test_allocate_always_adds_up_to_the_amount(amount: Decimal, weights: list[Decimal]) -> None:
    shares = allocate(amount, weights, "EUR")
    assert sum(shares) == amount and all(s >= 0 for s in shares)


def test_cross_rate_keeps_fifteen_places() -> None:
    assert cross_rate(D("0.8650"), D("7.1200")) == D("8.231213872832370")


def test_the_payout_entry_pays_the_sellers_payable_out_through_the_provider() -> None:
    entry = payout_entry(
        reference="payout:5", seller=3, currency="CNY", amount=D("312.79"), provider="sandbox"
    )
    assert entry.kind == "payout"
    assert [(ln.account, ln.amount) for ln in entry.lines] == [
        ("seller:3", D("312.79")),
        ("provider:sandbox", D("-312.79")),
    ]
