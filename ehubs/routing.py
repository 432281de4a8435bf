"""Cheapest route over the e-road's directed corridors (pure: no ORM)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Leg:
    from_hub: str
    to_hub: str
    transit_days: int
    currency: str
    base_fee: Decimal
    per_kg: Decimal

    def cost(self, weight_kg: Decimal) -> Decimal:
        """base_fee + per_kg × W, in the leg's currency."""
        return self.base_fee + self.per_kg * weight_kg


@dataclass(frozen=True)
class Route:
    legs: tuple[Leg, ...]

    @property
    def hubs(self) -> list[str]:
        if not self.legs:
            return []
        return [self.legs[0].from_hub, *(leg.to_hub for leg in self.legs)]

    @property
    def transit_days(self) -> int:
        return sum(leg.transit_days for leg in self.legs)


@dataclass(frozen=True)
class Network:
    """Which hub serves each country, the corridors out of each hub, and the customs unions."""

    hub_for_country: Mapping[str, str]
    corridors_from: Mapping[str, tuple[Leg, ...]]
    unions_of_country: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Routes already found, by (origin, destination, weight): the same listing is quoted again
    # and again (pages, cart, API). Each entry remembers the rates it was priced with.
    _routes: dict[tuple[str, str, Decimal], tuple[object, Route | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        *,
        serves: Mapping[str, Iterable[str]],
        legs: Iterable[Leg],
        unions: Mapping[str, Iterable[str]] | None = None,
    ) -> Network:
        hub_for_country = {c: hub for hub, countries in serves.items() for c in countries}
        out: dict[str, list[Leg]] = {}
        for leg in legs:
            out.setdefault(leg.from_hub, []).append(leg)
        member_of: dict[str, set[str]] = {}
        for code, members in (unions or {}).items():
            for country in members:
                member_of.setdefault(country, set()).add(code)
        return cls(
            hub_for_country=hub_for_country,
            corridors_from={hub: tuple(v) for hub, v in out.items()},
            unions_of_country={c: frozenset(u) for c, u in member_of.items()},
        )

    def same_customs_territory(self, a: str, b: str) -> bool:
        """True when no border is crossed: the same country, or both in one customs union."""
        if a == b:
            return True
        return bool(
            self.unions_of_country.get(a, frozenset()) & self.unions_of_country.get(b, frozenset())
        )


ROUTE_CACHE_SIZE = 50_000


def route_cheapest_cached(
    network: Network,
    origin_hub: str,
    destination_hub: str,
    weight_kg: Decimal,
    to_usd: Callable[[Decimal, str], Decimal],
    priced_with: object,
) -> Route | None:
    """`route_cheapest`, remembered on the network while `priced_with` (the rates) is the same
    object; a new network or a new rate table starts afresh."""
    key = (origin_hub, destination_hub, weight_kg)
    hit = network._routes.get(key)
    if hit is not None and hit[0] is priced_with:
        return hit[1]
    route = route_cheapest(network, origin_hub, destination_hub, weight_kg, to_usd)
    if len(network._routes) >= ROUTE_CACHE_SIZE:
        network._routes.clear()
    network._routes[key] = (priced_with, route)
    return route


def route_cheapest(
    network: Network,
    origin_hub: str,
    destination_hub: str,
    weight_kg: Decimal,
    to_usd: Callable[[Decimal, str], Decimal],
) -> Route | None:
    """Lowest total shipping cost in USD; ties: fewer transit days, then fewer legs.

    Dijkstra over (cost, days, legs) compared in that order: every part only grows along a
    path, so the first time a hub is settled its key is its best.
    """
    if origin_hub == destination_hub:
        return Route(legs=())
    start: tuple[Decimal, int, int] = (Decimal(0), 0, 0)
    best: dict[str, tuple[Decimal, int, int]] = {origin_hub: start}
    counter = 0  # keeps heap entries comparable without comparing legs
    queue: list[tuple[Decimal, int, int, int, str, tuple[Leg, ...]]] = [
        (Decimal(0), 0, 0, counter, origin_hub, ())
    ]
    settled: set[str] = set()
    while queue:
        cost, days, n, _, hub, path = heapq.heappop(queue)
        if hub in settled:
            continue
        settled.add(hub)
        if hub == destination_hub:
            return Route(legs=path)
        for leg in network.corridors_from.get(hub, ()):
            if leg.to_hub in settled:
                continue
            key = (cost + to_usd(leg.cost(weight_kg), leg.currency), days + leg.transit_days, n + 1)
            if leg.to_hub not in best or key < best[leg.to_hub]:
                best[leg.to_hub] = key
                counter += 1
                heapq.heappush(queue, (*key, counter, leg.to_hub, (*path, leg)))
    return None
