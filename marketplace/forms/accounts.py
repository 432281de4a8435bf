"""Sign-up forms: the account every sign-up shares, then a buyer or a seller profile."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.boundfield import BoundField

from ewtp.forms import StrictIntegerField
from marketplace import services
from marketplace.currencies import currencies_offered, currency_defaults, currency_for_country
from marketplace.forms.common import add_service_errors, country_choices, currency_choices
from marketplace.models import BuyerProfile, SellerProfile

DUPLICATE_USERNAME = "A user with that username already exists."
SAME_AS_COUNTRY = "Same as my country"


class SignupForm(forms.Form):
    """The account part every sign-up shares; subclasses add the profile and call a service."""

    role = ""
    account_field_names = ("username", "email", "password1", "password2")
    # The profile's currency field: offered only with a rate, defaulting from the country.
    currency_field_name = ""

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
        self.currencies = currencies_offered()
        if self.currency_field_name:
            field = cast(forms.ChoiceField, self.fields[self.currency_field_name])
            field.choices = currency_choices(blank=SAME_AS_COUNTRY, only=self.currencies)
            field.widget.attrs["data-currency-default"] = "country"

    def currency_defaults(self) -> dict[str, str]:
        return currency_defaults(self.currencies)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = self.currency_field_name
        if name and not cleaned.get(name) and name not in self.errors:
            # Left on "same as my country" (or no script ran): the server picks the default.
            cleaned[name] = currency_for_country(cleaned.get("country") or "", self.currencies)
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
    currency_field_name = "preferred_currency"

    country = forms.ChoiceField(
        label="Country",
        choices=lambda: country_choices(blank="Choose your country"),
        help_text="Where your orders are delivered; it decides duties and taxes.",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    preferred_currency = forms.ChoiceField(
        label="Preferred currency",
        required=False,
        help_text="The currency you want to see and pay prices in. Left on “Same as my "
        "country”, it is your country's currency, or USD when that has no exchange rate.",
        error_messages={
            "invalid_choice": "There is no exchange rate for %(value)s yet; "
            "choose another currency."
        },
    )

    def _register(self, **account: str) -> BuyerProfile:
        return services.buyer_register(
            **account,
            country=self.cleaned_data["country"],
            preferred_currency=self.cleaned_data["preferred_currency"],
        )


class SellerSignupForm(SignupForm):
    role = "seller"
    currency_field_name = "payout_currency"

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
        required=False,
        help_text="The currency your earnings are paid out in. Left on “Same as my country”, "
        "it is your country's currency, or USD when that has no exchange rate.",
        error_messages={
            "invalid_choice": "There is no exchange rate for %(value)s yet; "
            "choose another currency."
        },
    )

    def _register(self, **account: str) -> SellerProfile:
        return services.seller_register(
            **account,
            company_name=self.cleaned_data["company_name"],
            country=self.cleaned_data["country"],
            employees=self.cleaned_data["employees"],
            payout_currency=self.cleaned_data["payout_currency"],
        )
