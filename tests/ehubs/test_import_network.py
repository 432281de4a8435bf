from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehubs.management.commands.import_network import Command as ImportNetworkCommand
from ehubs.models import Corridor, CustomsUnion, CustomsUnionMember, Hub, HubCountry
from ehubs.services import network_import
from ewtp.imports import ImportFileError
from tests.ehubs.factories import CorridorFactory, HubFactory

pytestmark = pytest.mark.django_db


def _served(code: str) -> list[str]:
    return sorted(
        str(c) for c in HubCountry.objects.filter(hub__code=code).values_list("country", flat=True)
    )


def _snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    """Every row of the network, to prove an import wrote nothing."""
    return (
        list(
            Hub.objects.values_list("code", "name", "country", "city", "currency").order_by("code")
        ),
        list(HubCountry.objects.values_list("hub__code", "country").order_by("country")),
        list(
            Corridor.objects.values_list(
                "from_hub__code", "to_hub__code", "transit_days", "currency", "base_fee", "per_kg"
            ).order_by("from_hub__code", "to_hub__code")
        ),
        list(
            CustomsUnionMember.objects.values_list("union__code", "country").order_by(
                "union__code", "country"
            )
        ),
    )


def _errors(data: object) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        network_import(data=data)
    return [str(error) for error in caught.value.errors]


def _write(tmp_path: Path, data: object, name: str = "network.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- importing --------------------------------------------------------------------------------


def test_documented_example_imports_hubs_served_countries_corridor_and_union(
    network_doc: dict[str, Any],
) -> None:
    summary = network_import(data=network_doc)

    assert str(summary) == (
        "Hubs: 2 created, 0 updated, 0 unchanged; corridors: 1 created, 0 updated, 0 unchanged; "
        "customs unions: 1 created, 0 updated, 0 unchanged"
    )
    lgg = Hub.objects.get(code="LGG")
    assert (lgg.name, str(lgg.country), lgg.city, lgg.currency) == (
        "Liège eHub",
        "BE",
        "Liège",
        "EUR",
    )
    assert _served("LGG") == ["BE", "DE", "FR", "LU", "NL"]
    assert _served("HGH") == ["CN"]
    corridor = Corridor.objects.get(from_hub__code="HGH", to_hub__code="LGG")
    assert (corridor.transit_days, corridor.currency) == (6, "USD")
    assert (corridor.base_fee, corridor.per_kg) == (Decimal("4.00"), Decimal("6.50"))
    eu = CustomsUnion.objects.get(code="EU")
    assert sorted(str(m.country) for m in eu.members.all()) == [
        "AT",
        "BE",
        "DE",
        "FR",
        "IT",
        "LU",
        "NL",
    ]


def test_reimporting_the_same_file_changes_nothing(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    before = _snapshot()
    ids = sorted(HubCountry.objects.values_list("id", flat=True))

    summary = network_import(data=network_doc)

    assert str(summary) == (
        "Hubs: 0 created, 0 updated, 2 unchanged; corridors: 0 created, 0 updated, 1 unchanged; "
        "customs unions: 0 created, 0 updated, 1 unchanged"
    )
    assert not summary.changed
    assert _snapshot() == before
    assert sorted(HubCountry.objects.values_list("id", flat=True)) == ids


def test_changed_fields_update_hub_corridor_and_union(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    network_doc["hubs"][0]["name"] = "Hangzhou Cross-border eHub"
    network_doc["corridors"][0]["per_kg"] = "6.2500"
    network_doc["customs_unions"][0]["members"] = ["BE", "DE", "FR", "LU", "NL", "ES"]

    summary = network_import(data=network_doc)

    assert (summary.hubs.updated, summary.hubs.unchanged) == (1, 1)
    assert summary.corridors.updated == 1
    assert summary.customs_unions.updated == 1
    assert Hub.objects.get(code="HGH").name == "Hangzhou Cross-border eHub"
    assert Corridor.objects.get().per_kg == Decimal("6.25")
    assert sorted(str(c) for c in CustomsUnionMember.objects.values_list("country", flat=True)) == [
        "BE",
        "DE",
        "ES",
        "FR",
        "LU",
        "NL",
    ]


def test_moving_a_country_between_hubs_of_the_file(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    network_doc["hubs"][1]["serves"] = ["BE", "NL", "LU", "FR"]
    network_doc["hubs"].append(
        {
            "code": "FRA",
            "name": "Frankfurt eHub",
            "country": "DE",
            "city": "Frankfurt",
            "currency": "EUR",
            "serves": ["DE", "AT"],
        }
    )

    summary = network_import(data=network_doc)

    assert _served("LGG") == ["BE", "FR", "LU", "NL"]
    assert _served("FRA") == ["AT", "DE"]
    assert (summary.hubs.created, summary.hubs.updated, summary.hubs.unchanged) == (1, 1, 1)


def test_swapping_countries_between_two_hubs(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    network_doc["hubs"][0]["serves"] = ["DE"]
    network_doc["hubs"][1]["serves"] = ["BE", "NL", "LU", "FR", "CN"]

    network_import(data=network_doc)

    assert _served("HGH") == ["DE"]
    assert _served("LGG") == ["BE", "CN", "FR", "LU", "NL"]


def test_a_hub_serves_exactly_its_list_after_import(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    network_doc["hubs"][1]["serves"] = ["BE"]

    network_import(data=network_doc)

    assert _served("LGG") == ["BE"]
    assert not HubCountry.objects.filter(country="DE").exists()


def test_hubs_and_corridors_missing_from_the_file_are_kept(network_doc: dict[str, Any]) -> None:
    CorridorFactory.create(
        from_hub=HubFactory.create(code="KGL", serves=["RW"]), to_hub=HubFactory.create(code="NBO")
    )

    network_import(data=network_doc)

    assert set(Hub.objects.values_list("code", flat=True)) == {"HGH", "LGG", "KGL", "NBO"}
    assert Corridor.objects.filter(from_hub__code="KGL").exists()
    assert _served("KGL") == ["RW"]


def test_corridor_may_join_a_hub_only_in_the_database(network_doc: dict[str, Any]) -> None:
    HubFactory.create(code="KGL", country="RW", city="Kigali", currency="RWF")
    network_doc["corridors"].append(
        {
            "from": "LGG",
            "to": "KGL",
            "transit_days": 4,
            "currency": "EUR",
            "base_fee": "5",
            "per_kg": "3.10",
        }
    )

    summary = network_import(data=network_doc)

    assert summary.corridors.created == 2
    assert Corridor.objects.get(to_hub__code="KGL").base_fee == Decimal("5")


def test_customs_unions_may_be_absent(network_doc: dict[str, Any]) -> None:
    del network_doc["customs_unions"]

    summary = network_import(data=network_doc)

    assert summary.customs_unions.created == 0
    assert Hub.objects.count() == 2


def test_exact_json_numbers_are_accepted_as_fees(network_doc: dict[str, Any]) -> None:
    network_doc["corridors"][0]["base_fee"] = Decimal("4.5")  # as json_file_load parses 4.5
    network_doc["corridors"][0]["per_kg"] = 7

    network_import(data=network_doc)

    assert (Corridor.objects.get().base_fee, Corridor.objects.get().per_kg) == (Decimal("4.5"), 7)


# --- validation -------------------------------------------------------------------------------


def test_three_different_errors_are_all_reported_and_nothing_is_imported(
    network_doc: dict[str, Any],
) -> None:
    HubFactory.create(code="KGL", country="RW", city="Kigali", currency="RWF", serves=["RW"])
    before = _snapshot()
    network_doc["hubs"][1]["country"] = "XX"
    network_doc["corridors"][0]["per_kg"] = "-1.00"
    network_doc["customs_unions"][0]["members"].append("EU")

    errors = _errors(network_doc)

    assert errors == [
        "hubs[1].country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "corridors[0].per_kg: '-1.00' must be ≥ 0",
        "customs_unions[0].members[7]: 'EU' is not an ISO 3166-1 alpha-2 country code",
    ]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["hubs"][0].update(code="hgh"),
            "hubs[0].code: 'hgh' must be 2–10 capital letters or digits",
        ),
        (
            lambda d: d["hubs"][1].update(code="HGH"),
            "hubs[1].code: 'HGH' is already used by hubs[0]",
        ),
        (lambda d: d["hubs"][0].update(name="  "), "hubs[0].name: must be a non-empty string"),
        (lambda d: d["hubs"][0].update(city=7), "hubs[0].city: must be a non-empty string"),
        (
            lambda d: d["hubs"][0].update(currency="RMB"),
            "hubs[0].currency: 'RMB' is not an ISO 4217 currency code",
        ),
        (
            lambda d: d["hubs"][0].update(serves="CN"),
            "hubs[0].serves: must be a list of country codes, not a string",
        ),
        (
            lambda d: d["hubs"][0].update(serves=["CN", "CHN"]),
            "hubs[0].serves[1]: 'CHN' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            lambda d: d["hubs"][0].update(serves=["CN", "CN"]),
            "hubs[0].serves[1]: 'CN' is listed twice (also at hubs[0].serves[0])",
        ),
        (
            lambda d: d["hubs"][0].update(serves=["CN", "DE"]),
            "hubs[1].serves[3]: 'DE' is also served by hubs[0] ('HGH'); "
            "a country is served by at most one hub",
        ),
        (lambda d: d["hubs"][0].pop("city"), "hubs[0].city: required"),
        (lambda d: d["hubs"][0].update(city=None), "hubs[0].city: must not be null"),
        (
            lambda d: d["hubs"][0].update(region="Asia"),
            "hubs[0].region: unknown field; expected code, name, country, city, currency, serves",
        ),
        (lambda d: d["hubs"].append("PVG"), "hubs[2]: must be an object, not a string"),
        (
            lambda d: d["corridors"][0].update(to="XYZ"),
            "corridors[0].to: unknown hub 'XYZ' (neither in this file's hubs nor in the database)",
        ),
        (
            lambda d: d["corridors"][0].update(to="HGH"),
            "corridors[0].to: same hub as from ('HGH'); a corridor joins two hubs",
        ),
        (
            lambda d: d["corridors"][0].update(transit_days=-1),
            "corridors[0].transit_days: -1 must be a whole number of days ≥ 0",
        ),
        (
            lambda d: d["corridors"][0].update(transit_days="6"),
            "corridors[0].transit_days: '6' must be a whole number of days ≥ 0",
        ),
        (
            lambda d: d["corridors"][0].update(currency="usd"),
            "corridors[0].currency: 'usd' is not an ISO 4217 currency code",
        ),
        (
            lambda d: d["corridors"][0].update(base_fee="four"),
            "corridors[0].base_fee: 'four' is not a decimal number, e.g. \"6.50\"",
        ),
        (
            lambda d: d["corridors"][0].update(base_fee=4.0),
            'corridors[0].base_fee: 4.0 must be a decimal string, e.g. "6.50", not a float',
        ),
        (
            lambda d: d["corridors"][0].update(base_fee="0.00001"),
            "corridors[0].base_fee: '0.00001' has more than 4 decimal places",
        ),
        (
            lambda d: d["corridors"][0].update(per_kg="12345678901"),
            "corridors[0].per_kg: '12345678901' has more than 10 digits before the point",
        ),
        (
            lambda d: d["corridors"].append(dict(d["corridors"][0])),
            "corridors[1]: HGH → LGG is already listed at corridors[0]",
        ),
        (
            lambda d: d["customs_unions"].append({"code": "EU", "members": []}),
            "customs_unions[1].code: 'EU' is already used by customs_unions[0]",
        ),
        (
            lambda d: d["customs_unions"][0].update(members=None),
            "customs_unions[0].members: must not be null",
        ),
        (lambda d: d.pop("corridors"), "corridors: required (a list, possibly empty)"),
        (lambda d: d.update(hubs={}), "hubs: must be a list, not an object"),
        (
            lambda d: d.update(version=2),
            "version: unknown key; expected hubs, corridors, customs_unions",
        ),
    ],
)
def test_each_problem_is_reported_with_its_location(
    network_doc: dict[str, Any], change: Any, expected: str
) -> None:
    change(network_doc)

    errors = _errors(network_doc)

    assert expected in errors
    assert Hub.objects.count() == 0


def test_document_that_is_not_an_object_is_refused() -> None:
    assert _errors([]) == ['(file): must be a JSON object with "hubs" and "corridors" lists']


def test_country_held_by_a_hub_the_file_does_not_declare_is_a_conflict(
    network_doc: dict[str, Any],
) -> None:
    HubFactory.create(code="FRA", country="DE", city="Frankfurt", currency="EUR", serves=["DE"])
    before = _snapshot()

    errors = _errors(network_doc)

    assert errors == [
        "hubs[1].serves[3]: 'DE' is already served by hub 'FRA', which this file does not "
        "declare; declare 'FRA' here without 'DE', or remove it there"
    ]
    assert _snapshot() == before


# --- the command ------------------------------------------------------------------------------


def test_command_prints_the_summary(tmp_path: Path, network_doc: dict[str, Any]) -> None:
    out = StringIO()

    call_command("import_network", str(_write(tmp_path, network_doc)), stdout=out)

    assert "Hubs: 2 created, 0 updated, 0 unchanged; corridors: 1 created" in out.getvalue()


def test_command_reads_json_numbers_as_exact_decimals(
    tmp_path: Path, network_doc: dict[str, Any]
) -> None:
    path = tmp_path / "network.json"
    text = json.dumps(network_doc).replace('"base_fee": "4.00"', '"base_fee": 4.10')
    path.write_text(text, encoding="utf-8")

    call_command("import_network", str(path), stdout=StringIO())

    assert Corridor.objects.get().base_fee == Decimal("4.10")


def test_command_prints_every_error_to_stderr_and_fails(
    tmp_path: Path, network_doc: dict[str, Any]
) -> None:
    network_doc["hubs"][1]["country"] = "XX"
    network_doc["corridors"][0]["per_kg"] = "-1.00"
    network_doc["customs_unions"][0]["members"].append("EU")
    err = StringIO()

    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_network", str(_write(tmp_path, network_doc)), stderr=err)

    printed = err.getvalue().splitlines()
    assert printed == [
        "hubs[1].country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "corridors[0].per_kg: '-1.00' must be ≥ 0",
        "customs_unions[0].members[7]: 'EU' is not an ISO 3166-1 alpha-2 country code",
    ]
    assert Hub.objects.count() == 0


def test_command_exits_with_status_1_on_errors(
    tmp_path: Path,
    network_doc: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # run_from_argv closes every connection when done; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    network_doc["hubs"][0]["currency"] = "RMB"
    path = _write(tmp_path, network_doc)

    with pytest.raises(SystemExit) as exit_:
        ImportNetworkCommand().run_from_argv(["manage.py", "import_network", str(path)])

    assert exit_.value.code == 1
    stderr = capsys.readouterr().err
    assert "hubs[0].currency: 'RMB' is not an ISO 4217 currency code" in stderr
    assert "nothing was imported" in stderr
    assert Hub.objects.count() == 0


def test_command_refuses_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"hubs": [', encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken.json: invalid JSON at line 1 column 11"):
        call_command("import_network", str(path))


def test_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"missing.json: no such file"):
        call_command("import_network", str(tmp_path / "missing.json"))


def test_command_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"hubs": [], "corridors": [], "x": "Liège"}'.encode("latin-1"))

    with pytest.raises(CommandError, match=r"not UTF-8"):
        call_command("import_network", str(path))
