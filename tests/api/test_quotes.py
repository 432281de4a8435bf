"""POST /api/v1/quotes/ with data loaded through the public import commands only."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Listing
from tests import examples
from tests.factories import ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/quotes/"

# DATA_FORMATS.md's examples, with GB served by Liège and a GB profile without duty lines.
NETWORK = copy.deepcopy(examples.NETWORK)
NETWORK["hubs"][1]["serves"].append("GB")
RATES = examples.RATES
TARIFF = "\n".join(
    [
        examples.TARIFF_HEADER,
        *examples.TARIFF_ROWS,
        "profile,GB,,,,,GBP,CIF,135,,,,,,UK: no duty up to GBP 135",
        "",
    ]
)


@pytest.fixture
def loaded(tmp_path: Path) -> None:
    (tmp_path / "network.json").write_text(json.dumps(NETWORK))
    (tmp_path / "rates.json").write_text(json.dumps(RATES))
    (tmp_path / "tariff.csv").write_text(TARIFF)
    call_command("import_network", str(tmp_path / "network.json"), verbosity=0)
    call_command("import_rates", str(tmp_path / "rates.json"), verbosity=0)
    call_command("import_tariff", str(tmp_path / "tariff.csv"), verbosity=0, no_progress=True)


@pytest.fixture
def cn_goods(loaded: None) -> dict[str, Listing]:
    seller = SellerFactory.create(country="CN", employees=12)
    return {
        "tshirt": ListingFactory.create(
            seller=seller, hs_code="610910", price=Money("100", "CNY"), weight_grams=250
        ),
        "mug": ListingFactory.create(
            seller=seller, hs_code="691200", price=Money("50", "CNY"), weight_grams=400
        ),
        "pistol": ListingFactory.create(
            seller=seller,
            hs_code="930200",
            price=Money("900", "CNY"),
            weight_grams=900,
            title="Starter pistol",
        ),
    }


def post(body: dict[str, Any]) -> Any:
    return APIClient().post(URL, body, format="json")


def body(lines: list[tuple[Listing, int]], dest: str = "BE", cur: str = "EUR") -> dict[str, Any]:
    return {
        "destination_country": dest,
        "currency": cur,
        "date": "2026-11-23",
        "lines": [{"listing": listing.pk, "quantity": qty} for listing, qty in lines],
    }


def test_quote_for_a_low_value_consignment_matches_the_hand_worked_figures(
    cn_goods: dict[str, Listing],
) -> None:
    response = post(body([(cn_goods["tshirt"], 2), (cn_goods["mug"], 1)]))
    assert response.status_code == 200, response.content
    data = response.json()
    # G = 250 CNY = 30.3722 EUR, S = (4 + 6.5 × 0.9) USD = 8.52025 EUR, D = 2 × EUR 3,
    # T = (38.8924 + 6) × 21 % = 9.4274.
    assert data["goods"] == {"amount": "30.37", "currency": "EUR"}
    assert data["shipping"] == {"amount": "8.52", "currency": "EUR"}
    assert data["duty"] == {"amount": "6.00", "currency": "EUR"}
    assert data["tax"] == {"amount": "9.43", "currency": "EUR"}
    assert data["total"] == {"amount": "54.32", "currency": "EUR"}
    assert data["route"] == ["HGH", "LGG"] and data["transit_days"] == 6
    assert data["customs"]["regime"] == "low_value"
    assert data["customs"]["valuation"] == "CIF"
    assert data["rates"] == {"base": "USD", "CNY": "7.12", "EUR": "0.865"}  # the rates used
    assert [line["listing"] for line in data["lines"]] == [
        cn_goods["tshirt"].pk,
        cn_goods["mug"].pk,
    ]
    assert data["lines"][0]["tax_rule"] == data["lines"][0]["tax_rule"] | {
        "hs_prefix": "",
        "rate_percent": "21",
        "note": "Belgian VAT",
    }
    assert data["date"] == "2026-11-23" and data["destination_country"] == "BE"


def test_each_quote_line_gives_the_description_of_its_hs_subheading(
    cn_goods: dict[str, Listing],
) -> None:
    response = post(body([(cn_goods["tshirt"], 1), (cn_goods["mug"], 1)]))

    assert response.status_code == 200, response.content
    assert [(line["hs_code"], line["hs_description"]) for line in response.json()["lines"]] == [
        ("610910", "T-shirts, singlets and other vests; of cotton, knitted or crocheted"),
        (
            "691200",
            "Ceramic tableware, kitchenware, other household articles and toilet articles; "
            "other than of porcelain or china",
        ),
    ]


def test_standard_regime_uses_the_t_shirt_duty_line(cn_goods: dict[str, Listing]) -> None:
    data = post(body([(cn_goods["tshirt"], 20)])).json()
    # G = 2000 CNY = 242.9775 EUR > 150; W = 5 kg, S = 36.50 USD = 31.57250 EUR;
    # CV = 274.55 EUR; D = 12 % = 32.946; T = (274.55 + 32.946) × 21 % = 64.574.
    assert data["customs"]["regime"] == "standard"
    assert [data[k]["amount"] for k in ("goods", "shipping", "duty", "tax", "total")] == [
        "242.98",
        "31.57",
        "32.95",
        "64.57",
        "372.07",
    ]
    assert data["lines"][0]["duty_rule"]["hs_prefix"] == "6109"


def test_several_sellers_are_quoted_per_seller_with_top_level_sums(
    cn_goods: dict[str, Listing],
) -> None:
    de_seller = SellerFactory.create(country="DE", employees=4, payout_currency="EUR")
    local = ListingFactory.create(
        seller=de_seller, price=Money("30", "EUR"), origin_country="DE", weight_grams=300
    )
    data = post(body([(cn_goods["tshirt"], 2), (local, 1), (cn_goods["mug"], 1)])).json()
    assert [c["seller"] for c in data["consignments"]] == [
        cn_goods["tshirt"].seller_id,
        de_seller.pk,
    ]
    assert data["consignments"][1]["customs"]["regime"] == "domestic"
    assert data["total"] == {"amount": "84.32", "currency": "EUR"}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("pistol", "prohibited"),
        ("japan", "not_served"),
        ("us_seller", "no_route"),
        ("gb", "no_tariff"),
    ],
)
def test_refusals_are_422_with_a_code_and_a_sentence(
    cn_goods: dict[str, Listing], case: str, code: str
) -> None:
    if case == "pistol":
        request = body([(cn_goods["pistol"], 1)])
    elif case == "japan":
        request = body([(cn_goods["mug"], 1)], dest="JP")
    elif case == "us_seller":
        us = ListingFactory.create(seller=SellerFactory.create(country="US"), origin_country="US")
        request = body([(us, 1)])
    else:
        request = body([(cn_goods["mug"], 1)] * 1, dest="GB", cur="EUR")
        request["lines"][0]["quantity"] = 200  # above GBP 135: duty lines needed, none loaded
    response = post(request)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_prohibited_refusal_names_the_line_and_the_rule(cn_goods: dict[str, Listing]) -> None:
    detail = post(body([(cn_goods["pistol"], 1)])).json()["detail"]
    assert f"listing {cn_goods['pistol'].pk}" in detail and "Revolvers and pistols" in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"listing": 999999, "quantity": 1}]}, "lines[0].listing"),
        ({"lines": [{"listing": "abc", "quantity": 1}]}, "lines[0].listing"),
        ({"quantity": 0}, "lines[0].quantity"),
        ({"quantity": -2}, "lines[0].quantity"),
        ({"quantity": 10**12}, "lines[0].quantity"),
        ({"quantity": "2"}, "lines[0].quantity"),  # the schema says integer: no digit strings
        ({"quantity": 2.0}, "lines[0].quantity"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "JPY"}, "currency"),  # valid ISO code, but no rate loaded
        ({"destination_country": "XX"}, "destination_country"),
        ({"date": "23/11/2026"}, "date"),
    ],
)
def test_malformed_input_is_a_400_field_error(
    cn_goods: dict[str, Listing], change: dict[str, Any], field: str
) -> None:
    request = body([(cn_goods["mug"], 1)])
    if "quantity" in change:
        request["lines"][0]["quantity"] = change.pop("quantity")
    request.update(change)
    response = post(request)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_draft_listing_cannot_be_quoted(cn_goods: dict[str, Listing]) -> None:
    draft = ListingFactory.create(status=Listing.Status.DRAFT)
    response = post(body([(draft, 1)]))
    assert response.status_code == 400
    assert response.json()["lines[0].listing"] == [f"Listing {draft.pk} is not an active listing."]


def test_quote_in_another_currency_converts_within_rounding(cn_goods: dict[str, Listing]) -> None:
    eur = post(body([(cn_goods["tshirt"], 2)])).json()
    cny = post(body([(cn_goods["tshirt"], 2)], cur="CNY")).json()
    assert eur["customs"] == cny["customs"]
    in_eur = Decimal(cny["total"]["amount"]) * Decimal("0.8650") / Decimal("7.1200")
    assert abs(in_eur - Decimal(eur["total"]["amount"])) <= Decimal("0.03")
