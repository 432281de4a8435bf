"""What customs declares for a paid order (customs.declaring, pure): the export and import
declarations of a cross-border consignment, none for a domestic one, lines in the declaration's
currency at the quote's frozen rates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from customs.declaring import (
    EXPORT,
    IMPORT,
    DeclarationSpec,
    Filing,
    FilingLine,
    Party,
    declarations_for,
)
from customs.landed_cost import quote_consignment
from tests.customs.world import NETWORK, RATES, TARIFF, TODAY, consignment, line

D = Decimal


def filing_line(listing: int, price: str, currency: str, quantity: int, **kw: Any) -> FilingLine:
    return FilingLine(
        listing_id=listing,
        title=f"item {listing}",
        hs_code=kw.get("hs_code", "691200" if listing == 2 else "610910"),
        hs_description="",
        origin="CN",
        quantity=quantity,
        unit_price=D(price),
        currency=currency,
        listing_price=D(kw.get("listing_price", price)),
        listing_currency=currency,
        weight_grams=250,
    )


def filing(*lines: FilingLine, seller_country: str = "CN", currency: str = "EUR") -> Filing:
    """A paid order of `lines` to a buyer in Belgium, with the engine's own frozen quote."""
    quoted = quote_consignment(
        consignment(
            seller_country,
            12,
            *(
                line(ln.listing_id, ln.hs_code, str(ln.unit_price), ln.currency, 250, ln.quantity)
                for ln in lines
            ),
        ),
        destination="BE",
        currency=currency,
        on=TODAY,
        network=NETWORK,
        tariff=TARIFF,
        rates=RATES,
    )
    quote = quoted.as_dict()
    return Filing(
        reference="order:42",
        quote=quote,
        seller=Party(user_id=7, name="Hangzhou Shirts Co", country=seller_country),
        seller_verified=True,
        seller_employees=12,
        buyer=Party(user_id=9, name="Amélie Dupont", country="BE"),
        consignee_name="Amélie Dupont",
        consignee_country="BE",
        currency=currency,
        goods=quoted.goods,
        total=quoted.total,
        lines=lines,
    )


def by_direction(specs: list[DeclarationSpec]) -> dict[str, DeclarationSpec]:
    assert len(specs) == len({s.direction for s in specs})
    return {s.direction: s for s in specs}


def test_a_cross_border_order_is_declared_for_export_at_its_first_hub_and_import_at_its_last() -> (
    None
):
    paid = filing(filing_line(1, "20.00", "USD", 2), filing_line(2, "12.50", "USD", 1))

    specs = declarations_for(paid)

    assert [(s.direction, s.hub) for s in specs] == [(EXPORT, "HGH"), (IMPORT, "LGG")]
    assert paid.quote["route"] == ["HGH", "LGG"]
    for spec in specs:
        assert spec.reference == "order:42"
        assert (spec.origin_country, spec.destination_country) == ("CN", "BE")
        assert spec.quoted_on == date(2026, 11, 23)


def test_the_import_declares_the_frozen_quotes_customs_figures() -> None:
    paid = filing(filing_line(1, "20.00", "USD", 2), filing_line(2, "12.50", "USD", 1))
    customs = paid.quote["customs"]

    imported = by_direction(declarations_for(paid))[IMPORT]

    assert imported.currency == customs["currency"] == "EUR"
    assert imported.customs_value == D(customs["customs_value"]["amount"]) == D("53.09")
    assert imported.duty == D(customs["duty"]["amount"]) == D("6.00")
    assert imported.tax == D(customs["tax"]["amount"]) == D("12.41")


def test_the_export_declares_the_invoice_value_free_of_duty_and_tax() -> None:
    paid = filing(filing_line(1, "20.00", "USD", 2), filing_line(2, "12.50", "USD", 1))

    exported = by_direction(declarations_for(paid))[EXPORT]

    assert exported.currency == "USD"
    assert exported.customs_value == D("52.50")  # 2 × 20.00 + 12.50
    assert (exported.duty, exported.tax) == (0, 0)


def test_a_domestic_order_is_declared_nowhere() -> None:
    # France to Belgium: one customs union, no border crossed.
    paid = filing(filing_line(1, "20.00", "USD", 2), seller_country="FR")

    assert paid.quote["customs"]["regime"] == "domestic"
    assert declarations_for(paid) == []


def test_lines_are_in_the_declarations_currency_at_the_quotes_frozen_rates() -> None:
    paid = filing(filing_line(1, "20.00", "USD", 2, listing_price="21.00"))

    specs = by_direction(declarations_for(paid))

    (export_line,) = specs[EXPORT].lines
    assert (export_line.currency, export_line.unit_value, export_line.value) == (
        "USD",
        D("20.00"),
        D("40.00"),
    )
    (import_line,) = specs[IMPORT].lines
    # USD 20.00 × 0.865 (the quote's EUR rate) = EUR 17.30 a unit.
    assert paid.quote["rates"] == {"base": "USD", "EUR": "0.865"}
    assert (import_line.currency, import_line.unit_value, import_line.value) == (
        "EUR",
        D("17.30"),
        D("34.60"),
    )
    # The listing's price is kept as it was, in its own currency, for the undervaluation rule.
    for ln in (export_line, import_line):
        assert (ln.listing_price, ln.listing_currency, ln.quantity) == (D("21.00"), "USD", 2)


def test_the_frozen_rates_are_used_not_todays() -> None:
    paid = filing(filing_line(1, "20.00", "USD", 1))
    # A quote made when the euro stood at 0.90: the declaration follows the quote.
    frozen = replace(paid, quote={**paid.quote, "rates": {"base": "USD", "EUR": "0.9"}})

    (import_line,) = by_direction(declarations_for(frozen))[IMPORT].lines

    assert import_line.unit_value == D("18.00")


def test_goods_invoiced_in_several_currencies_are_exported_in_usd() -> None:
    paid = filing(filing_line(1, "20.00", "USD", 1), filing_line(2, "71.20", "CNY", 1))

    exported = by_direction(declarations_for(paid))[EXPORT]

    assert exported.currency == "USD"
    assert [(ln.currency, ln.value) for ln in exported.lines] == [
        ("USD", D("20.00")),
        ("USD", D("10.00")),  # CNY 71.20 at 7.12 a dollar
    ]
    assert exported.customs_value == D("30.00")


def test_goods_invoiced_in_one_other_currency_are_exported_in_it() -> None:
    paid = filing(filing_line(1, "142.40", "CNY", 1))

    exported = by_direction(declarations_for(paid))[EXPORT]

    assert (exported.currency, exported.customs_value) == ("CNY", D("142.40"))


def test_the_declaration_carries_the_order_as_customs_matches_it() -> None:
    paid = filing(filing_line(2, "12.50", "USD", 1), filing_line(1, "20.00", "USD", 2))

    for spec in declarations_for(paid):
        assert spec.order_document == {
            "consignee": {"name": "Amélie Dupont", "country": "BE"},
            "goods": [[1, 2], [2, 1]],  # sorted by listing
            "goods_value": str(paid.goods),
            "amount": str(paid.total),
            "currency": "EUR",
        }
        assert spec.basis["destination"] == "BE"
        assert [ln["listing_id"] for ln in spec.basis["lines"]] == [2, 1]
