"""Links to the hub dashboards (marketplace.admin.dashboard) for the admin's pages:
`{% hub_dashboards as links %}` on the index, `{% hub_dashboard_link hub as url %}` on a hub's
page. Only the hubs the user operates (every hub for a superuser) get a link."""

from __future__ import annotations

from typing import Any

from django import template

from ehubs.models import Hub
from ehubs.selectors import operator_hubs
from marketplace.admin.dashboard import hub_dashboard_url

register = template.Library()


def _user(context: template.Context) -> Any:
    request: Any = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def hub_dashboards(context: template.Context) -> list[tuple[Hub, str]]:
    user = _user(context)
    if user is None:
        return []
    return [(hub, hub_dashboard_url(hub)) for hub in operator_hubs(user=user)]


@register.simple_tag(takes_context=True)
def hub_dashboard_link(context: template.Context, hub: Any) -> str:
    user = _user(context)
    if user is None or not isinstance(hub, Hub):
        return ""
    if not operator_hubs(user=user).filter(pk=hub.pk).exists():
        return ""
    return hub_dashboard_url(hub)
