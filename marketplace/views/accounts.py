"""Account pages: sign-up as a buyer or a seller, log in, log out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.context_processors import SITE_NAME
from marketplace.forms.accounts import BuyerSignupForm, SellerSignupForm, SignupForm
from marketplace.views.common import safe_next


def _already_signed_in(request: HttpRequest) -> HttpResponse:
    messages.info(request, f"You are already signed in as {request.user.get_username()}.")
    return redirect("home")


@require_GET
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _already_signed_in(request)
    return render(request, "registration/signup.html", {"next": safe_next(request)})


def _signup_as(request: HttpRequest, form_class: type[SignupForm]) -> HttpResponse:
    if request.user.is_authenticated:
        return _already_signed_in(request)
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if request.method == "POST":
        user = form.register()
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if form.role == "seller":
                messages.success(
                    request, "Welcome! Your seller account is ready. Create your first listing."
                )
                return redirect(safe_next(request) or "seller_listing_create")
            messages.success(request, "Welcome! Your buyer account is ready.")
            return redirect(safe_next(request) or "home")
    context = {"form": form, "next": safe_next(request)}
    return render(request, "registration/signup_form.html", context)


@require_http_methods(["GET", "POST"])
def signup_buyer(request: HttpRequest) -> HttpResponse:
    return _signup_as(request, BuyerSignupForm)


@require_http_methods(["GET", "POST"])
def signup_seller(request: HttpRequest) -> HttpResponse:
    return _signup_as(request, SellerSignupForm)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    # Django's view sets site_name to the host name (no django.contrib.sites); keep the site's.
    extra_context = {"site_name": SITE_NAME}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, f"Welcome back, {self.request.user.get_username()}.")
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); says goodbye on the next page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response
