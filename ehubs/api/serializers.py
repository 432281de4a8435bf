"""Output serializers for hubs (GET /api/v1/hubs/, /api/v1/hubs/{code}/)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ehubs.models import Corridor, Hub
from ewtp.api.fields import CountryCodeField, CurrencyCodeField
from payments.money import minor_units

# Amounts are decimal strings (not JSON numbers) so no client reads them as binary floats.
DECIMAL_STRING = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^[0-9]+(\.[0-9]+)?$",
    "example": "6.50",
}


def fee_string(amount: Decimal, currency: str) -> str:
    """A tariff amount as a decimal string: the currency's minor unit, more places only where
    the amount has them ("6.50", "0.0125", JPY "500")."""
    exponent = amount.normalize().as_tuple().exponent
    places = max(minor_units(currency), -exponent if isinstance(exponent, int) else 0)
    return f"{amount:.{places}f}"


class CorridorOutput(serializers.ModelSerializer):
    to = serializers.CharField(source="to_hub.code", read_only=True, help_text="Hub code.")
    currency = CurrencyCodeField(read_only=True)
    base_fee = serializers.SerializerMethodField(help_text="Per consignment, in `currency`.")
    per_kg = serializers.SerializerMethodField(help_text="Per kg of consignment weight.")

    class Meta:
        model = Corridor
        fields = ["to", "transit_days", "base_fee", "per_kg", "currency"]
        read_only_fields = fields

    @extend_schema_field(DECIMAL_STRING)
    def get_base_fee(self, corridor: Corridor) -> str:
        return fee_string(corridor.base_fee, corridor.currency)

    @extend_schema_field(DECIMAL_STRING)
    def get_per_kg(self, corridor: Corridor) -> str:
        return fee_string(corridor.per_kg, corridor.currency)


class HubOutput(serializers.ModelSerializer):
    country = CountryCodeField(read_only=True)
    currency = CurrencyCodeField(read_only=True)
    serves = serializers.SerializerMethodField(help_text="Countries this hub serves, sorted.")

    class Meta:
        model = Hub
        fields = ["code", "name", "country", "city", "currency", "serves"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=CountryCodeField()))
    def get_serves(self, hub: Hub) -> list[str]:
        # Sorted in Python so the prefetched rows are used as they are.
        return sorted(str(hc.country) for hc in hub.countries.all())


class HubDetailOutput(HubOutput):
    corridors_out = CorridorOutput(
        many=True, read_only=True, help_text="Directed corridors leaving this hub, by `to`."
    )

    class Meta(HubOutput.Meta):
        fields = [*HubOutput.Meta.fields, "corridors_out"]
        read_only_fields = fields
