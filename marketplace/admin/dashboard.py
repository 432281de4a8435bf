"""The hub dashboard in admin: one page per hub with its trade and customs figures
(`marketplace.dashboard`), for the hub's operators and superusers.

- `/admin/dashboard/` lists the hubs the user operates (`ehubs.selectors.operator_hubs`; every
  hub for a superuser); an operator of one hub goes straight to its page.
- `/admin/dashboard/<CODE>/?days=7|30|90` is a hub's page; a hub the user does not operate is
  "not found" (404), like another hub's rows everywhere in admin. Any other `days` is the
  default period.
- Both are admin views: anyone not logged in as staff is sent to the admin's login.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from customs.admin.display import age_label
from customs.models import Declaration
from ehubs.models import HUB_CODE_PATTERN, Hub
from ehubs.selectors import operator_hubs
from marketplace.admin.charts import BarChart, Point, bar_chart
from marketplace.dashboard import (
    DEFAULT_PERIOD,
    PERIODS,
    Collected,
    Durations,
    HubDashboard,
    OrdersPerDay,
    Released,
    hub_dashboard,
    period_days,
    period_ending,
)
from payments.money import money_format

INDEX_URL = "admin-hub-dashboards"
HUB_URL = "admin-hub-dashboard"


def hub_dashboard_url(hub: Hub, *, days: int | None = None) -> str:
    url = reverse(HUB_URL, args=[hub.code])
    return f"{url}?{urlencode({'days': days})}" if days is not None else url


def dashboard_index(request: HttpRequest) -> HttpResponse:
    hubs = list(operator_hubs(user=request.user))
    if len(hubs) == 1 and not request.user.is_superuser:
        return HttpResponseRedirect(hub_dashboard_url(hubs[0]))
    context = {
        **admin.site.each_context(request),
        "title": "Hub dashboards",
        "hubs": [(hub, hub_dashboard_url(hub)) for hub in hubs],
    }
    return TemplateResponse(request, "admin/hub_dashboard/index.html", context)


def dashboard_hub(request: HttpRequest, code: str) -> HttpResponse:
    hub = operator_hubs(user=request.user).filter(code=code).first()
    if hub is None:
        raise Http404("No hub of yours has this code.")
    days = period_days(request.GET.get("days"))
    figures = hub_dashboard(hub=hub, period=period_ending(days=days, now=timezone.now()))
    context = {
        **admin.site.each_context(request),
        "title": f"{hub.code} dashboard",
        "subtitle": str(hub),
        "hub": hub,
        "d": figures,
        "periods": [
            (n, hub_dashboard_url(hub, days=n if n != DEFAULT_PERIOD else None), n == days)
            for n in PERIODS
        ],
        "orders_chart": orders_chart(figures.orders),
        "clearance_rows": clearance_rows(figures),
        "queue": queue_context(figures),
        "collected": [_amounts(c) for c in figures.collected],
        "released": [_amounts(r) for r in figures.payouts.released],
    }
    return TemplateResponse(request, "admin/hub_dashboard/hub.html", context)


def urls() -> list[URLPattern]:
    """Under `admin/` (ewtp/urls.py), before the admin's own."""
    return [
        path("dashboard/", admin.site.admin_view(dashboard_index), name=INDEX_URL),
        re_path(
            rf"^dashboard/(?P<code>{HUB_CODE_PATTERN.strip('^$')})/$",
            admin.site.admin_view(dashboard_hub),
            name=HUB_URL,
        ),
    ]


# --- What the page shows -----------------------------------------------------------------------


def orders_chart(orders: OrdersPerDay) -> BarChart:
    points = [
        Point(
            label=f"{d.day.day} {d.day:%b}",
            title=f"{d.day:%a} {d.day.day} {d.day:%b %Y}: {_orders(d.count)}",
            value=d.count,
        )
        for d in orders.days
    ]
    return bar_chart(points, x_title="Day of creation (UTC)", y_title="Orders")


def clearance_rows(figures: HubDashboard) -> list[dict[str, Any]]:
    times = figures.clearance
    return [
        _durations_row("All decisions", times.overall),
        _durations_row("Cleared automatically", times.automatic),
        _durations_row("Decided by an officer", times.reviewed),
    ]


def _durations_row(label: str, durations: Durations) -> dict[str, Any]:
    return {
        "label": label,
        "count": durations.count,
        "p50": duration_label(durations.p50),
        "p95": duration_label(durations.p95),
    }


def queue_context(figures: HubDashboard) -> dict[str, Any]:
    queue = figures.queue
    changelist = reverse("admin:customs_declaration_changelist")
    waiting = ",".join([Declaration.Status.REVIEW, Declaration.Status.HELD])
    return {
        "size": queue.size,
        "in_review": queue.in_review,
        "held": queue.held,
        "oldest": age_label(queue.oldest) if queue.oldest is not None else "—",
        "median": age_label(queue.median_age) if queue.median_age is not None else "—",
        "url": f"{changelist}?{urlencode({'hub': figures.hub.code, 'status__in': waiting})}",
    }


def duration_label(seconds: float | None) -> str:
    """A clearance time as the page says it: "0.4 s", "42 s", "3 min 5 s", "2 h 10 min",
    "3 days 4 h"; "—" for none."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, mins = divmod(minutes, 60)
    days, hrs = divmod(hours, 24)
    if minutes == 0:
        return f"{secs} s"
    if hours == 0:
        return f"{mins} min {secs} s" if secs else f"{mins} min"
    if days == 0:
        return f"{hrs} h {mins} min" if mins else f"{hrs} h"
    whole_days = f"{days} day{'s' if days != 1 else ''}"
    return f"{whole_days} {hrs} h" if hrs else whole_days


def _amounts(row: Collected | Released) -> dict[str, str]:
    """A row of amounts in one currency, formatted; "—" where there is none."""
    shown = {"currency": row.currency}
    for name, value in vars(row).items():
        if isinstance(value, Decimal):
            shown[name] = money_format(value, row.currency) if value else "—"
    return shown


def _orders(count: int) -> str:
    return f"{count:,} order{'s' if count != 1 else ''}"
