"""The seller's "Mark shipped" form: a carrier among the active logistics partners and the
tracking number from the label."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from marketplace.models import LogisticsPartner
from marketplace.models.shipping import TRACKING_MAX_LENGTH, TRACKING_PATTERN
from marketplace.shipping import TRACKING_HELP, tracking_normalize

_TRACKING = re.compile(TRACKING_PATTERN)


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(
        label="Carrier", error_messages={"invalid_choice": "Choose one of the listed carriers."}
    )
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=TRACKING_MAX_LENGTH,
        help_text=TRACKING_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        partners = LogisticsPartner.objects.filter(active=True).values_list("code", "name")
        carrier = self.fields["carrier"]
        assert isinstance(carrier, forms.ChoiceField)
        carrier.choices = [("", "Choose a carrier…"), *partners]

    def clean_tracking_number(self) -> str:
        tracking = tracking_normalize(self.cleaned_data["tracking_number"])
        if not _TRACKING.fullmatch(tracking):
            raise ValidationError(f"Enter the tracking number: {TRACKING_HELP}", code="invalid")
        return tracking
