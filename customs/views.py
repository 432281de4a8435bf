"""Server-rendered pages of the HS 2022 nomenclature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from customs.forms import PAGE_RESULTS, hs_search


@require_GET
def hs_codes(request: HttpRequest) -> HttpResponse:
    """/hs-codes/?q=cotton+t-shirt: the subheadings best matching some words, or a code prefix."""
    search = hs_search(request.GET if "q" in request.GET else None, limit=PAGE_RESULTS)
    return render(request, "customs/hs_codes.html", {"search": search})
