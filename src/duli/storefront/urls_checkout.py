"""Storefront URLs for the cart, the checkout and a shopper's orders, included in the
language-prefixed shopper pages of `urls.py`. Every page here is private (never cached,
noindex); see `duli.storefront.private`.

Names (namespace `storefront`):
  cart, cart_add, cart_line_update, cart_line_remove;
  checkout (→ the first open step), checkout_address, checkout_shipping, checkout_payment,
  checkout_place;
  order_lookup, order_confirmation, order_status (kwarg `number`; `?token=` from emails),
  order_invoice (PDF), order_pay, order_pay_return, order_pay_status (online payment),
  order_return, order_buy_again; account_orders, account_order.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.storefront.views import cart, checkout, orders, pay

urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("checkout/", checkout.checkout_start, name="checkout"),
    path("checkout/information/", checkout.checkout_address, name="checkout_address"),
    path("checkout/shipping/", checkout.checkout_shipping, name="checkout_shipping"),
    path("checkout/payment/", checkout.checkout_payment, name="checkout_payment"),
    path("checkout/place/", checkout.checkout_place, name="checkout_place"),
    path("orders/find/", orders.order_lookup, name="order_lookup"),
    path("orders/<str:number>/", orders.order_status, name="order_status"),
    path("orders/<str:number>/thank-you/", orders.order_confirmation, name="order_confirmation"),
    path("orders/<str:number>/pay/", pay.order_pay, name="order_pay"),
    path("orders/<str:number>/pay/return/", pay.order_pay_return, name="order_pay_return"),
    path("orders/<str:number>/pay/status/", pay.order_pay_status, name="order_pay_status"),
    path("orders/<str:number>/invoice.pdf", orders.order_invoice, name="order_invoice"),
    path("orders/<str:number>/return/", orders.order_return, name="order_return"),
    path("orders/<str:number>/buy-again/", orders.order_buy_again, name="order_buy_again"),
    path("account/orders/", orders.account_orders, name="account_orders"),
    path("account/orders/<str:number>/", orders.account_order, name="account_order"),
]
