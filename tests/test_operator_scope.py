"""Hub scope in admin: what an operator of one hub may do with every model registered in admin,
for objects of their own hub's countries and of another hub's.

The operator runs LGG (serving Belgium and the Netherlands); the other hub, HGH, serves China.
Every model in `admin.site._registry` is covered: a model with no row in POLICY must be one the
operators' group has no permission for, and then answers 403 to everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import Field as DjangoField
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from customs.models import ClearanceMode, Declaration, TariffRow
from ehubs.models import Hub, Waybill
from ehubs.services import hub_operator_group_ensure
from marketplace import services
from marketplace.models import BuyerProfile, Listing, LogisticsPartner, Order, SellerProfile
from payments.models import Account, Entry, FxRate, RateTable
from payments.services import payment_take
from tests.ehubs.factories import CorridorFactory, CustomsUnionFactory, HubFactory
from tests.factories import BuyerFactory, ListingFactory, SellerFactory, UserFactory
from tests.payouts import payout_write

pytestmark = pytest.mark.django_db

OWN, OTHER = "own hub", "other hub"

# --- The policy, at a glance ----------------------------------------------------------------
#
# view     "yes": in the changelist, change and history pages 200 | "not found": absent from the
#          changelist, change and history pages redirect to the admin index | "403" (history
#          says "not found" instead when the object is outside the operator's queryset)
# add      "yes": the add form creates the row | "refused": the form answers with an error and
#          nothing is created (another hub's country or hub) | "403"
# change   "saves all" / "saves nothing" / "saves status only": a crafted POST changing every
#          field of the superuser's form (and more) changes just that | "view only": the page
#          shows the object, a POST is 403 | "not found": page and POST redirect, nothing changes
#          | "403"
# delete   "yes" | "not found": page and POST redirect, the row stays | "403": the row stays
# actions  per action of the ModelAdmin (as a superuser has them), POSTed with the object's id:
#          "applies" | "asks first": the action answers a page of its own asking for what it
#          needs (a question, a reason), naming the object and changing nothing; posting that
#          page's form applies it | "ignored": offered, but the object is untouched, even when
#          the request also carries what the action's page would ask for | "not offered": not
#          in the operator's action list, the object is untouched | "403"


@dataclass(frozen=True)
class Row:
    view: str
    add: str
    change: str
    delete: str
    actions: dict[str, str] = field(default_factory=dict)


DENIED = Row("403", "403", "403", "403", {"*": "403"})
PUBLIC = Row("yes", "403", "view only", "403", {"delete_selected": "not offered"})

POLICY: dict[tuple[str, str], Row] = {
    # Sellers and listings of the operator's countries; verification through the actions.
    ("marketplace.sellerprofile", OWN): Row(
        "yes",
        "403",
        "saves nothing",
        "403",
        {
            "mark_verified": "applies",
            "mark_unverified": "applies",
            "delete_selected": "not offered",
        },
    ),
    ("marketplace.sellerprofile", OTHER): Row(
        "not found",
        "403",
        "not found",
        "403",
        {
            "mark_verified": "ignored",
            "mark_unverified": "ignored",
            "delete_selected": "not offered",
        },
    ),
    ("marketplace.listing", OWN): Row(
        "yes",
        "403",
        "saves status only",
        "403",
        {"archive_selected": "applies", "delete_selected": "not offered"},
    ),
    ("marketplace.listing", OTHER): Row(
        "not found",
        "403",
        "not found",
        "403",
        {"archive_selected": "ignored", "delete_selected": "not offered"},
    ),
    # Orders routed through the operator's hubs, read-only; superusers alone cancel them.
    ("marketplace.order", OWN): Row(
        "yes", "403", "view only", "403", {"cancel_orders": "not offered"}
    ),
    ("marketplace.order", OTHER): Row(
        "not found", "403", "not found", "403", {"cancel_orders": "not offered"}
    ),
    # Buyers come with orders through the operator's hubs (later); accounts are superusers'.
    ("marketplace.buyerprofile", OWN): DENIED,
    ("marketplace.buyerprofile", OTHER): DENIED,
    ("auth.user", OWN): DENIED,
    ("auth.user", OTHER): DENIED,
    ("auth.group", OWN): DENIED,
    ("auth.group", OTHER): DENIED,
    ("authtoken.tokenproxy", OWN): DENIED,
    ("authtoken.tokenproxy", OTHER): DENIED,
    # Logistics partners hold webhook secrets: superusers' alone.
    ("marketplace.logisticspartner", OWN): DENIED,
    ("marketplace.logisticspartner", OTHER): DENIED,
    # Log-in attempts and lockouts (django-axes) are superusers' to read and clear.
    ("axes.accessattempt", OWN): DENIED,
    ("axes.accessattempt", OTHER): DENIED,
    ("axes.accesslog", OWN): DENIED,
    ("axes.accesslog", OTHER): DENIED,
    ("axes.accessfailurelog", OWN): DENIED,
    ("axes.accessfailurelog", OTHER): DENIED,
    # Tariff rows by destination.
    ("customs.tariffrow", OWN): Row(
        "yes", "yes", "saves all", "yes", {"export_csv": "applies", "delete_selected": "applies"}
    ),
    ("customs.tariffrow", OTHER): Row(
        "not found",
        "refused",
        "not found",
        "not found",
        {"export_csv": "ignored", "delete_selected": "ignored"},
    ),
    # The review queue: the declarations of the operator's hubs, read-only, decided through the
    # actions (hold and reject ask for the seller's question or the reason first).
    ("customs.declaration", OWN): Row(
        "yes",
        "403",
        "view only",
        "403",
        {"approve": "applies", "hold": "asks first", "reject": "asks first"},
    ),
    ("customs.declaration", OTHER): Row(
        "not found",
        "403",
        "not found",
        "403",
        {"approve": "ignored", "hold": "ignored", "reject": "ignored"},
    ),
    # Clearance modes by hub.
    ("customs.clearancemode", OWN): Row(
        "yes", "yes", "saves all", "yes", {"delete_selected": "applies"}
    ),
    ("customs.clearancemode", OTHER): Row(
        "not found", "refused", "not found", "not found", {"delete_selected": "ignored"}
    ),
    # Waybills by the hubs of their route, read-only for everyone.
    ("ehubs.waybill", OWN): Row("yes", "403", "view only", "403"),
    ("ehubs.waybill", OTHER): Row("not found", "403", "not found", "403"),
    # Corridors by the hub they leave; the network itself is public, view-only for all hubs.
    ("ehubs.corridor", OWN): Row(
        "yes", "yes", "saves all", "403", {"delete_selected": "not offered"}
    ),
    ("ehubs.corridor", OTHER): Row(
        "yes", "refused", "view only", "403", {"delete_selected": "not offered"}
    ),
    ("ehubs.hub", OWN): PUBLIC,
    ("ehubs.hub", OTHER): PUBLIC,
    ("ehubs.customsunion", OWN): PUBLIC,
    ("ehubs.customsunion", OTHER): PUBLIC,
    # FX rate tables are global: imports write them.
    ("payments.ratetable", OWN): PUBLIC,
    ("payments.ratetable", OTHER): PUBLIC,
    # The ledger and payments: superusers read them (no one writes in admin); operators nothing.
    ("payments.account", OWN): DENIED,
    ("payments.account", OTHER): DENIED,
    ("payments.entry", OWN): DENIED,
    ("payments.entry", OTHER): DENIED,
    ("payments.payment", OWN): DENIED,
    ("payments.payment", OTHER): DENIED,
    # Payouts and settlements, like the ledger (they are not scoped to hubs): operators nothing.
    ("payments.payout", OWN): DENIED,
    ("payments.payout", OTHER): DENIED,
    ("payments.settlement", OWN): DENIED,
    ("payments.settlement", OTHER): DENIED,
}

REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)
MATRIX = [(label, scope) for label in REGISTERED for scope in (OWN, OTHER)]


def _row(label: str, scope: str) -> Row:
    return POLICY.get((label, scope), DENIED)


# --- The world: one object of each model per side -------------------------------------------


@dataclass
class World:
    operator: Client
    superuser: Client
    root: User
    objects: dict[tuple[str, str], Model]
    hubs: dict[str, Hub]


@pytest.fixture
def world() -> World:
    lgg = HubFactory.create(
        code="LGG",
        name="Liège eHub",
        country="BE",
        city="Liège",
        currency="EUR",
        serves=["BE", "NL"],
    )
    hgh = HubFactory.create(code="HGH", name="Hangzhou eHub", serves=["CN"])
    kgl = HubFactory.create(code="KGL", name="Kigali eHub", country="RW", serves=["RW"])
    user = UserFactory.create(username="lgg-operator", is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    lgg.operators.add(user)
    root = User.objects.create_superuser("root", password="x")

    be = SellerFactory.create(company_name="Liège Chocolate Works", country="BE", employees=8)
    cn = SellerFactory.create(company_name="Hangzhou Silk Works", country="CN", employees=8)
    be_buyer = BuyerFactory.create(country="BE")
    paid = payment_take(
        reference="order:1", amount=Decimal("12.50"), currency="EUR", card_number="4242424242424242"
    )
    own_order = _order(be_buyer, cn, [hgh, lgg])
    other_order = _order(be_buyer, cn, [hgh, kgl])
    objects: dict[tuple[str, str], Model] = {
        ("marketplace.sellerprofile", OWN): be,
        ("marketplace.sellerprofile", OTHER): cn,
        ("marketplace.listing", OWN): ListingFactory.create(seller=be, title="Pralines"),
        ("marketplace.listing", OTHER): ListingFactory.create(seller=cn, title="Silk scarf"),
        ("marketplace.buyerprofile", OWN): be_buyer,
        ("marketplace.buyerprofile", OTHER): BuyerFactory.create(country="CN"),
        # Routed through the operator's LGG, and through HGH and KGL only.
        ("marketplace.order", OWN): own_order,
        ("marketplace.order", OTHER): other_order,
        # Imported at the operator's LGG; exported at HGH.
        ("customs.declaration", OWN): _declaration(own_order, lgg, "import"),
        ("customs.declaration", OTHER): _declaration(other_order, hgh, "export"),
        ("customs.clearancemode", OWN): ClearanceMode.objects.create(
            hub=lgg, code="ECOM", name="E-commerce consignment", default_for_import=True
        ),
        ("customs.clearancemode", OTHER): ClearanceMode.objects.create(
            hub=hgh, code="9610", name="Cross-border retail, direct mail", default_for_export=True
        ),
        ("ehubs.waybill", OWN): _waybill(own_order, ["HGH", "LGG"]),
        ("ehubs.waybill", OTHER): _waybill(other_order, ["HGH", "KGL"]),
        ("marketplace.logisticspartner", OWN): LogisticsPartner.objects.create(
            code="bpost", name="bpost"
        ),
        ("marketplace.logisticspartner", OTHER): LogisticsPartner.objects.create(
            code="cainiao", name="Cainiao Network"
        ),
        ("auth.user", OWN): be.user,
        ("auth.user", OTHER): cn.user,
        ("auth.group", OWN): Group.objects.get(name="Hub operators"),
        ("auth.group", OTHER): Group.objects.create(name="Editors"),
        ("authtoken.tokenproxy", OWN): _token(be.user),
        ("authtoken.tokenproxy", OTHER): _token(cn.user),
        **_login_records(own=be.user.username, other=cn.user.username),
        ("customs.tariffrow", OWN): TariffRow.objects.create(
            kind="duty", destination="BE", hs_prefix="1806", rate_percent=8, note="own duty"
        ),
        ("customs.tariffrow", OTHER): TariffRow.objects.create(
            kind="duty", destination="CN", hs_prefix="6214", rate_percent=10, note="other duty"
        ),
        ("ehubs.corridor", OWN): CorridorFactory.create(from_hub=lgg, to_hub=hgh),
        ("ehubs.corridor", OTHER): CorridorFactory.create(from_hub=hgh, to_hub=lgg),
        ("ehubs.hub", OWN): lgg,
        ("ehubs.hub", OTHER): hgh,
        ("ehubs.customsunion", OWN): CustomsUnionFactory.create(code="EU", members=["BE", "NL"]),
        ("ehubs.customsunion", OTHER): CustomsUnionFactory.create(code="CX", members=["CN"]),
        ("payments.ratetable", OWN): _rate_table("EUR", "CNY"),
        ("payments.ratetable", OTHER): _rate_table("CNY", "EUR"),
        # Not hub-scoped: the same rows on both sides.
        ("payments.payment", OWN): paid,
        ("payments.payment", OTHER): paid,
        ("payments.entry", OWN): Entry.objects.get(payment=paid),
        ("payments.entry", OTHER): Entry.objects.get(payment=paid),
        ("payments.account", OWN): Account.objects.get(code="escrow"),
        ("payments.account", OTHER): Account.objects.get(code="provider:sandbox"),
        ("payments.payout", OWN): (own_payout := payout_write(be, order=own_order.pk)),
        ("payments.payout", OTHER): (other_payout := payout_write(cn, order=other_order.pk)),
        ("payments.settlement", OWN): own_payout.settlements.get(),
        ("payments.settlement", OTHER): other_payout.settlements.get(),
    }
    return World(
        operator=_client(user),
        superuser=_client(root),
        root=root,
        objects=objects,
        hubs={"LGG": lgg, "HGH": hgh, "KGL": kgl},
    )


def _order(buyer: BuyerProfile, seller: SellerProfile, route: list[Hub]) -> Order:
    """A paid order along `route` (made directly: the world has no tariff to quote with)."""
    order = Order.objects.create(
        buyer=buyer,
        seller=seller,
        status=Order.Status.PAID,
        currency="EUR",
        goods=Decimal("10.00"),
        shipping=Decimal("2.00"),
        duty=Decimal("0.00"),
        tax=Decimal("0.50"),
        total=Decimal("12.50"),
        quote={"route": [hub.code for hub in route], "currency": "EUR"},
        ship_name="Amélie Dupont",
        ship_line1="Rue de la Loi 16",
        ship_city="Brussels",
        ship_postal_code="1000",
        ship_country="BE",
        expires_at=timezone.now(),
    )
    order.hubs.set(route)
    return order


def _declaration(order: Order, hub: Hub, direction: str) -> Declaration:
    """A declaration of `order` at `hub`, waiting in the review queue."""
    now = timezone.now()
    return Declaration.objects.create(
        reference=order.reference,
        hub=hub,
        direction=direction,
        mode="ECOM",
        status=Declaration.Status.REVIEW,
        currency="EUR",
        customs_value=Decimal("10.00"),
        duty=Decimal("0.00"),
        tax=Decimal("0.50"),
        seller=order.seller.user,
        seller_name=order.seller.company_name,
        seller_country=order.seller.country,
        seller_verified=False,
        buyer=order.buyer.user,
        consignee_name=order.ship_name,
        consignee_country=order.ship_country,
        origin_country="CN",
        destination_country="BE",
        basis={},
        order_document={},
        quoted_on=now.date(),
        reasons=[{"rule": "unverified_seller", "message": "The seller is not verified."}],
        submitted_at=now,
        enqueued_at=now,
    )


def _waybill(order: Order, route: list[str]) -> Waybill:
    return Waybill.objects.create(
        reference=order.reference,
        number=f"EW{order.pk:010d}",
        route=route,
        consignee_name=order.ship_name,
        consignee_country=order.ship_country,
        goods=[[1, 1]],
        value=order.goods,
        currency=order.currency,
        weight_grams=500,
    )


def _token(user: User) -> TokenProxy:
    # The admin addresses a token by its user (TokenProxy.pk), not by its key.
    return TokenProxy.objects.get(key=Token.objects.create(user=user).key)


def _login_records(*, own: str, other: str) -> dict[tuple[str, str], Model]:
    """A log-in attempt, a log-in and a failure (django-axes) of a seller of each side."""
    records: dict[tuple[str, str], Model] = {}
    for scope, username in ((OWN, own), (OTHER, other)):
        common = {
            "user_agent": "test",
            "ip_address": "192.0.2.7",
            "username": username,
            "http_accept": "*/*",
            "path_info": "/accounts/login/",
        }
        records[("axes.accessattempt", scope)] = AccessAttempt.objects.create(
            **common, get_data="", post_data="", failures_since_start=1
        )
        records[("axes.accesslog", scope)] = AccessLog.objects.create(**common)
        records[("axes.accessfailurelog", scope)] = AccessFailureLog.objects.create(**common)
    return records


def _rate_table(base: str, other: str) -> RateTable:
    table = RateTable.objects.create(base=base, date=date(2026, 1, 5), imported_at=timezone.now())
    FxRate.objects.create(table=table, currency=other, rate=Decimal("7.5"))
    return table


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _obj(world: World, label: str, scope: str) -> Model:
    found = world.objects.get((label, scope))
    if found is not None:
        return found
    # A model registered later: any row will do, the operator must be refused everything.
    model = _model(label)
    existing = model._default_manager.first()
    assert existing is not None, f"{label}: add an object for it to the world fixture"
    return existing


def _model(label: str) -> type[Model]:
    return next(m for m in admin.site._registry if m._meta.label_lower == label)


def _url(label: str, view: str, *args: object) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def _reload(obj: Model) -> Model | None:
    # By the stored key: TokenProxy.pk is its user's id, not its primary key.
    return type(obj)._default_manager.filter(pk=getattr(obj, obj._meta.pk.attname)).first()


# --- Form data as a browser would post it -----------------------------------------------------


class _FormParser(HTMLParser):
    """The fields of the admin's change or add form (not the logout form)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = a.get("id", "").endswith("_form")
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.data.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and not self._select_multiple and self._select_first:
                self.data[self._select] = [self._select_first]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.data[self._textarea][0] += (
                data.lstrip("\n") if not self.data[self._textarea][0] else data
            )


def _form_of(client: Client, url: str) -> dict[str, Any]:
    """The form on `url` as `client` (the superuser: the fullest form) sees it."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormParser()
    parser.feed(response.content.decode())
    return {k: v if len(v) > 1 else v[0] for k, v in parser.data.items()}


# --- What add and change post, per model (only where the answer is not a plain 403) -----------


def _add_fills(world: World, label: str, scope: str) -> dict[str, Any]:
    country = "BE" if scope == OWN else "CN"
    hub = world.hubs["LGG" if scope == OWN else "HGH"]
    fills: dict[str, dict[str, Any]] = {
        "customs.tariffrow": {"kind": "tax", "destination": country, "rate_percent": "21"},
        "customs.clearancemode": {"hub": hub.pk, "code": "POST", "name": "Postal consignment"},
        "ehubs.corridor": {
            "from_hub": hub.pk,
            "to_hub": world.hubs["KGL"].pk,
            "transit_days": "5",
            "currency": "USD",
            "base_fee": "3.00",
            "per_kg": "4.00",
        },
    }
    return fills.get(label, {})


def _edits(world: World, label: str, scope: str) -> dict[str, Any]:
    """Every field a superuser could change, plus read-only ones a crafted POST may slip in."""
    other_seller = world.objects[("marketplace.sellerprofile", OTHER if scope == OWN else OWN)]
    edits: dict[str, dict[str, Any]] = {
        "marketplace.sellerprofile": {
            "user": UserFactory.create(username="spare").pk,
            "company_name": "Renamed Ltd",
            "country": "FR",
            "employees": "500",
            "verified": "on",
            "payout_currency": "USD",
        },
        "marketplace.listing": {
            "seller": other_seller.pk,
            "title": "Renamed",
            "description": "New words",
            "hs_code": "090210",
            "origin_country": "FR",
            "price_0": "1.00",
            "price_1": "EUR",
            "stock": "999",
            "weight_grams": "9999",
            "status": "archived",
        },
        "customs.tariffrow": {"rate_percent": "7.5", "note": "edited"},
        "ehubs.corridor": {"transit_days": "9", "per_kg": "1.25"},
        "ehubs.hub": {"name": "Renamed eHub"},
        "ehubs.customsunion": {"code": "ZZ"},
        "payments.ratetable": {"base": "USD"},
        "marketplace.order": {"status": "delivered", "ship_city": "Ghent", "total": "0.01"},
        "customs.declaration": {"status": "cleared", "customs_value": "0.01", "mode": "GEN"},
        "customs.clearancemode": {
            "name": "Renamed mode",
            "auto_clear_limit": "250",
            "limit_currency": "EUR",
        },
        "ehubs.waybill": {"consignee_name": "Someone Else", "value": "0.01"},
    }
    return edits.get(label, {})


SAVES = {"saves all": None, "saves nothing": set(), "saves status only": {"status"}}


def _snapshot(obj: Model, fields: set[str]) -> dict[str, Any]:
    fresh = _reload(obj)
    assert fresh is not None
    values: dict[str, Any] = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        assert isinstance(model_field, DjangoField), name
        values[name] = model_field.value_from_object(fresh)
    return values


def _field_names(edits: dict[str, Any]) -> set[str]:
    return {key.rsplit("_", 1)[0] if key.startswith("price_") else key for key in edits}


# --- Action effects ---------------------------------------------------------------------------


# What the page of an action that asks first ("asks first") wants posted back.
ACTION_FORMS: dict[str, dict[str, str]] = {
    "hold": {"apply": "yes", "reason": "Which fibre is it made of?"},
    "reject": {"apply": "yes", "reason": "Counterfeit goods."},
}
DECIDED = {"approve": Declaration.Status.CLEARED, "hold": Declaration.Status.HELD,
           "reject": Declaration.Status.REJECTED}  # fmt: skip


def _prepare(action: str, obj: Model, world: World) -> None:
    if action in DECIDED:
        # Each decision starts from a declaration waiting in review.
        Declaration.objects.filter(pk=obj.pk).update(status=Declaration.Status.REVIEW)
        return
    sellers = SellerProfile.objects.filter(pk=obj.pk)
    if action == "mark_unverified":
        services.sellers_verify(sellers=sellers, by=world.root)
    elif action == "mark_verified":
        services.sellers_unverify(sellers=sellers)


def _applied(action: str, obj: Model, response: Any) -> bool:
    fresh = _reload(obj)
    if action == "delete_selected" or action.startswith("cleanup_"):
        # django-axes' cleanup actions delete expired attempts and logs.
        return fresh is None
    if action in DECIDED:
        return isinstance(fresh, Declaration) and fresh.status == DECIDED[action]
    if action == "mark_verified":
        return isinstance(fresh, SellerProfile) and fresh.verified
    if action == "mark_unverified":
        return isinstance(fresh, SellerProfile) and not fresh.verified
    if action == "cancel_orders":
        return isinstance(fresh, Order) and fresh.status != Order.Status.PAID
    if action == "rotate_secret":
        return isinstance(fresh, LogisticsPartner) and fresh.secret != getattr(obj, "secret", "")
    if action == "archive_selected":
        return isinstance(fresh, Listing) and fresh.status == Listing.Status.ARCHIVED
    if action == "export_csv":
        assert isinstance(obj, TariffRow)
        is_csv = response.get("Content-Type", "").startswith("text/csv")
        return is_csv and obj.note in response.content.decode()
    raise AssertionError(f"describe the effect of the {action!r} action in _applied")


# --- The matrix -------------------------------------------------------------------------------


def test_every_model_an_operator_may_touch_has_a_policy_row() -> None:
    group = hub_operator_group_ensure()
    permitted = {
        f"{app}.{codename.split('_', 1)[1]}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    unlisted = [label for label in REGISTERED if label in permitted and (label, OWN) not in POLICY]
    assert unlisted == [], "operators have permissions on these: add them to POLICY"
    assert not {label for label, _ in POLICY} - set(REGISTERED), "POLICY names unregistered models"


@pytest.mark.parametrize(("label", "scope"), MATRIX)
def test_view(world: World, label: str, scope: str) -> None:
    obj = _obj(world, label, scope)
    expected = _row(label, scope).view
    changelist = world.operator.get(_url(label, "changelist"))
    change = world.operator.get(_url(label, "change", obj.pk))
    history = world.operator.get(_url(label, "history", obj.pk))
    if expected == "403":
        assert (changelist.status_code, change.status_code) == (403, 403)
        # History looks the object up first: outside the operator's queryset it is "not found".
        assert history.status_code == 403 or history["Location"] == reverse("admin:index")
        return
    assert changelist.status_code == 200
    listed = obj.pk in {o.pk for o in changelist.context["cl"].result_list}
    if expected == "yes":
        assert listed and change.status_code == 200 and history.status_code == 200
        assert str(obj) in change.content.decode()
    else:
        assert expected == "not found"
        assert not listed
        assert change.status_code == history.status_code == 302
        assert change["Location"] == reverse("admin:index")


@pytest.mark.parametrize(("label", "scope"), MATRIX)
def test_add(world: World, label: str, scope: str) -> None:
    expected = _row(label, scope).add
    model = _model(label)
    # A refused request needs no real form: only fetch one where the operator gets a form.
    form = _form_of(world.superuser, _url(label, "add")) if expected != "403" else {}
    data = form | _add_fills(world, label, scope)
    before = model._default_manager.count()
    page = world.operator.get(_url(label, "add"))
    response = world.operator.post(_url(label, "add"), data)
    after = model._default_manager.count()
    if expected == "403":
        assert (page.status_code, response.status_code, after) == (403, 403, before)
    elif expected == "refused":
        assert page.status_code == 200 and response.status_code == 200
        assert response.context["adminform"].form.errors
        assert after == before
    else:
        assert expected == "yes"
        assert page.status_code == 200
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert after == before + 1


@pytest.mark.parametrize(("label", "scope"), MATRIX)
def test_change(world: World, label: str, scope: str) -> None:
    obj = _obj(world, label, scope)
    expected = _row(label, scope).change
    url = _url(label, "change", obj.pk)
    edits = _edits(world, label, scope)
    data = (_form_of(world.superuser, url) if expected != "403" else {}) | edits
    fields = _field_names(edits)
    before = _snapshot(obj, fields)
    page = world.operator.get(url)
    response = world.operator.post(url, data)
    after = _snapshot(obj, fields)
    changed = {name for name in fields if before[name] != after[name]}
    if expected in {"403", "view only"}:
        assert page.status_code == (403 if expected == "403" else 200)
        assert response.status_code == 403 and changed == set()
    elif expected == "not found":
        assert page.status_code == response.status_code == 302 and changed == set()
    else:
        assert page.status_code == 200
        assert response.status_code in {200, 302}
        assert changed == (fields if SAVES[expected] is None else SAVES[expected])


@pytest.mark.parametrize(("label", "scope"), MATRIX)
def test_delete(world: World, label: str, scope: str) -> None:
    obj = _obj(world, label, scope)
    expected = _row(label, scope).delete
    url = _url(label, "delete", obj.pk)
    page = world.operator.get(url)
    response = world.operator.post(url, {"post": "yes"})
    gone = _reload(obj) is None
    if expected == "403":
        assert (page.status_code, response.status_code, gone) == (403, 403, False)
    elif expected == "not found":
        assert (page.status_code, response.status_code, gone) == (302, 302, False)
    else:
        assert expected == "yes"
        assert (page.status_code, response.status_code, gone) == (200, 302, True)


@pytest.mark.parametrize(("label", "scope"), MATRIX)
def test_actions(world: World, label: str, scope: str) -> None:
    obj = _obj(world, label, scope)
    row = _row(label, scope)
    model_admin = admin.site._registry[_model(label)]
    as_root = RequestFactory().get("/")
    as_root.user = world.root
    # delete_selected last: the other actions need the object.
    every_action = sorted(
        model_admin.get_actions(as_root), key=lambda a: (a == "delete_selected", a)
    )
    if "*" not in row.actions:
        assert set(row.actions) == set(every_action), "list every action of the ModelAdmin"
    operator_request = RequestFactory().get("/")
    operator_request.user = User.objects.get(username="lgg-operator")
    for action in every_action:
        expected = row.actions.get(action, row.actions.get("*"))
        _prepare(action, obj, world)
        data = {"action": action, "_selected_action": [obj.pk], "index": "0", "post": "yes"}
        if expected != "asks first":
            data |= ACTION_FORMS.get(action, {})
        response = world.operator.post(_url(label, "changelist"), data)
        applied = _applied(action, obj, response)
        if expected == "403":
            assert response.status_code == 403 and not applied, action
            continue
        offered = action in model_admin.get_actions(operator_request)
        if expected == "applies":
            assert offered and applied, action
        elif expected == "asks first":
            page = response.content.decode() if response.status_code == 200 else ""
            asks = f'name="_selected_action" value="{obj.pk}"' in page
            assert offered and asks and not applied, action
            answer = {"action": action, "_selected_action": [obj.pk], **ACTION_FORMS[action]}
            response = world.operator.post(_url(label, "changelist"), answer)
            assert _applied(action, obj, response), action
        elif expected == "ignored":
            assert offered and not applied and response.status_code != 403, action
        else:
            assert expected == "not offered"
            assert not offered and not applied and response.status_code != 403, action
