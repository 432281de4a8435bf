"""Cart forms: add a listing, change or remove a line."""

from __future__ import annotations

from typing import Any

from django import forms

from ewtp.forms import StrictIntegerField, StrictModelChoiceField
from marketplace.forms.common import quantity_field
from marketplace.models import Listing


class CartAddForm(forms.Form):
    listing: forms.ModelChoiceField[Listing] = StrictModelChoiceField(
        queryset=Listing.objects.filter(status=Listing.Status.ACTIVE),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a listing to add.",
            "invalid_choice": "That listing is not on sale, so it can't be added to your cart.",
        },
    )
    quantity = quantity_field("Quantity to add")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "cart-add-%s")
        super().__init__(*args, **kwargs)


class CartLineForm(forms.Form):
    """Names a line of the cart (by listing id) for an update or a removal."""

    listing = StrictIntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value"), "That item is not in your cart."
        ),
    )


class CartUpdateForm(CartLineForm):
    quantity = quantity_field()
