"""Properties of the engine over generated consignments (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from customs.landed_cost import Consignment, Quote, QuoteLine, QuoteRefused, quote
from payments.money import minor_units
from tests.customs.world import NETWORK, RATES, TARIFF, TODAY

HS_CODES = ["610910", "691200", "490199", "090111", "6109100010", "420221"]
SELLERS = [("CN", "CNY"), ("MY", "MYR"), ("DE", "EUR"), ("CN", "USD")]
DESTINATIONS = ["BE", "GB", "US", "CA", "DE"]
CURRENCIES = ["EUR", "USD", "JPY", "KWD", "GBP", "CNY"]

lines = st.lists(
    st.builds(
        QuoteLine,
        listing_id=st.integers(1, 1000),
        hs_code=st.sampled_from(HS_CODES),
        origin=st.sampled_from(["CN", "MY", "DE", "VN"]),
        unit_price=st.decimals("0.01", "5000", places=2),
        currency=st.just("CNY"),
        weight_grams=st.integers(1, 30_000),
        quantity=st.integers(1, 50),
    ),
    min_size=1,
    max_size=5,
)


@st.composite
def consignments(draw: st.DrawFn) -> Consignment:
    country, currency = draw(st.sampled_from(SELLERS))
    items = [QuoteLine(**{**ln.__dict__, "currency": currency}) for ln in draw(lines)]
    return Consignment(country, draw(st.integers(1, 500)), tuple(items))


def _quote(cons: Consignment, dest: str, currency: str) -> Quote:
    return quote(
        [cons], destination=dest, currency=currency, on=TODAY, network=NETWORK, tariff=TARIFF,
        rates=RATES,
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cons=consignments(), dest=st.sampled_from(DESTINATIONS), cur=st.sampled_from(CURRENCIES))
def test_total_is_goods_plus_shipping_plus_duty_plus_tax(
    cons: Consignment, dest: str, cur: str
) -> None:
    try:
        data = _quote(cons, dest, cur).as_dict()
    except QuoteRefused as refused:
        assert refused.code in {"prohibited", "no_route", "no_tariff", "not_served"}
        return
    parts = [Decimal(data[k]["amount"]) for k in ("goods", "shipping", "duty", "tax")]
    assert Decimal(data["total"]["amount"]) == sum(parts)
    assert all(data[k]["currency"] == cur for k in ("goods", "shipping", "duty", "tax", "total"))


@settings(max_examples=300, deadline=None)
@given(cons=consignments(), dest=st.sampled_from(DESTINATIONS), cur=st.sampled_from(CURRENCIES))
def test_duty_and_tax_are_never_negative(cons: Consignment, dest: str, cur: str) -> None:
    try:
        data = _quote(cons, dest, cur).as_dict()
    except QuoteRefused:
        return
    for key in ("duty", "tax"):
        assert Decimal(data[key]["amount"]) >= 0
        assert Decimal(data["customs"][key]["amount"]) >= 0
    for ln in data["lines"]:
        assert Decimal(ln["duty"]["amount"]) >= 0 and Decimal(ln["tax"]["amount"]) >= 0


@settings(max_examples=300, deadline=None)
@given(
    cons=consignments(),
    dest=st.sampled_from(DESTINATIONS),
    a=st.sampled_from(CURRENCIES),
    b=st.sampled_from(CURRENCIES),
)
def test_quote_in_one_currency_converts_to_the_quote_in_another_within_rounding(
    cons: Consignment, dest: str, a: str, b: str
) -> None:
    try:
        qa = _quote(cons, dest, a).as_dict()
        qb = _quote(cons, dest, b).as_dict()
    except QuoteRefused:
        return
    assert qa["customs"] == qb["customs"]  # the declaration does not depend on the buyer
    # Each charge is rounded once in each currency: half a minor unit of each, per charge.
    unit_a = Decimal(1).scaleb(-minor_units(a))
    unit_b = Decimal(1).scaleb(-minor_units(b))
    for key in ("goods", "shipping", "duty", "tax"):
        in_b = RATES.convert(Decimal(qa[key]["amount"]), a, b)
        tolerance = unit_b / 2 + RATES.convert(unit_a / 2, a, b)
        assert abs(in_b - Decimal(qb[key]["amount"])) <= tolerance, key
