"""Placing an order: one per checkout, stock reserved atomically, everything snapshotted."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from duli.catalog.models import Product
from duli.checkout.errors import CheckoutIncomplete
from duli.checkout.models import Checkout
from duli.checkout.services import checkout_create, checkout_line_add
from duli.core.money import Money
from duli.inventory.errors import OutOfStock
from duli.inventory.models import Reservation, Stock
from duli.inventory.services import stock_adjust
from duli.orders.models import Order, OrderEvent
from duli.orders.services import order_place
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import Payment
from duli.testing.factories import VariantFactory
from tests.shop_fixtures import CUSTOMER

pytestmark = pytest.mark.django_db


def available(variant) -> int:
    s = Stock.objects.get(variant=variant)
    return s.on_hand - s.reserved


def test_placing_reserves_stock_and_snapshots_prices_and_address(placed, variant):
    order = placed((variant, 2))

    assert order.status == OrderStatus.PENDING
    assert order.payment_status == PaymentStatus.UNPAID
    assert order.subtotal == Money(Decimal("40.00"), "USD")
    assert order.shipping == Money(Decimal("5.00"), "USD")
    assert order.total == Money(Decimal("45.00"), "USD")
    assert order.shipping_address["postal_code"] == "94043"
    assert order.shipping_method_name == "Standard"
    line = order.lines.get()
    assert (line.sku, line.quantity, line.unit_price_amount) == (variant.sku, 2, Decimal("20.0000"))
    assert available(variant) == 3
    assert Reservation.objects.get(reference=f"order:{order.number}").quantity == 2
    assert Payment.objects.get(order=order).amount == order.total
    assert Checkout.objects.get(pk=order.checkout_token).status == Checkout.Status.COMPLETED
    assert order.events.filter(kind=OrderEvent.Kind.PLACED).count() == 1


def test_an_order_does_not_change_when_the_catalogue_does(placed, variant):
    order = placed((variant, 1))
    variant.price_amount = Decimal("99.00")
    variant.save()
    Product.objects.filter(pk=variant.product_id).update(slug="renamed")

    order.refresh_from_db()
    assert order.lines.get().unit_price_amount == Decimal("20.0000")
    assert order.total == Money(Decimal("25.00"), "USD")


def test_placing_the_same_checkout_twice_gives_one_order(filled_checkout, variant):
    checkout = filled_checkout((variant, 1))

    first = order_place(checkout_id=checkout.pk, actor=CUSTOMER)
    second = order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert available(variant) == 4


def test_a_sold_out_line_refuses_the_order_and_writes_nothing(filled_checkout, variant):
    checkout = filled_checkout((variant, 3))
    stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="recount")

    with pytest.raises(OutOfStock) as refused:
        order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    assert "Only 2 left" in refused.value.message
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0
    assert Reservation.objects.count() == 0
    assert available(variant) == 2
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.OPEN


def test_a_checkout_without_shipping_method_is_refused_with_the_step_to_finish(shop, variant):
    checkout = checkout_create()
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=1)

    with pytest.raises(CheckoutIncomplete) as refused:
        order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    assert refused.value.step == "address"
    assert Order.objects.count() == 0


def test_order_numbers_are_short_and_readable(placed, variant):
    order = placed((variant, 1))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", order.number)


def test_cash_on_delivery_confirms_the_order_and_sells_the_stock(placed, variant):
    order = placed((variant, 2), payment="cod")

    assert order.status == OrderStatus.CONFIRMED
    assert order.expires_at is None
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (3, 0)


def test_a_bank_transfer_order_gets_a_payment_deadline(placed, variant, shop):
    order = placed((variant, 1))
    hours = (order.expires_at - order.created_at).total_seconds() / 3600
    assert round(hours) == shop.unpaid_cancel_hours


def test_placing_counts_units_sold_for_best_seller_sorting(placed, variant):
    placed((variant, 2))
    assert Product.objects.get(pk=variant.product_id).sold_count == 2


def test_tax_is_stored_per_line_with_its_rate(placed, shop):
    from duli.tax.services import tax_defaults_ensure, tax_rate_set

    tax_defaults_ensure()
    tax_rate_set(tax_class_code="standard", country="US", region="US-CA", rate=Decimal("7.25"))
    v = VariantFactory(price_amount=Decimal("10.00"), stock=5)

    order = placed((v, 3))

    line = order.lines.get()
    assert line.tax_rate == Decimal("0.0725")
    assert (line.net_amount, line.tax_amount, line.gross_amount) == (
        Decimal("30.0000"),
        Decimal("2.1800"),
        Decimal("32.1800"),
    )
    # Shipping has no class of its own, so the default (standard) rate applies to it too.
    assert order.shipping_tax == Money(Decimal("0.36"), "USD")
    assert order.total == Money(Decimal("37.54"), "USD")


def test_the_shopper_and_the_merchant_get_emails_over_smtp(placed, variant, smtp_server):
    order = placed((variant, 1))

    messages = smtp_server.wait_for(2)
    shopper = smtp_server.to("ada@example.com")[0]
    merchant = smtp_server.to("owner@example.com")[0]
    assert order.number in shopper["Subject"]
    assert "IBAN DE00 1234" in shopper.text
    assert "$25.00" in shopper.html
    assert "token=" in shopper.text
    assert order.number in merchant["Subject"]
    assert len(messages) == 2
    assert order.events.filter(kind=OrderEvent.Kind.EMAIL_SENT).count() == 1


def test_a_line_that_sold_out_since_it_was_added_refuses_the_order(filled_checkout, variant):
    checkout = filled_checkout((variant, 1))
    stock_adjust(variant_id=variant.pk, set_on_hand=0, reason="sold in the shop")

    with pytest.raises(OutOfStock, match="sold out"):
        order_place(checkout_id=checkout.pk, actor=CUSTOMER)
    assert Order.objects.count() == 0


def test_a_pickup_order_keeps_where_to_collect_it(filled_checkout, variant, shipping_method):
    from duli.checkout.services import checkout_shipping_method_set

    shipping_method.kind = "pickup"
    shipping_method.pickup_address = "1 Market St, San Francisco"
    shipping_method.save()
    checkout = filled_checkout((variant, 1))
    checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk)

    order = order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    assert order.is_pickup and order.pickup_address == "1 Market St, San Francisco"
