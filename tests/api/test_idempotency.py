"""Idempotency-Key (ewtp.api.idempotency) on a test-only view whose POST creates a Group: a
repeat replays the first response and does nothing; another body is 409; a 400 or an exception
is not remembered; keys expire and are purged; concurrent repeats have one effect."""

from __future__ import annotations

import inspect
import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ewtp.api import tasks
from ewtp.api.idempotency import idempotent
from ewtp.api.models import IdempotencyKey
from ewtp.api.services import idempotency_keys_purge
from ewtp.celery import app as celery_app
from tests.api import idempotency_urls
from tests.api.idempotency_urls import effects
from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.api.idempotency_urls")

URL = "/api/v1/things/"
KEY = "3f6c1a2e-8d4b-4e0a-9b7c-5d2e1f0a6b8c"


def client_for(user: User, *, raise_request_exception: bool = True) -> APIClient:
    client = APIClient(raise_request_exception=raise_request_exception)
    client.force_authenticate(user=user)
    return client


def post(client: APIClient, body: Any, *, key: str | None = KEY, url: str = URL) -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(url, body, format="json", headers=headers)


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def client(user: User) -> APIClient:
    return client_for(user)


# --- replay and conflict ---------------------------------------------------------------------


def test_a_repeat_replays_the_first_response_and_does_nothing_again(client: APIClient) -> None:
    first = post(client, {"name": "Lanterns"})
    again = post(client, {"name": "Lanterns"})

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201
    assert again.json() == first.json() == {"id": first.json()["id"], "name": "Lanterns"}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert effects() == ["Lanterns"]


def test_the_same_body_in_another_key_order_and_spacing_is_a_repeat(client: APIClient) -> None:
    headers = {"Idempotency-Key": KEY}
    first = client.post(
        URL, '{"name": "Tea", "status": 201}', content_type="application/json", headers=headers
    )
    again = client.post(
        URL, '{ "status":201,"name":"Tea" }', content_type="application/json", headers=headers
    )

    assert again.status_code == 201
    assert again.json() == first.json()
    assert len(effects()) == 1


def test_a_stored_status_other_than_201_is_replayed_as_it_was(client: APIClient) -> None:
    first = post(client, {"name": "Declined", "status": 402})
    again = post(client, {"name": "Declined", "status": 402})

    assert first.status_code == again.status_code == 402
    assert again.json() == first.json()
    assert len(effects()) == 1


def test_a_body_with_decimals_and_dates_replays_as_it_was_rendered(client: APIClient) -> None:
    first = post(client, {"name": "Typed", "typed": True})
    again = post(client, {"name": "Typed", "typed": True})

    assert again.json() == first.json()
    assert first.json()["at"] == "2026-11-23T09:30:00Z"


def test_the_same_key_with_another_body_is_a_409_and_does_nothing(client: APIClient) -> None:
    post(client, {"name": "Lanterns"})
    other = post(client, {"name": "Kites"})

    assert other.status_code == 409
    assert other.json() == {
        "detail": "This Idempotency-Key was already used with another request body on this "
        "endpoint. Send a new key for a new request.",
        "code": "idempotency_key_reused",
    }
    assert effects() == ["Lanterns"]


def test_keys_belong_to_one_caller(client: APIClient) -> None:
    other_client = client_for(UserFactory.create())

    mine = post(client, {"name": "Lanterns"})
    theirs = post(other_client, {"name": "Lanterns"})

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    assert len(effects()) == 2


def test_keys_belong_to_one_endpoint(client: APIClient) -> None:
    post(client, {"name": "Lanterns"})
    elsewhere = post(client, {"name": "Kites"}, url="/api/v1/other-things/")

    assert elsewhere.status_code == 201
    assert len(effects()) == 2


def test_an_action_with_another_id_is_another_endpoint(client: APIClient) -> None:
    one, two = Group.objects.create(name="idem:one:1"), Group.objects.create(name="idem:two:2")

    first = post(client, {"name": "x"}, url=f"/api/v1/groups/{one.pk}/rename/")
    again = post(client, {"name": "x"}, url=f"/api/v1/groups/{one.pk}/rename/")
    other = post(client, {"name": "x"}, url=f"/api/v1/groups/{two.pk}/rename/")

    assert first.status_code == again.status_code == other.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in other.headers
    renamed = Group.objects.filter(pk__in=[one.pk, two.pk]).order_by("pk")
    assert [group.name for group in renamed] == ["idem:one:1+x", "idem:two:2+x"]


def test_without_the_header_every_request_has_its_effect(client: APIClient) -> None:
    post(client, {"name": "Lanterns"}, key=None)
    post(client, {"name": "Lanterns"}, key=None)

    assert len(effects()) == 2
    assert not IdempotencyKey.objects.exists()


def test_an_anonymous_caller_is_served_as_if_no_key_were_sent(db: None) -> None:
    anonymous = APIClient()
    for _ in range(2):
        assert post(anonymous, {"name": "Open"}, url="/api/v1/open-things/").status_code == 201

    assert len(effects()) == 2
    assert not IdempotencyKey.objects.exists()


def test_a_form_encoded_body_is_compared_too(client: APIClient) -> None:
    headers = {"Idempotency-Key": KEY}
    first = client.post(URL, {"name": "Form"}, format="multipart", headers=headers)
    assert first.status_code == 415  # the API reads JSON and forms only, as everywhere
    first = client.post(
        URL, "name=Form", content_type="application/x-www-form-urlencoded", headers=headers
    )
    again = client.post(
        URL, "name=Form", content_type="application/x-www-form-urlencoded", headers=headers
    )
    other = client.post(
        URL, "name=Other", content_type="application/x-www-form-urlencoded", headers=headers
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 409
    assert len(effects()) == 1


def test_a_path_longer_than_the_column_still_works(client: APIClient) -> None:
    url = f"/api/v1/long/{'x' * 400}/"
    first = post(client, {"name": "Long"}, url=url)
    again = post(client, {"name": "Long"}, url=url)
    shorter = post(client, {"name": "Long"}, url=f"/api/v1/long/{'x' * 399}/")

    assert first.status_code == again.status_code == shorter.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in shorter.headers
    assert len(effects()) == 2


# --- invalid keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["", "   ", "k" * 256, "tab\there", "line\x01feed", "del\x7f", "clé", "nul\x00"],
    ids=["empty", "blank", "too-long", "tab", "control", "delete", "non-ascii", "nul"],
)
def test_an_invalid_key_is_a_400_and_does_nothing(client: APIClient, key: str) -> None:
    response = post(client, {"name": "Lanterns"}, key=key)

    assert response.status_code == 400
    assert response.json() == {
        "Idempotency-Key": [
            "Send at most 255 printable ASCII characters, not all spaces, e.g. a UUID "
            "(or leave the header out)."
        ]
    }
    assert effects() == []


def test_a_key_of_255_printable_characters_is_accepted(client: APIClient) -> None:
    key = ("a b~!" * 51)[:255]
    assert post(client, {"name": "Lanterns"}, key=key).status_code == 201
    assert post(client, {"name": "Lanterns"}, key=key).headers["Idempotent-Replayed"] == "true"


def test_spaces_around_the_key_do_not_make_another_key(client: APIClient) -> None:
    post(client, {"name": "Lanterns"}, key=KEY)
    again = post(client, {"name": "Lanterns"}, key=f"  {KEY} ")

    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(effects()) == 1


# --- what is not remembered ------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["invalid", "raise_400"])
def test_a_400_is_not_remembered_so_the_fixed_request_may_reuse_the_key(
    client: APIClient, flag: str
) -> None:
    refused = post(client, {"name": "Lanterns", flag: True})
    fixed = post(client, {"name": "Lanterns"})

    assert refused.status_code == 400
    assert refused.json() == {"name": ["This field is invalid."]}
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
    assert len(effects()) == 1


def test_a_malformed_body_with_a_key_is_the_usual_400(client: APIClient) -> None:
    response = client.post(
        URL, "{", content_type="application/json", headers={"Idempotency-Key": KEY}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert not IdempotencyKey.objects.exists()


def test_a_raised_error_undoes_the_effect_and_the_key(client: APIClient) -> None:
    refused = post(client, {"name": "Lanterns", "refuse": True})

    assert refused.status_code == 409
    assert refused.json() == {"detail": "Refused after the effect.", "code": "refused"}
    assert effects() == []
    assert not IdempotencyKey.objects.exists()
    # The key was never used: another body with it is a new request, not a 409.
    assert post(client, {"name": "Lanterns"}).status_code == 201


def test_a_crash_undoes_the_effect_and_the_key(client: APIClient) -> None:
    with pytest.raises(RuntimeError, match="failed after its effect"):
        post(client, {"name": "Lanterns", "crash": True})

    assert effects() == []
    assert not IdempotencyKey.objects.exists()
    assert post(client, {"name": "Lanterns"}).status_code == 201


# --- expiry and purge ------------------------------------------------------------------------


def _age_keys(hours: float) -> None:
    IdempotencyKey.objects.update(created=timezone.now() - timedelta(hours=hours))


def test_an_expired_key_counts_as_new(client: APIClient) -> None:
    first = post(client, {"name": "Lanterns"})
    _age_keys(settings.IDEMPOTENCY_KEY_TTL_HOURS + 1)
    again = post(client, {"name": "Lanterns"})

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert len(effects()) == 2
    assert IdempotencyKey.objects.count() == 1


def test_an_expired_key_may_carry_another_body(client: APIClient) -> None:
    post(client, {"name": "Lanterns"})
    _age_keys(25)
    assert post(client, {"name": "Kites"}).status_code == 201
    assert post(client, {"name": "Kites"}).headers["Idempotent-Replayed"] == "true"


@override_settings(IDEMPOTENCY_KEY_TTL_HOURS=2)
def test_the_ttl_comes_from_the_setting(client: APIClient) -> None:
    post(client, {"name": "Lanterns"})
    _age_keys(1.5)
    assert post(client, {"name": "Lanterns"}).headers["Idempotent-Replayed"] == "true"
    _age_keys(2.5)
    assert "Idempotent-Replayed" not in post(client, {"name": "Lanterns"}).headers


def test_the_default_ttl_is_24_hours() -> None:
    assert settings.IDEMPOTENCY_KEY_TTL_HOURS == 24


def _key(user: User, name: str, *, hours_old: float) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        user=user,
        endpoint=f"POST {URL}",
        key=name,
        request_hash="0" * 64,
        response_status=201,
        response_body={},
        created=timezone.now() - timedelta(hours=hours_old),
    )


def test_the_purge_deletes_only_keys_past_the_ttl(user: User) -> None:
    _key(user, "old", hours_old=25)
    _key(user, "fresh", hours_old=23)

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert idempotency_keys_purge() == 0


def test_the_purge_takes_another_age(user: User) -> None:
    _key(user, "hour", hours_old=1)
    _key(user, "now", hours_old=0)

    assert idempotency_keys_purge(older_than=timedelta(minutes=30)) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["now"]


def test_the_purge_task_runs_hourly_and_celery_finds_it(user: User) -> None:
    _key(user, "old", hours_old=48)

    assert tasks.idempotency_keys_purge() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["idempotency-keys-purge"]
    assert entry == {
        "task": "ewtp.api.tasks.idempotency_keys_purge",
        "schedule": timedelta(hours=1),
    }
    celery_app.loader.import_default_modules()  # what a worker or beat does on start
    assert "ewtp.api.tasks.idempotency_keys_purge" in celery_app.tasks


# --- the decorator and the schema ------------------------------------------------------------


def test_the_decorator_keeps_the_handlers_name_and_signature() -> None:
    def post(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The handler's own docstring."""

    wrapped = idempotent(post)
    assert wrapped.__name__ == "post"
    assert wrapped.__doc__ == "The handler's own docstring."
    assert inspect.signature(wrapped) == inspect.signature(post)


def test_the_schema_documents_the_optional_header() -> None:
    schema = SchemaGenerator(patterns=idempotency_urls.urlpatterns).get_schema(public=True)
    for path, method in [("/api/v1/things/", "post"), ("/api/v1/groups/{id}/rename/", "post")]:
        (parameter,) = [
            p for p in schema["paths"][path][method]["parameters"] if p["in"] == "header"
        ]
        assert parameter["name"] == "Idempotency-Key"
        assert not parameter.get("required", False)
        assert parameter["schema"]["maxLength"] == 255
        assert "returns the first response" in parameter["description"]


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


def _wait_for_lock_waiters(count: int) -> None:
    """Block until `count` other sessions of this database wait for a lock."""
    import time

    deadline = time.monotonic() + 15
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            (waiting,) = cursor.fetchone()
            if waiting >= count:
                return
            assert time.monotonic() < deadline, f"{waiting} of {count} requests waited"
            time.sleep(0.01)


def _concurrently(user: User, body: dict[str, Any], count: int) -> list[Any]:
    """POST `body` with one key from `count` threads, each with its own connection, released
    together by a barrier; the first holds in its handler until all the others wait."""
    barrier = threading.Barrier(count)
    responses: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = post(client_for(user, raise_request_exception=False), body)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    idempotency_urls.HOLD.clear()
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    try:
        _wait_for_lock_waiters(count - 1)
    finally:
        idempotency_urls.HOLD.set()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a request never finished"
    assert errors == []
    return responses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_requests_with_one_key_have_one_effect() -> None:
    user = UserFactory.create()

    responses = _concurrently(user, {"name": "Lanterns", "hold": True}, 8)

    assert [r.status_code for r in responses] == [201] * 8
    bodies = {json.dumps(r.json(), sort_keys=True) for r in responses}
    assert len(bodies) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert effects() == ["Lanterns"]
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_when_the_first_of_concurrent_requests_fails_the_next_one_runs() -> None:
    user = UserFactory.create()

    responses = _concurrently(user, {"name": "Lanterns", "hold": True, "refuse": True}, 3)

    # Each refusal rolls its claim back, so every waiter in turn runs the request itself.
    assert [r.status_code for r in responses] == [409] * 3
    assert {r.json()["code"] for r in responses} == {"refused"}
    assert effects() == []
    assert not IdempotencyKey.objects.exists()
