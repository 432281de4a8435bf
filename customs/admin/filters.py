"""The review queue's filters: hubs (only the user's), age, and the screening rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from customs.screening import RULES
from customs.selectors import declarations_with_rule
from ehubs.selectors import operator_hubs


class _Choice(admin.SimpleListFilter):
    """A filter whose values are its own choices: any other value is a changed link (400)."""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if value not in {str(key) for key, _ in self.lookup_choices}:
            raise BadRequest(f"{value!r} is not a choice of the {self.title} filter.")
        return self.narrow(queryset, value)

    def narrow(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        raise NotImplementedError


class HubFilter(_Choice):
    """Only the hubs the user operates."""

    title = "hub"
    parameter_name = "hub"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(hub.code, str(hub)) for hub in operator_hubs(user=request.user)]

    def narrow(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return queryset.filter(hub__code=value)


AGES = {
    "hour": ("under 1 hour", None, timedelta(hours=1)),
    "day": ("1–24 hours", timedelta(hours=1), timedelta(days=1)),
    "older": ("over 1 day", timedelta(days=1), None),
    "week": ("over 1 week", timedelta(weeks=1), None),
}


class AgeFilter(_Choice):
    """Time since the declaration was filed."""

    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _, _) in AGES.items()]

    def narrow(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        _, at_least, under = AGES[value]
        now = timezone.now()
        if at_least is not None:
            queryset = queryset.filter(submitted_at__lte=now - at_least)
        if under is not None:
            queryset = queryset.filter(submitted_at__gt=now - under)
        return queryset


class ReasonFilter(_Choice):
    """The screening rules among the declaration's current reasons."""

    title = "reason"
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(RULES.items())

    def narrow(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return declarations_with_rule(declarations=queryset, rule=value)
