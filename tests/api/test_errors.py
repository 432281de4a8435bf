"""The exception handler shapes every API error body the way docs/API.md fixes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.exceptions import ParseError
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from ewtp.api.errors import Conflict, RuleRefused


def respond_to(exc: Exception) -> Response:
    class Raising(APIView):
        permission_classes = [AllowAny]
        authentication_classes: list[Any] = []

        def get(self, request: Request) -> Response:
            raise exc

    response = Raising.as_view()(APIRequestFactory().get("/"))
    response.render()
    return response


def test_a_services_django_validation_error_becomes_400_field_errors() -> None:
    exc = DjangoValidationError(
        {"price": ["Ensure this value is greater than 0."], "__all__": ["Whole thing is off."]}
    )

    response = respond_to(exc)

    assert response.status_code == 400
    assert response.data == {
        "price": ["Ensure this value is greater than 0."],
        "non_field_errors": ["Whole thing is off."],
    }


def test_a_django_validation_error_without_fields_goes_under_non_field_errors() -> None:
    response = respond_to(DjangoValidationError("This password is too common."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["This password is too common."]}


def test_a_drf_validation_error_with_a_list_goes_under_non_field_errors() -> None:
    response = respond_to(DRFValidationError(["Nope."]))

    assert response.data == {"non_field_errors": ["Nope."]}


def test_a_parse_error_is_a_400_non_field_error() -> None:
    response = respond_to(ParseError("JSON parse error - bad"))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["JSON parse error - bad"]}


def test_rule_refused_is_a_422_with_detail_and_code() -> None:
    response = respond_to(RuleRefused("Lithium batteries cannot fly to BE.", code="prohibited"))

    assert response.status_code == 422
    assert response.data == {"detail": "Lithium batteries cannot fly to BE.", "code": "prohibited"}


def test_rule_refused_only_takes_the_documented_codes() -> None:
    with pytest.raises(ValueError, match="unknown RuleRefused code"):
        RuleRefused("?", code="nope")


def test_conflict_is_a_409_with_detail_and_code() -> None:
    response = respond_to(Conflict("Only 2 left.", code="out_of_stock"))

    assert response.status_code == 409
    assert response.data == {"detail": "Only 2 left.", "code": "out_of_stock"}


def test_not_found_keeps_detail() -> None:
    response = respond_to(Http404("No such listing."))

    assert response.status_code == 404
    assert response.data == {"detail": "No such listing."}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/nothing/", "/api/v1/listings/1.5/", "/api/v1/a%0Ab/"])
def test_unknown_api_urls_are_json_404s(url: str) -> None:
    client = APIClient(enforce_csrf_checks=True)

    for response in (client.get(url), client.post(url, {}, format="json")):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
