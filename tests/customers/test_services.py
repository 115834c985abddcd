"""The address book: create, update, delete, default; another shopper's address is not found."""

from __future__ import annotations

import pytest

from duli.customers.addresses import AddressData
from duli.customers.errors import AddressBookFull, AddressInvalid, AddressNotFound
from duli.customers.models import Address
from duli.customers.services import (
    ADDRESS_BOOK_LIMIT,
    address_create,
    address_delete,
    address_set_default,
    address_update,
    user_profile_update,
)
from duli.testing.customers_factories import GB_ADDRESS, US_ADDRESS, AddressFactory
from duli.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_first_address_becomes_the_default():
    user = UserFactory()

    first = address_create(user_id=user.pk, data=AddressData(**US_ADDRESS))
    second = address_create(user_id=user.pk, data=AddressData(**GB_ADDRESS))

    assert first.is_default_shipping is True
    assert Address.objects.get(pk=second.pk).is_default_shipping is False


def test_create_stores_the_normalised_address():
    user = UserFactory()

    address = address_create(
        user_id=user.pk, data=AddressData(**{**GB_ADDRESS, "postal_code": "sw1a2aa"})
    )

    assert Address.objects.get(pk=address.pk).postal_code == "SW1A 2AA"


def test_create_refuses_an_invalid_address_and_writes_nothing():
    user = UserFactory()

    with pytest.raises(AddressInvalid):
        address_create(user_id=user.pk, data=AddressData(**{**US_ADDRESS, "postal_code": "x"}))

    assert not Address.objects.filter(user=user).exists()


def test_make_default_moves_the_default_to_the_new_address():
    user = UserFactory()
    old = AddressFactory(user=user)

    new = address_create(user_id=user.pk, data=AddressData(**GB_ADDRESS), make_default=True)

    assert list(Address.objects.filter(user=user, is_default_shipping=True)) == [new]
    assert Address.objects.get(pk=old.pk).is_default_shipping is False


def test_the_book_has_a_limit():
    user = UserFactory()
    for _ in range(ADDRESS_BOOK_LIMIT):
        AddressFactory(user=user)

    with pytest.raises(AddressBookFull, match="full"):
        address_create(user_id=user.pk, data=AddressData(**US_ADDRESS))

    assert Address.objects.filter(user=user).count() == ADDRESS_BOOK_LIMIT


def test_update_replaces_the_fields_and_keeps_the_default():
    address = AddressFactory()

    updated = address_update(
        user_id=address.user_id, address_id=address.pk, data=AddressData(**GB_ADDRESS)
    )

    stored = Address.objects.get(pk=address.pk)
    assert stored.as_data() == AddressData(**GB_ADDRESS) == updated.as_data()
    assert stored.is_default_shipping is True


def test_update_of_another_shoppers_address_is_not_found_and_changes_nothing():
    address = AddressFactory()
    stranger = UserFactory()

    with pytest.raises(AddressNotFound):
        address_update(user_id=stranger.pk, address_id=address.pk, data=AddressData(**GB_ADDRESS))

    assert Address.objects.get(pk=address.pk).country == "US"


def test_delete_of_another_shoppers_address_is_not_found():
    address = AddressFactory()

    with pytest.raises(AddressNotFound):
        address_delete(user_id=UserFactory().pk, address_id=address.pk)

    assert Address.objects.filter(pk=address.pk).exists()


def test_deleting_the_default_makes_the_most_recent_other_address_the_default():
    user = UserFactory()
    default = AddressFactory(user=user)
    older = AddressFactory(user=user, **GB_ADDRESS)
    newer = AddressFactory(user=user, city="San Francisco", postal_code="94103")

    address_delete(user_id=user.pk, address_id=default.pk)

    assert Address.objects.get(pk=newer.pk).is_default_shipping is True
    assert Address.objects.get(pk=older.pk).is_default_shipping is False


def test_set_default_moves_the_flag():
    user = UserFactory()
    first = AddressFactory(user=user)
    second = AddressFactory(user=user, **GB_ADDRESS)

    address_set_default(user_id=user.pk, address_id=second.pk)

    assert list(
        Address.objects.filter(user=user, is_default_shipping=True).values_list("pk", flat=True)
    ) == [second.pk]
    assert Address.objects.get(pk=first.pk).is_default_shipping is False


def test_set_default_on_another_shoppers_address_is_not_found():
    address = AddressFactory(**GB_ADDRESS)
    mine = AddressFactory()

    with pytest.raises(AddressNotFound):
        address_set_default(user_id=mine.user_id, address_id=address.pk)

    assert Address.objects.get(pk=mine.pk).is_default_shipping is True


def test_profile_update_tidies_the_name():
    user = UserFactory(full_name="")

    user_profile_update(user_id=user.pk, full_name="  Ada   Lovelace ")

    user.refresh_from_db()
    assert user.full_name == "Ada Lovelace"
