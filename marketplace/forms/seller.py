"""The seller's listing form."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from ewtp.forms import StrictIntegerField, StrictMoneyField
from marketplace import services
from marketplace.forms.common import country_choices, currency_choices
from marketplace.models import HS_CODE_VALIDATOR, Listing


class ListingForm(forms.ModelForm):
    """Validates a listing with the model's own rules; the view saves it through a service."""

    hs_code = forms.CharField(
        label="HS code",
        # Longer than the 10 digits allowed, so "6109.10.00" can be typed and normalised.
        max_length=20,
        help_text="Harmonized System code of 6 to 10 digits, e.g. 610910 for cotton T-shirts.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Listing
        fields = services.LISTING_EDITABLE
        field_classes = {
            "price": StrictMoneyField,
            "stock": StrictIntegerField,
            "weight_grams": StrictIntegerField,
        }
        labels = {
            "origin_country": "Country of origin",
            "weight_grams": "Weight per unit (grams)",
            "stock": "Units in stock",
        }
        help_texts = {
            "title": "What buyers see first, e.g. “Hand-loomed cotton T-shirt”.",
            "price": "Price of one unit, before shipping, duties and taxes.",
            "origin_country": "Where the goods were made; customs uses it for duties.",
            "weight_grams": "Shipping weight of one unit, packaging included.",
            "status": (
                "Active listings appear on the storefront. Drafts are visible to you only; "
                "archived listings are hidden but kept."
            ),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "stock": {"min_value": "Stock can't be negative; enter 0 if you have none."},
            "weight_grams": {"min_value": "Weight must be at least 1 gram."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # django-money's field is an amount input plus a currency select inside one fieldset;
        # each part needs its own accessible name, and the currency menu its common-first order.
        price = cast(forms.MultiValueField, self.fields["price"])
        amount_widget, currency_widget = cast(forms.MultiWidget, price.widget).widgets
        amount_widget.attrs.update({"aria-label": "Amount", "min": "0", "inputmode": "decimal"})
        currency_widget.attrs["aria-label"] = "Currency"
        currency_field = cast(forms.ChoiceField, price.fields[1])
        currency_field.choices = currency_widget.choices = currency_choices()  # type: ignore[attr-defined]
        origin = cast(forms.ChoiceField, self.fields["origin_country"])
        origin.choices = country_choices(blank="Choose a country")
        self.fields["stock"].widget.attrs["min"] = "0"
        # The status the seller was shown travels with the form, so saving an edit changes the
        # status only if the seller changed it (not if the listing was archived meanwhile).
        self.fields["status"].show_hidden_initial = True
        self.fields["weight_grams"].widget.attrs["min"] = "1"

    def clean_hs_code(self) -> str:
        code = "".join(self.cleaned_data["hs_code"].split()).replace(".", "")
        HS_CODE_VALIDATOR(code)
        return code

    def listing_fields(self) -> dict[str, Any]:
        """The validated values, ready for services.listing_create / listing_update."""
        return {name: self.cleaned_data[name] for name in services.LISTING_EDITABLE}
