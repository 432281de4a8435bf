"""Password change (signed in) and reset (by email): Django's views with the site's templates
under templates/registration/. The reset form never tells whether an address has an account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from marketplace.context_processors import SITE_NAME


class PasswordChangeView(auth_views.PasswordChangeView):
    """Signed-in users only (Django's view requires login); they stay signed in afterwards."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    # A plain-text email (Django's default template name ends in .html but is sent as text).
    email_template_name = "registration/password_reset_email.txt"
    # Without django.contrib.sites the site name would be the host name.
    extra_email_context = {"site_name": SITE_NAME}
