"""Which tariff row matches (LANDED_COST.md): the pure TariffIndex, then the cached index built
from the database."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from customs.models import TariffRow
from customs.selectors import tariff_index_current
from customs.tariff import DUTY, PROFILE, TAX, TariffIndex, TariffRule
from customs.validation import COLUMNS

ON = date(2026, 11, 23)


def duty(id: int, **fields: Any) -> TariffRule:
    return TariffRule(kind=DUTY, destination=fields.pop("destination", "BE"), id=id, **fields)


def match(*rules: TariffRule, **line: Any) -> int | None:
    asked: dict[str, Any] = {"hs_code": "610910", "origin": "CN", "employees": 12, "on": ON}
    asked |= line
    found = TariffIndex(rules).match(DUTY, asked.pop("destination", "BE"), **asked)
    return None if found is None else found.id


# Matching conditions


def test_row_for_another_destination_does_not_match() -> None:
    assert match(duty(1, destination="US"), destination="BE") is None
    assert match(duty(1, destination="US"), destination="US") == 1


def test_kind_must_be_the_one_asked_for() -> None:
    index = TariffIndex([TariffRule(kind=TAX, destination="BE", id=1)])
    assert index.match(DUTY, "BE", hs_code="610910", on=ON) is None
    assert index.match(TAX, "BE", hs_code="610910", on=ON) is not None


def test_valid_from_is_inclusive() -> None:
    rule = duty(1, valid_from=date(2026, 7, 1))
    assert match(rule, on=date(2026, 7, 1)) == 1
    assert match(rule, on=date(2026, 6, 30)) is None


def test_valid_to_is_exclusive() -> None:
    rule = duty(1, valid_to=date(2026, 7, 1))
    assert match(rule, on=date(2026, 6, 30)) == 1
    assert match(rule, on=date(2026, 7, 1)) is None


@pytest.mark.parametrize("on", [date(1990, 1, 1), ON, date(2099, 12, 31)])
def test_empty_valid_from_and_valid_to_are_open_ends(on: date) -> None:
    assert match(duty(1), on=on) == 1


def test_hs_prefix_matches_codes_that_start_with_it() -> None:
    rule = duty(1, hs_prefix="6109")
    assert match(rule, hs_code="610910") == 1
    assert match(rule, hs_code="6109100010") == 1
    assert match(rule, hs_code="620520") is None
    assert match(rule, hs_code="610") is None


@pytest.mark.parametrize("hs_code", ["610910", "4901990000", "090111"])
def test_empty_hs_prefix_matches_every_code(hs_code: str) -> None:
    assert match(duty(1, hs_prefix=""), hs_code=hs_code) == 1


def test_empty_origin_matches_every_origin() -> None:
    assert match(duty(1, origin=""), origin="CN") == 1
    assert match(duty(1, origin=""), origin="MY") == 1


def test_origin_matches_only_the_same_origin() -> None:
    assert match(duty(1, origin="CN"), origin="CN") == 1
    assert match(duty(1, origin="CN"), origin="MY") is None


def test_empty_sme_max_employees_matches_any_seller() -> None:
    assert match(duty(1), employees=5000) == 1
    assert match(duty(1), employees=None) == 1


def test_sme_max_employees_matches_sellers_with_at_most_that_many() -> None:
    rule = duty(1, sme_max_employees=30)
    assert match(rule, employees=29) == 1
    assert match(rule, employees=30) == 1
    assert match(rule, employees=31) is None


def test_sme_row_does_not_match_a_seller_of_unknown_size() -> None:
    assert match(duty(1, sme_max_employees=30), employees=None) is None


def test_no_matching_row_gives_none() -> None:
    assert match(hs_code="610910") is None


# Specificity: the most specific matching row wins


def test_longer_prefix_beats_a_set_origin() -> None:
    rules = (duty(1, hs_prefix="61", origin="CN"), duty(2, hs_prefix="6109"))
    assert match(*rules, origin="CN") == 2


def test_longer_prefix_beats_the_empty_prefix() -> None:
    assert match(duty(1, hs_prefix=""), duty(2, hs_prefix="610910")) == 2


def test_a_longer_prefix_that_does_not_apply_falls_back_to_a_shorter_one() -> None:
    rules = (duty(1, hs_prefix="61"), duty(2, hs_prefix="6109", origin="MY"))
    assert match(*rules, origin="CN") == 1


def test_set_origin_beats_set_sme_max_employees() -> None:
    rules = (
        duty(1, hs_prefix="6109", sme_max_employees=50),
        duty(2, hs_prefix="6109", origin="CN"),
    )
    assert match(*rules, origin="CN", employees=10) == 2


def test_set_sme_max_employees_beats_an_open_row() -> None:
    assert match(duty(1), duty(2, sme_max_employees=50), employees=10) == 2


def test_smaller_sme_max_employees_beats_larger() -> None:
    rules = (duty(1, sme_max_employees=50), duty(2, sme_max_employees=10))
    assert match(*rules, employees=5) == 2
    assert match(*rules, employees=20) == 1


def test_latest_valid_from_supersedes_an_open_ended_older_row() -> None:
    rules = (duty(1), duty(2, valid_from=date(2026, 7, 1)))
    assert match(*rules, on=date(2026, 6, 30)) == 1
    assert match(*rules, on=date(2026, 7, 1)) == 2


def test_latest_valid_from_wins_between_dated_rows() -> None:
    rules = (duty(1, valid_from=date(2025, 1, 1)), duty(2, valid_from=date(2026, 1, 1)))
    assert match(*rules, on=date(2025, 6, 1)) == 1
    assert match(*rules, on=date(2026, 6, 1)) == 2


def test_profile_is_the_latest_valid_from_valid_on_the_date() -> None:
    profiles = [
        TariffRule(kind=PROFILE, destination="BE", currency="EUR", valuation="CIF", id=1,
                   valid_from=date(2021, 7, 1), valid_to=date(2026, 7, 1)),
        TariffRule(kind=PROFILE, destination="BE", currency="EUR", valuation="CIF", id=2,
                   valid_from=date(2026, 7, 1), valid_to=date(2028, 7, 1)),
        TariffRule(kind=PROFILE, destination="BE", currency="EUR", valuation="CIF", id=3,
                   valid_from=date(2028, 7, 1)),
    ]  # fmt: skip
    index = TariffIndex(profiles)

    def profile_id(on: date) -> int | None:
        found = index.profile("BE", on=on)
        return None if found is None else found.id

    assert profile_id(date(2021, 6, 30)) is None
    assert profile_id(date(2026, 6, 30)) == 1
    assert profile_id(date(2026, 7, 1)) == 2
    assert profile_id(date(2028, 7, 1)) == 3
    assert index.profile("DE", on=ON) is None


def test_rule_fields_are_the_csv_columns_then_id() -> None:
    # tariff_index_current builds TariffRule positionally from values_list(*COLUMNS, "id").
    assert [f.name for f in dataclasses.fields(TariffRule)] == [*COLUMNS, "id"]


# The cached index over the database


@pytest.mark.django_db
def test_current_index_holds_every_row_as_plain_rules() -> None:
    row = TariffRow.objects.create(
        kind=DUTY, destination="BE", hs_prefix="6109", origin="CN", rate_percent=Decimal("12"),
        sme_max_employees=30, valid_from=date(2026, 1, 1), note="Cotton T-shirts",
    )  # fmt: skip
    rule = tariff_index_current().match(
        DUTY, "BE", hs_code="610910", origin="CN", employees=3, on=ON
    )
    assert rule == row.to_rule()
    assert rule is not None
    assert (rule.destination, rule.origin, rule.id) == ("BE", "CN", row.pk)
    assert type(rule.destination) is str and type(rule.origin) is str
    assert rule.rate_percent == Decimal("12")
    assert rule.valid_from == date(2026, 1, 1)


@pytest.mark.django_db
def test_current_index_is_cached_until_a_row_changes() -> None:
    first = tariff_index_current()
    assert tariff_index_current() is first
    row = TariffRow.objects.create(kind=TAX, destination="BE", rate_percent=Decimal("21"))
    second = tariff_index_current()
    assert second is not first and second.size == 1
    row.rate_percent = Decimal("6")
    row.save()
    rule = tariff_index_current().match(TAX, "BE", on=ON)
    assert rule is not None and rule.rate_percent == Decimal("6")
    row.delete()
    assert tariff_index_current().size == 0
