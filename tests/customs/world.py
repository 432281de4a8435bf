"""A small hand-made world for engine tests: hubs, corridors, rates and tariff rows.

Figures in the tests were worked out by hand from LANDED_COST.md with these numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from customs.landed_cost import Consignment, QuoteLine
from customs.tariff import TariffIndex, TariffRule
from ehubs.routing import Leg, Network
from payments.fx import Rates

D = Decimal
TODAY = date(2026, 11, 23)

RATES = Rates(
    base="USD",
    rates={
        "EUR": D("0.8650"),
        "CNY": D("7.1200"),
        "GBP": D("0.7600"),
        "CAD": D("1.4000"),
        "MYR": D("4.4000"),
        "JPY": D("150"),
        "KWD": D("0.3070"),
    },
)


def leg(a: str, b: str, days: int, cur: str, base: str, per_kg: str) -> Leg:
    return Leg(a, b, days, cur, D(base), D(per_kg))


NETWORK = Network.build(
    serves={
        "HGH": ["CN"],
        "KUL": ["MY"],
        "LGG": ["BE", "DE", "FR", "NL"],
        "LHR": ["GB"],
        "JFK": ["US"],
        "YYZ": ["CA"],
    },
    legs=[
        leg("HGH", "LGG", 6, "USD", "4.00", "6.50"),
        leg("HGH", "KUL", 3, "USD", "2.00", "3.00"),
        leg("KUL", "LGG", 5, "USD", "5.00", "4.00"),
        leg("HGH", "LHR", 7, "USD", "5.00", "7.00"),
        leg("LGG", "LHR", 1, "EUR", "3.00", "1.00"),
        leg("HGH", "JFK", 8, "USD", "6.00", "8.00"),
        leg("KUL", "JFK", 9, "USD", "7.00", "5.00"),
        leg("JFK", "YYZ", 2, "USD", "3.00", "1.00"),
    ],
    unions={"EU": ["BE", "DE", "FR", "NL"]},
)

_id = iter(range(1, 10_000))


def row(kind: str, destination: str, **kw: object) -> TariffRule:
    for name in ("rate_percent", "per_unit", "low_value_upto", "low_value_duty_per_subheading"):
        if isinstance(kw.get(name), str):
            kw[name] = D(str(kw[name]))
    if isinstance(kw.get("tax_free_upto"), str):
        kw["tax_free_upto"] = D(str(kw["tax_free_upto"]))
    return TariffRule(kind=kind, destination=destination, id=next(_id), **kw)  # type: ignore[arg-type]


EU_FLAT = row(
    "profile", "BE", currency="EUR", valuation="CIF", low_value_upto="150",
    low_value_duty_per_subheading="3", valid_from=date(2026, 7, 1), valid_to=date(2028, 7, 1),
    note="EU low-value consignments: flat EUR 3 per subheading",
)  # fmt: skip
EU_RELIEF = row(
    "profile", "BE", currency="EUR", valuation="CIF", low_value_upto="150",
    valid_to=date(2026, 7, 1), note="EU duty relief up to EUR 150",
)  # fmt: skip
BE_TSHIRTS = row("duty", "BE", hs_prefix="6109", rate_percent="12", note="Cotton T-shirts")
BE_DEFAULT_DUTY = row("duty", "BE", rate_percent="0", note="Default duty line")
BE_VAT = row("tax", "BE", rate_percent="21", note="Belgian VAT")
BE_BOOKS_VAT = row("tax", "BE", hs_prefix="4901", rate_percent="6", note="Books: reduced VAT")
BE_GUNS = row("prohibited", "BE", hs_prefix="9302", note="Revolvers and pistols")

GB_PROFILE = row(
    "profile", "GB", currency="GBP", valuation="CIF", low_value_upto="135",
    note="UK: no duty on consignments up to GBP 135",
)  # fmt: skip
GB_DUTY = row("duty", "GB", rate_percent="4", note="UK default duty")
GB_VAT = row("tax", "GB", rate_percent="20", note="UK VAT")

US_PROFILE = row("profile", "US", currency="USD", valuation="FOB", note="US: duty from $0")
US_TSHIRTS = row("duty", "US", hs_prefix="6109", rate_percent="16.5", note="Cotton T-shirts")
US_TSHIRTS_CN = row(
    "duty", "US", hs_prefix="6109", origin="CN", rate_percent="25", note="T-shirts from CN"
)
US_TSHIRTS_SME30 = row(
    "duty", "US", hs_prefix="6109", rate_percent="10", sme_max_employees=30, note="SME 30"
)
US_TSHIRTS_SME10 = row(
    "duty", "US", hs_prefix="6109", rate_percent="8", sme_max_employees=10, note="SME 10"
)
US_TSHIRTS_2027 = row(
    "duty", "US", hs_prefix="6109", rate_percent="20", valid_from=date(2027, 1, 1), note="2027"
)
US_COFFEE = row(
    "duty", "US", hs_prefix="0901", rate_percent="2", per_unit="0.50", currency="EUR",
    note="Coffee: 2 % + EUR 0.50 a unit",
)  # fmt: skip
US_TAX = row("tax", "US", rate_percent="0", note="No federal import tax")

CA_PROFILE = row(
    "profile", "CA", currency="CAD", valuation="FOB", low_value_upto="150", tax_free_upto="40",
    note="Canada courier: duty free to C$150, tax free to C$40",
)  # fmt: skip
CA_DUTY = row("duty", "CA", rate_percent="18", note="Default duty")
CA_GST = row("tax", "CA", rate_percent="5", note="GST")

CN_PROFILE = row("profile", "CN", currency="CNY", valuation="CIF", note="China CBEC")
CN_DUTY = row("duty", "CN", rate_percent="0", note="CBEC: 0 % duty")
CN_VAT = row("tax", "CN", rate_percent="9.1", note="70 % of 13 % VAT")

RULES = [v for v in list(globals().values()) if isinstance(v, TariffRule)]
TARIFF = TariffIndex(RULES)


def line(
    listing: int, hs: str, price: str, cur: str, grams: int, qty: int, origin: str = "CN"
) -> QuoteLine:
    return QuoteLine(
        listing_id=listing,
        hs_code=hs,
        origin=origin,
        unit_price=D(price),
        currency=cur,
        weight_grams=grams,
        quantity=qty,
        title=f"item {listing}",
    )


def consignment(country: str, employees: int, *lines: QuoteLine) -> Consignment:
    return Consignment(seller_country=country, seller_employees=employees, lines=tuple(lines))
