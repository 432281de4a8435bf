"""payments.fx.Rates over plain data: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payments.fx import MissingRate, Rates

RATES = Rates(base="USD", rates={"EUR": Decimal("0.8650"), "CNY": Decimal("7.1200")})


def test_converting_x_to_y_multiplies_by_rate_y_over_rate_x() -> None:
    amount = Decimal("100")

    assert RATES.convert(amount, "EUR", "CNY") == amount * Decimal("7.1200") / Decimal("0.8650")
    assert RATES.convert(amount, "USD", "EUR") == Decimal("86.5000")
    assert RATES.convert(Decimal("86.50"), "EUR", "USD") == Decimal("100")


def test_the_base_has_rate_1_without_being_listed() -> None:
    assert RATES.rate("USD") == 1
    assert RATES.has("USD")
    assert RATES.convert(Decimal("12.34"), "USD", "USD") == Decimal("12.34")


def test_a_currency_without_a_rate_raises_missing_rate() -> None:
    with pytest.raises(MissingRate) as caught:
        RATES.convert(Decimal(1), "EUR", "GBP")

    assert caught.value.currency == "GBP"
    assert not RATES.has("GBP")


def test_round_trip_returns_the_amount_to_within_precision() -> None:
    amount = Decimal("40.00")

    back = RATES.convert(RATES.convert(amount, "EUR", "CNY"), "CNY", "EUR")

    assert abs(back - amount) < Decimal("1e-20")


def test_as_dict_records_the_base_and_the_rates_used() -> None:
    assert RATES.as_dict({"EUR", "USD"}) == {"base": "USD", "EUR": "0.865"}
