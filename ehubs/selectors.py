"""Reads of the e-road: the routing network (cached per process), hubs for pages and the API."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet

from ehubs.models import Corridor, CustomsUnionMember, Hub, HubCountry, Waybill
from ehubs.routing import Leg, Network
from ewtp.datacache import VersionedCache
from ewtp.json_lookups import JSONArrayHolds


def _network_build() -> Network:
    """Three queries: served countries, corridors, customs union members."""
    serves: dict[str, list[str]] = {}
    for hub_code, country in HubCountry.objects.values_list("hub__code", "country"):
        serves.setdefault(hub_code, []).append(str(country))
    legs = [
        Leg(
            from_hub=from_code,
            to_hub=to_code,
            transit_days=days,
            currency=currency,
            base_fee=base_fee,
            per_kg=per_kg,
        )
        for from_code, to_code, days, currency, base_fee, per_kg in Corridor.objects.values_list(
            "from_hub__code", "to_hub__code", "transit_days", "currency", "base_fee", "per_kg"
        ).order_by("from_hub__code", "to_hub__code")
    ]
    unions: dict[str, list[str]] = {}
    for union_code, country in CustomsUnionMember.objects.values_list("union__code", "country"):
        unions.setdefault(union_code, []).append(str(country))
    return Network.build(serves=serves, legs=legs, unions=unions)


_network = VersionedCache("network", _network_build)


def network_current() -> Network:
    """The hub network as it is in the database, rebuilt only after something bumped "network"."""
    return _network.get()


def hubs_list() -> QuerySet[Hub]:
    """Every hub by code, with its served countries prefetched (`hub.countries.all()`)."""
    return Hub.objects.prefetch_related("countries").order_by("code")


def hubs_with_corridors() -> QuerySet[Hub]:
    """`hubs_list()` plus the corridors out of each hub (`hub.corridors_out.all()`, by `to_hub`)."""
    return hubs_list().prefetch_related(
        Prefetch(
            "corridors_out",
            queryset=Corridor.objects.select_related("to_hub").order_by("to_hub__code"),
        )
    )


def hub_serving(country: str) -> Hub | None:
    """The hub that serves `country` (ISO 3166-1 alpha-2), or None."""
    return Hub.objects.filter(countries__country=str(country)).first()


# --- Operator scope: the one answer to "what may this user run?", for every admin and API ----


def operator_hubs(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Hub]:
    """The hubs `user` operates (every hub for a superuser, none for anyone else)."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return Hub.objects.none()
    if getattr(user, "is_superuser", False):
        return Hub.objects.order_by("code")
    return Hub.objects.filter(operators__pk=user.pk).order_by("code")


def operator_countries(*, user: AbstractBaseUser | AnonymousUser) -> frozenset[str] | None:
    """The countries served by the hubs `user` operates: None (every country) for a superuser,
    an empty set for a user who operates no hub."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(
        str(country)
        for country in HubCountry.objects.filter(hub__operators__pk=user.pk).values_list(
            "country", flat=True
        )
    )


def waybills_operated(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Waybill]:
    """The waybills whose route passes a hub `user` operates (every one for a superuser)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Waybill.objects.all()
    codes = list(operator_hubs(user=user).values_list("code", flat=True))
    if not codes:
        return Waybill.objects.none()
    return Waybill.objects.filter(
        Q(*(JSONArrayHolds(F("route"), code) for code in codes), _connector=Q.OR)
    )


def hub_fees() -> dict[str, tuple[Decimal, Decimal]]:
    """Each hub's platform fee rates, (standard, for small sellers) in percent, by hub code."""
    return {
        code: (fee, sme_fee)
        for code, fee, sme_fee in Hub.objects.values_list("code", "fee_percent", "sme_fee_percent")
    }
