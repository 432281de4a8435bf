"""Where the marketplace delivers: the destinations the landed-cost engine can quote.

The engine (customs/landed_cost.py) delivers to a country only through the eHub that serves it
(otherwise `no_route`), and prices the import with the country's customs profile (otherwise
`not_served`), unless no border is crossed: goods from the same country or customs union need
no profile. So a served country with a profile takes goods from the whole network; one without a
profile only from sellers in its own customs territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django_countries import countries

from customs.selectors import tariff_index_current
from ehubs.selectors import network_current


@dataclass(frozen=True)
class Destination:
    country: str
    hub: str  # the code of the eHub that serves it
    # Customs unions it belongs to; without a profile, only goods from inside them (or from the
    # country itself) can be delivered.
    unions: tuple[str, ...] = ()
    imports: bool = True  # it has a customs profile: goods from anywhere on the network
    # The member countries of each of those unions, by union code, for buyers who do not know
    # what "the EAC" is.
    union_members: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def name(self) -> str:
        return str(countries.name(self.country)) or self.country

    @property
    def within(self) -> str:
        """Where goods must come from when imports cannot be priced: "Belgium", or "the EAC
        (Kenya, Rwanda, Tanzania, Uganda)"."""
        if not self.unions:
            return self.name
        members = dict(self.union_members)
        return " or ".join(_union_named(u, members.get(u, ())) for u in self.unions)


def _union_named(code: str, members: tuple[str, ...]) -> str:
    names = sorted(str(countries.name(c)) or c for c in members)
    return f"the {code} ({', '.join(names)})" if names else f"the {code}"


def destinations_served(*, on: date | None = None) -> list[Destination]:
    """Every country an eHub serves, by name, with what the engine can deliver there today."""
    on = on or timezone.localdate()
    network, tariff = network_current(), tariff_index_current()
    members: dict[str, list[str]] = {}
    for member, member_of in network.unions_of_country.items():
        for union in member_of:
            members.setdefault(union, []).append(member)
    served = []
    for country, hub in network.hub_for_country.items():
        unions = tuple(sorted(network.unions_of_country.get(country, ())))
        served.append(
            Destination(
                country=country,
                hub=hub,
                unions=unions,
                imports=tariff.profile(country, on=on) is not None,
                union_members=tuple((u, tuple(sorted(members.get(u, ())))) for u in unions),
            )
        )
    return sorted(served, key=lambda d: d.name)


def destination_of(country: str, *, on: date | None = None) -> Destination | None:
    """What the engine can deliver to `country`, or None when no eHub serves it."""
    return next((d for d in destinations_served(on=on) if d.country == country), None)
