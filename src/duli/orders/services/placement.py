"""Turning an open checkout into an order: all or nothing, once (DESIGN rules 5, 7 and 8)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from duli.catalog.services import product_sales_record
from duli.checkout.errors import (
    CheckoutIncomplete,
    CheckoutNotOpen,
    EmptyCheckout,
    VariantUnavailable,
)
from duli.checkout.models import Checkout
from duli.checkout.selectors import checkout_cart
from duli.checkout.services import checkout_complete
from duli.core.actors import Actor
from duli.core.events import event_publish
from duli.core.selectors import shop_settings_get
from duli.inventory.errors import OutOfStock
from duli.inventory.services import stock_commit, stock_reserve
from duli.orders.models import Order, OrderEvent, OrderLine
from duli.orders.services._core import event, stock_reference, transition
from duli.orders.states import OrderStatus
from duli.payments.providers.registry import installed
from duli.payments.selectors import payment_provider
from duli.payments.services import payment_create

# Crockford's base 32 without I, L, O, U: nothing to misread on a phone call.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def order_number_new() -> str:
    """A short, unguessable order number like "7KQ4-M9XA" (32⁸ ≈ 10¹² numbers)."""
    while True:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if not Order.objects.filter(number=number).exists():
            return number


def order_place(*, checkout_id: UUID, actor: Actor) -> Order:
    """Place the order of an open checkout.

    Guarantees: exactly one order per checkout, however often this is called (double click,
    refresh, two tabs, a retried request all get the same order back); stock for every line
    is reserved atomically or the order is refused with `OutOfStock` and nothing is written;
    prices, taxes, discounts, shipping and addresses are copied into the order. Unpaid
    orders expire after the shop's `unpaid_cancel_hours`; cash-on-delivery orders are
    confirmed at once and their stock sold.
    """
    existing = Order.objects.filter(checkout_token=checkout_id).first()
    if existing is not None:
        return existing
    with transaction.atomic(durable=True):
        checkout = Checkout.objects.select_for_update().filter(pk=checkout_id).first()
        if checkout is None:
            raise CheckoutNotOpen()
        if checkout.status == Checkout.Status.COMPLETED:
            placed = Order.objects.filter(checkout_token=checkout_id).first()
            if placed is None:
                raise CheckoutNotOpen()
            return placed
        order = _place(checkout, actor)
    return order


def _place(checkout: Checkout, actor: Actor) -> Order:
    cart = checkout_cart(checkout=checkout)
    if not cart.lines:
        raise EmptyCheckout()
    for line in cart.lines:
        if line.problem == "unavailable" or line.variant is None:
            raise VariantUnavailable(name=line.variant.product_name if line.variant else "")
        if line.problem == "sold_out":
            name = line.variant.product_name
            if line.variant.variant_name:
                name = f"{name} ({line.variant.variant_name})"
            raise OutOfStock(
                variant_id=line.variant_id, name=name, available=0, requested=line.quantity
            )
    if len(cart.priced.lines) != len(cart.lines):  # never place an order missing a line
        raise EmptyCheckout()
    _check_complete(checkout, cart.priced.shipping is not None)
    provider = installed()[checkout.payment_method]
    priced = cart.priced
    shop = shop_settings_get()
    number = order_number_new()
    cod = provider.ships_before_payment
    order = Order(
        number=number,
        checkout_token=checkout.pk,
        user_id=checkout.user_id,
        email=checkout.email,
        language=checkout.language,
        currency=priced.currency,
        prices_include_tax=priced.prices_include_tax,
        subtotal_amount=priced.subtotal.amount,
        discount_amount=priced.discount.amount,
        shipping_amount=priced.shipping_price.amount,
        net_amount=priced.net.amount,
        tax_amount=priced.tax.amount,
        total_amount=priced.total.amount,
        discounts=[
            {"label": d.label, "code": d.code, "scope": d.scope, "amount": str(d.amount.amount)}
            for d in priced.discounts
        ],
        shipping_address=checkout.shipping_address,
        billing_address=checkout.billing_address or checkout.shipping_address,
        payment_method=checkout.payment_method,
        customer_note=checkout.customer_note,
        weight_grams=priced.weight_grams,
        expires_at=None if cod else timezone.now() + timedelta(hours=shop.unpaid_cancel_hours),
    )
    if priced.shipping is not None:
        order.shipping_method_id = priced.shipping.method_id
        order.shipping_method_name = priced.shipping.name[:120]
        order.shipping_net_amount = priced.shipping.net.amount
        order.shipping_tax_amount = priced.shipping.tax.amount
        order.shipping_tax_rate = priced.shipping.tax_rate
        order.is_pickup = priced.shipping.is_pickup
        order.pickup_address = priced.shipping.pickup_address
    # Reserve before writing the order: a sold-out line refuses before anything is saved.
    stock_reserve(
        lines=[(line.variant_id, line.quantity) for line in priced.lines],
        reference=f"order:{number}",
    )
    order.save()
    facts = {line.variant_id: line.variant for line in cart.lines if line.variant is not None}
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant_id=p.variant_id,
                product_id_snapshot=facts[p.variant_id].product_id,
                product_name=p.product_name[:255],
                variant_name=p.variant_name[:255],
                sku=p.sku,
                quantity=p.quantity,
                currency=priced.currency,
                unit_price_amount=p.unit_price.amount,
                amount_amount=p.amount.amount,
                discount_amount=p.discount.amount,
                net_amount=p.net.amount,
                tax_amount=p.tax.amount,
                gross_amount=p.gross.amount,
                tax_rate=p.tax_rate,
                tax_class=p.tax_class or "",
                weight_grams=p.weight_grams,
            )
            for p in priced.lines
        ]
    )
    payment_create(order_id=order.pk, provider=checkout.payment_method, amount=priced.total)
    checkout_complete(checkout_id=checkout.pk)
    event(order, OrderEvent.Kind.PLACED, actor, {"total": str(priced.total.amount)})
    sold: dict[int, int] = {}
    for p in priced.lines:
        fact = facts.get(p.variant_id)
        if fact is not None:
            sold[fact.product_id] = sold.get(fact.product_id, 0) + p.quantity
    product_sales_record(quantities=sold)
    if cod:
        # Cash on delivery: the shop ships before the money arrives, so the sale is final now.
        transition(order, "status", OrderStatus.CONFIRMED, Actor.system(), "cash on delivery")
        stock_commit(reference=stock_reference(order))
        event_publish("order.confirmed", order_id=order.pk)
    event_publish("order.placed", order_id=order.pk)
    return order


def _check_complete(checkout: Checkout, has_shipping: bool) -> None:
    if not checkout.email or not checkout.shipping_address:
        raise CheckoutIncomplete(gettext("Enter your email and shipping address."), step="address")
    if not has_shipping:
        raise CheckoutIncomplete(gettext("Choose a shipping method."), step="shipping")
    if not checkout.payment_method or payment_provider(code=checkout.payment_method) is None:
        raise CheckoutIncomplete(gettext("Choose a payment method."), step="payment")
