"""The account page's form: email, and the country and currency of each profile the user has.

Employees and the verified flag are not fields here: operators check them, and the employee
count decides SME duty rows, so the page shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

from ewtp.codes import CURRENCY_CHOICES
from marketplace import services
from marketplace.cart import currencies_quotable
from marketplace.forms.common import Choices, add_service_errors, country_choices, currency_choices


def profile_currency_choices(current: str) -> Choices:
    """The currencies a profile may choose, by the rule of marketplace.currencies.currencies_offered
    (those with an exchange rate), plus the one it has now; before any rates are loaded, every
    ISO 4217 currency, the common ones first."""
    quotable = currencies_quotable()
    if not quotable:
        return currency_choices()
    labels = dict(CURRENCY_CHOICES)
    return [(code, labels.get(code, code)) for code in sorted({*quotable, current})]


class AccountForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Where we send password reset links.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.buyer = getattr(user, "buyer_profile", None)
        self.seller = getattr(user, "seller_profile", None)
        self.initial.setdefault("email", user.email)
        if self.buyer is not None:
            self.fields["buyer_country"] = forms.ChoiceField(
                label="Country",
                choices=country_choices(blank="Choose your country"),
                help_text="Where your orders are delivered; it decides duties and taxes.",
                widget=forms.Select(attrs={"autocomplete": "country"}),
            )
            self.fields["preferred_currency"] = forms.ChoiceField(
                label="Preferred currency",
                choices=profile_currency_choices(self.buyer.preferred_currency),
                help_text="The currency you see and pay prices in.",
            )
            self.initial.setdefault("buyer_country", str(self.buyer.country.code))
            self.initial.setdefault("preferred_currency", self.buyer.preferred_currency)
        if self.seller is not None:
            self.fields["seller_country"] = forms.ChoiceField(
                label="Country",
                choices=country_choices(blank="Choose your country"),
                help_text="Where your business is registered.",
                widget=forms.Select(attrs={"autocomplete": "country"}),
            )
            self.fields["payout_currency"] = forms.ChoiceField(
                label="Payout currency",
                choices=profile_currency_choices(self.seller.payout_currency),
                help_text="The currency your earnings are paid out in.",
            )
            self.initial.setdefault("seller_country", str(self.seller.country.code))
            self.initial.setdefault("payout_currency", self.seller.payout_currency)

    def _fields(self, *names: str) -> list[BoundField]:
        return [self[name] for name in names if name in self.fields]

    def login_fields(self) -> list[BoundField]:
        return self._fields("email")

    def buyer_fields(self) -> list[BoundField]:
        return self._fields("buyer_country", "preferred_currency")

    def seller_fields(self) -> list[BoundField]:
        return self._fields("seller_country", "payout_currency")

    def save(self) -> bool:
        """Save through the service; on refusal put the reasons next to the fields and return
        False (nothing is changed)."""
        if not self.is_valid():
            return False
        try:
            services.account_update(user=self.user, **self.cleaned_data)
        except ValidationError as error:
            add_service_errors(self, error)
            return False
        return True
