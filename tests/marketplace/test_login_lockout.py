"""Log-ins lock for one username from one address after 10 failures, for 15 minutes: the log-in
page, the admin log-in and the API token endpoint (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.models import SellerProfile
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"
OTHER_ADDRESS = "203.0.113.9"


def fail(client: Client, username: str, times: int, *, url: str = LOGIN) -> None:
    for _ in range(times):
        client.post(url, {"username": username, "password": "not-the-password"})


def log_in(client: Client, username: str, *, address: str = "127.0.0.1") -> int:
    data = {"username": username, "password": PASSWORD}
    return client.post(LOGIN, data, REMOTE_ADDR=address).status_code


def test_the_tenth_failure_locks_and_the_eleventh_attempt_is_refused_even_with_the_password(
    client: Client, seller: SellerProfile
) -> None:
    username = seller.user.username
    fail(client, username, 8)
    ninth = client.post(LOGIN, {"username": username, "password": "wrong"})
    assert ninth.status_code == 200
    assert "Please enter a correct username and password" in ninth.content.decode()

    tenth = client.post(LOGIN, {"username": username, "password": "wrong"})
    right_password = client.post(LOGIN, {"username": username, "password": PASSWORD})

    for response in (tenth, right_password):
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        page = response.content.decode()
        assert "<h1>Log-in paused</h1>" in page
        assert "There were 10 failed log-ins" in page
        assert "paused for 15 minutes" in page
        assert 'class="site-header"' in page  # the site's own layout
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_one_username_from_one_address_only(client: Client) -> None:
    locked, other = UserFactory.create(), UserFactory.create()
    fail(client, locked.username, 10)
    assert log_in(client, locked.username) == 429

    assert log_in(Client(), other.username) == 302  # another username, same address
    assert log_in(Client(), locked.username, address=OTHER_ADDRESS) == 302  # another address


def test_the_lock_expires_after_the_cool_off(client: Client) -> None:
    user = UserFactory.create()
    fail(client, user.username, 10)

    def pass_time(minutes: float) -> None:
        attempt_times = AccessAttempt.objects.filter(username=user.username)
        for attempt in attempt_times:
            attempt.attempt_time -= timedelta(minutes=minutes)
            attempt.save(update_fields=["attempt_time"])

    pass_time(14)
    assert log_in(client, user.username) == 429  # still locked, and the wait starts again
    pass_time(15.1)
    assert log_in(client, user.username) == 302


def test_a_successful_log_in_resets_the_count(client: Client) -> None:
    user = UserFactory.create()
    fail(client, user.username, 9)
    assert log_in(client, user.username) == 302
    client.post(reverse("logout"))

    fail(client, user.username, 9)

    assert log_in(client, user.username) == 302


def test_the_admin_log_in_locks_too(client: Client) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    fail(client, staff.username, 10, url=ADMIN_LOGIN)

    response = client.post(ADMIN_LOGIN, {"username": staff.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "<h1>Log-in paused</h1>" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_token_endpoint_answers_429_locked_out_with_retry_after(
    api_client: APIClient, seller: SellerProfile
) -> None:
    username = seller.user.username
    for _ in range(9):
        response = api_client.post(TOKEN, {"username": username, "password": "x"}, "json")
        assert response.status_code == 400

    tenth = api_client.post(TOKEN, {"username": username, "password": "x"}, "json")
    right_password = api_client.post(TOKEN, {"username": username, "password": PASSWORD}, "json")

    for response in (tenth, right_password):
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        assert response.json() == {
            "detail": "Too many failed log-ins for this username from your address: "
            "try again in 15 minutes.",
            "code": "locked_out",
        }
    elsewhere = APIClient(REMOTE_ADDR=OTHER_ADDRESS)
    ok = elsewhere.post(TOKEN, {"username": username, "password": PASSWORD}, "json")
    assert ok.status_code == 200
    assert "token" in ok.json()


def test_failures_count_across_the_page_and_the_api(
    client: Client, api_client: APIClient, seller: SellerProfile
) -> None:
    username = seller.user.username
    fail(client, username, 5)
    for _ in range(5):
        api_client.post(TOKEN, {"username": username, "password": "x"}, "json")

    assert log_in(client, username) == 429


def test_the_limit_and_cool_off_come_from_settings(client: Client, settings: object) -> None:
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)  # type: ignore[attr-defined]
    user = UserFactory.create()

    fail(client, user.username, 2)
    assert log_in(client, "somebody-else") == 200  # unknown user: a plain failure
    third = client.post(LOGIN, {"username": user.username, "password": "wrong"})

    assert third.status_code == 429
    assert third["Retry-After"] == "120"
    assert "There were 3 failed log-ins" in third.content.decode()
    assert "paused for 2 minutes" in third.content.decode()


def test_an_overlong_username_is_a_failed_log_in_on_every_log_in_path(
    client: Client, api_client: APIClient
) -> None:
    """Axes records the username tried in a 255-character column: a longer one was a database
    error (a 500 on PostgreSQL) on the log-in page, the admin log-in and the token endpoint."""
    username = "x" * 300
    data = {"username": username, "password": "not-the-password"}

    page = client.post(LOGIN, data)
    admin_page = client.post(ADMIN_LOGIN, data)
    token = api_client.post(TOKEN, data, format="json")

    assert page.status_code == 200
    assert "Please enter a correct username and password" in page.content.decode()
    assert admin_page.status_code == 200
    assert "Please enter the correct username and password" in admin_page.content.decode()
    assert token.status_code == 400
    assert token.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    stored = set(AccessAttempt.objects.values_list("username", flat=True))
    assert stored == {username[:255]}
    assert AccessAttempt.objects.get().failures_since_start == 3
