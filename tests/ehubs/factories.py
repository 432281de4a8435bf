"""Factories for the e-road (the lead may move them to tests/factories.py)."""

from __future__ import annotations

from decimal import Decimal

import factory

from ehubs.models import Corridor, CustomsUnion, CustomsUnionMember, Hub, HubCountry


class HubFactory(factory.django.DjangoModelFactory[Hub]):
    class Meta:
        model = Hub
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.LazyAttribute(lambda h: f"{h.code} eHub")
    country = "CN"
    city = "Hangzhou"
    currency = "CNY"

    @factory.post_generation
    def serves(obj: Hub, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for country in extracted:
                HubCountry.objects.create(hub=obj, country=country)


class CorridorFactory(factory.django.DjangoModelFactory[Corridor]):
    class Meta:
        model = Corridor

    from_hub = factory.SubFactory(HubFactory)
    to_hub = factory.SubFactory(HubFactory, country="BE", city="Liège", currency="EUR")
    transit_days = 6
    currency = "USD"
    base_fee = Decimal("4.00")
    per_kg = Decimal("6.50")


class CustomsUnionFactory(factory.django.DjangoModelFactory[CustomsUnion]):
    class Meta:
        model = CustomsUnion
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"U{n:02d}")

    @factory.post_generation
    def members(
        obj: CustomsUnion, create: bool, extracted: list[str] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            for country in extracted:
                CustomsUnionMember.objects.create(union=obj, country=country)
