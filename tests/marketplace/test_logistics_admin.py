"""Logistics partners in admin: superusers add them (the webhook secret is generated and shown),
read and rotate the secret; other staff see nothing of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import LogisticsPartner
from tests.factories import UserFactory
from tests.shipping import partner

pytestmark = pytest.mark.django_db


def test_a_superuser_adds_a_partner_and_is_shown_its_generated_secret(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        reverse("admin:marketplace_logisticspartner_add"),
        {"code": "dhl", "name": "DHL eCommerce", "active": "on"},
        follow=True,
    )

    added = LogisticsPartner.objects.get(code="dhl")
    assert len(added.secret) == 43
    page = response.content.decode()
    assert f"DHL eCommerce&#x27;s webhook secret is {added.secret}" in page
    change = admin_client.get(reverse("admin:marketplace_logisticspartner_change", args=[added.pk]))
    assert added.secret in change.content.decode()


def test_rotating_gives_a_new_secret(admin_client: Client) -> None:
    cainiao = partner()
    old = cainiao.secret

    response = admin_client.post(
        reverse("admin:marketplace_logisticspartner_changelist"),
        {"action": "rotate_secret", "_selected_action": [str(cainiao.pk)]},
        follow=True,
    )

    cainiao.refresh_from_db()
    assert cainiao.secret != old
    assert f"Cainiao Network: the new secret is {cainiao.secret}" in response.content.decode()


def test_staff_who_are_not_superusers_cannot_see_partners(client: Client) -> None:
    cainiao = partner()
    client.force_login(UserFactory.create(is_staff=True))

    changelist = client.get(reverse("admin:marketplace_logisticspartner_changelist"))
    change = client.get(reverse("admin:marketplace_logisticspartner_change", args=[cainiao.pk]))

    assert changelist.status_code == 403
    assert cainiao.secret not in change.content.decode()
    assert "Logistics partners" not in client.get(reverse("admin:index")).content.decode()
