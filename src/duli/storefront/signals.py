"""Signal receivers of the storefront, connected in `StorefrontConfig.ready()`.

Only one: at sign-in (allauth's pages and Django's `login()` both send `user_logged_in`),
the guest's cart is merged into the shopper's saved cart.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

from duli.storefront.cart_session import cart_merge_at_login


def connect() -> None:
    user_logged_in.connect(cart_merge_at_login, dispatch_uid="duli.storefront.cart_merge")
