"""route_cheapest over plain data: no database."""

from __future__ import annotations

from decimal import Decimal

from ehubs.routing import Leg, Network, Route, route_cheapest
from payments.fx import Rates

RATES = Rates(base="USD", rates={"EUR": Decimal("0.80"), "CNY": Decimal("7.00")})
W1 = Decimal(1)


def to_usd(amount: Decimal, currency: str) -> Decimal:
    return RATES.convert(amount, currency, "USD")


def leg(a: str, b: str, fee: str, *, days: int = 1, per_kg: str = "0", cur: str = "USD") -> Leg:
    return Leg(a, b, days, cur, Decimal(fee), Decimal(per_kg))


def net(*legs: Leg) -> Network:
    return Network.build(serves={}, legs=legs)


def test_cheapest_path_beats_an_expensive_direct_corridor() -> None:
    network = net(leg("A", "C", "100"), leg("A", "B", "30"), leg("B", "C", "30"))

    route = route_cheapest(network, "A", "C", W1, to_usd)

    assert route is not None
    assert route.hubs == ["A", "B", "C"]


def test_costs_are_compared_in_usd_not_in_their_own_currencies() -> None:
    # 70 CNY = 10 USD beats 20 EUR = 25 USD, though 70 > 20.
    network = net(
        leg("A", "X", "20", cur="EUR"),
        leg("X", "C", "0"),
        leg("A", "Y", "70", cur="CNY"),
        leg("Y", "C", "0"),
    )

    route = route_cheapest(network, "A", "C", W1, to_usd)

    assert route is not None
    assert route.hubs == ["A", "Y", "C"]


def test_equal_cost_is_won_by_fewer_transit_days() -> None:
    network = net(
        leg("A", "X", "10", days=5),
        leg("X", "C", "10", days=5),
        leg("A", "Y", "10", days=3),
        leg("Y", "C", "10", days=3),
    )

    route = route_cheapest(network, "A", "C", W1, to_usd)

    assert route is not None
    assert route.hubs == ["A", "Y", "C"]
    assert route.transit_days == 6


def test_equal_cost_and_days_is_won_by_fewer_legs() -> None:
    network = net(
        leg("A", "B", "10", days=2), leg("B", "C", "10", days=2), leg("A", "C", "20", days=4)
    )

    route = route_cheapest(network, "A", "C", W1, to_usd)

    assert route is not None
    assert route.hubs == ["A", "C"]


def test_no_path_gives_none() -> None:
    network = net(leg("A", "B", "10"), leg("C", "A", "10"))  # corridors are directed

    assert route_cheapest(network, "A", "C", W1, to_usd) is None
    assert route_cheapest(network, "B", "A", W1, to_usd) is None


def test_same_hub_gives_an_empty_route() -> None:
    route = route_cheapest(net(leg("A", "B", "10")), "A", "A", W1, to_usd)

    assert route == Route(legs=())
    assert route.hubs == []
    assert route.transit_days == 0


def test_weight_changes_the_cheapest_path_through_per_kg() -> None:
    # Direct: 5 + 10/kg. Via B: 20 + 1/kg each leg (40 + 2/kg). Break-even at 35/8 kg.
    network = net(
        leg("A", "C", "5", per_kg="10"),
        leg("A", "B", "20", per_kg="1"),
        leg("B", "C", "20", per_kg="1"),
    )

    light = route_cheapest(network, "A", "C", Decimal("0.5"), to_usd)
    heavy = route_cheapest(network, "A", "C", Decimal("10"), to_usd)

    assert light is not None and light.hubs == ["A", "C"]
    assert heavy is not None and heavy.hubs == ["A", "B", "C"]


def test_leg_cost_is_base_fee_plus_per_kg_times_weight() -> None:
    assert leg("A", "B", "4.00", per_kg="6.50").cost(Decimal("2.5")) == Decimal("20.25")
