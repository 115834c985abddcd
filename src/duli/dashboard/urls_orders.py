"""Dashboard URLs for orders, included from `urls.py` into the "dashboard" namespace.

order_list, order_export (CSV of the list's filters), order_detail, order_invoice and
order_packing_slip (PDFs), and the actions:
order_mark_paid, order_fulfil, order_cancel, order_refund, order_address, order_note,
fulfillment_deliver, return_approve, return_reject, return_receive, return_refund.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.dashboard.views import orders

urlpatterns: list[URLPattern | URLResolver] = [
    path("orders/", orders.order_list, name="order_list"),
    path("orders/export.csv", orders.order_export, name="order_export"),
    path("orders/<int:pk>/", orders.order_detail_view, name="order_detail"),
    path("orders/<int:pk>/mark-paid/", orders.order_mark_paid_view, name="order_mark_paid"),
    path("orders/<int:pk>/fulfil/", orders.order_fulfil_view, name="order_fulfil"),
    path("orders/<int:pk>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<int:pk>/refund/", orders.order_refund_view, name="order_refund"),
    path("orders/<int:pk>/address/", orders.order_address_view, name="order_address"),
    path("orders/<int:pk>/notes/", orders.order_note_view, name="order_note"),
    path("orders/<int:pk>/invoice.pdf", orders.order_invoice_view, name="order_invoice"),
    path(
        "orders/<int:pk>/packing-slip.pdf",
        orders.order_packing_slip_view,
        name="order_packing_slip",
    ),
    path(
        "orders/<int:pk>/parcels/<int:fulfillment_pk>/delivered/",
        orders.fulfillment_deliver_view,
        name="fulfillment_deliver",
    ),
    path(
        "orders/<int:pk>/returns/<int:return_pk>/approve/",
        orders.return_approve_view,
        name="return_approve",
    ),
    path(
        "orders/<int:pk>/returns/<int:return_pk>/decline/",
        orders.return_reject_view,
        name="return_reject",
    ),
    path(
        "orders/<int:pk>/returns/<int:return_pk>/receive/",
        orders.return_receive_view,
        name="return_receive",
    ),
    path(
        "orders/<int:pk>/returns/<int:return_pk>/refund/",
        orders.return_refund_view,
        name="return_refund",
    ),
]
