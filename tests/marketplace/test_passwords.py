"""Password change for signed-in users and password reset by email, with Django's auth views
behind the site's pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, BuyerFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quiet-Meadow-Lantern-57"


def text(response: Any) -> str:
    return response.content.decode()


def logs_in(username: str, password: str) -> bool:
    """Logs in through the login page, as a person would (and as the lockout sees it)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return bool(response.wsgi_request.user.is_authenticated)


def reset_link(body: Any) -> str:
    match = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", str(body))
    assert match, body
    return match.group(1)


# --- Reset -----------------------------------------------------------------------------------


def test_login_page_links_to_password_reset(client: Client) -> None:
    page = text(client.get("/accounts/login/"))
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in page


def test_password_reset_by_email_from_request_to_new_login(client: Client) -> None:
    buyer = BuyerFactory.create(user__email="amelie@example.com")
    username = buyer.user.username

    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert "Reset your password" in text(page)

    response = client.post("/accounts/password/reset/", {"email": "amelie@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert "Check your email" in text(client.get(response["Location"]))

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["amelie@example.com"]
    assert email.subject == "Reset your password on eWTP Marketplace"
    assert f"Hello {username}," in email.body
    assert "<" not in email.body  # plain text, nothing escaped

    link = reset_link(email.body)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in text(form_page)
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    assert "Your password has been reset" in text(client.get(done["Location"]))

    assert logs_in(username, NEW_PASSWORD)
    assert not logs_in(username, PASSWORD)

    # The link works once.
    again = client.get(link, follow=True)
    assert "This reset link doesn't work" in text(again)
    assert "Ask for a new link" in text(again)


def test_password_reset_does_not_tell_whether_an_address_has_an_account(client: Client) -> None:
    UserFactory.create(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1  # only to the real account


def test_password_reset_refuses_a_malformed_address(client: Client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in text(response)
    assert mail.outbox == []


def test_reset_link_with_a_forged_token_is_refused(client: Client) -> None:
    user = UserFactory.create(email="amelie@example.com")
    client.post("/accounts/password/reset/", {"email": "amelie@example.com"})
    link = reset_link(mail.outbox[0].body)
    forged = re.sub(r"/[^/]+/$", "/abcdef-0123456789abcdef0123456789abcdef/", link)
    response = client.get(forged, follow=True)
    assert response.status_code == 200
    assert "This reset link doesn't work" in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_refuses_a_weak_new_password(client: Client) -> None:
    user = UserFactory.create(email="amelie@example.com")
    client.post("/accounts/password/reset/", {"email": "amelie@example.com"})
    form_page = client.get(reset_link(mail.outbox[0].body), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "This password is too short." in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Change ----------------------------------------------------------------------------------


def test_password_change_needs_a_login(client: Client) -> None:
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_password_change_keeps_the_user_signed_in(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    assert "Change your password" in text(client.get("/accounts/password/change/"))
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/change/done/"
    page = text(response)
    assert "Password changed" in page
    assert "Your password has been changed." in page  # the message
    assert response.context["user"].is_authenticated
    assert logs_in(user.username, NEW_PASSWORD)
    assert not logs_in(user.username, PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in text(response)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_password_change_with_mismatched_new_passwords_changes_nothing(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-1X"},
    )
    assert response.status_code == 200
    assert "The two password fields didn" in text(response)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_login_page_names_the_site_not_the_host(client: Client) -> None:
    page = text(client.get("/accounts/login/"))
    assert "New to eWTP Marketplace?" in page
    assert "testserver" not in page
