"""Links into the storefront that other code (emails, documents) may build.

`order_status_url(order)` is the shopper's order page with its signed access token (see
`duli.orders.links`), absolute and in the order's language: anyone holding the link sees
that one order, as the links in any shop's order emails work.
"""

from __future__ import annotations

from duli.orders.links import order_status_url as _order_status_url
from duli.orders.models import Order


def order_status_url(order: Order, *, absolute: bool = True) -> str:
    return _order_status_url(number=order.number, language=order.language, absolute=absolute)
