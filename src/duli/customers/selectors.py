"""Reads of accounts and address books, and what an address form asks for per country."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from duli.customers.addresses import AddressFormSpec, countries, form_spec
from duli.customers.errors import AddressNotFound
from duli.customers.models import Address


def addresses_for(*, user_id: int) -> QuerySet[Address]:
    """A shopper's address book: the default shipping address first, then the most recent."""
    return Address.objects.filter(user_id=user_id).order_by(
        "-is_default_shipping", "-updated_at", "-id"
    )


def address_get(*, user_id: int, address_id: int) -> Address:
    """One of the shopper's addresses; another shopper's is `AddressNotFound`."""
    address = Address.objects.filter(pk=address_id, user_id=user_id).first()
    if address is None:
        raise AddressNotFound(address_id=address_id)
    return address


def address_default_for(*, user_id: int) -> Address | None:
    """The shopper's default shipping address, if the book has any."""
    return Address.objects.filter(user_id=user_id, is_default_shipping=True).first()


def address_form_spec(*, country: str, language: str) -> AddressFormSpec:
    """Which fields an address in `country` has, their labels in `language` ("State",
    "Prefecture", "Postcode", "邮政编码"), which are required, the state/province list when
    the country has one and the postal code example. Raises `AddressInvalid` for a country
    code Google's address data does not know."""
    return form_spec(country, language)


def address_countries(*, language: str, only: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name in `language`) of every country an address can be in, or of those in
    `only` (e.g. the countries the shop ships to), sorted by name."""
    return countries(language, only=only)


def user_emails_verified(*, user_id: int) -> list[str]:
    """The addresses this user has proven to own (allauth's verified EmailAddress rows),
    lower-cased. Guest orders placed with one of them can be linked to the account."""
    emails = EmailAddress.objects.filter(user_id=user_id, verified=True).values_list(
        "email", flat=True
    )
    return sorted({e.lower() for e in emails})
