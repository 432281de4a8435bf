"""`{% operator_scope %}`: the line at the top of every admin page saying which hubs the user
runs and which countries those hubs serve (ehubs.selectors, the one hub scope)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_countries import countries

from ehubs.selectors import operator_countries, operator_hubs

register = template.Library()


def operator_scope_text(*, user: AbstractBaseUser | AnonymousUser) -> str:
    """ "You operate LGG — Liège eHub, serving Belgium, Netherlands." and the like; "" for a
    user who is not staff (the login page)."""
    if not user.is_authenticated or not getattr(user, "is_staff", False):
        return ""
    if getattr(user, "is_superuser", False):
        return "Superuser: every hub."
    hubs = [f"{hub.code} — {hub.name}" for hub in operator_hubs(user=user)]
    if not hubs:
        return "You operate no hub yet: ask an administrator to add you to a hub's operators."
    names = sorted(countries.name(code) for code in operator_countries(user=user) or ())
    serving = f"serving {', '.join(names)}" if names else "serving no country yet"
    return f"You operate {_and(hubs)}, {serving}."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@register.simple_tag(takes_context=True)
def operator_scope(context: template.Context) -> str:
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    return operator_scope_text(user=user) if user is not None else ""
