"""Form fields every app's forms share: whole numbers, decimals and money amounts typed with the
ASCII digits 0-9 only (`ewtp.numbers`), where Django's own fields also take `"1_0"`, `"٣"`,
`"+1"`, `" 1"` and `"1e3"`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from djmoney.forms import MoneyField

from ewtp.numbers import DECIMAL_MESSAGE, WHOLE_NUMBER_MESSAGE, decimal_parse_text, integer_parse


def _signed(field: forms.Field) -> bool:
    low = getattr(field, "min_value", None)
    return low is None or low < 0


def _minus_allowed(field: forms.Field, text: str, number: Decimal | int | None) -> bool:
    """A `-` where negatives are not allowed is left to the min_value check and its message,
    except on zero ("-0"), which that check would pass."""
    return _signed(field) or not text.startswith("-") or bool(number)


class StrictIntegerField(forms.IntegerField):
    """An IntegerField accepting only ASCII digits (a leading `-` only if negatives are allowed).
    Its "invalid" message is WHOLE_NUMBER_MESSAGE unless the form gives its own."""

    default_error_messages = {"invalid": WHOLE_NUMBER_MESSAGE}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = integer_parse(value, signed=True) if isinstance(value, str) else None
        if number is None or not _minus_allowed(self, value, number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class StrictDecimalField(forms.DecimalField):
    """A DecimalField accepting only ASCII digits and a point (`12`, `12.50`, `.5`), with a
    leading `-` only if negatives are allowed; no exponent, underscore, sign or space."""

    default_error_messages = {"invalid": DECIMAL_MESSAGE}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return super().to_python(value)
        number = decimal_parse_text(value, signed=True) if isinstance(value, str) else None
        if number is None or not _minus_allowed(self, value, number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class StrictModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField naming its object by an id of ASCII digits: Django's would look up
    `"1_0"` as object 10 and `"٣"` as object 3."""

    def to_python(self, value: Any) -> Any:
        if (
            isinstance(value, str)
            and value not in self.empty_values
            and integer_parse(value, signed=False) is None
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class StrictMoneyField(MoneyField):
    """django-money's form field whose amount is read as StrictDecimalField reads it."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and value and isinstance(value[0], str):
            amount = value[0]
            if amount not in self.empty_values and decimal_parse_text(amount, signed=True) is None:
                raise ValidationError(DECIMAL_MESSAGE, code="invalid")
        return super().clean(value)
