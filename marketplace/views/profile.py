"""The account page: who you are, your profiles, and a form for email, country and currency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ehubs.services import HUB_OPERATORS_GROUP
from marketplace.cart import ship_to_default, ship_to_forget_if, ship_to_get
from marketplace.forms.profile import AccountForm


def account_roles(user: User) -> list[str]:
    roles = []
    if hasattr(user, "buyer_profile"):
        roles.append("Buyer")
    if hasattr(user, "seller_profile"):
        roles.append("Seller")
    if user.groups.filter(name=HUB_OPERATORS_GROUP).exists():
        roles.append("Hub operator")
    if user.is_superuser:
        roles.append("Administrator")
    return roles


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    form = AccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST":
        # The ship-to the profile gave before this change; a visitor still on it follows the
        # profile to its new country and currency, a different choice of theirs stays.
        before = ship_to_default(user)
        if form.save():
            messages.success(request, "Your account details are saved.")
            if form.buyer is not None:
                ship_to_forget_if(request.session, before)
                now = ship_to_get(request.session, user)
                if now != ship_to_default(user):
                    messages.info(
                        request,
                        f"Prices are still shown delivered to {now.country_name}, in "
                        f"{now.currency}, as you chose in the header for this visit.",
                    )
            return redirect("account")
    context = {
        "form": form,
        "account_user": user,
        "roles": account_roles(user),
        "buyer": form.buyer,
        "seller": form.seller,
    }
    return render(request, "registration/account.html", context)
