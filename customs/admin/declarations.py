"""The hub's review queue: declarations in admin, oldest first.

- A hub operator sees the declarations of the hubs they operate
  (`customs.selectors.declarations_operated`); superusers see all. Another hub's declaration is
  "not found" on every page, in filters and in actions (ids posted for it are left out).
- Declarations are written once: every field is read-only for everyone, nobody adds or deletes
  one. The status moves only through the decisions (`customs.admin.decisions`): the list
  actions approve, hold and reject, and the same three on an open declaration's page.
- Lines and the audit trail (every screening, decision and answer, with who made it) are
  read-only inlines.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from customs.admin.decisions import PROMPTS, ReasonForm, decide_and_tell, reason_page
from customs.admin.display import (
    age_label,
    basis_context,
    document_context,
    reason_list,
    reasons_of,
)
from customs.admin.filters import AgeFilter, HubFilter, ReasonFilter
from customs.models import Declaration, DeclarationEvent, DeclarationLine
from customs.review import APPROVE, DECISIONS, HOLD, REJECT
from customs.selectors import declarations_operated
from payments.money import money_format, quantize

# Declaration and order ids fit a 64-bit integer; a longer run of digits is neither.
_MAX_ID_DIGITS = 18


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeclarationLineInline(_ReadOnlyInline):
    model = DeclarationLine
    fields = (
        "title",
        "hs_code",
        "hs_description",
        "origin",
        "quantity",
        "unit_value_shown",
        "value_shown",
        "listing_price_shown",
    )
    readonly_fields = fields

    @admin.display(description="unit value")
    def unit_value_shown(self, line: DeclarationLine) -> str:
        return money_format(line.unit_value, line.currency)

    @admin.display(description="value")
    def value_shown(self, line: DeclarationLine) -> str:
        return money_format(line.value, line.currency)

    @admin.display(description="listing price at filing")
    def listing_price_shown(self, line: DeclarationLine) -> str:
        return money_format(line.listing_price, line.listing_currency)


class DeclarationEventInline(_ReadOnlyInline):
    """The audit trail, oldest first."""

    model = DeclarationEvent
    fields = ("at", "kind", "status", "rule", "reasons_shown", "note", "actor_shown")
    readonly_fields = fields
    verbose_name = "audit trail event"
    verbose_name_plural = "audit trail"

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeclarationEvent]:
        return super().get_queryset(request).select_related("actor").order_by("at", "pk")

    @admin.display(description="reasons")
    def reasons_shown(self, event: DeclarationEvent) -> SafeString:
        return reason_list(event.reasons)

    @admin.display(description="by")
    def actor_shown(self, event: DeclarationEvent) -> str:
        # A username, not a link: operators have no access to user accounts.
        return event.actor.get_username() if event.actor is not None else "clearance job"


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display_links = ("id",)
    list_filter = (
        "status",
        HubFilter,
        "direction",
        AgeFilter,
        ReasonFilter,
        "seller_verified",
    )
    # An order or declaration id is matched in get_search_results.
    search_fields = ("=reference", "seller_name", "consignee_name", "^lines__hs_code")
    search_help_text = (
        "An order (42 or order:42), a declaration (#12), a seller's or consignee's name, or the "
        "start of an HS code of its lines."
    )
    # "pk", not "id": the id column is then not marked as the one the list is sorted by.
    ordering = ("submitted_at", "pk")
    list_per_page = 50
    actions = ("approve", "hold", "reject")
    inlines = (DeclarationLineInline, DeclarationEventInline)
    fieldsets = (
        (
            None,
            {"fields": ("order_shown", "hub_full", "direction", "mode", "status", "reasons_full")},
        ),
        (
            "Amounts",
            {"fields": ("customs_value_shown", "duty_shown", "tax_shown", "quoted_on")},
        ),
        (
            "Parties and route",
            {
                "fields": (
                    "seller_shown",
                    "consignee_shown",
                    "origin_country",
                    "destination_country",
                )
            },
        ),
        ("Order document", {"fields": ("order_document_shown",)}),
        (
            "Basis",
            {
                "fields": ("basis_shown",),
                "description": "What the consignment is quoted again from on the clearance date.",
            },
        ),
        ("Times", {"fields": ("submitted_at", "enqueued_at", "decided_at")}),
    )
    readonly_fields = (
        "order_shown",
        "hub_full",
        "direction",
        "mode",
        "status",
        "reasons_full",
        "customs_value_shown",
        "duty_shown",
        "tax_shown",
        "quoted_on",
        "seller_shown",
        "consignee_shown",
        "origin_country",
        "destination_country",
        "order_document_shown",
        "basis_shown",
        "submitted_at",
        "enqueued_at",
        "decided_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Declaration]:
        return declarations_operated(user=request.user)

    # --- Written once: nobody adds, edits or deletes ------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Declaration | None = None) -> bool:
        # "change" is the right to decide (the actions); no declaration's fields are editable,
        # so its page is a view for everyone.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Declaration | None = None) -> bool:
        return False

    def may_decide(self, request: HttpRequest) -> bool:
        return super().has_change_permission(request)

    # --- The list -----------------------------------------------------------------------------

    def get_list_display(self, request: HttpRequest) -> tuple[Any, ...]:
        # The order links to its admin page only for those who may open it: the column needs
        # the request, so it is made per request.
        @admin.display(description="order")
        def order(declaration: Declaration) -> str:
            return _order_link(declaration, url=_order_url(declaration, request))

        return (
            "id",
            order,
            "hub_shown",
            "direction_mode",
            "status",
            "customs_value_shown",
            "duty_amount",
            "tax_amount",
            "reasons_short",
            "age",
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Declaration], search_term: str
    ) -> tuple[QuerySet[Declaration], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if term.startswith("#"):
            number = term[1:].strip()
            if _is_id(number):
                found = found | queryset.filter(pk=int(number))
        else:
            number = term.removeprefix("order:").strip()
            if _is_id(number):
                found = found | queryset.filter(reference=f"order:{int(number)}")
        return found, may_have_duplicates

    @admin.display(description="hub", ordering="hub__code")
    def hub_shown(self, declaration: Declaration) -> str:
        return declaration.hub.code

    @admin.display(description="direction, mode", ordering="direction")
    def direction_mode(self, declaration: Declaration) -> SafeString:
        # One column for both: the queue's twelve columns fit beside the filters at 1280 px.
        return format_html(
            '{}<br><span class="quiet">{}</span>',
            declaration.get_direction_display(),
            declaration.mode or "no mode",
        )

    @admin.display(description="customs value", ordering="customs_value")
    def customs_value_shown(self, declaration: Declaration) -> str:
        return money_format(declaration.customs_value, declaration.currency)

    # In the list, duty and tax are in the customs value's currency, said once beside it.
    @admin.display(description="duty", ordering="duty")
    def duty_amount(self, declaration: Declaration) -> str:
        return f"{quantize(declaration.duty, declaration.currency):,}"

    @admin.display(description="tax", ordering="tax")
    def tax_amount(self, declaration: Declaration) -> str:
        return f"{quantize(declaration.tax, declaration.currency):,}"

    @admin.display(description="duty")
    def duty_shown(self, declaration: Declaration) -> str:
        return money_format(declaration.duty, declaration.currency)

    @admin.display(description="tax")
    def tax_shown(self, declaration: Declaration) -> str:
        return money_format(declaration.tax, declaration.currency)

    @admin.display(description="reasons")
    def reasons_short(self, declaration: Declaration) -> SafeString:
        reasons = reasons_of(declaration.reasons)
        if not reasons:
            return format_html("{}", "—")
        labels = list(dict.fromkeys(r["label"] for r in reasons))  # one of each, in order
        return format_html(
            '<span title="{}">{}</span>',
            "\n".join(f"{r['label']}: {r['message']}" for r in reasons),
            ", ".join(labels),
        )

    @admin.display(description="age", ordering="-submitted_at")
    def age(self, declaration: Declaration) -> str:
        return age_label(timezone.now() - declaration.submitted_at)

    # --- The page -----------------------------------------------------------------------------

    @admin.display(description="order")
    def order_shown(self, declaration: Declaration) -> str:
        return declaration.reference  # the page's "Order" button opens it, if one may

    @admin.display(description="hub")
    def hub_full(self, declaration: Declaration) -> str:
        return str(declaration.hub)

    @admin.display(description="reasons")
    def reasons_full(self, declaration: Declaration) -> SafeString:
        return reason_list(declaration.reasons)

    @admin.display(description="seller")
    def seller_shown(self, declaration: Declaration) -> str:
        verified = "verified" if declaration.seller_verified else "not verified"
        return f"{declaration.seller_name} ({declaration.seller_country}; {verified} at filing)"

    @admin.display(description="consignee")
    def consignee_shown(self, declaration: Declaration) -> str:
        return f"{declaration.consignee_name} ({declaration.consignee_country})"

    @admin.display(description="order document")
    def order_document_shown(self, declaration: Declaration) -> SafeString:
        return render_to_string(
            "admin/customs/declaration/order_document.html",
            document_context(declaration.order_document),
        )

    @admin.display(description="basis")
    def basis_shown(self, declaration: Declaration) -> SafeString:
        return render_to_string(
            "admin/customs/declaration/basis.html", basis_context(declaration.basis)
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        declaration = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if declaration is not None:
            context["order_url"] = _order_url(declaration, request)
        if declaration is not None and declaration.is_open and self.may_decide(request):
            context["decisions"] = {
                "url": reverse("admin:customs_declaration_decide", args=[declaration.pk]),
                "forms": [
                    (decision, ReasonForm(decision=decision, auto_id=f"id_{decision}_%s"))
                    for decision in (HOLD, REJECT)
                ],
            }
        return super().change_view(request, object_id, form_url, context)

    # --- Decisions ----------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<path:object_id>/decide/", decide, name="customs_declaration_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One decision from an open declaration's page; back to that page with the outcome."""
        declaration = self.get_object(request, unquote(object_id))
        if declaration is None:
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
        if not self.may_decide(request):
            raise PermissionDenied
        page = reverse("admin:customs_declaration_change", args=[declaration.pk])
        decision = request.POST.get("decision", "")
        if decision not in DECISIONS:
            raise BadRequest("Choose approve, hold or reject.")
        reason = ""
        if decision in PROMPTS:
            form = ReasonForm(request.POST, decision=decision)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, f"Nothing changed: {error}", messages.ERROR)
                return HttpResponseRedirect(page)
            reason = form.cleaned_data["reason"]
        decide_and_tell(self, request, [declaration], decision, reason)
        return HttpResponseRedirect(page)

    @admin.action(description="Approve: clear the selected declarations", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Declaration]) -> None:
        decide_and_tell(self, request, queryset.order_by("pk"), APPROVE)

    @admin.action(description="Hold: ask the sellers a question…", permissions=["change"])
    def hold(
        self, request: HttpRequest, queryset: QuerySet[Declaration]
    ) -> TemplateResponse | None:
        return self._with_reason(request, queryset, HOLD)

    @admin.action(description="Reject and refund the buyers…", permissions=["change"])
    def reject(
        self, request: HttpRequest, queryset: QuerySet[Declaration]
    ) -> TemplateResponse | None:
        return self._with_reason(request, queryset, REJECT)

    def _with_reason(
        self, request: HttpRequest, queryset: QuerySet[Declaration], decision: str
    ) -> TemplateResponse | None:
        declarations = list(queryset.order_by("pk"))
        # "apply" comes from the reason page's own form: the first post only chose the action.
        form = ReasonForm(request.POST if "apply" in request.POST else None, decision=decision)
        if declarations and form.is_valid():
            decide_and_tell(self, request, declarations, decision, form.cleaned_data["reason"])
            return None
        if not declarations:
            decide_and_tell(self, request, [], decision)  # says nothing was decided
            return None
        return reason_page(self, request, declarations, decision, form)


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS


def _may_view_orders(request: HttpRequest) -> bool:
    # By name: customs never imports marketplace.
    return bool(request.user.has_perm("marketplace.view_order"))


def _order_url(declaration: Declaration, request: HttpRequest) -> str | None:
    """The order's admin page, for a user who may open orders (operators: those through their
    hubs, which every order of their declarations is)."""
    order_id = declaration.order_id
    if order_id is None or not _may_view_orders(request):
        return None
    try:
        return reverse("admin:marketplace_order_change", args=[order_id])
    except NoReverseMatch:
        return None


def _order_link(declaration: Declaration, *, url: str | None) -> str:
    order_id = declaration.order_id
    if order_id is None:
        return declaration.reference
    if url is None:
        return f"#{order_id}"
    return format_html('<a href="{}">#{}</a>', url, order_id)
