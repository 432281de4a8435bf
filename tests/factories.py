"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import User
from djmoney.money import Money

from marketplace.models import BuyerProfile, Listing, SellerProfile

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class SellerFactory(factory.django.DjangoModelFactory[SellerProfile]):
    class Meta:
        model = SellerProfile

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"seller{n}"))
    company_name = factory.Sequence(lambda n: f"Workshop {n} Ltd")
    country = "CN"
    employees = 12
    verified = False
    payout_currency = "CNY"


class BuyerFactory(factory.django.DjangoModelFactory[BuyerProfile]):
    class Meta:
        model = BuyerProfile

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"buyer{n}"))
    country = "BE"
    preferred_currency = "EUR"


class ListingFactory(factory.django.DjangoModelFactory[Listing]):
    class Meta:
        model = Listing

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"Hand-loomed cotton T-shirt no. {n}")
    description = "Soft cotton T-shirt, woven and sewn in our workshop."
    hs_code = "610910"
    origin_country = "CN"
    price = factory.LazyFunction(lambda: Money(Decimal("20.00"), "USD"))
    stock = 10
    weight_grams = 250
    status = Listing.Status.ACTIVE
