"""Writes of user accounts and address books.

Address services re-validate what they are given (`address_validate`), so a row always
holds an address its country accepts, whoever called. Another shopper's address is
`AddressNotFound`, never a permission error: ids reveal nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from duli.core.errors import InvalidInput
from duli.customers.addresses import ADDRESS_FIELDS, AddressData, address_validate
from duli.customers.errors import AddressBookFull, AddressNotFound
from duli.customers.models import Address, User

__all__ = [
    "address_create",
    "address_delete",
    "address_set_default",
    "address_update",
    "address_validate",
    "staff_user_ensure",
    "user_profile_update",
]

ADDRESS_BOOK_LIMIT = 50
FULL_NAME_MAX = 150


def staff_user_ensure(*, email: str, password: str, full_name: str = "") -> User:
    """Create a staff superuser, or reset the password of the existing one."""
    with transaction.atomic():
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            return User.objects.create_superuser(email, password, full_name=full_name)
        user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        return user


def user_profile_update(*, user_id: int, full_name: str) -> User:
    """Change the name a shopper goes by (email and password change through allauth)."""
    full_name = " ".join(full_name.split())
    if len(full_name) > FULL_NAME_MAX:
        raise InvalidInput(
            gettext("Use at most %(max)d characters.") % {"max": FULL_NAME_MAX}, field="full_name"
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


def _owned(user_id: int, address_id: int) -> QuerySet[Address]:
    return Address.objects.filter(pk=address_id, user_id=user_id)


def _locked(user_id: int, address_id: int) -> Address:
    address = _owned(user_id, address_id).select_for_update().first()
    if address is None:
        raise AddressNotFound(address_id=address_id)
    return address


def address_create(*, user_id: int, data: AddressData, make_default: bool = False) -> Address:
    """Add an address to a shopper's book. The first one becomes the default shipping
    address; `make_default` moves the default to the new one."""
    cleaned = address_validate(data=data.as_dict())
    with transaction.atomic():
        # Lock the user row so two concurrent first addresses cannot both become default.
        User.objects.select_for_update().filter(pk=user_id).first()
        count = Address.objects.filter(user_id=user_id).count()
        if count >= ADDRESS_BOOK_LIMIT:
            raise AddressBookFull(limit=ADDRESS_BOOK_LIMIT)
        default = make_default or count == 0
        if default:
            Address.objects.filter(user_id=user_id, is_default_shipping=True).update(
                is_default_shipping=False
            )
        return Address.objects.create(
            user_id=user_id, is_default_shipping=default, **cleaned.as_dict()
        )


def address_update(*, user_id: int, address_id: int, data: AddressData) -> Address:
    """Replace every field of one of the shopper's addresses (the default flag stays)."""
    cleaned = address_validate(data=data.as_dict())
    with transaction.atomic():
        address = _locked(user_id, address_id)
        for name, value in cleaned.as_dict().items():
            setattr(address, name, value)
        address.save(update_fields=[*ADDRESS_FIELDS, "updated_at"])
    return address


def address_delete(*, user_id: int, address_id: int) -> None:
    """Remove an address; when it was the default, the most recently used other address
    becomes the default, so a shopper with addresses always has one."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user_id).first()
        address = _locked(user_id, address_id)
        was_default = address.is_default_shipping
        address.delete()
        successor = Address.objects.filter(user_id=user_id).order_by("-updated_at", "-id").first()
        if was_default and successor is not None:
            successor.is_default_shipping = True
            successor.save(update_fields=["is_default_shipping"])


def address_set_default(*, user_id: int, address_id: int) -> Address:
    """Make one of the shopper's addresses the default shipping address."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user_id).first()
        address = _locked(user_id, address_id)
        if not address.is_default_shipping:
            Address.objects.filter(user_id=user_id, is_default_shipping=True).update(
                is_default_shipping=False
            )
            address.is_default_shipping = True
            address.save(update_fields=["is_default_shipping"])
    return address
