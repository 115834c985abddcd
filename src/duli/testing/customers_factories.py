"""Factories for shoppers and their address books (see `duli.testing.factories` for users).

`ShopperFactory(email_verified=True)` is a user as allauth's sign-up leaves one, with its
primary EmailAddress row; `AddressFactory(user=u)` adds a valid US address to u's book
through `address_create` (the first one becomes the default); pass any AddressData field
to change it, e.g. `AddressFactory(user=u, **GB_ADDRESS)`.
"""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from duli.customers.addresses import ADDRESS_FIELDS, AddressData
from duli.customers.models import Address, User
from duli.testing.factories import UserFactory

US_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "country_area": "CA",
    "postal_code": "94043",
    "country": "US",
}
GB_ADDRESS = {
    "first_name": "Alan",
    "last_name": "Turing",
    "street_address_1": "10 Downing Street",
    "city": "London",
    "country_area": "",
    "postal_code": "SW1A 2AA",
    "country": "GB",
}
CN_ADDRESS = {
    "first_name": "伟",
    "last_name": "张",
    "street_address_1": "世纪大道100号",
    "city": "上海市",
    "city_area": "浦东新区",
    "country_area": "上海市",
    "postal_code": "200120",
    "country": "CN",
}


class ShopperFactory(UserFactory):
    """A shopper with allauth's primary EmailAddress row, verified if `email_verified`."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def email_verified(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"primary": True, "verified": bool(extracted)}
            )


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    first_name = US_ADDRESS["first_name"]
    last_name = US_ADDRESS["last_name"]
    company = ""
    street_address_1 = US_ADDRESS["street_address_1"]
    street_address_2 = ""
    city = US_ADDRESS["city"]
    city_area = ""
    postal_code = US_ADDRESS["postal_code"]
    country = US_ADDRESS["country"]
    country_area = US_ADDRESS["country_area"]
    phone = ""
    is_default_shipping = False

    @classmethod
    def _create(cls, model_class: type[Address], *args: Any, **kwargs: Any) -> Address:
        from duli.customers.services import address_create

        user = kwargs.pop("user")
        data = AddressData(**{f: kwargs.pop(f) for f in ADDRESS_FIELDS})
        return address_create(
            user_id=user.pk, data=data, make_default=kwargs.pop("is_default_shipping")
        )
