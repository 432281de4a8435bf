"""The landed-cost engine, one test per rule of LANDED_COST.md, with figures worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from customs.landed_cost import Consignment, QuoteRefused, quote
from payments.fx import MissingRate
from tests.customs.world import NETWORK, RATES, TARIFF, TODAY, consignment, line

D = Decimal

T1 = consignment(
    "CN", 12, line(1, "610910", "100", "CNY", 250, 2), line(2, "691200", "50", "CNY", 400, 1)
)


def q(cons: Consignment | list[Consignment], dest: str, cur: str, on: date = TODAY) -> Any:
    items = cons if isinstance(cons, list) else [cons]
    return quote(
        items, destination=dest, currency=cur, on=on, network=NETWORK, tariff=TARIFF, rates=RATES
    )


def amounts(result: Any) -> tuple[str, str, str, str, str]:
    data = result.as_dict()
    g, s, d, t, total = (data[k]["amount"] for k in ("goods", "shipping", "duty", "tax", "total"))
    return g, s, d, t, total


# Step 6, low-value regime; step 4 routing; step 5 CIF; step 7 tax on value + duty; step 8.
def test_low_value_consignment_pays_flat_duty_per_subheading() -> None:
    result = q(T1, "BE", "EUR")
    data = result.as_dict()
    # G = 250 CNY × 0.865/7.12 = 30.3722 EUR; W = 0.9 kg; S = (4 + 6.5×0.9) USD = 8.52025 EUR;
    # D = €3 × 2 subheadings; T = (CV + D) × 21 % = (38.89244 + 6) × 0.21 = 9.42741.
    assert amounts(result) == ("30.37", "8.52", "6.00", "9.43", "54.32")
    assert data["customs"] == {
        "currency": "EUR",
        "valuation": "CIF",
        "regime": "low_value",
        "customs_value": {"amount": "38.89", "currency": "EUR"},
        "duty": {"amount": "6.00", "currency": "EUR"},
        "tax": {"amount": "9.43", "currency": "EUR"},
    }
    assert data["route"] == ["HGH", "LGG"] and data["transit_days"] == 6
    assert [ln["duty"]["amount"] for ln in data["lines"]] == ["4.80", "1.20"]
    assert [ln["tax"]["amount"] for ln in data["lines"]] == ["7.54", "1.89"]
    assert data["lines"][0]["duty_rule"]["note"].startswith("EU low-value consignments")
    assert data["lines"][0]["tax_rule"]["rate_percent"] == "21"
    assert (
        "flat EUR 3 per tariff subheading on consignments up to EUR 150"
        in (data["explanations"]["duty"])
    )


def test_classic_de_minimis_charges_no_duty_when_the_flat_amount_is_empty() -> None:
    # Before 1 July 2026 the EU profile had no flat duty: D = 0, VAT on CIF value only.
    result = q(T1, "BE", "EUR", on=date(2026, 6, 15))
    assert amounts(result) == ("30.37", "8.52", "0.00", "8.17", "47.06")
    assert result.as_dict()["customs"]["regime"] == "low_value"


def test_uk_consignment_up_to_135_pays_vat_but_no_duty() -> None:
    result = q(consignment("CN", 12, line(1, "610910", "200", "CNY", 250, 1)), "GB", "GBP")
    # Direct HGH→LHR costs 6.75 USD; via LGG 9.38 USD: the direct corridor wins.
    assert result.as_dict()["route"] == ["HGH", "LHR"]
    assert amounts(result) == ("21.35", "5.13", "0.00", "5.30", "31.78")


def test_profile_is_chosen_by_date_and_valid_to_is_exclusive() -> None:
    on_switch = q(T1, "BE", "EUR", on=date(2026, 7, 1)).as_dict()
    day_before = q(T1, "BE", "EUR", on=date(2026, 6, 30)).as_dict()
    assert on_switch["duty"]["amount"] == "6.00"
    assert day_before["duty"]["amount"] == "0.00"


def test_standard_regime_takes_per_line_rows_by_longest_prefix() -> None:
    cons = consignment(
        "CN", 12, line(1, "610910", "150", "CNY", 250, 10), line(2, "490199", "80", "CNY", 500, 2)
    )
    data = q(cons, "BE", "EUR").as_dict()
    # G = 201.67 EUR > 150: per line. T-shirts 12 % duty, 21 % VAT; books 0 % duty, 6 % VAT.
    assert amounts(q(cons, "BE", "EUR")) == ("201.67", "23.14", "24.38", "49.08", "298.27")
    assert data["customs"]["regime"] == "standard"
    assert [ln["duty"]["amount"] for ln in data["lines"]] == ["24.38", "0.00"]
    assert [ln["tax"]["amount"] for ln in data["lines"]] == ["47.78", "1.30"]
    assert [ln["duty_rule"]["hs_prefix"] for ln in data["lines"]] == ["6109", ""]
    assert [ln["tax_rule"]["note"] for ln in data["lines"]] == ["Belgian VAT", "Books: reduced VAT"]


def test_fob_destination_values_goods_without_shipping() -> None:
    cons = consignment("CN", 200, line(1, "610910", "100", "CNY", 250, 3))
    data = q(cons, "US", "USD").as_dict()
    # FOB: CV = G = 42.1348 USD; the CN-origin row (25 %) beats the generic 16.5 % row.
    assert amounts(q(cons, "US", "USD")) == ("42.13", "12.00", "10.53", "0.00", "64.66")
    assert data["customs"]["valuation"] == "FOB"
    assert data["customs"]["customs_value"] == {"amount": "42.13", "currency": "USD"}
    assert data["lines"][0]["duty_rule"]["origin"] == "CN"


@pytest.mark.parametrize(
    ("employees", "duty", "note"),
    [(200, "3.00", "Cotton T-shirts"), (12, "1.82", "SME 30"), (8, "1.45", "SME 10")],
)
def test_sme_rows_apply_up_to_their_employee_count_smallest_first(
    employees: int, duty: str, note: str
) -> None:
    cons = consignment("MY", employees, line(1, "610910", "40", "MYR", 250, 2, origin="MY"))
    data = q(cons, "US", "USD").as_dict()
    assert data["duty"]["amount"] == duty
    assert data["lines"][0]["duty_rule"]["note"] == note
    assert data["route"] == ["KUL", "JFK"]


def test_origin_specific_row_beats_an_sme_row() -> None:
    cons = consignment("CN", 8, line(1, "610910", "100", "CNY", 250, 3))
    assert q(cons, "US", "USD").as_dict()["lines"][0]["duty_rule"]["note"] == "T-shirts from CN"


def test_specific_duty_per_unit_is_converted_from_its_currency() -> None:
    cons = consignment("MY", 50, line(1, "090111", "22", "MYR", 1000, 4, origin="MY"))
    # d = 20 USD × 2 % + 4 × EUR 0.50 (= 0.578035 USD) = 0.40 + 2.312139 = 2.712139
    assert amounts(q(cons, "US", "USD")) == ("20.00", "27.00", "2.71", "0.00", "49.71")


def test_newer_row_supersedes_an_open_ended_older_one_from_its_valid_from() -> None:
    cons = consignment("MY", 200, line(1, "610910", "40", "MYR", 250, 2, origin="MY"))
    before = q(cons, "US", "USD", on=date(2026, 12, 31)).as_dict()
    after = q(cons, "US", "USD", on=date(2027, 1, 1)).as_dict()
    assert before["lines"][0]["duty_rule"]["rate_percent"] == "16.5"
    assert after["lines"][0]["duty_rule"]["rate_percent"] == "20"
    assert after["duty"]["amount"] == "3.64"  # 18.1818 USD × 20 %


def test_tax_free_threshold_clears_tax_and_low_value_clears_duty() -> None:
    small = q(consignment("CN", 12, line(1, "610910", "100", "CNY", 250, 1)), "CA", "CAD")
    # G = 19.66 CAD ≤ C$40: neither duty nor GST; route HGH→JFK→YYZ (2 legs, 10 days).
    assert amounts(small) == ("19.66", "15.75", "0.00", "0.00", "35.41")
    assert small.as_dict()["route"] == ["HGH", "JFK", "YYZ"]
    assert small.as_dict()["transit_days"] == 10
    middle = q(consignment("CN", 12, line(1, "610910", "100", "CNY", 250, 5)), "CA", "CAD")
    # G = 98.31 CAD: duty free (≤ C$150) but GST 5 % of the FOB value.
    assert amounts(middle) == ("98.31", "28.35", "0.00", "4.92", "131.58")


def test_domestic_same_country_has_no_duty_tax_or_route() -> None:
    data = q(consignment("CN", 5, line(1, "610910", "100", "CNY", 250, 1)), "CN", "CNY").as_dict()
    assert data["customs"]["regime"] == "domestic"
    assert data["route"] == [] and data["transit_days"] == 0
    assert [data[k]["amount"] for k in ("goods", "shipping", "duty", "tax", "total")] == [
        "100.00",
        "0.00",
        "0.00",
        "0.00",
        "100.00",
    ]


def test_customs_union_members_trade_as_domestic() -> None:
    cons = consignment("DE", 20, line(1, "610910", "30", "EUR", 250, 1, origin="DE"))
    data = q(cons, "BE", "EUR").as_dict()
    assert data["customs"]["regime"] == "domestic"
    assert (data["duty"]["amount"], data["tax"]["amount"], data["total"]["amount"]) == (
        "0.00",
        "0.00",
        "30.00",
    )


def test_prohibited_goods_refuse_the_quote_naming_line_and_note() -> None:
    cons = consignment(
        "CN", 12, line(1, "610910", "1", "CNY", 1, 1), line(9, "930200", "900", "CNY", 900, 1)
    )
    with pytest.raises(QuoteRefused) as err:
        q(cons, "BE", "EUR")
    assert err.value.code == "prohibited"
    assert "listing 9" in err.value.detail and "Revolvers and pistols" in err.value.detail


def test_no_profile_refuses_as_destination_not_served() -> None:
    with pytest.raises(QuoteRefused) as err:
        q(T1, "JP", "JPY")
    assert err.value.code == "not_served"


def test_no_corridor_path_refuses_as_no_route() -> None:
    with pytest.raises(QuoteRefused) as err:
        q(consignment("GB", 5, line(1, "610910", "10", "GBP", 250, 1, origin="GB")), "CN", "CNY")
    assert err.value.code == "no_route"
    assert "LHR" in err.value.detail and "HGH" in err.value.detail


def test_line_without_duty_row_refuses_as_no_tariff() -> None:
    with pytest.raises(QuoteRefused) as err:
        q(consignment("CN", 5, line(1, "950300", "100", "CNY", 250, 1)), "US", "USD")
    assert err.value.code == "no_tariff" and "950300" in err.value.detail


def test_duty_and_tax_round_half_up_once_in_the_customs_currency() -> None:
    cons = consignment("CN", 200, line(1, "610910", "201", "USD", 250, 1, origin="VN"))
    data = q(cons, "US", "USD").as_dict()
    # 201 × 16.5 % = 33.165 exactly: half-up gives 33.17 (half-even would give 33.16).
    assert data["customs"]["duty"]["amount"] == "33.17"
    assert data["total"]["amount"] == "242.17"


def test_buyer_currency_amounts_use_its_minor_unit() -> None:
    # Each of G, S, D, T converted from EUR and rounded: JPY has 0 decimals, KWD 3.
    assert amounts(q(T1, "BE", "JPY")) == ("5267", "1478", "1040", "1635", "9420")
    assert amounts(q(T1, "BE", "KWD")) == ("10.779", "3.024", "2.129", "3.347", "19.279")
    data = q(T1, "BE", "JPY").as_dict()
    assert data["customs"]["duty"] == {"amount": "6.00", "currency": "EUR"}
    assert data["rates"]["base"] == "USD" and data["rates"]["JPY"] == "150"


def test_several_sellers_are_quoted_as_one_consignment_each() -> None:
    domestic = consignment("DE", 20, line(3, "610910", "30", "EUR", 250, 1, origin="DE"))
    data = q([T1, domestic], "BE", "EUR").as_dict()
    assert len(data["consignments"]) == 2
    assert data["total"]["amount"] == "84.32"  # 54.32 + 30.00
    assert data["goods"]["amount"] == "60.37"


def test_missing_rate_is_reported() -> None:
    with pytest.raises(MissingRate):
        q(T1, "BE", "CHF")
