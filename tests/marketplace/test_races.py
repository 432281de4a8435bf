"""Concurrent writes lose nothing: listing updates against each other and against an archive,
and sign-ups racing for one username.

The PostgreSQL tests interleave two requests for real: each runs in its own thread with its own
database connection, while the test holds a row lock (or an uncommitted row) that both must wait
for. Once PostgreSQL reports both waiting, the test lets go and the two proceed together. The
other tests replay the same interleaving one step at a time, so they run on SQLite too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace import services
from marketplace.models import Listing, SellerProfile
from tests.factories import PASSWORD, ListingFactory, SellerFactory, UserFactory
from tests.marketplace.test_pages import buyer_signup_data, listing_post_data

TAKEN = {"username": ["A user with that username already exists."]}


# --- helpers for real concurrency on PostgreSQL ----------------------------------------------


class InThread:
    """Run `work` in a thread of its own, with its own database connection."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            self.result = work()
        except BaseException as error:  # reported by join()
            self.error = error
        finally:
            connection.close()

    def join(self) -> Any:
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the request never finished"
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_waiting(count: int) -> None:
    """Block until `count` other sessions of this database wait for a lock."""
    deadline = time.monotonic() + 10
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
            assert time.monotonic() < deadline, f"{waiting} of {count} requests reached the lock"
            time.sleep(0.01)


@contextmanager
def row_locked(listing: Listing) -> Iterator[None]:
    """Hold the listing's row lock until the block ends (then commit, changing nothing)."""
    with transaction.atomic():
        Listing.objects.select_for_update().get(pk=listing.pk)
        yield


def api_as(user: User) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=user)
    return client


def seller_signup_body(username: str) -> dict[str, Any]:
    return {
        "username": username,
        "password": "Tall-Lantern-Harbour-81",
        "email": f"{username.lower()}@example.com",
        "company_name": f"{username} Trading",
        "country": "VN",
        "employees": 4,
    }


# --- listings: two PATCHes, and a PATCH racing an archive ------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_patches_of_different_fields_both_survive() -> None:
    seller = SellerFactory.create()
    listing = ListingFactory.create(seller=seller, title="Old title", stock=1)
    url = f"/api/v1/listings/{listing.pk}/"

    with row_locked(listing):
        title = InThread(lambda: api_as(seller.user).patch(url, {"title": "New title"}, "json"))
        wait_until_waiting(1)
        stock = InThread(lambda: api_as(seller.user).patch(url, {"stock": 7}, "json"))
        wait_until_waiting(2)

    assert title.join().status_code == 200
    assert stock.join().status_code == 200
    listing.refresh_from_db()
    assert (listing.title, listing.stock) == ("New title", 7)
    shown = APIClient().get(url).json()
    assert (shown["title"], shown["stock"]) == ("New title", 7)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stock_change_racing_an_archive_never_puts_the_listing_back_on_sale() -> None:
    seller = SellerFactory.create()
    listing = ListingFactory.create(seller=seller, status=Listing.Status.ACTIVE, stock=1)
    url = f"/api/v1/listings/{listing.pk}/"

    with row_locked(listing):
        # The archive queues first, so it commits first; the PATCH read the listing as active.
        archive = InThread(lambda: api_as(seller.user).delete(url))
        wait_until_waiting(1)
        restock = InThread(lambda: api_as(seller.user).patch(url, {"stock": 5}, "json"))
        wait_until_waiting(2)

    assert archive.join().status_code == 204
    patched = restock.join()
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["stock"]) == ("archived", 5)
    listing.refresh_from_db()
    assert (listing.status, listing.stock) == (Listing.Status.ARCHIVED, 5)
    assert APIClient().get(url).status_code == 404  # not on the storefront


# --- listings: the same interleavings, one step at a time (any database) --------------------


@pytest.mark.django_db
def test_an_update_from_a_stale_copy_keeps_what_another_update_changed() -> None:
    listing = ListingFactory.create(title="Old title", stock=1)
    first, second = Listing.objects.get(pk=listing.pk), Listing.objects.get(pk=listing.pk)

    services.listing_update(listing=first, title="New title")
    services.listing_update(listing=second, stock=7)

    listing.refresh_from_db()
    assert (listing.title, listing.stock) == ("New title", 7)


@pytest.mark.django_db
def test_an_update_read_before_an_archive_leaves_the_listing_archived() -> None:
    listing = ListingFactory.create(status=Listing.Status.ACTIVE, stock=1)
    read_before = Listing.objects.get(pk=listing.pk)
    services.listing_archive(listing=Listing.objects.get(pk=listing.pk))

    stored = services.listing_update(listing=read_before, stock=5)

    assert (stored.status, stored.stock) == (Listing.Status.ARCHIVED, 5)
    assert read_before.status == Listing.Status.ARCHIVED
    listing.refresh_from_db()
    assert (listing.status, listing.stock) == (Listing.Status.ARCHIVED, 5)


@pytest.mark.django_db
def test_patching_status_active_republishes_an_archived_listing(
    api_client: APIClient, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, status=Listing.Status.ARCHIVED)
    api_client.force_authenticate(user=seller.user)

    response = api_client.patch(f"/api/v1/listings/{listing.pk}/", {"status": "active"}, "json")

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert APIClient().get(f"/api/v1/listings/{listing.pk}/").status_code == 200


@pytest.mark.django_db
def test_saving_the_edit_page_after_an_archive_elsewhere_keeps_the_listing_archived(
    client: Client, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, status=Listing.Status.ACTIVE, stock=1)
    client.force_login(seller.user)
    url = reverse("seller_listing_edit", args=[listing.pk])
    page = client.get(url).content.decode()
    assert 'name="initial-status" value="active"' in page  # the status the seller was shown
    services.listing_archive(listing=listing)  # e.g. from the API, while the page was open

    data = listing_post_data(stock="40", status="active", **{"initial-status": "active"})
    response = client.post(url, data, follow=True)

    assert "is archived and hidden from buyers" in response.content.decode()
    listing.refresh_from_db()
    assert (listing.status, listing.stock) == (Listing.Status.ARCHIVED, 40)


@pytest.mark.django_db
def test_the_edit_page_still_changes_the_status_when_the_seller_chooses_to(
    client: Client, seller: SellerProfile
) -> None:
    listing = ListingFactory.create(seller=seller, status=Listing.Status.ARCHIVED)
    client.force_login(seller.user)

    data = listing_post_data(status="active", **{"initial-status": "archived"})
    client.post(reverse("seller_listing_edit", args=[listing.pk]), data)

    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


# --- sign-ups racing for one username --------------------------------------------------------


@contextmanager
def username_held(username: str) -> Iterator[None]:
    """Insert `username` without committing, so sign-ups for it wait; roll back at the end."""
    with transaction.atomic():
        User.objects.create_user(username=username, password=PASSWORD)
        yield
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("signup_rates")
@pytest.mark.parametrize("usernames", [("bob", "bob"), ("alice", "ALICE")])
def test_racing_api_sign_ups_for_one_username_answer_400_not_500(
    usernames: tuple[str, str],
) -> None:
    def sign_up(username: str) -> Callable[[], Any]:
        client = APIClient(raise_request_exception=False)
        return lambda: client.post("/api/v1/sellers/", seller_signup_body(username), "json")

    # Both pass the "is it taken?" check while the test's row is uncommitted, then wait on the
    # unique index; the test rolls back and the two insert at the same moment.
    with username_held(usernames[0]):
        first = InThread(sign_up(usernames[0]))
        second = InThread(sign_up(usernames[1]))
        wait_until_waiting(2)

    responses = sorted([first.join(), second.join()], key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [201, 400]
    assert responses[1].json() == TAKEN
    assert User.objects.filter(username__iexact=usernames[0]).count() == 1
    assert SellerProfile.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("signup_rates")
def test_racing_page_sign_ups_differing_only_in_case_show_a_form_error() -> None:
    def sign_up(username: str) -> Callable[[], Any]:
        data = buyer_signup_data(username=username, email=f"{username.lower()}@example.com")
        return lambda: Client(raise_request_exception=False).post(reverse("signup_buyer"), data)

    with username_held("carol"):
        first = InThread(sign_up("carol"))
        second = InThread(sign_up("Carol"))
        wait_until_waiting(2)

    responses = sorted([first.join(), second.join()], key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [200, 302]
    assert "A user with that username already exists." in responses[0].content.decode()
    assert User.objects.filter(username__iexact="carol").count() == 1


# --- usernames are unique whatever their case (any database) --------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("signup_rates")
def test_api_sign_up_refuses_a_username_differing_only_in_case(api_client: APIClient) -> None:
    UserFactory.create(username="dana")

    response = api_client.post("/api/v1/sellers/", seller_signup_body("Dana"), "json")

    assert response.status_code == 400
    assert response.json() == TAKEN
    assert not SellerProfile.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("signup_rates")
def test_page_sign_up_refuses_a_username_differing_only_in_case(client: Client) -> None:
    UserFactory.create(username="emile")

    response = client.post(reverse("signup_buyer"), buyer_signup_data(username="EMILE"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == TAKEN["username"]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_usernames_differing_only_in_case() -> None:
    User.objects.create(username="farah")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Farah")
