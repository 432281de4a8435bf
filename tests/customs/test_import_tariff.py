"""`manage.py import_tariff` and `tariff_import` (DATA_FORMATS.md)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from customs.models import TariffRow
from customs.selectors import tariff_index_current
from customs.services import tariff_import
from customs.validation import COLUMNS
from ewtp.imports import ImportFileError
from tests.customs.conftest import EXAMPLE_ROWS, HEADER

pytestmark = pytest.mark.django_db
WriteCsv = Callable[..., Path]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("row ")]


def import_tariff(path: Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_tariff", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return Run(1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n")
    return Run(0, out.getvalue(), err.getvalue())


def row(kind: str, destination: str = "BE", **cells: str) -> str:
    """One CSV line: the named cells filled, the rest empty."""
    values = {"kind": kind, "destination": destination, **cells}
    return ",".join(values.get(column, "") for column in COLUMNS)


def snapshot() -> list[tuple[Any, ...]]:
    return list(TariffRow.objects.order_by("id").values_list("id", *COLUMNS, "updated"))


# The happy path


def test_data_formats_example_imports_six_rows(tariff_csv: WriteCsv) -> None:
    run = import_tariff(tariff_csv(EXAMPLE_ROWS))

    assert run.code == 0
    assert run.out.strip() == "Tariff rows: 6 created, 0 updated, 0 unchanged"
    assert TariffRow.objects.count() == 6
    profile = TariffRow.objects.get(kind="profile")
    assert (profile.currency, profile.valuation) == ("EUR", "CIF")
    assert profile.low_value_upto == Decimal("150")
    assert profile.low_value_duty_per_subheading == Decimal("3")
    assert (profile.valid_from, profile.valid_to) == (date(2026, 7, 1), date(2028, 7, 1))
    assert TariffRow.objects.get(kind="duty", hs_prefix="6109").rate_percent == Decimal("12")


def test_reimporting_the_same_file_changes_nothing(tariff_csv: WriteCsv) -> None:
    path = tariff_csv(EXAMPLE_ROWS)
    import_tariff(path)
    before = snapshot()

    run = import_tariff(path)

    assert run.out.strip() == "Tariff rows: 0 created, 0 updated, 6 unchanged"
    assert snapshot() == before


def test_updating_a_rate_by_reimport_updates_exactly_that_row(tariff_csv: WriteCsv) -> None:
    import_tariff(tariff_csv(EXAMPLE_ROWS))
    before = {r[0]: r for r in snapshot()}
    changed = [line.replace("tax,BE,,,21,", "tax,BE,,,22,") for line in EXAMPLE_ROWS]

    run = import_tariff(tariff_csv(changed))

    assert run.out.strip() == "Tariff rows: 0 created, 1 updated, 5 unchanged"
    after = {r[0]: r for r in snapshot()}
    assert after.keys() == before.keys()
    vat = TariffRow.objects.get(kind="tax", hs_prefix="")
    assert vat.rate_percent == Decimal("22")
    assert vat.updated > before[vat.pk][-1]
    assert [pk for pk in after if after[pk] != before[pk]] == [vat.pk]


def test_rows_with_empty_sme_and_valid_from_upsert_without_duplicates(
    tariff_csv: WriteCsv,
) -> None:
    rows = [
        row("duty", hs_prefix="6109", rate_percent="12"),
        row("duty", hs_prefix="6109", rate_percent="0", sme_max_employees="30"),
        row("duty", hs_prefix="6109", rate_percent="8", valid_from="2027-01-01"),
        row("duty", hs_prefix="6109", rate_percent="4", sme_max_employees="30",
            valid_from="2027-01-01"),
    ]  # fmt: skip
    import_tariff(tariff_csv(rows))

    rerun = import_tariff(tariff_csv(rows))
    rows[0] = row("duty", hs_prefix="6109", rate_percent="11")
    changed = import_tariff(tariff_csv(rows))

    assert rerun.out.strip() == "Tariff rows: 0 created, 0 updated, 4 unchanged"
    assert changed.out.strip() == "Tariff rows: 0 created, 1 updated, 3 unchanged"
    assert TariffRow.objects.count() == 4
    open_row = TariffRow.objects.get(sme_max_employees__isnull=True, valid_from__isnull=True)
    assert open_row.rate_percent == Decimal("11")


def test_rows_missing_from_the_file_are_kept(tariff_csv: WriteCsv) -> None:
    import_tariff(tariff_csv(EXAMPLE_ROWS))

    run = import_tariff(tariff_csv(EXAMPLE_ROWS[:2]))

    assert run.out.strip() == "Tariff rows: 0 created, 0 updated, 2 unchanged"
    assert TariffRow.objects.count() == 6


def test_byte_order_mark_is_accepted(tariff_csv: WriteCsv) -> None:
    run = import_tariff(tariff_csv(EXAMPLE_ROWS, encoding="utf-8-sig"))

    assert run.code == 0, run.err
    assert TariffRow.objects.count() == 6


def test_duty_row_with_only_a_per_unit_amount_is_accepted(tariff_csv: WriteCsv) -> None:
    run = import_tariff(tariff_csv([row("duty", hs_prefix="2402", per_unit="0.5", currency="EUR")]))

    assert run.code == 0, run.err
    duty = TariffRow.objects.get()
    assert (duty.rate_percent, duty.per_unit, duty.currency) == (None, Decimal("0.5"), "EUR")


def test_import_refreshes_the_cached_tariff_index(tariff_csv: WriteCsv) -> None:
    assert tariff_index_current().size == 0

    import_tariff(tariff_csv(EXAMPLE_ROWS))

    index = tariff_index_current()
    assert index.size == 6
    assert index.profile("BE", on=date(2026, 11, 23)) is not None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_drawn_on_a_terminals_stderr(tariff_csv: WriteCsv) -> None:
    out, err = io.StringIO(), Terminal()
    call_command("import_tariff", str(tariff_csv(EXAMPLE_ROWS)), stdout=out, stderr=err)

    assert "row" in err.getvalue() and "6/6" in err.getvalue()
    assert out.getvalue().strip() == "Tariff rows: 6 created, 0 updated, 0 unchanged"


def test_no_progress_bar_in_pipes_and_logs(tariff_csv: WriteCsv) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tariff", str(tariff_csv(EXAMPLE_ROWS)), stdout=out, stderr=err)

    assert err.getvalue() == ""
    assert "6 created" in out.getvalue()


def test_service_accepts_dict_rows() -> None:
    blank = dict.fromkeys(COLUMNS, "")
    rows = [blank | {"kind": "tax", "destination": "DE", "rate_percent": "19"}]

    summary = tariff_import(rows=rows)

    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert TariffRow.objects.get().rate_percent == Decimal("19")


def test_service_numbers_dict_rows_from_line_two_and_refuses_unknown_keys() -> None:
    rows = [
        {"kind": "tax", "destination": "DE", "rate_percent": "19"},
        {"kind": "tax", "destination": "FR", "rate": "20"},
    ]
    with pytest.raises(ImportFileError) as raised:
        tariff_import(rows=rows)

    assert [str(e) for e in raised.value.errors] == ["row 3: rate: Unknown column."]
    assert not TariffRow.objects.exists()


# Refusals: nothing is imported, every bad row is reported


def test_several_bad_rows_are_each_reported_and_nothing_is_imported(
    tariff_csv: WriteCsv,
) -> None:
    import_tariff(tariff_csv(EXAMPLE_ROWS))
    before = snapshot()
    rows = [
        row("tax", rate_percent="20", note="good row but not imported"),  # line 2
        row("tax", destination="XX", rate_percent="20"),  # line 3
        row("duty", rate_percent="12"),  # line 4: fine
        row("duty", hs_prefix="61O9", rate_percent="-1"),  # line 5
        row("tarif", rate_percent="5"),  # line 6
    ]

    run = import_tariff(tariff_csv(rows))

    assert run.code == 1
    assert run.errors == [
        "row 3: destination: 'XX' is not an ISO 3166-1 alpha-2 country code.",
        "row 5: hs_prefix: '61O9' is not an HS prefix: use 0 to 10 digits.",
        "row 5: rate_percent: Must be 0 or more (got -1).",
        "row 6: kind: Unknown kind 'tarif': use profile, duty, tax or prohibited.",
    ]
    assert "3 bad rows; nothing imported" in run.err
    assert run.out == ""
    assert snapshot() == before


def test_duplicate_key_within_the_file_is_an_error(tariff_csv: WriteCsv) -> None:
    rows = [
        row("duty", hs_prefix="6109", rate_percent="12"),
        row("duty", hs_prefix="6109", rate_percent="12", sme_max_employees="30"),
        row("duty", hs_prefix="6109", rate_percent="10", note="same key as line 2"),
    ]

    run = import_tariff(tariff_csv(rows))

    assert run.code == 1
    assert run.errors == [
        "row 4: Same key (kind, destination, hs_prefix, origin, sme_max_employees, valid_from)"
        " as row 2."
    ]
    assert not TariffRow.objects.exists()


def test_row_numbers_count_file_lines_across_quoted_line_breaks(tariff_csv: WriteCsv) -> None:
    rows = [
        row("tax", rate_percent="21", note='"Belgian VAT\nstandard rate"'),  # lines 2-3
        "",  # line 4: blank, skipped
        row("tax", hs_prefix="4901", rate_percent="abc"),  # line 5
    ]

    run = import_tariff(tariff_csv(rows))

    assert run.errors == ["row 5: rate_percent: 'abc' is not a decimal number."]


def test_row_with_the_wrong_number_of_cells_is_an_error(tariff_csv: WriteCsv) -> None:
    run = import_tariff(tariff_csv(["tax,BE,,,21,,,,,,,,,", row("tax", rate_percent="21")]))

    assert run.code == 1
    assert run.errors == ["row 2: Expected 15 cells, found 14."]


@pytest.mark.parametrize(
    "header",
    [
        HEADER.replace("hs_prefix", "hs_code"),
        HEADER.replace("kind,destination", "destination,kind"),
        HEADER.removesuffix(",note"),
        HEADER + ",extra",
        HEADER.replace(",", ";"),
    ],
    ids=["renamed", "reordered", "missing", "extra", "semicolons"],
)
def test_wrong_header_is_refused(tariff_csv: WriteCsv, header: str) -> None:
    run = import_tariff(tariff_csv([row("tax", rate_percent="21")], header=header))

    assert run.code == 1
    assert run.errors[0].startswith(f"row 1: The header must be exactly: {HEADER} (")
    assert not TariffRow.objects.exists()


def test_wrong_header_names_the_first_wrong_column(tariff_csv: WriteCsv) -> None:
    run = import_tariff(tariff_csv([], header=HEADER.replace("hs_prefix", "hs_code")))

    assert "(column 3 is 'hs_code', expected 'hs_prefix')" in run.errors[0]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")

    run = import_tariff(path)

    assert run.code == 1
    assert run.errors == [f"row 1: The file is empty; the header must be: {HEADER}"]


def test_file_that_is_not_utf8_is_refused(tariff_csv: WriteCsv) -> None:
    path = tariff_csv([row("prohibited", hs_prefix="9302", note="Revólveres")], encoding="latin-1")

    run = import_tariff(path)

    assert run.code == 1
    assert "is not UTF-8 text" in run.err
    assert not TariffRow.objects.exists()


def test_missing_file_is_refused(tmp_path: Path) -> None:
    run = import_tariff(tmp_path / "nope.csv")

    assert run.code == 1
    assert "Cannot read" in run.err


# One case per validation rule: (cells, the error it must produce)
RULES: list[tuple[str, str, str]] = [
    # known kind
    (row("", rate_percent="5"), "kind", "Required: one of profile, duty, tax, prohibited."),
    (row("Tax", rate_percent="5"), "kind",
     "Unknown kind 'Tax': use profile, duty, tax or prohibited."),
    # destination ISO 3166-1 alpha-2, origin empty or ISO
    (row("tax", destination="", rate_percent="5"), "destination",
     "Required: an ISO 3166-1 alpha-2 country code such as BE."),
    (row("tax", destination="BEL", rate_percent="5"), "destination",
     "'BEL' is not an ISO 3166-1 alpha-2 country code."),
    (row("tax", destination="be", rate_percent="5"), "destination",
     "'be' is not an ISO 3166-1 alpha-2 country code."),
    (row("tax", origin="ZZ", rate_percent="5"), "origin",
     "'ZZ' is not an ISO 3166-1 alpha-2 country code (or leave it empty)."),
    # hs_prefix 0-10 digits
    (row("tax", hs_prefix="6109A", rate_percent="5"), "hs_prefix",
     "'6109A' is not an HS prefix: use 0 to 10 digits."),
    (row("tax", hs_prefix="61091000101", rate_percent="5"), "hs_prefix",
     "'61091000101' is not an HS prefix: use 0 to 10 digits."),
    (row("tax", hs_prefix="61.09", rate_percent="5"), "hs_prefix",
     "'61.09' is not an HS prefix: use 0 to 10 digits."),
    # decimals: syntax, >= 0, places; rate <= 1000
    (row("tax", rate_percent="5%"), "rate_percent", "'5%' is not a decimal number."),
    (row("tax", rate_percent='"1,5"'), "rate_percent", "'1,5' is not a decimal number."),
    (row("tax", rate_percent="NaN"), "rate_percent", "'NaN' is not a decimal number."),
    (row("tax", rate_percent="-0.5"), "rate_percent", "Must be 0 or more (got -0.5)."),
    (row("tax", rate_percent="1000.01"), "rate_percent", "Must be at most 1000 (got 1000.01)."),
    (row("tax", rate_percent="5.12345"), "rate_percent", "At most 4 decimal places (got 5.12345)."),
    (row("duty", per_unit="-1", currency="EUR"), "per_unit", "Must be 0 or more (got -1)."),
    (row("duty", per_unit="1234567890123", currency="EUR"), "per_unit",
     "Too large: at most 12 digits before the point."),
    (row("profile", currency="EUR", valuation="CIF", low_value_upto="-150"), "low_value_upto",
     "Must be 0 or more (got -150)."),
    (row("profile", currency="EUR", valuation="CIF", low_value_duty_per_subheading="-3"),
     "low_value_duty_per_subheading", "Must be 0 or more (got -3)."),
    (row("profile", currency="EUR", valuation="CIF", tax_free_upto="-1"), "tax_free_upto",
     "Must be 0 or more (got -1)."),
    # dates ISO 8601, valid_from < valid_to
    (row("tax", rate_percent="5", valid_from="01/07/2026"), "valid_from",
     "'01/07/2026' is not an ISO 8601 date (YYYY-MM-DD)."),
    (row("tax", rate_percent="5", valid_to="2026-02-30"), "valid_to",
     "'2026-02-30' is not an ISO 8601 date (YYYY-MM-DD)."),
    (row("tax", rate_percent="5", valid_from="20260701"), "valid_from",
     "'20260701' is not an ISO 8601 date (YYYY-MM-DD)."),
    (row("tax", rate_percent="5", valid_from="2026-07-01", valid_to="2026-07-01"), "valid_to",
     "Must be after valid_from (2026-07-01)."),
    (row("tax", rate_percent="5", valid_from="2026-07-01", valid_to="2026-01-01"), "valid_to",
     "Must be after valid_from (2026-07-01)."),
    # currency ISO 4217, valuation FOB or CIF
    (row("profile", currency="EURO", valuation="CIF"), "currency",
     "'EURO' is not an ISO 4217 currency code."),
    (row("profile", currency="eur", valuation="CIF"), "currency",
     "'eur' is not an ISO 4217 currency code."),
    (row("profile", currency="EUR", valuation="DDP"), "valuation",
     "'DDP' is not a valuation basis: use FOB or CIF."),
    # sme_max_employees: a whole number >= 0
    (row("tax", rate_percent="5", sme_max_employees="-1"), "sme_max_employees",
     "Must be 0 or more (got -1)."),
    (row("tax", rate_percent="5", sme_max_employees="2.5"), "sme_max_employees",
     "'2.5' is not a whole number."),
    (row("tax", rate_percent="5", sme_max_employees="ten"), "sme_max_employees",
     "'ten' is not a whole number."),
    # what each kind needs
    (row("profile", valuation="CIF"), "currency",
     "Required for a profile: the customs currency (ISO 4217)."),
    (row("profile", currency="EUR"), "valuation", "Required for a profile: FOB or CIF."),
    (row("duty", per_unit="0.5"), "currency",
     "Required with per_unit: the currency of the per-unit amount."),
    (row("duty", rate_percent="5", currency="EUR"), "currency",
     "Only used with per_unit on a duty row: set per_unit or leave it empty."),
    (row("duty", hs_prefix="6109"), "rate_percent",
     "Required for a duty row (may be empty only when per_unit is set)."),
    (row("tax"), "rate_percent", "Required for a tax row."),
    # columns a kind does not use are empty
    (row("profile", currency="EUR", valuation="CIF", hs_prefix="61"), "hs_prefix",
     "Not used by profile rows: leave it empty."),
    (row("profile", currency="EUR", valuation="CIF", origin="CN"), "origin",
     "Not used by profile rows: leave it empty."),
    (row("profile", currency="EUR", valuation="CIF", rate_percent="5"), "rate_percent",
     "Not used by profile rows: leave it empty."),
    (row("profile", currency="EUR", valuation="CIF", sme_max_employees="30"), "sme_max_employees",
     "Not used by profile rows: leave it empty."),
    (row("duty", rate_percent="5", valuation="CIF"), "valuation",
     "Not used by duty rows: leave it empty."),
    (row("duty", rate_percent="5", tax_free_upto="20"), "tax_free_upto",
     "Not used by duty rows: leave it empty."),
    (row("tax", rate_percent="5", per_unit="1"), "per_unit",
     "Not used by tax rows: leave it empty."),
    (row("tax", rate_percent="5", currency="EUR"), "currency",
     "Not used by tax rows: leave it empty."),
    (row("tax", rate_percent="5", low_value_upto="150"), "low_value_upto",
     "Not used by tax rows: leave it empty."),
    (row("prohibited", hs_prefix="9302", rate_percent="0"), "rate_percent",
     "Not used by prohibited rows: leave it empty."),
    (row("prohibited", hs_prefix="9302", sme_max_employees="10"), "sme_max_employees",
     "Not used by prohibited rows: leave it empty."),
    (row("prohibited", hs_prefix="9302", currency="EUR"), "currency",
     "Not used by prohibited rows: leave it empty."),
    # the note fits its column
    (row("tax", rate_percent="5", note="x" * 301), "note", "At most 300 characters (got 301)."),
]  # fmt: skip


@pytest.mark.parametrize(("line", "column", "message"), RULES, ids=lambda v: str(v)[:40])
def test_each_validation_rule_reports_row_column_and_message(
    tariff_csv: WriteCsv, line: str, column: str, message: str
) -> None:
    good = row("tax", destination="DE", rate_percent="19")

    run = import_tariff(tariff_csv([good, line]))

    assert run.code == 1
    assert run.errors == [f"row 3: {column}: {message}"]
    assert not TariffRow.objects.exists()


def test_bad_cell_does_not_also_trigger_rules_that_depend_on_it(tariff_csv: WriteCsv) -> None:
    # An unparsable rate is reported once, not also as "required for a tax row".
    run = import_tariff(tariff_csv([row("tax", rate_percent="twenty")]))

    assert run.errors == ["row 2: rate_percent: 'twenty' is not a decimal number."]


def test_cells_are_trimmed_and_decimals_compare_by_value(tariff_csv: WriteCsv) -> None:
    import_tariff(tariff_csv([row("tax", rate_percent="21")]))

    run = import_tariff(tariff_csv([row("tax", rate_percent=" 21.000 ")]))

    assert run.out.strip() == "Tariff rows: 0 created, 0 updated, 1 unchanged"
