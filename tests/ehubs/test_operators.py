"""Hub scope: which hubs a user operates and which countries they serve, and the operators'
group built from what each app declares."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from ehubs.selectors import operator_countries, operator_hubs
from ehubs.services import HUB_OPERATORS_GROUP, hub_operator_group_ensure, hub_operator_permissions
from tests.ehubs.factories import HubFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubs() -> dict[str, object]:
    return {
        "LGG": HubFactory.create(code="LGG", country="BE", serves=["BE", "NL", "LU"]),
        "HGH": HubFactory.create(code="HGH", country="CN", serves=["CN"]),
    }


def test_an_operator_runs_their_hubs_and_serves_their_countries(hubs: dict[str, object]) -> None:
    user = User.objects.create_user("op", is_staff=True)
    user.operated_hubs.add(hubs["LGG"])  # type: ignore[arg-type]

    assert [h.code for h in operator_hubs(user=user)] == ["LGG"]
    assert operator_countries(user=user) == frozenset({"BE", "NL", "LU"})


def test_a_superuser_runs_every_hub_and_every_country(hubs: dict[str, object]) -> None:
    root = User.objects.create_superuser("root", password="x")

    assert [h.code for h in operator_hubs(user=root)] == ["HGH", "LGG"]
    assert operator_countries(user=root) is None


def test_staff_without_hubs_and_deactivated_operators_run_nothing(
    hubs: dict[str, object],
) -> None:
    staff = User.objects.create_user("staff", is_staff=True)
    gone = User.objects.create_user("gone", is_staff=True, is_active=False)
    gone.operated_hubs.add(hubs["HGH"])  # type: ignore[arg-type]

    for user in (staff, gone):
        assert list(operator_hubs(user=user)) == []
        assert operator_countries(user=user) == frozenset()


def test_each_app_declares_its_operator_permissions() -> None:
    declared = hub_operator_permissions()

    assert declared["marketplace.listing"] == ("view", "change")
    assert declared["ehubs.corridor"] == ("view", "add", "change")
    assert declared["customs.tariffrow"] == ("view", "add", "change", "delete")
    assert declared["payments.ratetable"] == ("view",)
    assert not any(label.startswith("auth.") for label in declared)


def test_the_operators_group_holds_exactly_the_declared_permissions() -> None:
    group = hub_operator_group_ensure()
    hub_operator_group_ensure()  # idempotent

    have = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    wanted = {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in hub_operator_permissions().items()
        for action in actions
    }
    assert have == wanted
    assert Group.objects.filter(name=HUB_OPERATORS_GROUP).count() == 1
