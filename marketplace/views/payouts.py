"""The seller's payout pages: their payouts, newest first, and one batch with the orders it
paid. Another seller's payout is a 404, as an unknown one."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from marketplace.models import SellerProfile
from marketplace.payouts import payouts_of, payouts_shown
from marketplace.views.common import seller_required

PAYOUT_PAGE_SIZE = 20


@require_GET
@seller_required
def seller_payouts(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    page = Paginator(payouts_of(seller=seller), PAYOUT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seller/payout_list.html", {"seller": seller, "page_obj": page})


@require_GET
@seller_required
def seller_payout(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    payout = get_object_or_404(payouts_of(seller=seller), pk=pk)
    (shown,) = payouts_shown([payout])
    return render(request, "seller/payout_detail.html", {"seller": seller, "shown": shown})
