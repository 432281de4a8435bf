"""Server-rendered pages: storefront (with delivered prices and the cart), seller pages and
accounts. Thin: forms validate, services write, selectors read, and every price comes from
marketplace.quoting.quote_listings, the one landed-cost engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs.forms import HsFinder
from customs.landed_cost import Quote, QuoteRefused
from marketplace import cart as shop
from marketplace import selectors, services
from marketplace.forms import (
    BuyerSignupForm,
    CartAddForm,
    CartLineForm,
    CartUpdateForm,
    ListingForm,
    ListingSearchForm,
    QuantityForm,
    SellerSignupForm,
    ShipToForm,
    SignupForm,
    add_service_errors,
)
from marketplace.models import Listing, SellerProfile
from marketplace.quoting import Item, quote_listings

P = ParamSpec("P")
SellerView = Callable[Concatenate[HttpRequest, SellerProfile, P], HttpResponse]

SEARCH_PAGE_SIZE = 24
SELLER_PAGE_SIZE = 20
FEATURED_COUNT = 8


def _seller_of(request: HttpRequest) -> SellerProfile | None:
    # The reverse accessor caches on request.user, so the nav bar and the view share one query.
    profile = getattr(request.user, "seller_profile", None)
    return profile if isinstance(profile, SellerProfile) else None


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def seller_required(view: SellerView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Let sellers through, with their profile as the view's second argument. Visitors are sent
    to log in; other accounts get a 403 page that says how to become a seller."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        seller = _seller_of(request)
        if seller is None:
            return render(request, "seller/seller_only.html", status=403)
        return view(request, seller, *args, **kwargs)

    return wrapper


# --- Storefront ----------------------------------------------------------------------------


def _card_prices(listings: Iterable[Listing], ship_to: shop.ShipTo) -> dict[int, dict[str, Any]]:
    """Each card's delivered price for one unit, quoted on its own so one refusal leaves the
    other cards priced: listing id → {"total": money} or {"refused": True}. A listing is left
    out when its price cannot be shown in the currency (no exchange rate)."""
    prices: dict[int, dict[str, Any]] = {}
    for listing in listings:
        try:
            quote = quote_listings(
                items=[Item(listing, 1)], destination=ship_to.country, currency=ship_to.currency
            )
        except QuoteRefused:
            prices[listing.pk] = {"refused": True}
        except ValidationError:
            continue
        else:
            prices[listing.pk] = {"total": quote.as_dict()["total"]}
    return prices


def _card_context(listings: Iterable[Listing], request: HttpRequest) -> dict[str, Any]:
    """What the listing cards need: the ship-to, the id → price mapping, and the cards as
    (listing, delivered price or None) pairs, since templates cannot look up by a variable."""
    listings = list(listings)
    ship_to = _ship_to(request)
    card_prices = _card_prices(listings, ship_to)
    return {
        "ship_to": ship_to,
        "card_prices": card_prices,
        "cards": [(listing, card_prices.get(listing.pk)) for listing in listings],
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = list(selectors.listings_featured(limit=FEATURED_COUNT))
    context = {"featured": featured, **_card_context(featured, request)}
    return render(request, "storefront/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = ListingSearchForm(request.GET)
    results = selectors.listings_search(query=form.query())
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filtered": form.has_filters(),
        **_card_context(page, request),
    }
    return render(request, "storefront/search.html", context)


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The listing, with its delivered price for ?quantity=N (default 1) to the visitor's
    ship-to country, in their currency."""
    seller = _seller_of(request)
    listing = get_object_or_404(selectors.listings_visible(seller=seller), pk=pk)
    quantity_form = QuantityForm(
        request.GET if "quantity" in request.GET else None, initial={"quantity": 1}
    )
    quantity = 1
    if quantity_form.is_bound and quantity_form.is_valid():
        quantity = quantity_form.cleaned_data["quantity"]
    ship_to = _ship_to(request)
    priced = _price([Item(listing, quantity)], ship_to)
    context = {
        "listing": listing,
        "is_owner": seller is not None and listing.seller_id == seller.pk,
        "on_sale": listing.status == Listing.Status.ACTIVE and listing.stock > 0,
        "ship_to": ship_to,
        "quantity": quantity,
        "quantity_form": quantity_form,
        "add_form": CartAddForm(initial={"listing": listing.pk, "quantity": quantity}),
        "priced": priced,
    }
    return render(request, "storefront/listing_detail.html", context)


# --- Delivered prices ----------------------------------------------------------------------

# What each refusal code means for the buyer; the engine's own sentence comes first.
REFUSAL_MEANINGS = {
    "prohibited": "These goods may not be imported into {country}: they cannot be shipped there.",
    "no_route": (
        "No eHub route links the seller to {country} yet, so the goods cannot be delivered there."
    ),
    "no_tariff": (
        "The customs tariff of {country} has no line for these goods yet, so their duty and tax "
        "cannot be worked out and they cannot be shipped there for now."
    ),
    "not_served": "The marketplace does not deliver to {country} yet.",
}
REFUSAL_HEADLINES = {
    "prohibited": "Cannot be shipped to {country}",
    "no_route": "No delivery route to {country}",
    "no_tariff": "No customs tariff for these goods in {country}",
    "not_served": "{country} is not served yet",
}
# Refusals caused by particular goods (rather than by the seller's or buyer's country).
LINE_REFUSALS = ("prohibited", "no_tariff")
REGIME_LABELS = {
    "domestic": "Domestic: no customs border is crossed",
    "low_value": "Low-value consignment",
    "standard": "Standard import",
}


@dataclass(frozen=True)
class Refusal:
    code: str
    detail: str
    headline: str
    meaning: str


@dataclass
class Priced:
    """The outcome of quoting some items: the engine's quote (as the API renders it), or why
    there is none."""

    quote: dict[str, Any] | None = None
    engine_quote: Quote | None = None
    refusal: Refusal | None = None
    currency_error: str = ""
    rule_notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def regime_label(self) -> str:
        regime = (self.quote or {}).get("customs", {}).get("regime", "")
        return REGIME_LABELS.get(regime, regime)


def _ship_to(request: HttpRequest) -> shop.ShipTo:
    return shop.ship_to_get(request.session, request.user)


def _refusal(refused: QuoteRefused, ship_to: shop.ShipTo) -> Refusal:
    country = ship_to.country_name
    return Refusal(
        code=refused.code,
        detail=refused.detail,
        headline=REFUSAL_HEADLINES.get(refused.code, "Cannot be delivered to {country}").format(
            country=country
        ),
        meaning=REFUSAL_MEANINGS.get(refused.code, "").format(country=country),
    )


def _rule_notes(quote: dict[str, Any]) -> list[tuple[str, str]]:
    """The notes of the rules behind the duty and the tax, as (what, note): each note once, in
    line order, naming both charges when one rule covers both (a domestic consignment)."""
    charges_of: dict[str, list[str]] = {}
    for line in quote.get("lines", []):
        for label, key in (("Duty", "duty_rule"), ("Import tax", "tax_rule")):
            note = (line.get(key) or {}).get("note") or ""
            if note and label not in charges_of.setdefault(note, []):
                charges_of[note].append(label)
    return [(" and ".join(labels).capitalize(), note) for note, labels in charges_of.items()]


def _price(items: Sequence[Item], ship_to: shop.ShipTo) -> Priced:
    """Quote `items` with the one engine. A refusal or a currency without a rate is returned
    for the page to explain; it never escapes as an error."""
    try:
        quote = quote_listings(items=items, destination=ship_to.country, currency=ship_to.currency)
    except QuoteRefused as refused:
        return Priced(refusal=_refusal(refused, ship_to))
    except ValidationError as error:
        return Priced(currency_error=" ".join(_error_texts(error)))
    data = quote.as_dict()
    return Priced(quote=data, engine_quote=quote, rule_notes=_rule_notes(data))


def _error_texts(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [text for texts in error.message_dict.values() for text in texts]
    return list(error.messages)


def _form_errors(request: HttpRequest, form: Form) -> None:
    """Report a form's errors as messages (for POSTs that redirect back), each once."""
    seen: set[str] = set()
    for errors in form.errors.values():
        for error in errors:
            text = str(error)
            if text not in seen:
                seen.add(text)
                messages.error(request, text)


# --- Ship-to and cart ----------------------------------------------------------------------


@require_POST
def ship_to(request: HttpRequest) -> HttpResponse:
    """Remember where the visitor ships to and the currency they see prices in."""
    form = ShipToForm(request.POST, currencies=shop.currencies_quotable())
    if form.is_valid():
        choice = shop.ship_to_set(
            request.session,
            country=form.cleaned_data["country"],
            currency=form.cleaned_data["currency"],
        )
        messages.success(
            request,
            f"Prices now include delivery to {choice.country_name}, in {choice.currency}.",
        )
    else:
        _form_errors(request, form)
    return redirect(_safe_next(request) or "home")


@dataclass
class CartLine:
    item: Item
    blocking: bool = False  # refused on its own: the line that stops the cart being quoted

    @property
    def listing(self) -> Listing:
        return self.item.listing

    @property
    def quantity(self) -> int:
        return self.item.quantity


@dataclass
class SellerGroup:
    """One seller's lines: shipped together as one consignment, quoted together."""

    seller: SellerProfile
    lines: list[CartLine]
    priced: Priced

    @property
    def items(self) -> list[Item]:
        return [line.item for line in self.lines]


def _by_seller(items: Sequence[Item]) -> list[tuple[SellerProfile, list[Item]]]:
    # The same grouping and order as marketplace.quoting.consignments_of.
    groups: dict[int, tuple[SellerProfile, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.listing.seller_id, (item.listing.seller, []))[1].append(item)
    return list(groups.values())


def _cart_groups(items: Sequence[Item], ship_to: shop.ShipTo, whole: Priced) -> list[SellerGroup]:
    """Each seller's consignment quote, taken from the whole cart's quote. When the engine
    refused the cart, each seller's lines are quoted alone to show which seller (and which
    line) is refused, while the others keep their prices."""
    result = []
    consignments = {}
    if whole.engine_quote is not None:
        consignments = {c.seller_id: c for c in whole.engine_quote.consignments}
    for seller, group in _by_seller(items):
        lines = [CartLine(item) for item in group]
        if whole.engine_quote is not None:
            data = consignments[seller.pk].as_dict()
            priced = Priced(quote=data, rule_notes=_rule_notes(data))
        elif whole.refusal is not None:
            priced = _price(group, ship_to)
            if priced.refusal is not None and priced.refusal.code in LINE_REFUSALS:
                for line in lines:
                    alone = lines == [line] or _price([line.item], ship_to).refusal is not None
                    line.blocking = alone
        else:
            priced = Priced(currency_error=whole.currency_error)
        result.append(SellerGroup(seller=seller, lines=lines, priced=priced))
    return result


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    """The cart: one delivered-price quote per seller and the grand total, all from one call to
    the engine."""
    stored = len(shop.cart_quantities(request.session))
    items = shop.cart_items(request.session)
    gone = stored - len(items)
    if gone:
        messages.info(
            request,
            f"{gone} item{'s' if gone != 1 else ''} no longer on sale "
            f"{'were' if gone != 1 else 'was'} removed from your cart.",
        )
    ship_to = _ship_to(request)
    whole = _price(items, ship_to) if items else Priced()
    groups = _cart_groups(items, ship_to, whole) if items else []
    refused_sellers = [g.seller for g in groups if g.priced.refusal is not None]
    context = {
        "ship_to": ship_to,
        "items": items,
        "groups": groups,
        "priced": whole,
        "refused_sellers": refused_sellers,
        "max_quantity": shop.MAX_QUANTITY,
    }
    return render(request, "storefront/cart.html", context)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_safe_next(request) or "cart")
    listing: Listing = form.cleaned_data["listing"]
    if listing.stock <= 0:
        messages.error(request, f"“{listing.title}” is out of stock, so it can't be added now.")
        return redirect(_safe_next(request) or "cart")
    requested = form.cleaned_data["quantity"]
    before = shop.cart_quantities(request.session).get(listing.pk, 0)
    total = shop.cart_add(request.session, listing.pk, requested)
    if before + requested > total:
        messages.warning(
            request,
            f"A cart line holds at most {shop.MAX_QUANTITY} units: you now have {total} × "
            f"“{listing.title}”.",
        )
    else:
        messages.success(request, f"Added {requested} × “{listing.title}” to your cart.")
    return redirect("cart")


def _title_of(listing_id: int) -> str:
    title = Listing.objects.filter(pk=listing_id).values_list("title", flat=True).first()
    return f"“{title}”" if title else "The item"


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    form = CartUpdateForm(request.POST)
    if form.is_valid():
        listing_id = form.cleaned_data["listing"]
        if listing_id in shop.cart_quantities(request.session):
            quantity = shop.cart_set(request.session, listing_id, form.cleaned_data["quantity"])
            messages.success(request, f"{_title_of(listing_id)}: quantity now {quantity}.")
        else:
            messages.error(request, "That item is not in your cart.")
    else:
        _form_errors(request, form)
    return redirect("cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    form = CartLineForm(request.POST)
    if form.is_valid() and shop.cart_remove(request.session, form.cleaned_data["listing"]):
        title = _title_of(form.cleaned_data["listing"])
        messages.success(request, f"{title} removed from your cart.")
    else:
        messages.error(request, "That item is not in your cart.")
    return redirect("cart")


# --- Seller pages --------------------------------------------------------------------------


@require_GET
@seller_required
def seller_listings(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    listings = selectors.listings_of_seller(seller=seller)
    page = Paginator(listings, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seller/listing_list.html", {"seller": seller, "page_obj": page})


def _saved_message(listing: Listing) -> str:
    if listing.status == Listing.Status.ACTIVE:
        return f"Listing saved. “{listing.title}” is live on the storefront."
    if listing.status == Listing.Status.DRAFT:
        return f"Listing saved. “{listing.title}” is a draft: only you can see it."
    return f"Listing saved. “{listing.title}” is archived and hidden from buyers."


@require_http_methods(["GET", "POST"])
@seller_required
def listing_create(request: HttpRequest, seller: SellerProfile) -> HttpResponse:
    finder = HsFinder.of(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = ListingForm(finder.data)
        if finder.active:
            finder.hold_errors(form)
        elif form.is_valid():
            try:
                listing = services.listing_create(seller=seller, **form.listing_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _saved_message(listing))
                return redirect("seller_listings")
    else:
        form = ListingForm(
            initial={"origin_country": seller.country, "price": [None, seller.payout_currency]}
        )
    context = {"form": form, "listing": None, "hs_finder": finder}
    return render(request, "seller/listing_form.html", context)


@require_http_methods(["GET", "POST"])
@seller_required
def listing_edit(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk, seller=seller)
    title = listing.title  # the form writes into its instance; keep the heading stable
    finder = HsFinder.of(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = ListingForm(finder.data, instance=listing)
        if finder.active:
            finder.hold_errors(form)
        elif form.is_valid():
            try:
                listing = services.listing_update(listing=listing, **form.listing_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _saved_message(listing))
                return redirect("seller_listings")
    else:
        form = ListingForm(instance=listing)
    context = {"form": form, "listing": listing, "title": title, "hs_finder": finder}
    return render(request, "seller/listing_form.html", context)


@require_http_methods(["GET", "POST"])
@seller_required
def listing_archive(request: HttpRequest, seller: SellerProfile, pk: int) -> HttpResponse:
    """GET asks for confirmation; only POST archives."""
    listing = get_object_or_404(Listing, pk=pk, seller=seller)
    if request.method == "POST":
        services.listing_archive(listing=listing)
        messages.success(
            request, f"Listing archived. “{listing.title}” is no longer on the storefront."
        )
        return redirect("seller_listings")
    return render(request, "seller/listing_archive.html", {"listing": listing})


# --- Accounts ------------------------------------------------------------------------------


def _already_signed_in(request: HttpRequest) -> HttpResponse:
    messages.info(request, f"You are already signed in as {request.user.get_username()}.")
    return redirect("home")


@require_GET
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _already_signed_in(request)
    return render(request, "registration/signup.html", {"next": _safe_next(request)})


def _signup_as(request: HttpRequest, form_class: type[SignupForm]) -> HttpResponse:
    if request.user.is_authenticated:
        return _already_signed_in(request)
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if request.method == "POST":
        user = form.register()
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if form.role == "seller":
                messages.success(
                    request, "Welcome! Your seller account is ready. Create your first listing."
                )
                return redirect(_safe_next(request) or "seller_listing_create")
            messages.success(request, "Welcome! Your buyer account is ready.")
            return redirect(_safe_next(request) or "home")
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "registration/signup_form.html", context)


@require_http_methods(["GET", "POST"])
def signup_buyer(request: HttpRequest) -> HttpResponse:
    return _signup_as(request, BuyerSignupForm)


@require_http_methods(["GET", "POST"])
def signup_seller(request: HttpRequest) -> HttpResponse:
    return _signup_as(request, SellerSignupForm)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, f"Welcome back, {self.request.user.get_username()}.")
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); says goodbye on the next page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response
