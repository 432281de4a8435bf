"""Forms behind the server-rendered pages: sign-up, listing editing, storefront search, ship-to
and the cart.

Forms check and shape what a visitor typed; every write goes through marketplace.services, and
the ValidationErrors those services raise are put back next to the fields they concern.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError
from django.forms.boundfield import BoundField
from django_countries import countries

from customs.hs import HS_CHAPTERS
from ewtp.codes import CURRENCY_CHOICES
from ewtp.forms import (
    StrictDecimalField,
    StrictIntegerField,
    StrictModelChoiceField,
    StrictMoneyField,
)
from marketplace import services
from marketplace.cart import MAX_QUANTITY, MIN_QUANTITY
from marketplace.models import HS_CODE_VALIDATOR, BuyerProfile, Listing, SellerProfile
from marketplace.selectors import SORTS, ListingQuery

SORT_LABELS: dict[str, str] = {
    "newest": "Newest first",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "title": "Title: A to Z",
}


Choices = list[tuple[str, Any]]

# Offered first in currency menus; the rest of ISO 4217 follows in a second group.
COMMON_CURRENCIES = (
    "USD", "EUR", "CNY", "GBP", "JPY", "HKD", "SGD", "MYR", "THB", "IDR", "VND", "INR",
    "KRW", "AUD", "CAD", "CHF", "AED", "TRY", "BRL", "MXN", "ZAR", "NGN", "KES", "RWF", "ETB",
)  # fmt: skip

# Harmonized System chapters (2-digit headings), for the storefront's chapter filter.

DUPLICATE_USERNAME = "A user with that username already exists."


def currency_choices(*, blank: str | None = None) -> Choices:
    """Currencies for a select: the common trade currencies first, then every other one."""
    labels = dict(CURRENCY_CHOICES)
    common = [(code, labels[code]) for code in COMMON_CURRENCIES if code in labels]
    others = [(code, label) for code, label in CURRENCY_CHOICES if code not in COMMON_CURRENCIES]
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


# --- Sign-up -----------------------------------------------------------------------------


class SignupForm(forms.Form):
    """The account part every sign-up shares; subclasses add the profile and call a service."""

    role = ""
    account_field_names = ("username", "email", "password1", "password2")

    username = forms.CharField(
        max_length=150,
        help_text="Up to 150 characters: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password confirmation",
        strip=False,
        help_text="Enter the same password again, to check it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1:
            # The service validates again; checking here too reports a weak password together
            # with the form's other mistakes instead of on a second attempt.
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don't match.")
        return cleaned

    def account_fields(self) -> list[BoundField]:
        return [self[name] for name in self.account_field_names]

    def profile_fields(self) -> list[BoundField]:
        return [self[name] for name in self.fields if name not in self.account_field_names]

    def register(self) -> User | None:
        """Create the account through the service. On refusal, put the reasons next to the
        fields and return None."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        account = {
            "username": data["username"],
            "email": data["email"],
            "password": data["password1"],
        }
        try:
            profile = self._register(**account)
        except ValidationError as error:
            # Password validators raise a bare list; everything else names its field.
            add_service_errors(
                self, error, rename={"password": "password1"}, unnamed_to="password1"
            )
            return None
        except IntegrityError:
            # Someone took the username between the uniqueness check and the insert.
            self.add_error("username", DUPLICATE_USERNAME)
            return None
        return profile.user

    def _register(self, **account: str) -> SellerProfile | BuyerProfile:
        raise NotImplementedError


class BuyerSignupForm(SignupForm):
    role = "buyer"

    country = forms.ChoiceField(
        label="Country",
        choices=lambda: country_choices(blank="Choose your country"),
        help_text="Where your orders are delivered; it decides duties and taxes.",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    preferred_currency = forms.ChoiceField(
        label="Preferred currency",
        choices=currency_choices(),
        initial="USD",
        help_text="The currency you want to see and pay prices in.",
    )

    def _register(self, **account: str) -> BuyerProfile:
        return services.buyer_register(
            **account,
            country=self.cleaned_data["country"],
            preferred_currency=self.cleaned_data["preferred_currency"],
        )


class SellerSignupForm(SignupForm):
    role = "seller"

    company_name = forms.CharField(
        label="Company name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ChoiceField(
        label="Country",
        choices=lambda: country_choices(blank="Choose your country"),
        help_text="Where your business is registered.",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    employees = StrictIntegerField(
        label="Number of employees",
        min_value=1,
        help_text="Everyone on staff, you included. Businesses under 30 may qualify for SME rates.",
        error_messages={"min_value": "Count at least one person: you."},
    )
    payout_currency = forms.ChoiceField(
        label="Payout currency",
        choices=currency_choices(),
        initial="USD",
        help_text="The currency your earnings are paid out in.",
    )

    def _register(self, **account: str) -> SellerProfile:
        return services.seller_register(
            **account,
            company_name=self.cleaned_data["company_name"],
            country=self.cleaned_data["country"],
            employees=self.cleaned_data["employees"],
            payout_currency=self.cleaned_data["payout_currency"],
        )


# --- Listings ------------------------------------------------------------------------------


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
        self.fields["weight_grams"].widget.attrs["min"] = "1"

    def clean_hs_code(self) -> str:
        code = "".join(self.cleaned_data["hs_code"].split()).replace(".", "")
        HS_CODE_VALIDATOR(code)
        return code

    def listing_fields(self) -> dict[str, Any]:
        """The validated values, ready for services.listing_create / listing_update."""
        return {name: self.cleaned_data[name] for name in services.LISTING_EDITABLE}


# --- Storefront search -------------------------------------------------------------------


class ListingSearchForm(forms.Form):
    """The storefront's filters, read from the query string. Invalid filters are reported
    and ignored; the rest still apply."""

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
    currency = UppercaseChoiceField(
        label="Currency", required=False, choices=currency_choices(blank="Any currency")
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, SORT_LABELS.get(key, key)) for key in SORTS],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("min_price", "max_price"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def clean_hs(self) -> str:
        return "".join(self.cleaned_data["hs"].split()).replace(".", "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum price is below the minimum price.")
        if (low is not None or high is not None) and not cleaned.get("currency"):
            self.add_error("currency", "Choose the currency of your price range.")
        chapter, hs = cleaned.get("chapter"), cleaned.get("hs")
        if chapter and hs and not hs.startswith(chapter):
            self.add_error("hs", f"HS code {hs} is not in chapter {chapter}.")
        return cleaned

    def query(self) -> ListingQuery:
        """What to search for, from the filters that passed validation."""
        self.is_valid()
        data = self.cleaned_data
        currency = data.get("currency") or ""
        low: Decimal | None = data.get("min_price")
        high: Decimal | None = data.get("max_price")
        if not currency:
            # A bare number means nothing across currencies, so bounds need a currency.
            low = high = None
        return ListingQuery(
            text=(data.get("q") or "").strip(),
            origin_country=data.get("origin") or "",
            hs_prefix=data.get("hs") or data.get("chapter") or "",
            min_price=low,
            max_price=high,
            currency=currency,
            sort=data.get("sort") or "newest",
        )

    def has_filters(self) -> bool:
        query = self.query()
        return any(
            (
                query.text,
                query.origin_country,
                query.hs_prefix,
                query.currency,
                query.min_price is not None,
                query.max_price is not None,
            )
        )


# --- Shopping: ship-to, quantity, cart -----------------------------------------------------

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
