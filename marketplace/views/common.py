"""What the page views share: the signed-in seller or buyer, safe `next` targets, errors as
messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from marketplace.models import BuyerProfile, SellerProfile

P = ParamSpec("P")
SellerView = Callable[Concatenate[HttpRequest, SellerProfile, P], HttpResponse]
BuyerView = Callable[Concatenate[HttpRequest, BuyerProfile, P], HttpResponse]


def seller_of_request(request: HttpRequest) -> SellerProfile | None:
    # The reverse accessor caches on request.user, so the nav bar and the view share one query.
    profile = getattr(request.user, "seller_profile", None)
    return profile if isinstance(profile, SellerProfile) else None


def buyer_of_request(request: HttpRequest) -> BuyerProfile | None:
    profile = getattr(request.user, "buyer_profile", None)
    return profile if isinstance(profile, BuyerProfile) else None


def safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def seller_required(view: SellerView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Let sellers through, with their profile as the view's second argument. Visitors are sent
    to log in; other accounts get a 403 page that says how to become a seller."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        seller = seller_of_request(request)
        if seller is None:
            return render(request, "seller/seller_only.html", status=403)
        return view(request, seller, *args, **kwargs)

    return wrapper


def buyer_required(view: BuyerView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Let buyers through, with their profile as the view's second argument. Visitors are sent
    to log in (and back); other accounts (a seller) get a 403 page that says checkout and orders
    need a buyer account."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        buyer = buyer_of_request(request)
        if buyer is None:
            return render(request, "orders/buyer_only.html", status=403)
        return view(request, buyer, *args, **kwargs)

    return wrapper


def error_texts(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [text for texts in error.message_dict.values() for text in texts]
    return list(error.messages)


def form_errors_to_messages(request: HttpRequest, form: Form) -> None:
    """Report a form's errors as messages (for POSTs that redirect back), each once."""
    seen: set[str] = set()
    for errors in form.errors.values():
        for error in errors:
            text = str(error)
            if text not in seen:
                seen.add(text)
                messages.error(request, text)
