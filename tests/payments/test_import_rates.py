from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ewtp.imports import ImportFileError
from payments.management.commands.import_rates import Command as ImportRatesCommand
from payments.models import FxRate, RateTable
from payments.services import rates_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates_doc() -> dict[str, Any]:
    """The example of docs/DATA_FORMATS.md, import_rates."""
    return {
        "base": "USD",
        "date": "2026-11-23",
        "rates": {"EUR": "0.8650", "CNY": "7.1200", "GBP": "0.7600"},
    }


def _rates() -> dict[str, Decimal]:
    return dict(FxRate.objects.values_list("currency", "rate"))


def _errors(data: object) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        rates_import(data=data)
    return [str(error) for error in caught.value.errors]


def test_documented_example_imports_a_table_of_rates(rates_doc: dict[str, Any]) -> None:
    summary = rates_import(data=rates_doc)

    table = RateTable.objects.get()
    assert (table.base, table.date) == ("USD", date(2026, 11, 23))
    assert _rates() == {"EUR": Decimal("0.8650"), "CNY": Decimal("7.12"), "GBP": Decimal("0.76")}
    assert str(summary) == (
        "Rate table USD 2026-11-23: created; rates: 3 created, 0 updated, 0 removed, 0 unchanged"
    )


def test_reimporting_the_same_file_changes_nothing(rates_doc: dict[str, Any]) -> None:
    rates_import(data=rates_doc)
    imported_at = RateTable.objects.get().imported_at

    summary = rates_import(data=rates_doc)

    assert not summary.changed
    assert str(summary) == (
        "Rate table USD 2026-11-23: unchanged; rates: 0 created, 0 updated, 0 removed, 3 unchanged"
    )
    assert RateTable.objects.get().imported_at == imported_at


def test_changed_rates_replace_the_table_rates_and_move_imported_at(
    rates_doc: dict[str, Any],
) -> None:
    rates_import(data=rates_doc)
    RateTable.objects.update(imported_at=timezone.now() - timedelta(days=1))
    rates_doc["rates"] = {"EUR": "0.8700", "CNY": "7.1200", "JPY": "155.2"}

    summary = rates_import(data=rates_doc)

    rates = summary.rates
    assert (rates.created, rates.updated, rates.removed, rates.unchanged) == (1, 1, 1, 1)
    assert _rates() == {"EUR": Decimal("0.87"), "CNY": Decimal("7.12"), "JPY": Decimal("155.2")}
    assert RateTable.objects.get().imported_at > timezone.now() - timedelta(minutes=1)


def test_the_base_may_be_listed_with_rate_1(rates_doc: dict[str, Any]) -> None:
    rates_doc["rates"]["USD"] = "1.0000"

    rates_import(data=rates_doc)

    assert "USD" not in _rates()  # implied by the table's base


def test_every_bad_item_is_reported_with_its_location_and_nothing_is_written(
    rates_doc: dict[str, Any],
) -> None:
    rates_import(data=rates_doc)
    before = (list(RateTable.objects.values()), _rates())
    bad = {
        "base": "USD",
        "date": "2026-11-24",
        "rates": {"EUR": "0", "XYZ": "1.2", "CNY": "-7", "GBP": 0.76, "USD": "1.5", "JPY": "1e2"},
    }

    errors = _errors(bad)

    assert errors == [
        "rates.EUR: '0' must be greater than 0",
        "rates.XYZ: 'XYZ' is not an ISO 4217 currency code",
        "rates.CNY: '-7' must be greater than 0",
        'rates.GBP: 0.76 must be a decimal string, e.g. "6.50", not a float',
        "rates.USD: the base's own rate must be 1, not '1.5'",
        "rates.JPY: '1e2' is not a decimal number, e.g. \"6.50\"",
    ]
    assert (list(RateTable.objects.values()), _rates()) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], '(file): must be a JSON object {"base", "date", "rates"}'),
        ({"date": "2026-11-23", "rates": {"EUR": "1"}}, "base: required"),
        (
            {"base": "usd", "date": "2026-11-23", "rates": {"EUR": "1"}},
            "base: 'usd' is not an ISO 4217 currency code",
        ),
        (
            {"base": "USD", "date": "23/11/2026", "rates": {"EUR": "1"}},
            "date: '23/11/2026' is not an ISO date (YYYY-MM-DD)",
        ),
        (
            {"base": "USD", "date": "2026-02-30", "rates": {"EUR": "1"}},
            "date: '2026-02-30' is not an ISO date (YYYY-MM-DD)",
        ),
        (
            {"base": "USD", "date": "2026-11-23", "rates": ["EUR"]},
            "rates: must be an object {CURRENCY: rate}",
        ),
        (
            {"base": "USD", "date": "2026-11-23", "rates": {}},
            "rates: must list at least one currency",
        ),
        (
            {"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.12345678901"}},
            "rates.EUR: '0.12345678901' has more than 10 decimal places",
        ),
        (
            {"base": "USD", "date": "2026-11-23", "rates": {"EUR": "1"}, "source": "ECB"},
            "source: unknown key; expected base, date, rates",
        ),
    ],
)
def test_document_problems_are_reported(data: object, expected: str) -> None:
    assert expected in _errors(data)
    assert not RateTable.objects.exists()


def test_command_prints_the_summary(tmp_path: Path, rates_doc: dict[str, Any]) -> None:
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(rates_doc), encoding="utf-8")
    out = StringIO()

    call_command("import_rates", str(path), stdout=out)
    call_command("import_rates", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "Rate table USD 2026-11-23: created; rates: 3 created, 0 updated, 0 removed, 0 unchanged",
        "Rate table USD 2026-11-23: unchanged; rates: 0 created, 0 updated, 0 removed, 3 unchanged",
    ]


def test_command_accepts_json_numbers_as_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text(
        '{"base": "USD", "date": "2026-11-23", "rates": {"EUR": 0.865}}', encoding="utf-8"
    )

    call_command("import_rates", str(path), stdout=StringIO())

    assert _rates() == {"EUR": Decimal("0.865")}


def test_command_prints_every_error_to_stderr_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "rates.json"
    path.write_text('{"base": "USD", "date": "soon", "rates": {"EUR": "-1"}}', encoding="utf-8")

    with pytest.raises(SystemExit) as exit_:
        ImportRatesCommand().run_from_argv(["manage.py", "import_rates", str(path)])

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "date: 'soon' is not an ISO date (YYYY-MM-DD)" in err
    assert "rates.EUR: '-1' must be greater than 0" in err
    assert not RateTable.objects.exists()


def test_command_refuses_invalid_json_and_unreadable_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"base": "USD",}', encoding="utf-8")
    nan = tmp_path / "nan.json"
    nan.write_text('{"base": "USD", "date": "2026-11-23", "rates": {"EUR": NaN}}', encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken\.json: invalid JSON at line 1"):
        call_command("import_rates", str(broken))
    with pytest.raises(CommandError, match=r"nan\.json: invalid JSON: NaN is not a number"):
        call_command("import_rates", str(nan))
    with pytest.raises(CommandError, match="is a directory"):
        call_command("import_rates", str(tmp_path))
