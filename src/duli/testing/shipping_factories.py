"""Factories for shipping zones, methods (with tiers) and carriers.

`ShippingMethodFactory(zone__countries=["GB"], price_amount=Decimal("4.95"))` makes an
active flat method priced in USD; `ShippingMethodFactory(kind="weight",
tiers=[(500, "3"), (2000, "6")])` gives it tiers (up to grams or amount, price).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from duli.shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone


class ShippingZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    countries = factory.LazyFunction(lambda: ["GB"])
    regions = factory.LazyFunction(list)
    position = 0


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod
        skip_postgeneration_save = True

    zone = factory.SubFactory(ShippingZoneFactory)
    name = factory.Sequence(lambda n: f"Method {n}")
    kind = "flat"
    currency = "USD"
    price_amount = Decimal("5.00")
    is_active = True
    position = 0

    @classmethod
    def _create(cls, model_class: type[ShippingMethod], *args: Any, **kwargs: Any) -> Any:
        texts = {
            "name": kwargs.pop("name"),
            "description": kwargs.pop("description", ""),
            "delivery_estimate": kwargs.pop("delivery_estimate", ""),
        }
        zh_name = kwargs.pop("zh_name", "")
        method = model_class(**kwargs)
        method.set_current_language("en")
        for field, value in texts.items():
            setattr(method, field, value)
        method.save()
        if zh_name:
            method.set_current_language("zh-hans")
            method.name = zh_name
            method.save()
            method.set_current_language("en")
        return method

    @factory.post_generation
    def tiers(method: ShippingMethod, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        ShippingRate.objects.bulk_create(
            [
                ShippingRate(method=method, up_to=Decimal(str(up_to)), price_amount=Decimal(price))
                for up_to, price in extracted
            ]
        )


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Carrier {n}")
    code = factory.Sequence(lambda n: f"carrier-{n}")
    tracking_url_template = "https://track.example.com/?n={number}"
