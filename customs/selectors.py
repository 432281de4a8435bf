"""Reads of customs data: the cached tariff index the landed-cost engine uses, declarations,
and what each user may see of them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet

from customs.models import ClearanceMode, Declaration, DeclarationEvent, TariffRow
from customs.tariff import TariffIndex, TariffRule
from customs.validation import COLUMNS
from ehubs.selectors import operator_countries, operator_hubs
from ewtp.datacache import VersionedCache
from ewtp.json_lookups import JSONArrayHolds


def _tariff_index_build() -> TariffIndex:
    # TariffRule's fields are the CSV columns then id, in that order: positional is fastest.
    rows = TariffRow.objects.order_by().values_list(*COLUMNS, "id").iterator(chunk_size=5000)
    return TariffIndex(TariffRule(*row) for row in rows)


_TARIFF_INDEX: VersionedCache[TariffIndex] = VersionedCache("tariff", _tariff_index_build)


def tariff_index_current() -> TariffIndex:
    """Every tariff row as a TariffIndex, rebuilt only after a row changed (`bump("tariff")`)."""
    return _TARIFF_INDEX.get()


def tariff_destinations_for(*, user: AbstractBaseUser | AnonymousUser) -> frozenset[str] | None:
    """The destinations whose rows `user` may manage: None (all) for a superuser, else the
    countries served by the hubs the user operates (empty when none)."""
    return operator_countries(user=user)


def tariff_rows_for(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[TariffRow]:
    """The tariff rows `user` may see and edit in admin."""
    destinations = tariff_destinations_for(user=user)
    rows = TariffRow.objects.all()
    return rows if destinations is None else rows.filter(destination__in=destinations)


# --- Declarations ----------------------------------------------------------------------------


def declarations_visible(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Declaration]:
    """The declarations `user` may see: a seller's own, those of the hubs an operator runs
    (every one for a superuser), oldest first."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return Declaration.objects.none()
    declarations = Declaration.objects.select_related("hub")
    if getattr(user, "is_superuser", False):
        return declarations
    return declarations.filter(Q(seller_id=user.pk) | Q(hub__operators__pk=user.pk)).distinct()


def declarations_operated(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Declaration]:
    """The declarations of the hubs `user` operates (all for a superuser): the review queue."""
    return Declaration.objects.filter(hub__in=operator_hubs(user=user)).select_related("hub")


def declaration_decidable_by(
    *, declaration: Declaration, user: AbstractBaseUser | AnonymousUser
) -> bool:
    """Operators of the declaration's hub (and superusers) decide on it."""
    return operator_hubs(user=user).filter(pk=declaration.hub_id).exists()


def declarations_for_review(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Declaration]:
    """The review queue of the hubs `user` operates: in review or held, the oldest first."""
    return (
        declarations_operated(user=user)
        .filter(status__in=[Declaration.Status.REVIEW, Declaration.Status.HELD])
        .order_by("submitted_at", "pk")
    )


def declarations_with_rule(
    *, declarations: QuerySet[Declaration], rule: str
) -> QuerySet[Declaration]:
    """Those of `declarations` whose latest screening or decision names `rule` among its
    reasons (e.g. "undervalued")."""
    return declarations.filter(JSONArrayHolds(F("reasons"), {"rule": rule}))


def declarations_of(*, reference: str) -> QuerySet[Declaration]:
    """An order's declarations (export first) with their lines and audit trails."""
    return (
        Declaration.objects.filter(reference=reference)
        .select_related("hub")
        .prefetch_related("lines", "events")
        .order_by("direction", "pk")  # "export" < "import"
    )


def declarations_of_seller(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Declaration]:
    """A seller's declarations, newest first (their pages)."""
    if not user.is_authenticated:
        return Declaration.objects.none()
    return (
        Declaration.objects.filter(seller_id=user.pk)
        .select_related("hub")
        .order_by("-submitted_at", "-pk")
    )


def declaration_questions(*, declarations: Iterable[Declaration]) -> dict[int, str]:
    """The hub's latest question to the seller on each held declaration among `declarations`,
    by declaration id (one query; none if none is held)."""
    held = [d.pk for d in declarations if d.status == Declaration.Status.HELD]
    if not held:
        return {}
    asked = DeclarationEvent.objects.filter(
        declaration_id__in=held, kind=DeclarationEvent.Kind.HELD
    ).order_by("at", "pk")
    return dict(asked.values_list("declaration_id", "note"))  # the latest question wins


def declaration_rejection_reason(*, declaration: Declaration) -> str:
    """Why `declaration` was rejected, in the operator's own words (without their name, which
    the recorded reasons carry); empty if it was not rejected by a decision."""
    note = (
        DeclarationEvent.objects.filter(
            declaration=declaration, kind=DeclarationEvent.Kind.REJECTED
        )
        .order_by("-at", "-pk")
        .values_list("note", flat=True)
        .first()
    )
    return note or ""


def clearance_mode_names(*, declarations: Iterable[Declaration]) -> dict[tuple[int, str], str]:
    """The names of the clearance modes `declarations` were filed under, by (hub id, mode code);
    a mode an operator removed since has none."""
    wanted = {(d.hub_id, d.mode) for d in declarations if d.mode}
    if not wanted:
        return {}
    modes = ClearanceMode.objects.filter(
        hub_id__in={hub for hub, _ in wanted}, code__in={code for _, code in wanted}
    ).values_list("hub_id", "code", "name")
    return {(hub, code): name for hub, code, name in modes}


def declaration_statuses(*, references: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """(direction, status) of each reference's declarations."""
    found: dict[str, list[tuple[str, str]]] = {}
    for reference, direction, status in Declaration.objects.filter(
        reference__in=list(references)
    ).values_list("reference", "direction", "status"):
        found.setdefault(reference, []).append((direction, status))
    return found


def declaration_trail(*, declaration: Declaration) -> QuerySet[DeclarationEvent]:
    return declaration.events.select_related("actor").order_by("at", "pk")


def declared_charges(
    *, references: Iterable[str]
) -> dict[str, list[tuple[str, str, Decimal, Decimal]]]:
    """(hub code, currency, duty, tax) of each reference's cleared declarations that carry duty
    or tax, as declared (settlement remits exactly these to the hubs' customs accounts)."""
    found: dict[str, list[tuple[str, str, Decimal, Decimal]]] = {}
    rows = (
        Declaration.objects.filter(
            reference__in=list(references), status=Declaration.Status.CLEARED
        )
        .filter(Q(duty__gt=0) | Q(tax__gt=0))
        .order_by("reference", "pk")
        .values_list("reference", "hub__code", "currency", "duty", "tax")
    )
    for reference, hub, currency, duty, tax in rows:
        found.setdefault(reference, []).append((hub, currency, duty, tax))
    return found
