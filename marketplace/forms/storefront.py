"""Storefront forms: search filters, the ship-to chooser, the listing page's quantity."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django_countries import countries

from customs.hs import HS_CHAPTERS
from ewtp.forms import StrictDecimalField
from marketplace.forms.common import (
    UppercaseChoiceField,
    country_choices,
    quantity_field,
)
from marketplace.selectors import SORTS, ListingQuery

SORT_LABELS: dict[str, str] = {
    "newest": "Newest first",
    # Cards lead with the delivered price; the sorts (and the range) compare the goods' own.
    "price_asc": "Price before delivery: low to high",
    "price_desc": "Price before delivery: high to low",
    "title": "Title: A to Z",
}


class ListingSearchForm(forms.Form):
    """The storefront's filters, read from the query string. Invalid filters are reported
    and ignored; the rest still apply. Price bounds are typed in `currency`, the visitor's:
    every listing's price is compared converted into it."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words from the title or description, a seller's name, or an HS code.",
        widget=forms.SearchInput(),
    )
    origin = UppercaseChoiceField(
        label="Made in",
        required=False,
        choices=lambda: country_choices(blank="Any country"),
    )
    chapter = forms.ChoiceField(
        label="Product category (HS chapter)",
        required=False,
        choices=[("", "Any category"), *((c, f"{c} · {name}") for c, name in HS_CHAPTERS.items())],
    )
    hs = forms.CharField(
        label="HS code starts with",
        required=False,
        max_length=10,
        validators=[RegexValidator(r"^[0-9]{2,10}$", "Enter 2 to 10 digits, e.g. 6109.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    min_price = StrictDecimalField(
        label="Min price", required=False, min_value=0, max_digits=14, decimal_places=4
    )
    max_price = StrictDecimalField(
        label="Max price", required=False, min_value=0, max_digits=14, decimal_places=4
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, SORT_LABELS.get(key, key)) for key in SORTS],
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.currency = currency
        for name in ("min_price", "max_price"):
            field = self.fields[name]
            field.label = f"{field.label} ({currency})"
            field.widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def clean_hs(self) -> str:
        return "".join(self.cleaned_data["hs"].split()).replace(".", "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum price is below the minimum price.")
        chapter, hs = cleaned.get("chapter"), cleaned.get("hs")
        if chapter and hs and not hs.startswith(chapter):
            self.add_error("hs", f"HS code {hs} is not in chapter {chapter}.")
        return cleaned

    def query(self) -> ListingQuery:
        """What to search for, from the filters that passed validation."""
        self.is_valid()
        data = self.cleaned_data
        low: Decimal | None = data.get("min_price")
        high: Decimal | None = data.get("max_price")
        return ListingQuery(
            text=(data.get("q") or "").strip(),
            origin_country=data.get("origin") or "",
            hs_prefix=data.get("hs") or data.get("chapter") or "",
            min_price=low,
            max_price=high,
            sort=data.get("sort") or "newest",
            price_currency=self.currency,
        )

    def has_filters(self) -> bool:
        query = self.query()
        return any(
            (
                query.text,
                query.origin_country,
                query.hs_prefix,
                query.min_price is not None,
                query.max_price is not None,
            )
        )


class ShipToForm(forms.Form):
    """Where prices are delivered to and the currency they are shown in. Every ISO country can
    be chosen (the landed-cost engine explains the ones it cannot serve); a currency needs a
    loaded exchange rate."""

    country = UppercaseChoiceField(
        label="Ship to",
        choices=lambda: [(c.code, c.name) for c in countries],
        error_messages={
            "required": "Choose the country to ship to.",
            "invalid_choice": "%(value)s is not a country we know.",
        },
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    currency = UppercaseChoiceField(
        label="Prices in",
        error_messages={
            "required": "Choose the currency prices are shown in.",
            "invalid_choice": (
                "There is no exchange rate for %(value)s yet; choose another currency."
            ),
        },
    )

    def __init__(self, *args: Any, currencies: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "ship-to-%s")
        super().__init__(*args, **kwargs)
        # Codes only: the menu sits in the header and must stay narrow.
        currency = cast(forms.ChoiceField, self.fields["currency"])
        currency.choices = [(code, code) for code in currencies]


class QuantityForm(forms.Form):
    """The listing page's quantity, read from the query string (?quantity=N) to re-quote."""

    quantity = quantity_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "quote-%s")
        super().__init__(*args, **kwargs)
