"""Hub scope beyond the matrix (tests/test_operator_scope.py): searches, filter choices,
autocomplete, the scope line on every admin page, verification records and the API."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ehubs.services import hub_operator_group_ensure
from marketplace import services
from marketplace.models import Listing, SellerProfile
from tests.ehubs.factories import HubFactory
from tests.factories import ListingFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db
SELLERS = reverse("admin:marketplace_sellerprofile_changelist")
LISTINGS = reverse("admin:marketplace_listing_changelist")


@dataclass
class Scene:
    operator: User
    client: Client
    be: SellerProfile
    cn: SellerProfile
    be_listing: Listing
    cn_listing: Listing


@pytest.fixture
def scene() -> Scene:
    lgg = HubFactory.create(
        code="LGG", name="Liège eHub", country="BE", city="Liège", serves=["BE", "NL"]
    )
    HubFactory.create(code="HGH", name="Hangzhou eHub", serves=["CN"])
    operator = UserFactory.create(username="lgg-operator", is_staff=True)
    operator.groups.add(hub_operator_group_ensure())
    lgg.operators.add(operator)
    be = SellerFactory.create(company_name="Liège Chocolate Works", country="BE")
    cn = SellerFactory.create(company_name="Hangzhou Silk Works", country="CN")
    client = Client()
    client.force_login(operator)
    return Scene(
        operator=operator,
        client=client,
        be=be,
        cn=cn,
        be_listing=ListingFactory.create(seller=be, title="Pralines", origin_country="BE"),
        cn_listing=ListingFactory.create(seller=cn, title="Silk scarf", origin_country="CN"),
    )


def test_search_finds_only_the_operators_sellers_and_listings(scene: Scene) -> None:
    sellers = scene.client.get(SELLERS, {"q": "Works"}).content.decode()
    assert "Liège Chocolate Works" in sellers and "Hangzhou Silk Works" not in sellers
    listings = scene.client.get(LISTINGS, {"q": "610910"}).content.decode()
    assert "Pralines" in listings and "Silk scarf" not in listings


def test_filter_choices_name_only_the_operators_countries(scene: Scene) -> None:
    for url, title in ((SELLERS, "country"), (LISTINGS, "origin country")):
        response = scene.client.get(url)
        spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
        displays = [c["display"] for c in spec.choices(response.context["cl"])]
        assert "Belgium" in displays and "China" not in displays, url
    # Filtering by another hub's country by hand shows nothing.
    response = scene.client.get(SELLERS, {"country": "CN"})
    assert list(response.context["cl"].result_list) == []


def test_seller_autocomplete_does_not_list_other_hubs_sellers(scene: Scene) -> None:
    response = scene.client.get(
        reverse("admin:autocomplete"),
        {"app_label": "marketplace", "model_name": "listing", "field_name": "seller", "term": ""},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Liège Chocolate Works"]


def test_the_seller_page_lists_the_sellers_listings(scene: Scene) -> None:
    page = scene.client.get(reverse("admin:marketplace_sellerprofile_change", args=[scene.be.pk]))
    assert "Pralines" in page.content.decode() and "Silk scarf" not in page.content.decode()


def test_every_admin_page_names_the_operators_hub_and_countries(scene: Scene) -> None:
    line = "You operate LGG — Liège eHub, serving Belgium, Netherlands."
    for url in (reverse("admin:index"), SELLERS, reverse("admin:ehubs_hub_changelist")):
        assert line in scene.client.get(url).content.decode(), url


def test_staff_without_a_hub_is_told_to_ask_for_one() -> None:
    client = Client()
    client.force_login(UserFactory.create(username="new-staff", is_staff=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert "You operate no hub yet: ask an administrator to add you to a hub&#x27;s operators." in (
        page
    )


def test_superusers_are_told_they_run_every_hub(admin_client: Client) -> None:
    assert "Superuser: every hub." in admin_client.get(reverse("admin:index")).content.decode()


def test_the_login_page_names_no_hub() -> None:
    page = Client().get(reverse("admin:login")).content.decode()
    assert "operator-scope" not in page


def test_verifying_records_who_and_when_and_is_idempotent(scene: Scene) -> None:
    verify = {"action": "mark_verified", "_selected_action": [scene.be.pk]}
    first = scene.client.post(SELLERS, verify, follow=True)
    assert "1 seller(s) marked as verified." in first.content.decode()
    scene.be.refresh_from_db()
    assert scene.be.verified and scene.be.verified_by == scene.operator
    when = scene.be.verified_at
    assert when is not None

    again = scene.client.post(SELLERS, verify, follow=True)
    assert "0 seller(s) marked as verified." in again.content.decode()
    scene.be.refresh_from_db()
    assert scene.be.verified_at == when

    listed = scene.client.get(SELLERS).content.decode()
    assert "lgg-operator" in listed
    history = scene.client.get(
        reverse("admin:marketplace_sellerprofile_history", args=[scene.be.pk])
    )
    assert "Verified." in history.content.decode()


def test_unverifying_clears_the_record_and_is_logged(scene: Scene) -> None:
    services.sellers_verify(sellers=SellerProfile.objects.filter(pk=scene.be.pk), by=scene.operator)
    response = scene.client.post(
        SELLERS, {"action": "mark_unverified", "_selected_action": [scene.be.pk]}, follow=True
    )
    assert "1 seller(s) no longer verified." in response.content.decode()
    scene.be.refresh_from_db()
    assert (scene.be.verified, scene.be.verified_by, scene.be.verified_at) == (False, None, None)
    assert LogEntry.objects.filter(
        object_id=str(scene.be.pk), change_message="Verification withdrawn."
    ).exists()


def test_a_superuser_ticking_verified_is_recorded(admin_client: Client, scene: Scene) -> None:
    url = reverse("admin:marketplace_sellerprofile_change", args=[scene.cn.pk])
    data = {
        "company_name": scene.cn.company_name,
        "country": "CN",
        "employees": "12",
        "verified": "on",
        "payout_currency": "CNY",
        "listings-TOTAL_FORMS": "0",
        "listings-INITIAL_FORMS": "0",
    }
    assert admin_client.post(url, data).status_code == 302
    scene.cn.refresh_from_db()
    assert scene.cn.verified and scene.cn.verified_by is not None
    assert scene.cn.verified_by.username == "admin"


def test_an_operator_cannot_publish_a_sellers_draft(scene: Scene) -> None:
    draft = ListingFactory.create(seller=scene.be, status=Listing.Status.DRAFT)
    url = reverse("admin:marketplace_listing_change", args=[draft.pk])
    response = scene.client.post(url, {"status": "active"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Listing.Status.DRAFT
    assert scene.client.post(url, {"status": "archived"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Listing.Status.ARCHIVED


def test_seller_pages_offer_operators_no_save_button(scene: Scene) -> None:
    page = scene.client.get(reverse("admin:marketplace_sellerprofile_change", args=[scene.be.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_operators_have_no_user_permissions_and_user_admin_is_403(scene: Scene) -> None:
    group = hub_operator_group_ensure()
    assert not group.permissions.filter(content_type__app_label="auth").exists()
    assert scene.client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert (
        scene.client.get(reverse("admin:auth_user_change", args=[scene.cn.user.pk])).status_code
        == 403
    )


def test_other_hubs_operators_are_not_shown_on_hub_pages(scene: Scene) -> None:
    other = UserFactory.create(username="hgh-operator", is_staff=True)
    hgh = HubFactory.create(code="HGH")
    hgh.operators.add(other)
    page = scene.client.get(reverse("admin:ehubs_hub_change", args=[hgh.pk])).content.decode()
    assert "Hangzhou eHub" in page and "hgh-operator" not in page


def test_the_api_gives_an_operator_nothing_beyond_what_anyone_sees(scene: Scene) -> None:
    ListingFactory.create(seller=scene.cn, title="Unpublished tea", status=Listing.Status.DRAFT)
    operator = APIClient()
    operator.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=scene.operator).key}"
    )
    anonymous = APIClient()
    for path in ("/api/v1/listings/", "/api/v1/sellers/", "/api/v1/hubs/"):
        as_operator = operator.get(path)
        assert as_operator.status_code == 200, path
        assert as_operator.json() == anonymous.get(path).json(), path
    assert "Unpublished tea" not in operator.get("/api/v1/listings/").content.decode()
    assert operator.get("/api/v1/buyers/1/").status_code == 404
