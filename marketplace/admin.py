"""Operator screens for sellers, buyers and listings. Actions call marketplace.services.

Hub operators (staff in the "Hub operators" group, see services.HUB_OPERATOR_PERMISSIONS) may view
and change sellers and listings and view buyers; deleting is for superusers only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest
from django_countries.filters import CountryFilter

from customs.hs import HS_CHAPTERS
from marketplace import services
from marketplace.models import BuyerProfile, Listing, SellerProfile

admin.site.site_header = "eWTP Marketplace administration"
admin.site.site_title = "eWTP Marketplace admin"
admin.site.index_title = "Operations"


class HSChapterFilter(admin.SimpleListFilter):
    """The 2-digit HS chapters that occur among the listings."""

    title = "HS chapter"
    parameter_name = "hs_chapter"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        chapters = (
            model_admin.get_queryset(request)
            .annotate(chapter=Substr("hs_code", 1, 2))
            .order_by("chapter")
            .values_list("chapter", flat=True)
            .distinct()
        )
        return [(c, f"{c} {HS_CHAPTERS.get(c, '')}".rstrip()) for c in chapters]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and len(value) == 2 and value.isdigit():
            return queryset.filter(hs_code__startswith=value)
        return queryset


class SellerSizeFilter(admin.SimpleListFilter):
    title = "size"
    parameter_name = "size"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("sme", "SME (under 30 staff)"), ("large", "30 staff or more")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "sme":
            return queryset.filter(employees__lt=30)
        if self.value() == "large":
            return queryset.filter(employees__gte=30)
        return queryset


class SellerVerifiedFilter(admin.SimpleListFilter):
    title = "seller verified"
    parameter_name = "seller_verified"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(seller__verified=self.value() == "yes")
        return queryset


class ListingInline(admin.TabularInline):
    """A seller's listings, read-only: edit them on the listing's own page."""

    model = Listing
    fields = ("title", "hs_code", "price", "stock", "status", "updated")
    readonly_fields = fields
    ordering = ("status", "title")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "company_name",
        "username",
        "country",
        "employees",
        "is_sme",
        "verified",
        "payout_currency",
        "listing_count",
        "created",
    )
    list_display_links = ("company_name",)
    list_filter = (
        ("country", CountryFilter),
        "verified",
        SellerSizeFilter,
        ("payout_currency", admin.AllValuesFieldListFilter),
    )
    search_fields = ("company_name", "user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("created",)
    fields = (
        "user",
        "company_name",
        "country",
        "employees",
        "verified",
        "payout_currency",
        "created",
    )
    inlines = (ListingInline,)
    actions = ("mark_verified",)
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[SellerProfile]:
        return super().get_queryset(request).annotate(listing_count=Count("listings"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A profile belongs to its user for good; only a new profile picks one.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "user") if obj is not None else readonly

    @admin.display(description="username", ordering="user__username")
    def username(self, obj: SellerProfile) -> str:
        return obj.user.username

    @admin.display(description="SME", boolean=True, ordering="employees")
    def is_sme(self, obj: SellerProfile) -> bool:
        return obj.is_sme

    @admin.display(description="listings", ordering="listing_count")
    def listing_count(self, obj: SellerProfile) -> int:
        return int(getattr(obj, "listing_count", 0))

    @admin.action(description="Mark selected sellers as verified", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[SellerProfile]) -> None:
        count = services.sellers_verify(sellers=queryset)
        self.message_user(request, f"{count} seller(s) marked as verified.", messages.SUCCESS)


@admin.register(BuyerProfile)
class BuyerProfileAdmin(admin.ModelAdmin):
    list_display = ("username", "email", "country", "preferred_currency", "created")
    list_filter = (
        ("country", CountryFilter),
        ("preferred_currency", admin.AllValuesFieldListFilter),
    )
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("created",)

    @admin.display(description="username", ordering="user__username")
    def username(self, obj: BuyerProfile) -> str:
        return obj.user.username

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: BuyerProfile) -> str:
        return obj.user.email


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "seller",
        "hs_code",
        "hs_subheading",
        "hs_chapter",
        "origin_country",
        "price",
        "stock",
        "weight_grams",
        "status",
        "updated",
    )
    list_filter = (
        "status",
        HSChapterFilter,
        ("price_currency", admin.AllValuesFieldListFilter),
        ("origin_country", CountryFilter),
        SellerVerifiedFilter,
    )
    search_fields = ("title", "^hs_code", "seller__company_name", "seller__user__username")
    list_select_related = ("seller",)
    autocomplete_fields = ("seller",)
    readonly_fields = ("created", "updated")
    actions = ("archive_selected",)
    list_per_page = 50

    @admin.display(description="HS 2022 subheading")
    def hs_subheading(self, obj: Listing) -> str:
        return obj.hs_description

    @admin.display(description="HS ch.", ordering="hs_code")
    def hs_chapter(self, obj: Listing) -> str:
        return obj.hs_chapter

    @admin.action(description="Archive selected listings", permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        archived = 0
        for listing in queryset.exclude(status=Listing.Status.ARCHIVED):
            services.listing_archive(listing=listing)
            archived += 1
        self.message_user(request, f"{archived} listing(s) archived.", messages.SUCCESS)


class SellerProfileInline(admin.StackedInline):
    model = SellerProfile
    can_delete = False
    extra = 0
    max_num = 1
    readonly_fields = ("created",)


class BuyerProfileInline(admin.StackedInline):
    model = BuyerProfile
    can_delete = False
    extra = 0
    max_num = 1
    readonly_fields = ("created",)


class MarketplaceUserAdmin(UserAdmin):
    """Django's user admin, with the user's seller or buyer profile on its page."""

    inlines = (SellerProfileInline, BuyerProfileInline)
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("seller_profile", "buyer_profile")

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # The add form only asks for a username and password; profiles come after.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="roles")
    def roles(self, obj: User) -> str:
        roles = [
            name
            for name, has in (
                ("seller", hasattr(obj, "seller_profile")),
                ("buyer", hasattr(obj, "buyer_profile")),
                ("staff", obj.is_staff),
                ("superuser", obj.is_superuser),
            )
            if has
        ]
        return ", ".join(roles) or "—"


admin.site.unregister(User)
admin.site.register(User, MarketplaceUserAdmin)
