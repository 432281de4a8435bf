"""Thin DRF views: validate with a serializer, call one service or selector, serialize."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.api.links import link, links
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import ERRORS_400, ERRORS_401, ERRORS_404, errors
from ewtp.api.throttling import AnonThrottle, UserThrottle
from marketplace import lockout, selectors, services
from marketplace.api.filters import ListingFilter
from marketplace.api.permissions import (
    IsListingSellerOrReadOnly,
    IsSellerOrReadOnly,
    buyer_of,
    seller_of,
)
from marketplace.api.serializers import (
    BuyerPrivate,
    BuyerProfileInput,
    BuyerRegisterInput,
    ListingInput,
    ListingOutput,
    SellerPrivate,
    SellerProfileInput,
    SellerPublic,
    SellerRegisterInput,
    TokenInput,
    TokenSerializer,
)
from marketplace.models import BuyerProfile, Listing, SellerProfile

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


# The stateful links (ewtp.api.links): from a profile or listing to what can be done with it next.
_GET_SELLER = link("v1_sellers_retrieve", "The seller's public profile.", id="$response.body#/id")
_LISTING_LINKS = {
    "GetListing": link("v1_listings_retrieve", "The listing.", id="$response.body#/id"),
    "UpdateListing": link(
        "v1_listings_partial_update", "Change the listing.", id="$response.body#/id"
    ),
    "ArchiveListing": link("v1_listings_destroy", "Archive the listing.", id="$response.body#/id"),
}
_GET_ARCHIVED_LISTING = link(
    "v1_listings_retrieve",
    "The archived listing: its seller still gets it, with status `archived`; anyone else a 404.",
    id="$request.path.id",
)


@extend_schema(
    tags=["auth"],
    summary="Exchange a username and password for an API token",
    request=TokenInput,
    responses={200: TokenSerializer, **errors(400, 429)},
)
class TokenObtainView(ObtainAuthToken):
    # No authentication: a stale token or session must not stand in the way of logging in.
    authentication_classes = ()
    parser_classes = (StrictJSONParser, FormParser)
    serializer_class = TokenInput

    # ObtainAuthToken turns throttling off; the anonymous limit applies here as everywhere.
    throttle_classes = (AnonThrottle, UserThrottle)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            lockout.raise_if_locked_out(request)  # a 429, once axes locked the pair
            raise


@extend_schema_view(
    list=extend_schema(
        summary="List sellers (public profile)",
        responses={200: SellerPublic(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A seller's public profile", responses={200: SellerPublic, **ERRORS_404}
    ),
    create=extend_schema(
        summary="Sign up as a seller",
        request=SellerRegisterInput,
        responses={201: SellerPrivate, **ERRORS_400},
        extensions=links(201, GetSeller=_GET_SELLER),
    ),
    me=extend_schema(
        summary="The requesting seller's own profile",
        responses={200: SellerPrivate, **errors(401, 404)},
        extensions=links(200, GetSeller=_GET_SELLER),
    ),
)
@extend_schema(tags=["sellers"])
class SellerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SellerProfile]
):
    queryset = SellerProfile.objects.order_by("company_name", "id")
    serializer_class = SellerPublic
    permission_classes = [AllowAny]
    parser_classes = [StrictJSONParser]
    filter_backends: list[Any] = []

    def create(self, request: Request) -> Response:
        data = SellerRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        seller = services.seller_register(**data.validated_data)
        return Response(SellerPrivate(seller).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def me(self, request: Request) -> Response:
        seller = seller_of(request.user)
        if seller is None:
            raise Http404("You have no seller profile.")
        return Response(SellerPrivate(seller).data)

    @extend_schema(
        summary="Change your seller profile's country or payout currency",
        description="`employees` and `verified` are checked by operators and cannot be changed "
        "here. A new payout currency must have an exchange rate loaded.",
        request=SellerProfileInput,
        responses={200: SellerPrivate, **errors(400, 401, 404)},
    )
    @me.mapping.patch
    def me_update(self, request: Request) -> Response:
        seller = seller_of(request.user)
        if seller is None:
            raise Http404("You have no seller profile.")
        data = SellerProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        seller = services.seller_profile_update(
            seller=seller,
            country=data.validated_data.get("country", str(seller.country.code)),
            payout_currency=data.validated_data.get("payout_currency", seller.payout_currency),
        )
        return Response(SellerPrivate(seller).data)


@extend_schema_view(
    create=extend_schema(
        summary="Sign up as a buyer",
        request=BuyerRegisterInput,
        responses={201: BuyerPrivate, **ERRORS_400},
    ),
    retrieve=extend_schema(
        summary="A buyer profile: only your own",
        responses={200: BuyerPrivate, **ERRORS_401, **ERRORS_404},
    ),
    me=extend_schema(
        summary="The requesting buyer's own profile",
        responses={200: BuyerPrivate, **errors(401, 404)},
    ),
)
@extend_schema(tags=["buyers"])
class BuyerViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[BuyerProfile]):
    # Buyers are private: no list, and a buyer sees only their own profile.
    serializer_class = BuyerPrivate
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]
    filter_backends: list[Any] = []

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action == "create":
            return [AllowAny()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[BuyerProfile]:
        buyer = buyer_of(self.request.user)
        queryset = BuyerProfile.objects.select_related("user")
        return queryset.filter(pk=buyer.pk) if buyer is not None else queryset.none()

    def create(self, request: Request) -> Response:
        data = BuyerRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        buyer = services.buyer_register(**data.validated_data)
        return Response(BuyerPrivate(buyer).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        buyer = buyer_of(request.user)
        if buyer is None:
            raise Http404("You have no buyer profile.")
        return Response(BuyerPrivate(buyer).data)

    @extend_schema(
        summary="Change your buyer profile's country or preferred currency",
        description="A new preferred currency must have an exchange rate loaded.",
        request=BuyerProfileInput,
        responses={200: BuyerPrivate, **errors(400, 401, 404)},
    )
    @me.mapping.patch
    def me_update(self, request: Request) -> Response:
        buyer = buyer_of(request.user)
        if buyer is None:
            raise Http404("You have no buyer profile.")
        data = BuyerProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        buyer = services.buyer_profile_update(
            buyer=buyer,
            country=data.validated_data.get("country", str(buyer.country.code)),
            preferred_currency=data.validated_data.get(
                "preferred_currency", buyer.preferred_currency
            ),
        )
        return Response(BuyerPrivate(buyer).data)


@extend_schema_view(
    list=extend_schema(
        summary="List listings",
        description="Active listings; a signed-in seller also sees their own drafts and "
        "archived listings.",
        responses={200: ListingOutput(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A listing",
        description="Another seller's draft or archived listing is a 404.",
        responses={200: ListingOutput, **ERRORS_404},
    ),
    create=extend_schema(
        summary="Create a listing (sellers)",
        description="The seller is the requesting user; a `seller` key in the body is ignored.",
        request=ListingInput,
        responses={201: ListingOutput, **errors(400, 401, 403)},
        extensions=links(201, **_LISTING_LINKS),
    ),
    partial_update=extend_schema(
        summary="Change a listing (its seller only)",
        request=ListingInput(partial=True),
        responses={200: ListingOutput, **errors(400, 401, 403, 404)},
        extensions=links(200, **_LISTING_LINKS),
    ),
    destroy=extend_schema(
        summary="Archive a listing (its seller only)",
        description="Listings are archived, not erased: orders keep pointing at them and the "
        "seller still sees them with status `archived`.",
        responses={204: None, **errors(401, 403, 404)},
        extensions=links(204, GetArchivedListing=_GET_ARCHIVED_LISTING),
    ),
)
@extend_schema(tags=["listings"])
class ListingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Listing]
):
    serializer_class = ListingOutput
    # IsAuthenticatedOrReadOnly first: anonymous writes are a 401, and the schema marks reads
    # as open to anyone.
    permission_classes = [
        IsAuthenticatedOrReadOnly,
        IsSellerOrReadOnly,
        IsListingSellerOrReadOnly,
    ]
    parser_classes = [StrictJSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ListingFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Listing]:
        return selectors.listings_visible(seller=seller_of(self.request.user))

    def create(self, request: Request) -> Response:
        seller = seller_of(request.user)
        assert seller is not None  # IsSellerOrReadOnly
        data = ListingInput(data=request.data)
        data.is_valid(raise_exception=True)
        listing = services.listing_create(seller=seller, **data.validated_data)
        return Response(ListingOutput(listing).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        listing = self.get_object()
        data = ListingInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        listing = services.listing_update(listing=listing, **data.validated_data)
        return Response(ListingOutput(listing).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.listing_archive(listing=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
