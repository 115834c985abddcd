"""Writes of orders (DESIGN rule 2): one module per sub-domain, every service listed here.

Placement: order_place, order_number_new. Merchant actions: order_mark_paid, order_cancel,
order_note_add, order_shipping_address_update, orders_unpaid_cancel. Shipping:
order_fulfill, fulfillment_deliver. Money: order_refund, order_payment_retry, order_payments_sync. Returns: return_request,
return_approve, return_reject, return_receive, return_refund.
"""

from duli.orders.services.actions import (
    order_cancel,
    order_mark_paid,
    order_note_add,
    order_shipping_address_update,
    orders_unpaid_cancel,
)
from duli.orders.services.fulfilment import fulfillment_deliver, order_fulfill
from duli.orders.services.paying import order_payment_retry, order_payments_sync
from duli.orders.services.placement import order_number_new, order_place
from duli.orders.services.refunds import order_refund
from duli.orders.services.returns import (
    RETURN_REASONS,
    return_approve,
    return_deadline,
    return_receive,
    return_refund,
    return_reject,
    return_request,
    return_value,
    returnable_quantities,
)

__all__ = [
    "RETURN_REASONS",
    "fulfillment_deliver",
    "order_cancel",
    "order_fulfill",
    "order_mark_paid",
    "order_note_add",
    "order_number_new",
    "order_payment_retry",
    "order_payments_sync",
    "order_place",
    "order_refund",
    "order_shipping_address_update",
    "orders_unpaid_cancel",
    "return_approve",
    "return_deadline",
    "return_receive",
    "return_refund",
    "return_reject",
    "return_request",
    "return_value",
    "returnable_quantities",
]
