"""Clearance modes in admin: an operator keeps their own hubs' modes, and the model's rules (one
default mode per hub and direction, a limit needs its currency) are messages on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from customs.models import ClearanceMode
from ehubs.models import Hub

pytestmark = pytest.mark.django_db
MODES = reverse("admin:customs_clearancemode_changelist")
ADD = reverse("admin:customs_clearancemode_add")


@pytest.fixture
def desk(operator_be: User) -> Client:
    """The Liège operator (tests/customs/conftest.py), with modes at Liège and elsewhere."""
    for hub in Hub.objects.all():
        ClearanceMode.objects.create(
            hub=hub, code="ECOM", name="E-commerce", default_for_export=True
        )
    client = Client()
    client.force_login(operator_be)
    return client


def form(hub: Hub, **fields: str) -> dict[str, Any]:
    return {
        "hub": hub.pk,
        "code": "POST",
        "name": "Postal consignment",
        "description": "",
        "auto_clear_limit": "",
        "limit_currency": "",
    } | fields


def test_an_operator_lists_only_their_hubs_modes(desk: Client) -> None:
    response = desk.get(MODES)

    assert [m.hub.code for m in response.context["cl"].result_list] == ["LGG"]


def test_the_hub_field_offers_only_the_operators_hubs(desk: Client) -> None:
    response = desk.get(ADD)

    choices = response.context["adminform"].form.fields["hub"].queryset
    assert [hub.code for hub in choices] == ["LGG"]


def test_the_add_form_starts_with_the_operators_only_hub(desk: Client) -> None:
    response = desk.get(ADD)

    assert response.context["adminform"].form.initial["hub"] == Hub.objects.get(code="LGG").pk


def test_an_operator_adds_a_mode_for_their_hub(desk: Client) -> None:
    lgg = Hub.objects.get(code="LGG")

    response = desk.post(ADD, form(lgg, auto_clear_limit="150", limit_currency="EUR"))

    assert response.status_code == 302
    assert ClearanceMode.objects.get(hub=lgg, code="POST").limit_currency == "EUR"


def test_a_mode_for_another_hub_is_refused(desk: Client) -> None:
    other = Hub.objects.exclude(code="LGG").first()
    assert other is not None

    response = desk.post(ADD, form(other))

    assert response.status_code == 200
    assert "hub" in response.context["adminform"].form.errors
    assert not ClearanceMode.objects.filter(code="POST").exists()


def test_a_second_default_export_mode_for_a_hub_is_explained(desk: Client) -> None:
    lgg = Hub.objects.get(code="LGG")

    response = desk.post(ADD, form(lgg, default_for_export="on"))

    assert "This hub already has a default export mode." in response.content.decode()
    assert not ClearanceMode.objects.filter(code="POST").exists()


def test_a_limit_without_its_currency_is_explained(desk: Client) -> None:
    lgg = Hub.objects.get(code="LGG")

    response = desk.post(ADD, form(lgg, auto_clear_limit="150"))

    assert "Give the currency of the auto-clear limit." in response.content.decode()
    assert not ClearanceMode.objects.filter(code="POST").exists()


def test_a_code_the_hub_already_has_is_explained(desk: Client) -> None:
    lgg = Hub.objects.get(code="LGG")

    response = desk.post(ADD, form(lgg, code="ECOM"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert ClearanceMode.objects.filter(hub=lgg).count() == 1
