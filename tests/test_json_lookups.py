"""JSONArrayHolds answers the same on SQLite and PostgreSQL: an array holds a string, an integer
or an object with at least the given keys and values; nothing else holds anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from ewtp.api.models import IdempotencyKey
from ewtp.json_lookups import JSONArrayHolds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODIES: dict[str, Any] = {
    "route": ["HGH", "KUL", "LGG"],
    "numbers": [1, 2, 30],
    "reasons": [
        {"rule": "unverified_seller", "message": "undervalued, says the note"},
        {"rule": "undervalued", "message": "Declared under 80 %.", "line": 7},
    ],
    "object": {"rule": "undervalued"},
    "string": "HGH",
    "empty": [],
    "null": None,
}


@pytest.fixture
def rows() -> None:
    user = UserFactory.create()
    for key, body in BODIES.items():
        IdempotencyKey.objects.create(
            user=user, endpoint="POST /x/", key=key, request_hash="0", response_body=body
        )


def holding(item: Any) -> list[str]:
    found = IdempotencyKey.objects.filter(JSONArrayHolds(F("response_body"), item))
    return sorted(found.values_list("key", flat=True))


@pytest.mark.parametrize(
    ("item", "keys"),
    [
        ("HGH", ["route"]),
        ("KU", []),  # equal, not a part of one
        (30, ["numbers"]),
        ("30", []),  # a string is not a number
        ({"rule": "undervalued"}, ["reasons"]),
        ({"rule": "undervalued", "line": 7}, ["reasons"]),
        ({"rule": "undervalued", "line": 8}, []),
        ({"message": "undervalued"}, []),
        ({"rule": "prohibited"}, []),
    ],
)
def test_an_array_holds_an_equal_item_or_an_object_with_those_values(
    rows: None, item: Any, keys: list[str]
) -> None:
    assert holding(item) == keys


@pytest.mark.parametrize("item", [True, 1.5, None, {}, {"rule": ["a"]}])
def test_only_strings_integers_and_objects_of_them_are_matched(item: Any) -> None:
    with pytest.raises(ValueError, match="Match"):
        JSONArrayHolds(F("response_body"), item)
