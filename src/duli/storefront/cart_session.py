"""Which cart a visitor has: the bridge between a request and `duli.checkout`.

A guest's checkout id lives in their session (`SESSION_KEY`); a signed-in shopper's cart
is their open checkout (`checkout_for_user`), so it follows them across devices. At sign-in
`cart_merge_at_login` (connected in `duli.storefront.signals`) folds the guest cart into the
saved one. Order numbers a guest placed or looked up are remembered in the session too, so
their order pages open for them without a link token.

Only views call these; nothing here decides anything the checkout services do not.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import translation

from duli.checkout.models import Checkout
from duli.checkout.selectors import checkout_count, checkout_for_user, checkout_get
from duli.checkout.services import checkout_create, checkout_merge

SESSION_KEY = "duli_checkout"
ORDERS_KEY = "duli_orders"
MAX_REMEMBERED_ORDERS = 20


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _session_checkout_id(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def cart_get(request: HttpRequest) -> Checkout | None:
    """The visitor's open checkout, or None (never creates one)."""
    if hasattr(request, "_duli_cart"):
        cached: Checkout | None = request._duli_cart
        return cached
    user_id = _user_id(request)
    checkout: Checkout | None
    if user_id is not None:
        checkout = checkout_for_user(user_id=user_id)
    else:
        checkout = checkout_get(checkout_id=_session_checkout_id(request))
        if checkout is not None and checkout.user_id is not None:
            checkout = None  # an account's cart is never reachable signed out
    request._duli_cart = checkout  # type: ignore[attr-defined]
    return checkout


def cart_get_or_create(request: HttpRequest) -> Checkout:
    """The visitor's open checkout, made (and remembered) on first use."""
    checkout = cart_get(request)
    if checkout is None:
        checkout = checkout_create(
            user_id=_user_id(request), language=translation.get_language() or "en"
        )
        if checkout.user_id is None:
            request.session[SESSION_KEY] = str(checkout.pk)
        request._duli_cart = checkout  # type: ignore[attr-defined]
    return checkout


def cart_is_visitors(request: HttpRequest, checkout_id: UUID) -> bool:
    """Whether a checkout id posted by a form is the visitor's current cart."""
    checkout = cart_get(request)
    return checkout is not None and checkout.pk == checkout_id


def cart_count(request: HttpRequest) -> int:
    """Units in the visitor's cart (the header badge), in a few small queries."""
    user_id = _user_id(request)
    if user_id is not None:
        checkout = checkout_for_user(user_id=user_id)
        return checkout_count(checkout_id=checkout.pk) if checkout is not None else 0
    checkout = cart_get(request)
    return checkout_count(checkout_id=checkout.pk) if checkout is not None else 0


def cart_forget(request: HttpRequest) -> None:
    """Drop the guest cart id (after the order was placed from it)."""
    if SESSION_KEY in request.session:
        del request.session[SESSION_KEY]
    request._duli_cart = None  # type: ignore[attr-defined]


def order_remember(request: HttpRequest, number: str) -> None:
    """Let this browser open an order's pages without a link token from now on."""
    numbers = [n for n in request.session.get(ORDERS_KEY, []) if n != number]
    request.session[ORDERS_KEY] = [number, *numbers][:MAX_REMEMBERED_ORDERS]


def order_remembered(request: HttpRequest, number: str) -> bool:
    session = getattr(request, "session", None)
    return session is not None and number in session.get(ORDERS_KEY, [])


def cart_merge_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in` receiver: the guest cart joins the shopper's saved cart.

    The session survives sign-in (Django only cycles its key), so the guest's checkout id is
    still there; afterwards the shopper's cart is found through their account instead.
    """
    if request is None or not hasattr(request, "session") or user is None:
        return
    raw = request.session.get(SESSION_KEY)
    try:
        checkout_id = UUID(str(raw)) if raw else None
    except ValueError:
        checkout_id = None
    if checkout_id is not None:
        checkout_merge(checkout_id=checkout_id, user_id=user.pk)
        del request.session[SESSION_KEY]
    if hasattr(request, "_duli_cart"):
        del request._duli_cart
