"""Operator screens for tariff rows: a hub operator sees and edits only the destinations their
hubs serve; superusers see everything. The form runs the import's rules (customs.validation)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django_countries import countries

from customs.models import TariffRow
from customs.selectors import tariff_destinations_for, tariff_rows_for
from customs.services import tariff_csv_write
from customs.validation import COLUMNS, KEY_COLUMNS, tariff_row_errors, tariff_row_key


class TariffRowForm(forms.ModelForm):
    # Set per request by TariffRowAdmin.get_form: None = any destination.
    allowed_destinations: ClassVar[frozenset[str] | None] = None

    class Meta:
        model = TariffRow
        fields = COLUMNS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = self.allowed_destinations
        if allowed is not None:
            field = self.fields["destination"]
            choices = sorted(((code, countries.name(code)) for code in allowed), key=lambda c: c[1])
            field.choices = [("", "---------"), *choices]  # type: ignore[attr-defined]
            served = ", ".join(sorted(allowed)) or "none"
            field.error_messages["invalid_choice"] = (
                "You can only manage tariff rows for the countries your hubs serve "
                f"({served}); %(value)s is not one of them."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = {column: cleaned.get(column) for column in COLUMNS}
        for column, messages in tariff_row_errors(values, skip=set(self.errors)).items():
            for message in messages:
                self.add_error(column, message)
        if not self.errors:
            self._check_key_is_free(values)
        return cleaned

    def _check_key_is_free(self, values: dict[str, Any]) -> None:
        lookup = Q()
        for column, value in zip(KEY_COLUMNS, tariff_row_key(values), strict=True):
            lookup &= Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})
        same = TariffRow.objects.filter(lookup).exclude(pk=self.instance.pk).first()
        if same is not None:
            self.add_error(
                None,
                f"Row #{same.pk} already has this kind, destination, HS prefix, origin, "
                "SME limit and valid from; edit that row instead.",
            )


class DestinationFilter(admin.SimpleListFilter):
    """Only the destinations the user can see (CountryFilter would list every stored one)."""

    title = "destination"
    parameter_name = "destination"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("destination", flat=True)
            .distinct()
        )
        return sorted((code, f"{code} — {countries.name(code)}") for code in codes)

    def queryset(self, request: HttpRequest, queryset: QuerySet[TariffRow]) -> QuerySet[TariffRow]:
        value = self.value()
        return queryset.filter(destination=value) if value else queryset


@admin.register(TariffRow)
class TariffRowAdmin(admin.ModelAdmin):
    form = TariffRowForm
    list_display = (
        "kind",
        "destination",
        "hs_prefix",
        "origin",
        "rate_percent",
        "per_unit",
        "currency",
        "sme_max_employees",
        "valid_from",
        "valid_to",
        "note",
    )
    list_filter = ("kind", DestinationFilter, "valuation")
    search_fields = ("hs_prefix", "note")
    actions = ("export_csv",)
    fieldsets = (
        (None, {"fields": ("kind", "destination", "valid_from", "valid_to", "note")}),
        (
            "Duty, tax and prohibited rows",
            {
                "fields": ("hs_prefix", "origin", "rate_percent", "per_unit", "sme_max_employees"),
                "description": "per_unit (duty only) needs a currency below.",
            },
        ),
        (
            "Profile and currency",
            {
                "fields": (
                    "currency",
                    "valuation",
                    "low_value_upto",
                    "low_value_duty_per_subheading",
                    "tax_free_upto",
                ),
                "description": "A profile needs currency and valuation; amounts are in its "
                "currency. Columns a kind does not use stay empty.",
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[TariffRow]:
        return tariff_rows_for(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An operator whose hubs serve no country has no destination to add a row for.
        allowed = tariff_destinations_for(user=request.user)
        return super().has_add_permission(request) and (allowed is None or bool(allowed))

    def get_form(
        self,
        request: HttpRequest,
        obj: TariffRow | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        allowed = tariff_destinations_for(user=request.user)
        return type(form.__name__, (form,), {"allowed_destinations": allowed})

    @admin.action(description="Export selected rows as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[TariffRow]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tariff.csv"'
        tariff_csv_write(rows=queryset, out=response)
        return response
