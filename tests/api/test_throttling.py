"""API rate limits: 429 with Retry-After past the limit, defaults that a real client never hits.

The test settings turn throttling off for the rest of the suite; these tests turn it back on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import override_settings
from rest_framework.test import APIClient

from marketplace.models import BuyerProfile, SellerProfile
from tests.api.test_listings import listing_body

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
HEALTH = "/api/v1/health/"
DEFAULTS = {"EWTP_API_RATE_ANON": "300/min", "EWTP_API_RATE_USER": "1200/min"}
throttled = override_settings(EWTP_API_THROTTLE=True, **DEFAULTS)


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert re.fullmatch(
        r"Request was throttled\. Expected available in \d+ seconds?\.", body["detail"]
    )


@throttled
def test_the_301st_anonymous_request_in_a_minute_is_a_429_with_retry_after(
    api_client: APIClient,
) -> None:
    statuses = {api_client.get(HEALTH).status_code for _ in range(300)}
    assert statuses == {200}

    assert_throttled(api_client.get(HEALTH))
    assert APIClient(REMOTE_ADDR="198.51.100.7").get(HEALTH).status_code == 200  # per address


@throttled
def test_a_signed_in_users_1200_requests_a_minute_are_fine(buyer: BuyerProfile) -> None:
    client = APIClient(REMOTE_ADDR="198.51.100.8")
    client.force_authenticate(user=buyer.user)
    me = f"/api/v1/buyers/{buyer.pk}/"

    statuses = {client.get(me).status_code for _ in range(1200)}

    assert statuses == {200}
    assert_throttled(client.get(me))


@throttled
def test_a_burst_of_50_writes_from_one_user_is_never_throttled(seller: SellerProfile) -> None:
    client = APIClient()
    client.force_authenticate(user=seller.user)

    statuses = [
        client.post("/api/v1/listings/", listing_body(title=f"Scarf {n}"), "json").status_code
        for n in range(50)
    ]

    assert statuses == [201] * 50


@override_settings(EWTP_API_THROTTLE=True, EWTP_API_RATE_ANON="5/min", EWTP_API_RATE_USER="8/min")
def test_the_rates_come_from_settings(api_client: APIClient, buyer: BuyerProfile) -> None:
    assert [api_client.get(HEALTH).status_code for _ in range(5)] == [200] * 5
    assert_throttled(api_client.get(HEALTH))

    signed_in = APIClient()
    signed_in.force_authenticate(user=buyer.user)
    me = "/api/v1/buyers/me/"
    assert [signed_in.get(me).status_code for _ in range(8)] == [200] * 8
    assert_throttled(signed_in.get(me))


@override_settings(EWTP_API_THROTTLE=False, EWTP_API_RATE_ANON="5/min")
def test_throttling_can_be_turned_off(api_client: APIClient) -> None:
    assert {api_client.get(HEALTH).status_code for _ in range(20)} == {200}


@override_settings(EWTP_API_THROTTLE=True, EWTP_API_RATE_ANON="5/min", EWTP_TRUSTED_PROXIES=0)
def test_a_forged_x_forwarded_for_does_not_escape_the_limit(api_client: APIClient) -> None:
    for n in range(5):
        api_client.get(HEALTH, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert_throttled(api_client.get(HEALTH, HTTP_X_FORWARDED_FOR="192.0.2.99"))


@override_settings(EWTP_API_THROTTLE=True, EWTP_API_RATE_ANON="5/min", EWTP_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    api_client: APIClient,
) -> None:
    for _ in range(5):
        api_client.get(HEALTH, HTTP_X_FORWARDED_FOR="forged, 192.0.2.1")
    assert_throttled(api_client.get(HEALTH, HTTP_X_FORWARDED_FOR="other, 192.0.2.1"))

    assert api_client.get(HEALTH, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_the_schema_documents_429_with_retry_after(api_client: APIClient) -> None:
    schema = yaml.safe_load(api_client.get("/api/schema/").content)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get("429")
            assert answer, f"{method.upper()} {path} does not document 429"
            assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    codes = schema["components"]["schemas"]["TooManyRequestsErrorCodeEnum"]
    assert codes["enum"] == ["throttled", "locked_out"]


def test_the_documented_defaults_are_the_real_ones() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EWTP_API_", "EWTP_LOGIN_", "EWTP_TRUSTED_", "DJANGO_SETTINGS"))
    }
    script = (
        "from ewtp.settings import base as s; print(s.EWTP_API_THROTTLE, s.EWTP_API_RATE_ANON,"
        " s.EWTP_API_RATE_USER, s.EWTP_TRUSTED_PROXIES, s.AXES_FAILURE_LIMIT,"
        " s.AXES_COOLOFF_TIME.total_seconds(), s.AXES_LOCKOUT_PARAMETERS)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split(maxsplit=6) == [
        "True",
        "300/min",
        "1200/min",
        "0",
        "10",
        "900.0",
        "[['username', 'ip_address']]\n",
    ]


def test_the_environment_sets_the_limits_and_refuses_a_malformed_rate() -> None:
    script = (
        "from ewtp.settings import base as s; print(s.EWTP_API_THROTTLE, s.EWTP_API_RATE_ANON,"
        " s.EWTP_API_RATE_USER, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    )
    env = {
        **os.environ,
        "EWTP_API_THROTTLE": "false",
        "EWTP_API_RATE_ANON": "50/s",
        "EWTP_API_RATE_USER": "9000/hour",
        "EWTP_LOGIN_FAILURE_LIMIT": "4",
        "EWTP_LOGIN_LOCKOUT_MINUTES": "60",
    }
    run = [sys.executable, "-c", script]
    out = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["False", "50/s", "9000/hour", "4", "3600.0"]

    env["EWTP_API_RATE_ANON"] = "lots"
    bad = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert bad.returncode != 0
    assert "EWTP_API_RATE_ANON must look like 300/min" in bad.stderr
