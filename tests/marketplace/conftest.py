"""Reference data for the storefront's delivered prices, loaded through the import services
(the same ones operators' commands call)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from customs.services import tariff_import
from ehubs.services import network_import
from payments.services import rates_import

# A small world where each refusal code has a destination of its own:
# BE and FR quote (EU low-value regime), NL has a profile but no tariff lines (no_tariff),
# RW is served by a hub no corridor reaches (no_route), US has no customs profile (not_served),
# and HS 9302 (pistols) is prohibited in BE.
NETWORK: dict[str, Any] = {
    "hubs": [
        {"code": "HGH", "name": "Hangzhou eHub", "country": "CN", "city": "Hangzhou",
         "currency": "CNY", "serves": ["CN", "HK"]},
        {"code": "LGG", "name": "Liège eHub", "country": "BE", "city": "Liège",
         "currency": "EUR", "serves": ["BE", "NL", "FR", "DE"]},
        {"code": "KGL", "name": "Kigali eHub", "country": "RW", "city": "Kigali",
         "currency": "RWF", "serves": ["RW"]},
        {"code": "LAX", "name": "Los Angeles gateway", "country": "US", "city": "Los Angeles",
         "currency": "USD", "serves": ["US"]},
    ],
    "corridors": [
        {"from": "HGH", "to": "LGG", "transit_days": 6, "currency": "USD",
         "base_fee": "4.00", "per_kg": "6.50"},
        {"from": "HGH", "to": "LAX", "transit_days": 8, "currency": "USD",
         "base_fee": "5.00", "per_kg": "7.50"},
    ],
    "customs_unions": [{"code": "EU", "members": ["BE", "DE", "FR", "NL"]}],
}  # fmt: skip

RATES: dict[str, Any] = {
    "base": "USD",
    "date": "2026-11-23",
    "rates": {"EUR": "0.8650", "CNY": "7.1200", "GBP": "0.7600", "RWF": "1450.00"},
}

TARIFF_CSV = """\
kind,destination,hs_prefix,origin,rate_percent,per_unit,currency,valuation,low_value_upto,\
low_value_duty_per_subheading,tax_free_upto,sme_max_employees,valid_from,valid_to,note
profile,BE,,,,,EUR,CIF,150,3,,,,,EU low-value consignments: flat EUR 3 per tariff subheading
duty,BE,6109,,12,,,,,,,,,,Cotton T-shirts
duty,BE,,,4,,,,,,,,,,EU default duty line
tax,BE,,,21,,,,,,,,,,Belgian VAT
tax,BE,4901,,6,,,,,,,,,,Books: reduced Belgian VAT
prohibited,BE,9302,,,,,,,,,,,,Revolvers and pistols
profile,FR,,,,,EUR,CIF,150,3,,,,,EU low-value consignments: flat EUR 3 per tariff subheading
duty,FR,,,4,,,,,,,,,,EU default duty line
tax,FR,,,20,,,,,,,,,,French VAT
profile,NL,,,,,EUR,CIF,,,,,,,NL: duty from the first cent
profile,RW,,,,,RWF,CIF,,,,,,,EAC Common External Tariff
duty,RW,,,25,,,,,,,,,,EAC CET finished goods
tax,RW,,,18,,,,,,,,,,Rwanda VAT
"""


def reference_data_load() -> None:
    """Hubs and corridors, FX rates and tariff rows, through the import services."""
    network_import(data=NETWORK)
    rates_import(data=RATES)
    tariff_import(rows=io.StringIO(TARIFF_CSV))


@pytest.fixture
def reference_data(db: Any) -> None:
    reference_data_load()
