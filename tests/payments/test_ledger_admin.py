"""The ledger and payments in admin: superusers read them, nobody adds, changes or deletes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import Account, Entry, Payment
from payments.services import payment_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment() -> Payment:
    return payment_take(
        reference="order:42",
        amount=Decimal("4500000"),
        currency="VND",
        card_number="4242424242424242",
    )


def test_an_entry_shows_its_postings_with_their_amounts(
    admin_client: Client, payment: Payment
) -> None:
    entry = Entry.objects.get()
    page = admin_client.get(reverse("admin:payments_entry_change", args=[entry.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "VND 4,500,000" in content and "VND -4,500,000" in content
    assert "provider:sandbox" in content
    assert 'name="_save"' not in content  # read-only: no save button


def test_accounts_show_their_derived_balances(admin_client: Client, payment: Payment) -> None:
    escrow = Account.objects.get(code="escrow")
    page = admin_client.get(reverse("admin:payments_account_change", args=[escrow.pk]))
    assert "VND -4,500,000" in page.content.decode()


def test_payments_list_with_their_amounts(admin_client: Client, payment: Payment) -> None:
    page = admin_client.get(reverse("admin:payments_payment_changelist"))
    assert page.status_code == 200
    assert "VND 4,500,000" in page.content.decode()


@pytest.mark.parametrize("model", ["account", "entry", "payment"])
def test_not_even_a_superuser_adds_changes_or_deletes(
    admin_client: Client, payment: Payment, model: str
) -> None:
    obj = {"account": Account, "entry": Entry, "payment": Payment}[model]._default_manager.first()
    assert obj is not None
    assert admin_client.get(reverse(f"admin:payments_{model}_add")).status_code == 403
    change = reverse(f"admin:payments_{model}_change", args=[obj.pk])
    assert admin_client.post(change, {"memo": "x", "status": "refunded"}).status_code == 403
    delete = reverse(f"admin:payments_{model}_delete", args=[obj.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Payment.objects.get().status == "captured"
    assert Entry.objects.count() == 1
