"""Listing prices converted into one currency, in SQL, with the current FX table.

Sorting and price bounds compare listings priced in different currencies, so they work on the
price converted into the visitor's currency, in the database (so pages still paginate in SQL):

- ordering uses `price_in(currency, rates)`, a CASE over the listing's currency that multiplies
  the stored price by rate[currency] / rate[listing currency] (payments.fx.Rates.convert);
- bounds use `price_within(...)`, which converts each bound into every listing currency in
  Python with exact Decimals and compares the stored price column directly (exact, and served
  by the price column as it is, instead of a float expression on SQLite).

A listing whose currency has no rate has no converted price: it sorts last and no bound
matches it. The visitor's own currency always converts to itself, even without a table.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db.models import Case, DecimalField, F, Q, Value, When
from django.db.models.functions import Cast

from marketplace.models import HOLD_MONEY
from payments.fx import Rates

_PLACES = Decimal(1).scaleb(-HOLD_MONEY["decimal_places"])
# The largest amount the price column holds: a bound beyond it cannot be written in SQL.
_MAX_STORED = Decimal(10) ** (HOLD_MONEY["max_digits"] - HOLD_MONEY["decimal_places"]) - _PLACES


def factors_into(currency: str, rates: Rates | None) -> dict[str, Decimal]:
    """Listing currency → what one unit of it is worth in `currency`."""
    factors = {currency: Decimal(1)} if currency else {}
    if rates is not None and currency and rates.has(currency):
        target = rates.rate(currency)
        for code in (rates.base, *rates.rates):
            if code != currency:
                factors[code] = target / rates.rate(code)
    return factors


def price_in(currency: str, rates: Rates | None) -> Case | Cast:
    """The listing's price in `currency`, NULL when its currency has no rate."""
    whens = [
        When(price_currency=code, then=F("price") * Value(factor, output_field=DecimalField()))
        for code, factor in sorted(factors_into(currency, rates).items())
    ]
    if not whens:
        # PostgreSQL refuses a bare `ORDER BY NULL`; a typed NULL is an expression.
        return Cast(Value(None), output_field=DecimalField(max_digits=30, decimal_places=10))
    return Case(*whens, default=Value(None), output_field=DecimalField())


def price_within(
    currency: str, rates: Rates | None, *, low: Decimal | None, high: Decimal | None
) -> Q:
    """Listings whose price, converted into `currency`, lies in [low, high] (either optional)."""
    matches = Q(pk__in=[])
    for code, factor in sorted(factors_into(currency, rates).items()):
        branch = Q(price_currency=code)
        if low is not None:
            # Prices have 4 places: price ≥ x exactly when price ≥ x rounded up to 4 places.
            floor_here = (low / factor).quantize(_PLACES, rounding=ROUND_CEILING)
            if floor_here > _MAX_STORED:
                continue
            branch &= Q(price__gte=floor_here)
        if high is not None:
            ceiling_here = (high / factor).quantize(_PLACES, rounding=ROUND_FLOOR)
            if ceiling_here <= _MAX_STORED:
                branch &= Q(price__lte=ceiling_here)
        matches |= branch
    return matches
