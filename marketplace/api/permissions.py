"""Who may write what. Reads are filtered by querysets (a hidden object is a 404, not a 403)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from marketplace.models import BuyerProfile, SellerProfile


def seller_of(user: User | AnonymousUser) -> SellerProfile | None:
    """The user's seller profile, or None for anonymous users and non-sellers."""
    if not user.is_authenticated:
        return None
    try:
        return user.seller_profile
    except SellerProfile.DoesNotExist:
        return None


def buyer_of(user: User | AnonymousUser) -> BuyerProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.buyer_profile
    except BuyerProfile.DoesNotExist:
        return None


class IsSellerOrReadOnly(BasePermission):
    """Anyone reads; only a seller writes (a signed-in non-seller gets a 403)."""

    message = "Only sellers can create or change listings."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or seller_of(request.user) is not None


class IsListingSellerOrReadOnly(BasePermission):
    """Only the listing's own seller changes it."""

    message = "You can only change your own listings."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        seller = seller_of(request.user)
        return seller is not None and obj.seller_id == seller.pk
