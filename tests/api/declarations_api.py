"""Helpers for the declarations API tests: paid orders whose declarations the clearance job has
screened (the trade world's sellers are unverified, so they wait in review), and hub operators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from customs.models import Declaration
from ehubs.models import Hub
from marketplace.models import Order
from marketplace.orders import order_pay
from tests.factories import UserFactory
from tests.trade import GOOD_CARD, Trade, place

DECLARATIONS = "/api/v1/declarations/"

# pytest-django's `django_capture_on_commit_callbacks`.
CaptureCommits = Callable[..., AbstractContextManager[Any]]


def declaration_url(declaration: Declaration) -> str:
    return f"{DECLARATIONS}{declaration.pk}/"


def decide_url(declaration: Declaration) -> str:
    return f"{DECLARATIONS}{declaration.pk}/decide/"


def operator(*hub_codes: str) -> User:
    """A staff user who operates these hubs (as the admin's "Hub operators" are)."""
    user = UserFactory.create(is_staff=True)
    for code in hub_codes:
        Hub.objects.get(code=code).operators.add(user)
    return user


def paid(trade: Trade, captured: CaptureCommits, *lines: Any, **kwargs: Any) -> Order:
    """A paid order of `lines`, its declarations filed and screened by the (eager) clearance
    job that runs after the payment's commit."""
    (order,) = place(trade, list(lines), **kwargs)
    with captured(execute=True):
        order_pay(order=order, card_number=GOOD_CARD)
    order.refresh_from_db()
    return order


def declarations(order: Order) -> Iterator[Declaration]:
    """The order's declarations: export (origin hub) then import (destination hub)."""
    return iter(Declaration.objects.filter(reference=order.reference).order_by("direction"))


@dataclass
class Filed:
    """Two paid orders, one per seller, each with an export at HGH and an import at LGG."""

    order: Order  # the seller's
    export: Declaration
    import_: Declaration
    other_order: Order  # the other seller's
    other_export: Declaration
    other_import: Declaration

    def ids(self) -> set[int]:
        return {d.pk for d in (self.export, self.import_, self.other_export, self.other_import)}


def filed(trade: Trade, captured: CaptureCommits) -> Filed:
    order = paid(trade, captured, (trade.shirt, 2))
    other = paid(trade, captured, (trade.book, 1))
    export, import_ = declarations(order)
    other_export, other_import = declarations(other)
    return Filed(order, export, import_, other, other_export, other_import)
