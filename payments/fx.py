"""Currency conversion over one table of rates against a base (pure: no ORM)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class MissingRate(LookupError):
    """A currency has no rate in the table in use."""

    def __init__(self, currency: str) -> None:
        super().__init__(f"No exchange rate for {currency}.")
        self.currency = currency


@dataclass(frozen=True)
class Rates:
    """`rates[X]` units of X per 1 unit of `base`; the base itself is 1."""

    base: str
    rates: Mapping[str, Decimal]
    date: date | None = None
    _all: dict[str, Decimal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_all", {**self.rates, self.base: Decimal(1)})

    def rate(self, currency: str) -> Decimal:
        try:
            return self._all[currency]
        except KeyError:
            raise MissingRate(currency) from None

    def has(self, currency: str) -> bool:
        return currency in self._all

    def convert(self, amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
        """amount_X → Y = amount × rate[Y] / rate[X], at full precision."""
        if from_currency == to_currency:
            return amount
        return amount * self.rate(to_currency) / self.rate(from_currency)

    def as_dict(self, currencies: set[str] | None = None) -> dict[str, str]:
        """The record kept on quotes: the base and the rates that were used."""
        key = frozenset(currencies if currencies is not None else self._all)
        memo: dict[frozenset[str], dict[str, str]] = self.__dict__.setdefault("_as_dict", {})
        if key not in memo:
            memo[key] = {
                "base": self.base,
                **{c: f"{self.rate(c).normalize():f}" for c in sorted(key) if c != self.base},
            }
        return dict(memo[key])
