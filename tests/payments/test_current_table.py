"""Which FX table is current: the latest date per base, never simply the last imported; future
files refused; a corrected file restores its rates at once; admin says which table is current."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from djmoney.money import Money
from rest_framework.test import APIClient

from ehubs.services import HUB_OPERATORS_GROUP
from payments.models import FxRate, RateTable
from payments.selectors import rate_tables_current, rates_current
from payments.services import rates_document_check, rates_import
from tests import examples
from tests.factories import ListingFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _doc(day: str, **rates: str) -> dict[str, Any]:
    return {"base": "USD", "date": day, "rates": rates or {"EUR": "0.8650", "CNY": "7.12"}}


def _write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_importing_an_older_date_after_a_newer_keeps_the_newer_current(tmp_path: Path) -> None:
    call_command("import_rates", _write(tmp_path, "a.json", _doc("2026-11-20")), verbosity=0)
    call_command(
        "import_rates", _write(tmp_path, "b.json", _doc("2026-11-10", EUR="0.9")), verbosity=0
    )

    rates = rates_current()

    assert rates is not None and rates.date == date(2026, 11, 20)
    assert rates.rate("EUR") == Decimal("0.865")


def test_each_base_has_its_own_current_table() -> None:
    rates_import(data=_doc("2026-11-20"))
    rates_import(data=_doc("2026-11-10"))
    rates_import(data={"base": "EUR", "date": "2026-11-05", "rates": {"USD": "1.15"}})

    current = rate_tables_current()

    assert {base: table.date for base, table in current.items()} == {
        "USD": date(2026, 11, 20),
        "EUR": date(2026, 11, 5),
    }


def test_a_date_more_than_a_day_ahead_is_refused() -> None:
    today = date(2027, 2, 27)

    _, errors = rates_document_check(_doc("2027-03-01"), today=today)
    ok, tomorrow_errors = rates_document_check(_doc("2027-02-28"), today=today)

    assert errors == [
        "date: 2027-03-01 is more than a day in the future; the latest date becomes the current "
        "table, so date a file by the day its rates are for (today is 2027-02-27, UTC)"
    ]
    assert tomorrow_errors == [] and ok is not None and ok.date == date(2027, 2, 28)


def test_command_refuses_a_future_file_and_imports_nothing(tmp_path: Path) -> None:
    future = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    err = StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_rates", _write(tmp_path, "f.json", _doc(future)), stderr=err)

    assert f"date: {future} is more than a day in the future" in err.getvalue()
    assert not RateTable.objects.exists()


def test_reimporting_the_correct_file_after_a_bad_one_restores_exactly_its_rates(
    tmp_path: Path,
) -> None:
    good = _write(tmp_path, "good.json", _doc("2026-11-20", EUR="0.8650", CNY="7.12"))
    bad = _write(tmp_path, "bad.json", _doc("2026-11-20", EUR="8.650", GBP="0.76"))
    call_command("import_rates", good, verbosity=0)
    call_command("import_rates", bad, verbosity=0)
    assert rates_current() is not None and rates_current().rate("EUR") == Decimal("8.65")  # type: ignore[union-attr]

    out = StringIO()
    call_command("import_rates", good, stdout=out)

    assert out.getvalue().strip() == (
        "Rate table USD 2026-11-20: updated; rates: 1 created, 1 updated, 1 removed, 0 unchanged"
    )
    assert dict(FxRate.objects.values_list("currency", "rate")) == {
        "EUR": Decimal("0.8650"),
        "CNY": Decimal("7.12"),
    }
    rates = rates_current()  # the cache was bumped: no stale 8.65, no leftover GBP
    assert rates is not None and rates.rate("EUR") == Decimal("0.865") and not rates.has("GBP")


@pytest.fixture
def quotable(tmp_path: Path) -> int:
    network = copy.deepcopy(examples.NETWORK)
    call_command("import_network", _write(tmp_path, "n.json", network), verbosity=0)
    (tmp_path / "t.csv").write_text("\n".join([examples.TARIFF_HEADER, *examples.TARIFF_ROWS]))
    call_command("import_tariff", str(tmp_path / "t.csv"), verbosity=0, no_progress=True)
    seller = SellerFactory.create(country="CN", employees=12)
    listing = ListingFactory.create(
        seller=seller, hs_code="691200", price=Money("100", "USD"), weight_grams=100
    )
    return int(listing.pk)


def _goods_in_eur(listing: int) -> dict[str, str]:
    response = APIClient().post(
        "/api/v1/quotes/",
        {
            "destination_country": "BE",
            "currency": "EUR",
            "date": "2026-11-23",
            "lines": [{"listing": listing, "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    assert data["rates"]["EUR"] in {"0.865", "0.9", "0.5"}
    return {"goods": data["goods"]["amount"], "eur": data["rates"]["EUR"]}


def test_a_quote_uses_the_current_tables_rate(quotable: int) -> None:
    rates_import(data=_doc("2026-11-20", EUR="0.865", CNY="7.12"))
    rates_import(data=_doc("2026-11-10", EUR="0.9", CNY="7.12"))  # older, imported last

    assert _goods_in_eur(quotable) == {"goods": "86.50", "eur": "0.865"}

    rates_import(data=_doc("2026-11-20", EUR="0.5", CNY="7.12"))  # the current table corrected

    assert _goods_in_eur(quotable) == {"goods": "50.00", "eur": "0.5"}


def test_admin_marks_the_current_table_of_each_base_newest_first(admin_client: Client) -> None:
    rates_import(data=_doc("2026-11-10"))
    rates_import(data=_doc("2026-11-20"))
    rates_import(data=_doc("2026-11-15"))
    rates_import(data={"base": "EUR", "date": "2026-11-05", "rates": {"USD": "1.15"}})

    page = admin_client.get(reverse("admin:payments_ratetable_changelist"))

    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.content.decode())
    assert (
        "Current table for each base (its latest date, whenever it was imported): "
        "<strong>EUR 2026-11-05</strong>, <strong>USD 2026-11-20</strong>."
    ) in text
    assert "Quotes use <strong>USD 2026-11-20</strong>" in text
    rows = re.findall(
        r'field-date nowrap">Nov\. (\d+), 2026</td><td class="field-is_current">'
        r'<img src="[^"]*icon-(yes|no)\.svg"',
        text,
    )
    dates = [day for day, _ in rows]
    current = [mark == "yes" for _, mark in rows]
    assert dates == ["20", "15", "10", "5"]
    assert current == [True, False, False, True]


def test_operator_sees_the_current_note_and_the_rates_inline_read_only() -> None:
    rates_import(data=_doc("2026-11-20", EUR="0.8650"))
    user = UserFactory.create(username="rates-reader", is_staff=True)
    user.groups.add(Group.objects.get(name=HUB_OPERATORS_GROUP))
    client = Client()
    client.force_login(user)
    table = RateTable.objects.get()

    listing = client.get(reverse("admin:payments_ratetable_changelist"))
    change = client.get(reverse("admin:payments_ratetable_change", args=[table.pk]))

    assert "Quotes use <strong>USD 2026-11-20</strong>" in listing.content.decode()
    assert "0.8650" in change.content.decode()
    assert 'name="rates-0-rate"' not in change.content.decode()
