"""Operator screens for the e-road.

Superusers edit everything. A hub operator (a staff user in `Hub.operators`, in the "Hub
operators" group) sees every hub, corridor and union read-only (the network is public, though
not who operates the other hubs), and adds or changes only the corridors that leave a hub they
operate.

Waybills are issued by the platform and read-only for everyone; an operator sees those whose
route passes one of their hubs, and another is "not found" on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ehubs.models import Corridor, CustomsUnion, CustomsUnionMember, Hub, HubCountry, Waybill
from ehubs.selectors import operator_hubs, waybills_operated
from ewtp.admin_scope import OutOfScopeNotFound
from payments.ledger import account_name
from payments.money import money_format
from payments.selectors import hub_accounts


class HubCountryInline(admin.TabularInline):
    model = HubCountry
    extra = 0


FEE_FIELDS = ("fee_percent", "sme_fee_percent")
ACCOUNTS_SECTION = "Customs and logistics accounts"


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "city", "currency", "served"]
    list_filter = ["country", "currency"]
    search_fields = ["code", "name", "city"]
    filter_horizontal = ["operators"]
    inlines = [HubCountryInline]
    readonly_fields = ["accounts_shown"]

    def get_readonly_fields(self, request: HttpRequest, obj: Hub | None = None) -> Any:
        # The platform's fee rates are the platform's: superusers alone set them.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, *FEE_FIELDS)

    def get_fields(self, request: HttpRequest, obj: Hub | None = None) -> Any:
        return [f for f in super().get_fields(request, obj) if f != "accounts_shown"]

    def get_fieldsets(self, request: HttpRequest, obj: Hub | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and self._sees_accounts(request, obj):
            fieldsets.append(
                (
                    ACCOUNTS_SECTION,
                    {
                        "fields": ["accounts_shown"],
                        "description": "What the hub holds for its customs authority (duty, "
                        "tax) and its carriers (logistics), from the ledger; read-only.",
                    },
                )
            )
        return fieldsets

    def _sees_accounts(self, request: HttpRequest, hub: Hub) -> bool:
        """Superusers, and the hub's own operators (not another hub's)."""
        user = request.user
        return bool(user.is_superuser) or operator_hubs(user=user).filter(pk=hub.pk).exists()

    @admin.display(description="balances and latest entries")
    def accounts_shown(self, hub: Hub) -> SafeString:
        found = hub_accounts(hub=hub.code)
        rows = [
            {
                "code": code,
                "name": account_name(code),
                "owed": [money_format(amount, cur) for cur, amount in sorted(owed.items())],
            }
            for code, owed in found.owed.items()
        ]
        latest = [
            {"line": line, "amount": money_format(line.amount, line.currency)}
            for line in found.latest
        ]
        return render_to_string("admin/ehubs/hub/accounts.html", {"rows": rows, "latest": latest})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hub]:
        return super().get_queryset(request).prefetch_related("countries")

    def get_exclude(self, request: HttpRequest, obj: Hub | None = None) -> Any:
        # The network is public; who runs another hub is not.
        exclude = tuple(super().get_exclude(request, obj) or ())
        return exclude if request.user.is_superuser else (*exclude, "operators")

    @admin.display(description="serves")
    def served(self, hub: Hub) -> str:
        return ", ".join(sorted(str(hc.country) for hc in hub.countries.all()))


@admin.register(Corridor)
class CorridorAdmin(admin.ModelAdmin):
    list_display = ["from_hub", "to_hub", "transit_days", "currency", "base_fee", "per_kg"]
    list_filter = ["from_hub", "to_hub", "currency"]
    search_fields = ["from_hub__code", "from_hub__name", "to_hub__code", "to_hub__name"]
    list_select_related = ["from_hub", "to_hub"]

    def _may_write(self, request: HttpRequest, obj: Corridor | None) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        if obj is None:
            return operator_hubs(user=request.user).exists()
        return operator_hubs(user=request.user).filter(pk=obj.from_hub_id).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._may_write(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Corridor | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Corridor | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "from_hub" and not request.user.is_superuser:
            kwargs["queryset"] = operator_hubs(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CustomsUnionMemberInline(admin.TabularInline):
    model = CustomsUnionMember
    extra = 0


@admin.register(CustomsUnion)
class CustomsUnionAdmin(admin.ModelAdmin):
    list_display = ["code", "member_list"]
    search_fields = ["code", "members__country"]
    inlines = [CustomsUnionMemberInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CustomsUnion]:
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description="members")
    def member_list(self, union: CustomsUnion) -> str:
        return ", ".join(str(m.country) for m in union.members.all())


@admin.register(Waybill)
class WaybillAdmin(OutOfScopeNotFound, admin.ModelAdmin):
    list_display = ["number", "reference", "route_shown", "consignee", "value_shown", "issued_at"]
    search_fields = ["=number", "=reference", "consignee_name"]
    search_help_text = "A waybill number, an order reference (order:42) or a consignee's name."
    fields = (
        "number",
        "reference",
        "route_shown",
        "consignee",
        "goods_shown",
        "value_shown",
        "weight_grams",
        "issued_at",
    )
    readonly_fields = fields
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Waybill]:
        return waybills_operated(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Waybill | None = None) -> bool:
        return False  # issued once by the platform, matched by customs

    def has_delete_permission(self, request: HttpRequest, obj: Waybill | None = None) -> bool:
        return False

    @admin.display(description="route")
    def route_shown(self, waybill: Waybill) -> str:
        route = waybill.route if isinstance(waybill.route, list) else []
        return " → ".join(str(code) for code in route) or "—"

    @admin.display(description="consignee", ordering="consignee_name")
    def consignee(self, waybill: Waybill) -> str:
        return f"{waybill.consignee_name} ({waybill.consignee_country})"

    @admin.display(description="goods (listing × quantity)")
    def goods_shown(self, waybill: Waybill) -> str:
        goods = waybill.goods if isinstance(waybill.goods, list) else []
        return (
            ", ".join(
                f"{item[0]} × {item[1]}"
                for item in goods
                if isinstance(item, list) and len(item) == 2
            )
            or "—"
        )

    @admin.display(description="declared value", ordering="value")
    def value_shown(self, waybill: Waybill) -> str:
        return money_format(waybill.value, waybill.currency)
