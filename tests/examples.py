"""The examples of docs/DATA_FORMATS.md, verbatim, shared by the tests that load them."""

from __future__ import annotations

from typing import Any

NETWORK: dict[str, Any] = {
    "hubs": [
        {"code": "HGH", "name": "Hangzhou eHub", "country": "CN", "city": "Hangzhou",
         "currency": "CNY", "serves": ["CN"]},
        {"code": "LGG", "name": "Liège eHub", "country": "BE", "city": "Liège",
         "currency": "EUR", "serves": ["BE", "NL", "LU", "DE", "FR"]},
    ],
    "corridors": [
        {"from": "HGH", "to": "LGG", "transit_days": 6, "currency": "USD",
         "base_fee": "4.00", "per_kg": "6.50"}
    ],
    "customs_unions": [{"code": "EU", "members": ["AT", "BE", "DE", "FR", "IT", "LU", "NL"]}],
}  # fmt: skip

RATES: dict[str, Any] = {
    "base": "USD",
    "date": "2026-11-23",
    "rates": {"EUR": "0.8650", "CNY": "7.1200", "GBP": "0.7600"},
}

TARIFF_HEADER = (
    "kind,destination,hs_prefix,origin,rate_percent,per_unit,currency,valuation,low_value_upto,"
    "low_value_duty_per_subheading,tax_free_upto,sme_max_employees,valid_from,valid_to,note"
)
TARIFF_ROWS = [
    "profile,BE,,,,,EUR,CIF,150,3,,,2026-07-01,2028-07-01,"
    "EU low-value consignments: flat EUR 3 per subheading",
    "duty,BE,6109,,12,,,,,,,,,,Cotton T-shirts",
    "duty,BE,,,0,,,,,,,,,,Default duty line",
    "tax,BE,,,21,,,,,,,,,,Belgian VAT",
    "tax,BE,4901,,6,,,,,,,,,,Books: reduced VAT",
    "prohibited,BE,9302,,,,,,,,,,,,Revolvers and pistols",
]
