from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from ehubs.services import hub_operator_group_ensure
from marketplace.demo import demo_seed
from marketplace.models import BuyerProfile, Listing, SellerProfile
from tests.ehubs.factories import HubFactory
from tests.factories import PASSWORD, BuyerFactory, ListingFactory, SellerFactory

pytestmark = pytest.mark.django_db

MODELS = ("sellerprofile", "buyerprofile", "listing")


@pytest.fixture
def catalogue() -> dict[str, object]:
    """Two sellers, listings in three chapters and statuses, one buyer."""
    small = SellerFactory.create(
        company_name="Hangzhou Silk Studio", country="CN", payout_currency="CNY"
    )
    large = SellerFactory.create(
        company_name="Liège Chocolate Works",
        country="BE",
        payout_currency="EUR",
        employees=240,
        verified=True,
    )
    shirt = ListingFactory.create(
        seller=small, title="Cotton T-shirt", hs_code="610910", price=Money("89.00", "CNY")
    )
    tea = ListingFactory.create(
        seller=small,
        title="Longjing green tea",
        hs_code="090210",
        price=Money("168.00", "CNY"),
        status=Listing.Status.DRAFT,
    )
    praline = ListingFactory.create(
        seller=large,
        title="Pralines, box of 16",
        hs_code="180690",
        origin_country="BE",
        price=Money(Decimal("24.00"), "EUR"),
    )
    buyer = BuyerFactory.create(country="DE", preferred_currency="EUR")
    return {
        "small": small,
        "large": large,
        "shirt": shirt,
        "tea": tea,
        "praline": praline,
        "buyer": buyer,
    }


@pytest.fixture
def operator_client() -> Client:
    """An operator of the Hangzhou hub, which serves China (the small seller's country)."""
    user = User.objects.create_user(username="operator", password=PASSWORD, is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    HubFactory.create(code="HGH", serves=["CN"]).operators.add(user)
    client = Client()
    client.force_login(user)
    return client


def _changelist(model: str) -> str:
    return reverse(f"admin:marketplace_{model}_changelist")


def _objects(catalogue: dict[str, object]) -> dict[str, Model]:
    objects = {
        "sellerprofile": catalogue["small"],
        "buyerprofile": catalogue["buyer"],
        "listing": catalogue["shirt"],
    }
    return {name: obj for name, obj in objects.items() if isinstance(obj, Model)}


def _visit_every_filter_choice(client: Client, model: str) -> int:
    """GET the changelist once per choice of every list filter; returns the number of GETs."""
    url = _changelist(model)
    response = client.get(url)
    assert response.status_code == 200
    visited = 0
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            filtered = client.get(url + choice["query_string"])
            assert filtered.status_code == 200, (spec.title, choice["query_string"])
            assert "errornote" not in filtered.content.decode()
            visited += 1
    return visited


def test_admin_site_has_the_ewtp_header(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "eWTP Marketplace administration" in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_superuser_sees_changelist_change_and_add_pages(
    admin_client: Client, catalogue: dict[str, object], model: str
) -> None:
    obj = _objects(catalogue)[model]
    assert admin_client.get(_changelist(model)).status_code == 200
    change = reverse(f"admin:marketplace_{model}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.get(reverse(f"admin:marketplace_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "query", "found", "not_found"),
    [
        ("sellerprofile", "silk", "Hangzhou Silk Studio", "Liège Chocolate Works"),
        ("listing", "6109", "Cotton T-shirt", "Longjing green tea"),
        ("listing", "Liège", "Pralines, box of 16", "Cotton T-shirt"),
        ("listing", "green tea", "Longjing green tea", "Pralines, box of 16"),
    ],
)
def test_search_finds_by_company_title_and_hs_code(
    admin_client: Client,
    catalogue: dict[str, object],
    model: str,
    query: str,
    found: str,
    not_found: str,
) -> None:
    response = admin_client.get(_changelist(model), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert found in page and not_found not in page


def test_buyer_search_finds_by_username(admin_client: Client, catalogue: dict[str, object]) -> None:
    buyer = catalogue["buyer"]
    assert isinstance(buyer, BuyerProfile)
    response = admin_client.get(_changelist("buyerprofile"), {"q": buyer.user.username})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [buyer]


@pytest.mark.parametrize("model", MODELS)
def test_every_filter_choice_renders(
    admin_client: Client, catalogue: dict[str, object], model: str
) -> None:
    assert _visit_every_filter_choice(admin_client, model) > 0


def test_hs_chapter_filter_lists_present_chapters_and_filters_by_prefix(
    admin_client: Client, catalogue: dict[str, object]
) -> None:
    response = admin_client.get(_changelist("listing"))
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "HS chapter")
    assert [value for value, _ in spec.lookup_choices] == ["09", "18", "61"]

    filtered = admin_client.get(_changelist("listing"), {"hs_chapter": "09"})
    assert [x.title for x in filtered.context["cl"].result_list] == ["Longjing green tea"]


def test_seller_size_and_currency_filters_narrow_the_list(
    admin_client: Client, catalogue: dict[str, object]
) -> None:
    smes = admin_client.get(_changelist("sellerprofile"), {"size": "sme"})
    assert [s.company_name for s in smes.context["cl"].result_list] == ["Hangzhou Silk Studio"]
    eur = admin_client.get(_changelist("listing"), {"price_currency": "EUR"})
    assert [x.title for x in eur.context["cl"].result_list] == ["Pralines, box of 16"]


def test_user_change_page_shows_the_seller_profile_inline(
    admin_client: Client, catalogue: dict[str, object]
) -> None:
    seller = catalogue["small"]
    assert isinstance(seller, SellerProfile)
    response = admin_client.get(reverse("admin:auth_user_change", args=[seller.user.pk]))
    assert response.status_code == 200
    assert "Hangzhou Silk Studio" in response.content.decode()
    assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:auth_user_add")).status_code == 200


def test_mark_verified_action_verifies_the_selected_sellers(
    admin_client: Client, catalogue: dict[str, object]
) -> None:
    small = catalogue["small"]
    assert isinstance(small, SellerProfile) and not small.verified
    response = admin_client.post(
        _changelist("sellerprofile"),
        {"action": "mark_verified", "_selected_action": [small.pk]},
        follow=True,
    )
    assert response.status_code == 200
    small.refresh_from_db()
    assert small.verified
    assert "1 seller(s) marked as verified." in response.content.decode()


def test_archive_action_archives_the_selected_listings(
    admin_client: Client, catalogue: dict[str, object]
) -> None:
    shirt, tea, praline = catalogue["shirt"], catalogue["tea"], catalogue["praline"]
    assert isinstance(shirt, Listing) and isinstance(tea, Listing) and isinstance(praline, Listing)
    response = admin_client.post(
        _changelist("listing"),
        {"action": "archive_selected", "_selected_action": [shirt.pk, tea.pk]},
        follow=True,
    )
    assert response.status_code == 200
    statuses = dict(Listing.objects.values_list("title", "status"))
    assert statuses == {
        "Cotton T-shirt": "archived",
        "Longjing green tea": "archived",
        "Pralines, box of 16": "active",
    }
    assert "2 listing(s) archived." in response.content.decode()


def test_hub_operator_sees_their_sellers_and_listings_but_cannot_delete(
    operator_client: Client, catalogue: dict[str, object]
) -> None:
    # Buyers are no longer an operator's (403): see tests/test_operator_scope.py for the matrix.
    for model, obj in _objects(catalogue).items():
        if model == "buyerprofile":
            assert operator_client.get(_changelist(model)).status_code == 403
            continue
        changelist = operator_client.get(_changelist(model))
        assert changelist.status_code == 200
        assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(
            changelist.wsgi_request
        )
        pk = obj.pk
        assert (
            operator_client.get(reverse(f"admin:marketplace_{model}_change", args=[pk])).status_code
            == 200
        )
        delete = reverse(f"admin:marketplace_{model}_delete", args=[pk])
        assert operator_client.get(delete).status_code == 403
        assert operator_client.post(delete, {"post": "yes"}).status_code == 403
        assert operator_client.get(reverse(f"admin:marketplace_{model}_add")).status_code == 403
    assert Listing.objects.count() == 3 and SellerProfile.objects.count() == 2


def test_hub_operator_can_verify_sellers_and_archive_listings(
    operator_client: Client, catalogue: dict[str, object]
) -> None:
    small, shirt = catalogue["small"], catalogue["shirt"]
    assert isinstance(small, SellerProfile) and isinstance(shirt, Listing)
    operator_client.post(
        _changelist("sellerprofile"), {"action": "mark_verified", "_selected_action": [small.pk]}
    )
    operator_client.post(
        _changelist("listing"), {"action": "archive_selected", "_selected_action": [shirt.pk]}
    )
    small.refresh_from_db()
    shirt.refresh_from_db()
    assert small.verified and shirt.status == Listing.Status.ARCHIVED
    assert small.verified_by is not None and small.verified_by.username == "operator"


def test_hub_operator_cannot_manage_users(
    operator_client: Client, catalogue: dict[str, object]
) -> None:
    assert operator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_works_on_the_seeded_demo_catalogue(admin_client: Client) -> None:
    demo_seed(password=settings.DEMO_PASSWORD)
    for model in MODELS:
        assert _visit_every_filter_choice(admin_client, model) > 0
    response = admin_client.get(_changelist("listing"), {"q": "090111"})
    titles = [x.title for x in response.context["cl"].result_list]
    assert titles and all("green coffee" in title for title in titles)
    operator = User.objects.get(username="demo-operator")
    client = Client()
    client.force_login(operator)
    assert client.get(_changelist("listing")).status_code == 200


def test_listing_prices_in_admin_are_formatted_as_on_every_page(admin_client: Client) -> None:
    listing = ListingFactory.create(title="Lacquer bowl", price=Money("4500000", "VND"))

    changelist = admin_client.get(_changelist("listing")).content.decode()
    seller_page = admin_client.get(
        reverse("admin:marketplace_sellerprofile_change", args=[listing.seller_id])
    ).content.decode()

    assert "VND 4,500,000" in changelist
    assert "VND 4,500,000" in seller_page
