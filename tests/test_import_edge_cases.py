"""Every import command refuses hostile or broken files with a clear, located error, imports
nothing and never shows a traceback: huge cells, deep nesting, long numbers, NUL, BOM, size."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from customs.models import TariffRow
from ehubs.models import CustomsUnion, CustomsUnionMember, Hub
from payments.models import RateTable
from tests import examples

pytestmark = pytest.mark.django_db

JSON_COMMANDS = ["import_network", "import_rates"]
DOCS: dict[str, dict[str, Any]] = {
    "import_network": examples.NETWORK,
    "import_rates": examples.RATES,
}


def _run(command: str, path: Path) -> tuple[str, str]:
    """(stderr, CommandError message) of a refused import."""
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), stdout=StringIO(), stderr=err, no_progress=True)
    return err.getvalue(), str(refused.value)


def _nothing_imported() -> bool:
    return (
        not (Hub.objects.exists() or RateTable.objects.exists() or TariffRow.objects.exists())
        and not CustomsUnion.objects.exists()
    )


def _tariff(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "tariff.csv"
    path.write_text("\n".join([examples.TARIFF_HEADER, *rows, ""]), encoding="utf-8")
    return path


# --- CSV -------------------------------------------------------------------------------------


def test_tariff_cell_over_the_csv_limit_is_a_row_error(tmp_path: Path) -> None:
    huge = "x" * 200_000
    path = _tariff(tmp_path, examples.TARIFF_ROWS[1], f"tax,BE,,,21,,,,,,,,,,{huge}")

    stderr, message = _run("import_tariff", path)

    assert stderr.splitlines() == [
        "row 3: A cell is larger than 131,072 characters (no column allows that many; is a "
        "quote left open?); the rest of the file was not read."
    ]
    assert message.endswith("1 bad row; nothing imported.")
    assert "Traceback" not in stderr and _nothing_imported()


def test_tariff_quote_left_open_is_reported_at_its_row(tmp_path: Path) -> None:
    rows = [examples.TARIFF_ROWS[1], 'tax,BE,,,21,,,,,,,,,,"Belgian VAT'] + ["x"] * 30_000
    rows += ["y" * 10] * 20_000
    path = _tariff(tmp_path, *rows)

    stderr, _ = _run("import_tariff", path)

    assert stderr.startswith("row 3: A cell is larger than 131,072 characters")
    assert _nothing_imported()


def test_tariff_nul_in_a_cell_is_refused(tmp_path: Path) -> None:
    path = _tariff(
        tmp_path, "tax,BE,,,21,,,,,,,,,,Belgian\x00VAT", "duty,BE,61\x0009,,12,,,,,,,,,,"
    )

    stderr, message = _run("import_tariff", path)

    assert stderr.splitlines() == [
        "row 2: note: Contains a NUL character (\\x00), which no cell may hold.",
        "row 3: hs_prefix: Contains a NUL character (\\x00), which no cell may hold.",
    ]
    assert message.endswith("2 bad rows; nothing imported.") and _nothing_imported()


def test_tariff_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "tariff.csv"
    path.write_text(
        "\n".join([examples.TARIFF_HEADER, *examples.TARIFF_ROWS]), encoding="utf-8-sig"
    )

    call_command("import_tariff", str(path), verbosity=0, no_progress=True)

    assert TariffRow.objects.count() == len(examples.TARIFF_ROWS)


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_json_with_a_byte_order_mark_is_accepted_as_in_csv(command: str, tmp_path: Path) -> None:
    path = tmp_path / "file.json"
    path.write_text(json.dumps(DOCS[command]), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    call_command(command, str(path), verbosity=0)

    assert Hub.objects.exists() if command == "import_network" else RateTable.objects.exists()


@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_deeply_nested_json_is_refused_without_a_traceback(command: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command(command, str(path))

    assert str(refused.value) == (
        f"{path}: invalid JSON: nested too deeply (100,000 levels of lists or objects; at most 100)"
    )
    assert _nothing_imported()


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    doc = copy.deepcopy(examples.NETWORK)
    doc["hubs"][0]["name"] = "[" * 90 + ' "quoted" ' + "{" * 90
    path = tmp_path / "network.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    call_command("import_network", str(path), verbosity=0)

    assert Hub.objects.get(code="HGH").name.startswith("[[[")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("1" * 5000, "invalid JSON: a number has 5,000 digits; at most 100 are allowed"),
        ("0." + "1" * 5000, "invalid JSON: a number has 5,002 characters; at most 100 digits"),
    ],
)
def test_numbers_with_thousands_of_digits_are_refused(
    number: str, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "rates.json"
    path.write_text(
        '{"base": "USD", "date": "2026-11-23", "rates": {"EUR": ' + number + "}}", encoding="utf-8"
    )

    with pytest.raises(CommandError, match=expected):
        call_command("import_rates", str(path))

    assert _nothing_imported()


def test_nul_in_network_text_is_refused_with_its_location(tmp_path: Path) -> None:
    doc = copy.deepcopy(examples.NETWORK)
    doc["hubs"][1]["city"] = "Li\x00ge"
    doc["hubs"][0]["serves"] = ["CN\x00"]
    path = tmp_path / "network.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_network", str(path))

    assert str(refused.value) == (
        f"{path}: text may not contain NUL characters (\\u0000); found at "
        "hubs[0].serves[0], hubs[1].city"
    )
    assert _nothing_imported()


def test_nul_in_a_rates_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text(
        '{"base": "USD", "date": "2026-11-23", "rates": {"EUR\\u0000": "0.86"}}', encoding="utf-8"
    )

    with pytest.raises(CommandError, match=r"found at rates: key 'EUR\\x00'"):
        call_command("import_rates", str(path))

    assert _nothing_imported()


def test_nul_in_a_hub_name_given_to_the_service_is_refused() -> None:
    from ehubs.services import network_import
    from ewtp.imports import ImportFileError

    doc = copy.deepcopy(examples.NETWORK)
    doc["hubs"][0]["name"] = "Hang\x00zhou"

    with pytest.raises(ImportFileError) as refused:
        network_import(data=doc)

    assert [str(e) for e in refused.value.errors] == [
        "hubs[0].name: contains a NUL character (\\u0000), which text may not hold"
    ]


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import_network", "import_rates", "import_tariff"])
def test_a_file_over_the_size_limit_is_refused_before_reading(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ewtp.imports.MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big"
    path.write_bytes(b" " * (1024 * 1024 + 1))

    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), no_progress=True)

    assert str(refused.value) == (
        f"{path}: the file is 1,048,577 bytes; import files may be at most 1,048,576 bytes "
        "(1 MiB): split it"
    )


# --- customs unions --------------------------------------------------------------------------


def _network(tmp_path: Path, unions: list[dict[str, Any]], name: str = "n.json") -> Path:
    doc = copy.deepcopy(examples.NETWORK)
    doc["customs_unions"] = unions
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_country_in_two_unions_of_the_file_is_refused_naming_both(tmp_path: Path) -> None:
    path = _network(
        tmp_path,
        [{"code": "EU", "members": ["BE", "FR"]}, {"code": "BENELUX", "members": ["NL", "BE"]}],
    )

    stderr, message = _run("import_network", path)

    assert stderr.splitlines() == [
        "customs_unions[1].members[1]: 'BE' is also a member of customs_unions[0] ('EU'); a "
        "country belongs to at most one customs union"
    ]
    assert message.endswith("1 problem(s) in the network file; nothing was imported.")
    assert _nothing_imported()


def test_a_country_in_a_stored_union_the_file_does_not_list_is_refused(tmp_path: Path) -> None:
    call_command(
        "import_network",
        str(_network(tmp_path, [{"code": "EU", "members": ["BE", "FR"]}])),
        verbosity=0,
    )
    later = _network(tmp_path, [{"code": "BENELUX", "members": ["BE", "NL"]}], "later.json")

    stderr, _ = _run("import_network", later)

    assert stderr.splitlines() == [
        "customs_unions[0].members[0]: 'BE' is already a member of customs union 'EU', which this "
        "file does not list; list 'EU' here without 'BE', or remove it there"
    ]
    assert not CustomsUnion.objects.filter(code="BENELUX").exists()


def test_a_country_moves_between_two_unions_the_file_lists(tmp_path: Path) -> None:
    first = [{"code": "AAA", "members": ["BE"]}, {"code": "EU", "members": ["FR"]}]
    call_command("import_network", str(_network(tmp_path, first)), verbosity=0)
    moved = [{"code": "AAA", "members": ["NL"]}, {"code": "EU", "members": ["BE", "FR"]}]
    # AAA is written first: BE must leave it before it joins EU.
    moved_first = [{"code": "EU", "members": ["BE", "FR"]}, {"code": "AAA", "members": ["NL"]}]

    call_command("import_network", str(_network(tmp_path, moved, "m.json")), verbosity=0)
    call_command("import_network", str(_network(tmp_path, moved_first, "m2.json")), verbosity=0)

    assert sorted(CustomsUnionMember.objects.values_list("union__code", "country")) == [
        ("AAA", "NL"),
        ("EU", "BE"),
        ("EU", "FR"),
    ]


def test_the_database_refuses_a_country_in_two_unions() -> None:
    eu = CustomsUnion.objects.create(code="EU")
    eac = CustomsUnion.objects.create(code="EAC")
    CustomsUnionMember.objects.create(union=eu, country="BE")

    with pytest.raises(IntegrityError), transaction.atomic():
        CustomsUnionMember.objects.create(union=eac, country="BE")


def test_the_demo_network_has_each_country_in_one_union() -> None:
    call_command("import_network", "marketplace/demo_data/network.json", verbosity=0)

    countries = list(CustomsUnionMember.objects.values_list("country", flat=True))
    assert len(countries) == len(set(countries)) == 12
