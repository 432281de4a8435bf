"""The pages a visitor sees when something goes wrong, as production (DEBUG=False) serves them,
and the favicon browsers ask for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import resolve

from marketplace.views import storefront
from tests.factories import BuyerFactory
from tests.marketplace.urls_failing import SECRET_DETAIL

pytestmark = pytest.mark.django_db

FAILING_URLS = "tests.marketplace.urls_failing"


def text(response: Any) -> str:
    return response.content.decode()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


@pytest.fixture(autouse=True)
def _production_like(settings: Any) -> None:
    settings.DEBUG = False


def test_unknown_url_shows_the_site_404_with_search_and_home(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert "Page not found" in page
    assert 'class="site-header"' in page  # the site's frame, with its navigation
    assert 'action="/search/"' in page and 'name="q"' in page
    assert 'href="/"' in page


def test_404_keeps_the_visitor_signed_in_in_the_header(client: Client) -> None:
    buyer = BuyerFactory.create()
    client.force_login(buyer.user)
    page = text(client.get("/no-such-page/"))
    assert buyer.user.username in page
    assert "Log out" in page


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_forbidden_page_offers_a_login_to_visitors(client: Client) -> None:
    response = client.get("/test-only/forbidden/")
    assert response.status_code == 403
    page = text(response)
    assert "You can't open this page" in page
    assert 'href="/accounts/login/?next=/test-only/forbidden/"' in page
    assert "Go to the home page" in page


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_forbidden_page_names_the_signed_in_account(client: Client) -> None:
    buyer = BuyerFactory.create()
    client.force_login(buyer.user)
    page = text(client.get("/test-only/forbidden/"))
    assert f"Your account ({buyer.user.username}) doesn't have access to it." in page
    assert "/accounts/login/" not in page.split("<main", 1)[1]


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_crash_shows_the_500_page_without_the_traceback(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/test-only/crash/")
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong on our side" in page
    assert "Go to the home page" in page and "Search listings" in page
    assert SECRET_DETAIL not in page
    assert "Traceback" not in page and "RuntimeError" not in page
    assert '/static/css/site.css"' in page


def test_500_page_renders_with_no_context_and_no_database(
    django_assert_num_queries: Any,
) -> None:
    # django.views.defaults.server_error renders the template with no context and no request.
    with django_assert_num_queries(0):
        page = get_template("500.html").render()
    assert "Something went wrong on our side" in page
    assert 'rel="icon"' in page


@pytest.mark.parametrize("template", ["500.html", "400.html"])
def test_standalone_error_pages_link_to_real_pages(template: str) -> None:
    links = [href for href in hrefs(get_template(template).render()) if not href.startswith("#")]
    assert "/" in links and "/search/" in links
    for href in links:
        if href.startswith("/static/"):
            continue
        match = resolve(href)
        assert match.func in {storefront.home, storefront.search} or match.url_name == "cart"


def test_unknown_host_gets_the_400_page(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    page = text(response)
    assert "We couldn't understand that request" in page
    assert "evil.example.net" not in page


def test_expired_form_shows_the_csrf_page_with_a_way_on() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = text(response)
    assert "This form has expired" in page
    assert "reload the page and send the form again" in page
    assert 'class="site-header"' in page
    assert "Reason" not in page  # the technical reason is for debug mode only


def test_csrf_page_gives_the_reason_in_debug_mode(settings: Any) -> None:
    settings.DEBUG = True
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {})
    assert response.status_code == 403
    assert "CSRF cookie not set" in text(response)


# --- Favicon ---------------------------------------------------------------------------------


def test_every_page_links_the_svg_favicon(client: Client) -> None:
    page = text(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_favicon_ico_leads_browsers_to_the_svg_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in icon.getvalue()


def test_favicon_ico_refuses_posts(client: Client) -> None:
    assert client.post("/favicon.ico").status_code == 405
