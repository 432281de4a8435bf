"""Input and output serializers for accounts and listings. Inputs validate; services write."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ewtp.api.fields import (
    CountryCodeField,
    CurrencyCodeField,
    MoneyField,
    StrictIntegerField,
)
from ewtp.api.inputs import JSONTypedInput, TextField
from ewtp.codes import MAX_DB_INT
from marketplace.currencies import currencies_offered, currency_for_country, no_rate_error
from marketplace.models import HS_CODE_VALIDATOR, BuyerProfile, Listing, SellerProfile

# Django's own username rule, checked here so the schema states it; `\Z`, not `$`, which would
# let a trailing newline through.
USERNAME_VALIDATOR = RegexValidator(
    r"^[\w.@+-]+\Z", "Enter a username of letters, digits and @ . + - _ only."
)

# --- auth -------------------------------------------------------------------------------------


class TokenInput(JSONTypedInput, AuthTokenSerializer):
    username = TextField(write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token …`.")


# --- accounts ---------------------------------------------------------------------------------


class _AccountInput(JSONTypedInput):
    username = serializers.CharField(
        max_length=150,
        # Not trimmed: "ana\t" is refused as the schema's pattern says, not quietly made "ana".
        trim_whitespace=False,
        validators=[USERNAME_VALIDATOR],
        help_text="Letters, digits and @ . + - _ only.",
    )
    # min_length: Django's MinimumLengthValidator, stated in the schema; "too common", "too like
    # the username" and "all digits" are the validators' to judge.
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        min_length=8,
        max_length=128,
        style={"input_type": "password"},
    )
    email = serializers.EmailField(max_length=254)
    country = CountryCodeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The service validates the password too, but its error is not tied to a field;
        # checking here reports it under "password" (the similarity check needs the user).
        user = User(username=attrs.get("username", ""), email=attrs.get("email", ""))
        try:
            validate_password(attrs["password"], user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class _CurrencyDefault:
    """A profile currency must have an FX rate; when omitted it follows the country."""

    currency_field = ""

    def _currency_checked(self, attrs: dict[str, Any]) -> dict[str, Any]:
        offered = currencies_offered()
        code = attrs.get(self.currency_field)
        if code is None:
            attrs[self.currency_field] = currency_for_country(attrs.get("country", ""), offered)
        elif code not in offered:
            raise serializers.ValidationError({self.currency_field: [no_rate_error(code)]})
        return attrs


class SellerRegisterInput(_CurrencyDefault, _AccountInput):
    currency_field = "payout_currency"

    company_name = TextField(max_length=200)
    employees = StrictIntegerField(
        min_value=1, max_value=MAX_DB_INT, help_text="Number of staff, the owner included."
    )
    payout_currency = CurrencyCodeField(
        required=False,
        help_text="Must have an FX rate. Defaults to the country's currency when it has a "
        "rate, else USD.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return self._currency_checked(super().validate(attrs))


class SellerPublic(serializers.ModelSerializer):
    country = CountryCodeField(read_only=True)

    class Meta:
        model = SellerProfile
        fields = ["id", "company_name", "country", "employees", "verified"]
        read_only_fields = fields


class SellerPrivate(serializers.ModelSerializer):
    """The seller as its owner sees it (returned on sign-up and by /sellers/me/)."""

    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    country = CountryCodeField(read_only=True)
    payout_currency = CurrencyCodeField(read_only=True)

    class Meta:
        model = SellerProfile
        fields = [
            "id",
            "username",
            "email",
            "company_name",
            "country",
            "employees",
            "verified",
            "payout_currency",
        ]
        read_only_fields = fields


class BuyerRegisterInput(_CurrencyDefault, _AccountInput):
    currency_field = "preferred_currency"
    preferred_currency = CurrencyCodeField(
        required=False,
        help_text="Must have an FX rate. Defaults to the country's currency when it has a "
        "rate, else USD.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return self._currency_checked(super().validate(attrs))


class BuyerPrivate(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    country = CountryCodeField(read_only=True)
    preferred_currency = CurrencyCodeField(read_only=True)

    class Meta:
        model = BuyerProfile
        fields = ["id", "username", "email", "country", "preferred_currency"]
        read_only_fields = fields


class BuyerProfileInput(serializers.Serializer):
    """PATCH /buyers/me/: either field or both; other keys are ignored."""

    country = CountryCodeField(required=False, help_text="Where your orders are delivered.")
    preferred_currency = CurrencyCodeField(
        required=False,
        help_text="Prices are shown in it; a new one needs an exchange rate (see /quotes/).",
    )


class SellerProfileInput(serializers.Serializer):
    """PATCH /sellers/me/: either field or both. `employees` and `verified` are operators' to
    change and, like any other key, ignored."""

    country = CountryCodeField(required=False, help_text="Where your business is registered.")
    payout_currency = CurrencyCodeField(
        required=False, help_text="Earnings are paid out in it; a new one needs an exchange rate."
    )


# --- listings ---------------------------------------------------------------------------------


class ListingInput(JSONTypedInput):
    """Create (every required field) or, with `partial=True`, PATCH (any subset).

    Unknown keys, `seller` included, are ignored: the seller is always the requesting user.
    """

    title = TextField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    hs_code = serializers.CharField(
        validators=[HS_CODE_VALIDATOR],
        help_text=(
            "Harmonized System code, 6 to 10 digits; the first six must be an HS 2022 "
            "subheading (see /api/v1/hs-codes/)."
        ),
    )
    origin_country = CountryCodeField(help_text="Country where the goods were made.")
    price = MoneyField()
    stock = StrictIntegerField(required=False, min_value=0, max_value=MAX_DB_INT)
    weight_grams = StrictIntegerField(
        min_value=1, max_value=MAX_DB_INT, help_text="Shipping weight of one unit, in grams."
    )
    status = serializers.ChoiceField(choices=Listing.Status.choices, required=False)


class ListingOutput(serializers.ModelSerializer):
    seller = serializers.IntegerField(source="seller_id", read_only=True)
    origin_country = CountryCodeField(read_only=True)
    price = MoneyField(read_only=True)
    hs_description = serializers.CharField(
        read_only=True,
        help_text="The HS 2022 description of the code's subheading (its first six digits).",
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "seller",
            "title",
            "description",
            "hs_code",
            "hs_description",
            "origin_country",
            "price",
            "stock",
            "weight_grams",
            "status",
            "created",
            "updated",
        ]
        read_only_fields = fields
