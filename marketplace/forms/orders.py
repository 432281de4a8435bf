"""Checkout and order forms: the shipping address with the total the buyer saw, a card number,
and the seller's status filter."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ewtp.forms import StrictDecimalField
from marketplace.checkout import Address
from marketplace.models import Order

# Test cards of the built-in sandbox provider (docs/API.md): shown as help beside the field.
SANDBOX_CARDS = (
    ("4242424242424242", "succeeds"),
    ("4000000000000002", "is declined"),
    ("4000000000000119", "fails with a provider error"),
)
CARD_ERROR = "Enter the card number as 12 to 19 digits (spaces are fine)."
_CARD_SEPARATORS = re.compile(r"[ -]")
_CARD_DIGITS = re.compile(r"[0-9]{12,19}")
HIDDEN_FIELDS = ("expected_total", "currency", "country")
INCOMPLETE = "The checkout page was not complete: check the order and confirm again."


class CheckoutForm(forms.Form):
    """Where the orders go, and the delivered total and currency the page showed: the orders are
    placed only if the quote still gives that total (else the buyer confirms the new one)."""

    name = forms.CharField(
        label="Recipient's name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    line1 = forms.CharField(
        label="Street address",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postal_code = forms.CharField(
        label="Postal code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label="City",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    expected_total = StrictDecimalField(
        min_value=0, max_digits=30, decimal_places=4, widget=forms.HiddenInput
    )
    currency = forms.CharField(max_length=3, widget=forms.HiddenInput)
    country = forms.CharField(max_length=2, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The hidden fields come from the page, not the buyer: a problem with them is told once,
        # for the form (there is no field on the page to mark).
        if any(name in self.errors for name in HIDDEN_FIELDS):
            for name in HIDDEN_FIELDS:
                self.errors.pop(name, None)
            raise ValidationError(INCOMPLETE, code="incomplete")
        return cleaned

    def address(self) -> Address:
        data = self.cleaned_data
        return Address(
            name=data["name"],
            line1=data["line1"],
            city=data["city"],
            postal_code=data["postal_code"],
            country=data["country"].upper(),
        )


class PayForm(forms.Form):
    card_number = forms.CharField(
        label="Card number",
        max_length=40,
        error_messages={"required": CARD_ERROR, "max_length": CARD_ERROR},
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_card_number(self) -> str:
        digits = _CARD_SEPARATORS.sub("", self.cleaned_data["card_number"])
        if not _CARD_DIGITS.fullmatch(digits):
            raise ValidationError(CARD_ERROR, code="invalid")
        return digits


class SellerOrderFilterForm(forms.Form):
    """The seller's incoming orders, by status (read from the query string; invalid is ignored)."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Order.Status.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def status_wanted(self) -> str:
        return str(self.cleaned_data.get("status") or "") if self.is_valid() else ""
