"""Operator screens for sellers, buyers and listings. Actions call marketplace.services.

Superusers see and edit everything. A hub operator (staff in the "Hub operators" group, running
hubs through `Hub.operators`) works inside the hub scope, `ehubs.selectors.operator_countries`:

- Sellers based in a country their hubs serve, and those sellers' listings; nothing else appears
  in lists, searches, filter choices, autocompletes, inlines or actions, and another hub's seller
  or listing is "not found" on its change, delete and history pages.
- A seller's data is the seller's: every field is read-only for an operator. Operators verify and
  unverify sellers with the list actions, which record who verified and when.
- A listing's seller, price, HS code, origin and weight feed duty, tax and shipping, and its title,
  description and stock are the seller's words: all read-only for an operator. The operator may
  take a listing off the storefront (status "archived", on the page or by the action), never
  publish it for the seller.
- Buyers: none for now. Orders through their hubs will let operators see those orders' buyers.
- Users, groups and API tokens: superusers only. Nobody deletes a seller or listing here (they
  are deactivated and archived: orders point at them).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.forms import ChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_countries.filters import CountryFilter

from customs.hs import HS_CHAPTERS
from marketplace import selectors, services
from marketplace.models import BuyerProfile, Listing, SellerProfile
from marketplace.templatetags.money import format_money


class ScopedCountryFilter(CountryFilter):
    """CountryFilter offering only the countries among the rows the user may see (the stock
    filter reads the whole table, which would name other hubs' countries)."""

    def lookup_choices(self, changelist: Any) -> Any:
        codes = set(
            changelist.root_queryset.order_by().values_list(self.field_path, flat=True).distinct()
        )
        for code, name in self.field.get_choices(include_blank=False):
            if code in codes:
                yield code, name


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


def _price_shown(listing: Listing) -> str:
    """The price as every page shows money (marketplace.templatetags.money)."""
    return format_money(listing.price.amount, str(listing.price.currency))


class ListingInline(admin.TabularInline):
    """A seller's listings, read-only: edit them on the listing's own page."""

    model = Listing
    fields = ("title", "hs_code", "price_shown", "stock", "status", "updated")
    readonly_fields = fields
    ordering = ("status", "title")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="price")
    def price_shown(self, obj: Listing) -> str:
        return _price_shown(obj)


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "company_name",
        "username",
        "country",
        "employees",
        "is_sme",
        "verified",
        "verified_by",
        "verified_at",
        "payout_currency",
        "listing_count",
        "created",
    )
    list_display_links = ("company_name",)
    list_filter = (
        ("country", ScopedCountryFilter),
        "verified",
        SellerSizeFilter,
        ("payout_currency", admin.AllValuesFieldListFilter),
    )
    search_fields = ("company_name", "user__username", "user__email")
    list_select_related = ("user", "verified_by")
    raw_id_fields = ("user",)
    readonly_fields = ("verified_by", "verified_at", "created")
    fields = (
        "user",
        "company_name",
        "country",
        "employees",
        "verified",
        "verified_by",
        "verified_at",
        "payout_currency",
        "created",
    )
    inlines = (ListingInline,)
    # Explicit: the listing count's GROUP BY drops Meta.ordering (the autocomplete pages by it).
    ordering = ("company_name", "pk")
    actions = ("mark_verified", "mark_unverified")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[SellerProfile]:
        sellers = super().get_queryset(request).annotate(listing_count=Count("listings"))
        return selectors.sellers_operated(user=request.user, sellers=sellers)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if not request.user.is_superuser:
            return self.fields  # operators act on sellers through the actions only
        # A profile belongs to its user for good; only a new profile picks one.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "user") if obj is not None else readonly

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not request.user.is_superuser:
            # Nothing on the page is editable for an operator: no save buttons.
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: SellerProfile, form: ModelForm[Any], change: bool
    ) -> None:
        # A superuser ticking the box is recorded like the action.
        if "verified" in form.changed_data:
            obj.verified_by = request.user if obj.verified else None  # type: ignore[assignment]
            obj.verified_at = timezone.now() if obj.verified else None
        super().save_model(request, obj, form, change)

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
        pks = services.sellers_verify(sellers=queryset, by=request.user)  # type: ignore[arg-type]
        self._log_each(request, pks, "Verified.")
        self.message_user(request, f"{len(pks)} seller(s) marked as verified.", messages.SUCCESS)

    @admin.action(description="Withdraw verification of selected sellers", permissions=["change"])
    def mark_unverified(self, request: HttpRequest, queryset: QuerySet[SellerProfile]) -> None:
        pks = services.sellers_unverify(sellers=queryset)
        self._log_each(request, pks, "Verification withdrawn.")
        self.message_user(request, f"{len(pks)} seller(s) no longer verified.", messages.SUCCESS)

    def _log_each(self, request: HttpRequest, pks: list[int], message: str) -> None:
        # The seller's history page then says who verified or unverified, and when.
        for seller in SellerProfile.objects.filter(pk__in=pks):
            self.log_change(request, seller, message)


@admin.register(BuyerProfile)
class BuyerProfileAdmin(admin.ModelAdmin):
    """Superusers only for now: operators will see the buyers of orders through their hubs."""

    list_display = ("username", "email", "country", "preferred_currency", "created")
    list_filter = (
        ("country", ScopedCountryFilter),
        ("preferred_currency", admin.AllValuesFieldListFilter),
    )
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("created",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BuyerProfile]:
        return selectors.buyers_operated(user=request.user, buyers=super().get_queryset(request))

    @admin.display(description="username", ordering="user__username")
    def username(self, obj: BuyerProfile) -> str:
        return obj.user.username

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: BuyerProfile) -> str:
        return obj.user.email


# What a listing's seller wrote: read-only for hub operators (see the module docstring).
LISTING_SELLERS_FIELDS = (
    "seller",
    *(name for name in services.LISTING_EDITABLE if name != "status"),
)


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "seller",
        "hs_code",
        "hs_subheading",
        "hs_chapter",
        "origin_country",
        "price_shown",
        "stock",
        "weight_grams",
        "status",
        "updated",
    )
    list_filter = (
        "status",
        HSChapterFilter,
        ("price_currency", admin.AllValuesFieldListFilter),
        ("origin_country", ScopedCountryFilter),
        SellerVerifiedFilter,
    )
    search_fields = ("title", "^hs_code", "seller__company_name", "seller__user__username")
    list_select_related = ("seller",)
    autocomplete_fields = ("seller",)
    readonly_fields = ("created", "updated")
    actions = ("archive_selected",)
    list_per_page = 50

    @admin.display(description="price", ordering="price")
    def price_shown(self, obj: Listing) -> str:
        return _price_shown(obj)

    @admin.display(description="HS 2022 subheading")
    def hs_subheading(self, obj: Listing) -> str:
        return obj.hs_description

    def get_queryset(self, request: HttpRequest) -> QuerySet[Listing]:
        return selectors.listings_operated(
            user=request.user, listings=super().get_queryset(request)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*LISTING_SELLERS_FIELDS, *readonly)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if not request.user.is_superuser and obj is not None and isinstance(status, ChoiceField):
            # An operator may archive a listing (or leave it be), never publish it.
            keep = {obj.status, Listing.Status.ARCHIVED}
            status.choices = [(v, label) for v, label in Listing.Status.choices if v in keep]
        return form

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
    fk_name = "user"
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
