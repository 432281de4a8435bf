"""What the page forms share: country and currency menus, codes in any case, a quantity
field, and putting a service's ValidationError back next to the fields it concerns."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django_countries import countries

from ewtp.codes import CURRENCY_CHOICES
from ewtp.forms import StrictIntegerField
from marketplace.cart import MAX_QUANTITY, MIN_QUANTITY

Choices = list[tuple[str, Any]]

# Offered first in currency menus; the rest of ISO 4217 follows in a second group.
COMMON_CURRENCIES = (
    "USD", "EUR", "CNY", "GBP", "JPY", "HKD", "SGD", "MYR", "THB", "IDR", "VND", "INR",
    "KRW", "AUD", "CAD", "CHF", "AED", "TRY", "BRL", "MXN", "ZAR", "NGN", "KES", "RWF", "ETB",
)  # fmt: skip


def currency_choices(*, blank: str | None = None, only: Collection[str] | None = None) -> Choices:
    """Currencies for a select: the common trade currencies first, then every other one
    (only those in `only`, when given)."""
    labels = dict(CURRENCY_CHOICES)
    if only is not None:
        labels = {code: label for code, label in labels.items() if code in only}
    common = [(code, labels[code]) for code in COMMON_CURRENCIES if code in labels]
    others = [
        (code, label)
        for code, label in CURRENCY_CHOICES
        if code in labels and code not in COMMON_CURRENCIES
    ]
    choices: Choices = [("Common currencies", common), ("Other currencies", others)]
    return [("", blank), *choices] if blank is not None else choices


def country_choices(*, blank: str) -> Choices:
    return [("", blank), *((country.code, country.name) for country in countries)]


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    rename: Mapping[str, str] | None = None,
    unnamed_to: str | None = None,
) -> None:
    """Attach a service's ValidationError to the form: field errors next to their field
    (`rename` maps model field names to form field names), errors without a field to
    `unnamed_to`, anything else to the form as a whole."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = rename.get(name, name)
            if target == NON_FIELD_ERRORS or target not in form.fields:
                form.add_error(None, errors)
            else:
                form.add_error(target, errors)
    else:
        form.add_error(unnamed_to if unnamed_to in form.fields else None, error.error_list)


class UppercaseChoiceField(forms.ChoiceField):
    """Accepts codes in any case (`?origin=cn`), as the storefront's URLs are hand-typed too."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


QUANTITY_ERROR = f"Enter a whole number of units from {MIN_QUANTITY} to {MAX_QUANTITY}."


def quantity_field(label: str = "Quantity") -> forms.IntegerField:
    return StrictIntegerField(
        label=label,
        min_value=MIN_QUANTITY,
        max_value=MAX_QUANTITY,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), QUANTITY_ERROR
        ),
        widget=forms.NumberInput(
            attrs={"min": MIN_QUANTITY, "max": MAX_QUANTITY, "inputmode": "numeric"}
        ),
    )
