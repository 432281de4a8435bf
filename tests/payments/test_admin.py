from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from ehubs.services import HUB_OPERATORS_GROUP
from payments.models import RateTable
from payments.services import rates_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def table() -> RateTable:
    rates_import(data={"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.8650"}})
    return RateTable.objects.get()


def test_superuser_rate_pages_load(admin_client: Client, table: RateTable) -> None:
    changelist = admin_client.get(reverse("admin:payments_ratetable_changelist"))
    change = admin_client.get(reverse("admin:payments_ratetable_change", args=[table.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert b'name="rates-0-rate"' in change.content


def test_hub_operator_sees_rates_read_only(table: RateTable) -> None:
    user = UserFactory.create(username="rates-reader", is_staff=True)
    user.groups.add(Group.objects.get(name=HUB_OPERATORS_GROUP))
    client = Client()
    client.force_login(user)
    url = reverse("admin:payments_ratetable_change", args=[table.pk])

    page = client.get(url)

    assert page.status_code == 200
    assert b"0.8650" in page.content
    assert b'name="rates-0-rate"' not in page.content
    assert client.post(url, {"base": "EUR"}).status_code == 403
    assert client.get(reverse("admin:payments_ratetable_add")).status_code == 403


def test_rate_table_filter_offers_only_the_bases_loaded(admin_client: Client) -> None:
    rates_import(data={"base": "USD", "date": "2026-11-23", "rates": {"EUR": "0.8650"}})
    rates_import(data={"base": "EUR", "date": "2026-11-23", "rates": {"USD": "1.1561"}})

    page = admin_client.get(reverse("admin:payments_ratetable_changelist")).content.decode()

    sidebar = page[page.index('id="changelist-filter"') :]
    assert "base=EUR" in sidebar
    assert "base=USD" in sidebar
    # Not every currency in the world, with the ones never loaded leading the list.
    assert "Andorran Peseta" not in sidebar
    assert "Afghan Afghani" not in sidebar
