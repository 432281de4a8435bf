from __future__ import annotations

from typing import Any

import pytest

from ehubs.models import Corridor
from ehubs.selectors import hub_serving, hubs_list, network_current
from ehubs.services import network_import
from tests.ehubs.factories import CorridorFactory, HubFactory

pytestmark = pytest.mark.django_db


def test_network_is_built_in_three_queries_and_then_served_from_memory(
    network_doc: dict[str, Any], django_assert_num_queries: Any
) -> None:
    network_import(data=network_doc)

    with django_assert_num_queries(3):
        network = network_current()
    with django_assert_num_queries(0):
        assert network_current() is network

    assert network.hub_for_country["DE"] == "LGG"
    assert [(leg.from_hub, leg.to_hub) for leg in network.corridors_from["HGH"]] == [("HGH", "LGG")]
    assert network.same_customs_territory("BE", "DE")
    assert not network.same_customs_territory("BE", "CN")


def test_network_is_rebuilt_after_an_import(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    assert network_current().corridors_from["HGH"][0].transit_days == 6

    network_doc["corridors"][0]["transit_days"] = 5
    network_import(data=network_doc)

    assert network_current().corridors_from["HGH"][0].transit_days == 5


def test_network_is_rebuilt_after_an_edit_outside_the_import(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)
    assert network_current().hub_for_country.get("RW") is None

    HubFactory.create(code="KGL", country="RW", serves=["RW"])  # as an admin edit would
    assert network_current().hub_for_country["RW"] == "KGL"

    Corridor.objects.get().delete()
    assert "HGH" not in network_current().corridors_from


def test_hub_serving_finds_the_hub_of_a_country(network_doc: dict[str, Any]) -> None:
    network_import(data=network_doc)

    hub = hub_serving("NL")

    assert hub is not None and hub.code == "LGG"
    assert hub_serving("RW") is None


def test_hubs_list_prefetches_served_countries(django_assert_num_queries: Any) -> None:
    CorridorFactory.create(
        from_hub=HubFactory.create(code="AAA", serves=["CN"]),
        to_hub=HubFactory.create(code="BBB", serves=["BE", "NL"]),
    )

    with django_assert_num_queries(2):
        served = {
            hub.code: sorted(str(hc.country) for hc in hub.countries.all()) for hub in hubs_list()
        }

    assert served == {"AAA": ["CN"], "BBB": ["BE", "NL"]}
