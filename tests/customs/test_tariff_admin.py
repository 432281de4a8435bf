"""Tariff rows in admin: the import's rules on the form, hub-operator scoping, CSV export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from customs.models import TariffRow
from customs.services import tariff_import
from customs.validation import COLUMNS

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:customs_tariffrow_changelist")
ADD = reverse("admin:customs_tariffrow_add")


def change_url(row: TariffRow) -> str:
    return reverse("admin:customs_tariffrow_change", args=[row.pk])


def form_data(**cells: str) -> dict[str, str]:
    return dict.fromkeys(COLUMNS, "") | cells


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows(db: Any) -> dict[str, TariffRow]:
    return {
        "be_vat": TariffRow.objects.create(
            kind="tax", destination="BE", rate_percent=21, note="BE VAT"
        ),
        "be_guns": TariffRow.objects.create(kind="prohibited", destination="BE", hs_prefix="9302"),
        "us_duty": TariffRow.objects.create(
            kind="duty",
            destination="US",
            hs_prefix="6109",
            rate_percent=Decimal("16.5"),
            note="US tee",
        ),
        "us_profile": TariffRow.objects.create(
            kind="profile", destination="US", currency="USD", valuation="FOB"
        ),
    }


# Superuser


def test_superuser_changelist_add_and_change_pages_load(
    superuser: User, rows: dict[str, TariffRow]
) -> None:
    client = logged_in(superuser)

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 200
    assert client.get(change_url(rows["us_duty"])).status_code == 200


def test_superuser_sees_every_destination(superuser: User, rows: dict[str, TariffRow]) -> None:
    response = logged_in(superuser).get(CHANGELIST)

    assert set(response.context["cl"].result_list) == set(rows.values())


def test_superuser_adds_a_valid_row(superuser: User) -> None:
    data = form_data(kind="duty", destination="DE", hs_prefix="6109", rate_percent="12")

    response = logged_in(superuser).post(ADD, data)

    assert response.status_code == 302
    row = TariffRow.objects.get()
    assert (row.destination, row.hs_prefix, row.rate_percent) == ("DE", "6109", Decimal("12"))


INVALID_ROWS = [
        (form_data(kind="tax", destination="BE"), "rate_percent", "Required for a tax row."),
        (form_data(kind="tax", destination="BE", rate_percent="1200"), "rate_percent",
         "Must be at most 1000 (got 1200)."),
        (form_data(kind="duty", destination="BE", rate_percent="-2"), "rate_percent",
         "Must be 0 or more (got -2)."),
        (form_data(kind="profile", destination="BE", currency="EUR", valuation="CIF",
                   hs_prefix="61"), "hs_prefix", "Not used by profile rows: leave it empty."),
        (form_data(kind="profile", destination="BE", valuation="CIF"), "currency",
         "Required for a profile: the customs currency (ISO 4217)."),
        (form_data(kind="duty", destination="BE", per_unit="1"), "currency",
         "Required with per_unit: the currency of the per-unit amount."),
        (form_data(kind="duty", destination="BE", hs_prefix="61x9", rate_percent="1"), "hs_prefix",
         "'61x9' is not an HS prefix: use 0 to 10 digits."),
        (form_data(kind="tax", destination="BE", rate_percent="5", valid_from="2026-07-01",
                   valid_to="2026-01-01"), "valid_to", "Must be after valid_from (2026-07-01)."),
        (form_data(kind="prohibited", destination="BE", sme_max_employees="10"),
         "sme_max_employees", "Not used by prohibited rows: leave it empty."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field", "message"), INVALID_ROWS, ids=lambda v: v if isinstance(v, str) else None
)
def test_form_refuses_invalid_rows_with_field_messages(
    superuser: User, data: dict[str, str], field: str, message: str
) -> None:
    response = logged_in(superuser).post(ADD, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not TariffRow.objects.exists()


def test_form_reports_a_bad_cell_once(superuser: User) -> None:
    # The form field rejects "abc"; the tax-needs-a-rate rule must not pile on.
    response = logged_in(superuser).post(
        ADD, form_data(kind="tax", destination="BE", rate_percent="abc")
    )

    assert response.context["adminform"].form.errors["rate_percent"] == ["Enter a number."]


def test_form_refuses_a_second_row_with_the_same_key(
    superuser: User, rows: dict[str, TariffRow]
) -> None:
    data = form_data(kind="tax", destination="BE", rate_percent="6", note="another VAT")

    response = logged_in(superuser).post(ADD, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        f"Row #{rows['be_vat'].pk} already has this kind, destination, HS prefix, origin, "
        "SME limit and valid from; edit that row instead."
    ]


def test_changing_a_row_keeps_its_own_key(superuser: User, rows: dict[str, TariffRow]) -> None:
    data = form_data(kind="tax", destination="BE", rate_percent="22", note="BE VAT")

    response = logged_in(superuser).post(change_url(rows["be_vat"]), data)

    assert response.status_code == 302
    rows["be_vat"].refresh_from_db()
    assert rows["be_vat"].rate_percent == Decimal("22")


# Hub operators


def test_operator_sees_rows_of_served_countries_only(
    operator_be: User, rows: dict[str, TariffRow]
) -> None:
    response = logged_in(operator_be).get(CHANGELIST)

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {rows["be_vat"], rows["be_guns"]}
    assert "US tee" not in response.content.decode()


def test_operator_cannot_open_a_row_of_another_destination(
    operator_be: User, rows: dict[str, TariffRow]
) -> None:
    client = logged_in(operator_be)

    assert client.get(change_url(rows["be_vat"])).status_code == 200
    response = client.get(change_url(rows["us_duty"]))
    assert response.status_code == 302  # admin: "doesn't exist. Perhaps it was deleted?"
    assert response["Location"] == reverse("admin:index")


def test_operator_destination_choices_are_the_served_countries(operator_be: User) -> None:
    response = logged_in(operator_be).get(ADD)

    choices = response.context["adminform"].form.fields["destination"].choices
    assert [code for code, _ in choices] == ["", "BE", "NL"]


def test_operator_cannot_save_a_row_for_another_destination(operator_be: User) -> None:
    data = form_data(kind="tax", destination="US", rate_percent="7")

    response = logged_in(operator_be).post(ADD, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["destination"] == [
        "You can only manage tariff rows for the countries your hubs serve (BE, NL); "
        "US is not one of them."
    ]
    assert not TariffRow.objects.exists()


def test_operator_cannot_move_a_row_to_another_destination(
    operator_be: User, rows: dict[str, TariffRow]
) -> None:
    data = form_data(kind="tax", destination="US", rate_percent="21", note="BE VAT")

    response = logged_in(operator_be).post(change_url(rows["be_vat"]), data)

    assert response.status_code == 200
    rows["be_vat"].refresh_from_db()
    assert rows["be_vat"].destination == "BE"


def test_operator_adds_a_row_for_a_served_country(operator_be: User) -> None:
    data = form_data(kind="tax", destination="NL", rate_percent="21", note="Dutch VAT")

    response = logged_in(operator_be).post(ADD, data)

    assert response.status_code == 302
    assert TariffRow.objects.get().destination == "NL"


def test_staff_user_without_a_hub_sees_no_rows(
    operator_be: User, rows: dict[str, TariffRow]
) -> None:
    operator_be.operated_hubs.clear()

    response = logged_in(operator_be).get(CHANGELIST)

    assert list(response.context["cl"].result_list) == []
    assert logged_in(operator_be).get(ADD).status_code == 403


# CSV export


def export(client: Client, selected: list[TariffRow]) -> str:
    response = client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [str(row.pk) for row in selected]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode()


def test_csv_export_round_trips_through_import(superuser: User, rows: dict[str, TariffRow]) -> None:
    rows["us_duty"].valid_from = "2026-01-01"
    rows["us_duty"].sme_max_employees = 30
    rows["us_duty"].save()
    text = export(logged_in(superuser), list(rows.values()))

    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "duty,US,6109,,16.5,,,,,,,30,2026-01-01,,US tee" in text.splitlines()
    unchanged = tariff_import(rows=io.StringIO(text))
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 4)

    before = set(TariffRow.objects.values_list(*COLUMNS))
    TariffRow.objects.all().delete()
    recreated = tariff_import(rows=io.StringIO(text))
    assert recreated.created == 4
    assert set(TariffRow.objects.values_list(*COLUMNS)) == before


def test_operator_exports_only_rows_they_can_see(
    operator_be: User, rows: dict[str, TariffRow]
) -> None:
    text = export(logged_in(operator_be), list(rows.values()))

    lines = text.splitlines()[1:]
    assert len(lines) == 2
    assert all(line.split(",")[1] == "BE" for line in lines)


def test_csv_export_neutralises_formula_cells(superuser: User) -> None:
    notes = {
        '=HYPERLINK("http://evil.example","x")': '\'=HYPERLINK("http://evil.example","x")',
        "+1 for books": "'+1 for books",
        "-5 % off": "'-5 % off",
        "@SUM(A1)": "'@SUM(A1)",
        "'=already quoted": "''=already quoted",
        "Books: reduced VAT": "Books: reduced VAT",
    }
    made = [
        TariffRow.objects.create(
            kind="tax", destination="BE", hs_prefix=f"{i:02}", rate_percent=6, note=note
        )
        for i, note in enumerate(notes)
    ]

    text = export(logged_in(superuser), made)

    exported = [row[-1] for row in csv.reader(io.StringIO(text))][1:]
    assert sorted(exported) == sorted(notes.values())
    assert 'tax,BE,00,,6,,,,,,,,,,"\'=HYPERLINK(""http://evil.example"",""x"")"' in text


def test_a_neutralised_export_imports_back_unchanged(superuser: User) -> None:
    for i, note in enumerate(['=HYPERLINK("x")', "'=quoted", "-minus", "plain 'quote'"]):
        TariffRow.objects.create(
            kind="tax", destination="BE", hs_prefix=f"{i:02}", rate_percent=6, note=note
        )
    before = set(TariffRow.objects.values_list(*COLUMNS))
    text = export(logged_in(superuser), list(TariffRow.objects.all()))

    unchanged = tariff_import(rows=io.StringIO(text))
    TariffRow.objects.all().delete()
    tariff_import(rows=io.StringIO(text))

    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 4)
    assert set(TariffRow.objects.values_list(*COLUMNS)) == before
