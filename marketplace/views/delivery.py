"""The "Where we deliver" page: every destination the eHub network serves."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ehubs.selectors import hubs_list
from marketplace.delivery import destinations_served


@require_GET
def delivery(request: HttpRequest) -> HttpResponse:
    served = destinations_served()
    hubs = {hub.code: hub for hub in hubs_list()}
    rows = [(destination, hubs.get(destination.hub)) for destination in served]
    context = {
        "imports": [row for row in rows if row[0].imports],
        "within": [row for row in rows if not row[0].imports],
    }
    return render(request, "storefront/delivery.html", context)
