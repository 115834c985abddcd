"""Refusals of the order services, each readable by a merchant or a shopper."""

from __future__ import annotations

from django.utils.translation import gettext

from duli.core.errors import DomainError


class IllegalTransition(DomainError):
    """The order is not in a state that allows this action."""

    code = "illegal_transition"
    status = 409

    def __init__(self, message: str, *, current: str = "", requested: str = "") -> None:
        super().__init__(message, current=current, requested=requested)


class OrderNotFound(DomainError):
    code = "not_found"
    status = 404

    def __init__(self) -> None:
        super().__init__(gettext("That order does not exist."))


class ReturnNotAllowed(DomainError):
    code = "return_not_allowed"
    status = 409
