from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from ehubs.models import Corridor, Hub
from ehubs.services import HUB_OPERATORS_GROUP
from tests.ehubs.factories import CorridorFactory, CustomsUnionFactory, HubFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubs() -> dict[str, Hub]:
    return {
        "HGH": HubFactory.create(code="HGH", serves=["CN"]),
        "LGG": HubFactory.create(code="LGG", country="BE", currency="EUR", serves=["BE"]),
        "KGL": HubFactory.create(code="KGL", country="RW", currency="RWF", serves=["RW"]),
    }


@pytest.fixture
def operator_client(hubs: dict[str, Hub]) -> Client:
    """A staff user in the hub operators' group who operates HGH only."""
    user = UserFactory.create(username="hgh-operator", is_staff=True)
    user.groups.add(Group.objects.get(name=HUB_OPERATORS_GROUP))
    hubs["HGH"].operators.add(user)
    client = Client()
    client.force_login(user)
    return client


def _corridor_form(corridor: Corridor, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "from_hub": corridor.from_hub_id,
        "to_hub": corridor.to_hub_id,
        "transit_days": corridor.transit_days,
        "currency": corridor.currency,
        "base_fee": corridor.base_fee,
        "per_kg": corridor.per_kg,
    }
    data.update(changes)
    return data


def test_hub_operators_group_may_view_hubs_and_rates_and_add_and_change_corridors() -> None:
    codenames = set(
        Group.objects.get(name=HUB_OPERATORS_GROUP).permissions.values_list("codename", flat=True)
    )

    assert {"view_hub", "view_corridor", "add_corridor", "change_corridor"} <= codenames
    assert {"view_ratetable", "view_fxrate"} <= codenames
    assert not {"change_hub", "delete_corridor", "change_fxrate"} & codenames


def test_operator_changes_a_corridor_leaving_their_hub(
    operator_client: Client, hubs: dict[str, Hub]
) -> None:
    corridor = CorridorFactory.create(from_hub=hubs["HGH"], to_hub=hubs["LGG"])
    url = reverse("admin:ehubs_corridor_change", args=[corridor.pk])

    response = operator_client.post(url, _corridor_form(corridor, per_kg="5.75"))

    assert response.status_code == 302
    corridor.refresh_from_db()
    assert corridor.per_kg == Decimal("5.75")


def test_operator_cannot_change_a_corridor_leaving_another_hub(
    operator_client: Client, hubs: dict[str, Hub]
) -> None:
    corridor = CorridorFactory.create(from_hub=hubs["LGG"], to_hub=hubs["KGL"], per_kg=Decimal("3"))
    url = reverse("admin:ehubs_corridor_change", args=[corridor.pk])

    page = operator_client.get(url)
    response = operator_client.post(url, _corridor_form(corridor, per_kg="0.01"))

    assert page.status_code == 200  # shown read-only
    assert b'name="per_kg"' not in page.content
    assert response.status_code == 403
    corridor.refresh_from_db()
    assert corridor.per_kg == Decimal("3")


def test_operator_adds_corridors_only_from_their_hub(
    operator_client: Client, hubs: dict[str, Hub]
) -> None:
    url = reverse("admin:ehubs_corridor_add")
    form = {
        "to_hub": hubs["KGL"].pk,
        "transit_days": 5,
        "currency": "USD",
        "base_fee": "1",
        "per_kg": "2",
    }

    refused = operator_client.post(url, {**form, "from_hub": hubs["LGG"].pk})
    accepted = operator_client.post(url, {**form, "from_hub": hubs["HGH"].pk})

    assert refused.status_code == 200  # the form again, with "Select a valid choice"
    assert "from_hub" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert list(Corridor.objects.values_list("from_hub__code", "to_hub__code")) == [("HGH", "KGL")]


def test_operator_sees_hubs_read_only(operator_client: Client, hubs: dict[str, Hub]) -> None:
    url = reverse("admin:ehubs_hub_change", args=[hubs["LGG"].pk])

    assert operator_client.get(reverse("admin:ehubs_hub_changelist")).status_code == 200
    assert operator_client.get(url).status_code == 200
    assert operator_client.post(url, {"name": "Renamed"}).status_code == 403
    assert Hub.objects.get(code="LGG").name != "Renamed"


def test_superuser_admin_pages_load(admin_client: Client, hubs: dict[str, Hub]) -> None:
    corridor = CorridorFactory.create(from_hub=hubs["HGH"], to_hub=hubs["LGG"])
    union = CustomsUnionFactory.create(code="EU", members=["BE", "DE"])
    urls = [
        reverse("admin:ehubs_hub_changelist"),
        reverse("admin:ehubs_hub_changelist") + "?q=HGH&currency__exact=CNY",
        reverse("admin:ehubs_hub_add"),
        reverse("admin:ehubs_hub_change", args=[hubs["HGH"].pk]),
        reverse("admin:ehubs_corridor_changelist") + "?q=LGG",
        reverse("admin:ehubs_corridor_add"),
        reverse("admin:ehubs_corridor_change", args=[corridor.pk]),
        reverse("admin:ehubs_customsunion_changelist"),
        reverse("admin:ehubs_customsunion_change", args=[union.pk]),
    ]

    assert {url: admin_client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_superuser_changes_any_corridor(admin_client: Client, hubs: dict[str, Hub]) -> None:
    corridor = CorridorFactory.create(from_hub=hubs["LGG"], to_hub=hubs["KGL"])
    url = reverse("admin:ehubs_corridor_change", args=[corridor.pk])

    response = admin_client.post(url, _corridor_form(corridor, transit_days=9))

    assert response.status_code == 302
    corridor.refresh_from_db()
    assert corridor.transit_days == 9


def test_non_operator_staff_cannot_use_ehubs_admin(hubs: dict[str, Hub]) -> None:
    client = Client()
    client.force_login(UserFactory.create(username="plain-staff", is_staff=True))

    assert client.get(reverse("admin:ehubs_corridor_changelist")).status_code == 403
    assert isinstance(User.objects.get(username="plain-staff"), User)
