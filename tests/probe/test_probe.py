import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/listings/?search=%00",
        "/search/?q=%00",
        "/api/v1/listings/?hs_prefix=%00",
        "/api/v1/listings/?seller=%00",
        "/api/v1/hubs/?page=%00",
        "/search/?hs=%00",
        "/?q=%00",
        "/api/v1/listings/?page_size=%00",
        "/search/?page=%00",
        "/api/v1/listings/?ordering=%00",
        "/api/v1/listings/?min_price=1_0&currency=EUR",
        "/api/v1/listings/?seller=1_0",
    ],
)
def test_nul(url, admin_client):
    c = Client(raise_request_exception=False)
    r = c.get(url)
    print(url, r.status_code, r.content[:150])


def test_admin_search(admin_client):
    r = admin_client.get("/admin/customs/tariffrow/?q=%00")
    print("admin", r.status_code)
    r = admin_client.get("/admin/ehubs/hub/?q=%00")
    print("admin hub", r.status_code)


def test_big(seller):
    c = Client(raise_request_exception=False)
    body = json.dumps(
        {
            "destination_country": "BE",
            "currency": "EUR",
            "lines": [{"listing": 1, "quantity": 1}] * 1,
            "x": "a" * 3_000_000,
        }
    )
    r = c.post("/api/v1/quotes/", body, content_type="application/json")
    print("big", r.status_code, r["Content-Type"], r.content[:200])
    r = c.post(
        "/api/v1/auth/token/",
        "&".join(f"f{i}=1" for i in range(1200)),
        content_type="application/x-www-form-urlencoded",
    )
    print("fields", r.status_code, r["Content-Type"], r.content[:200])
