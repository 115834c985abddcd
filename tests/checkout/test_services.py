"""The cart and the checkout steps: what they accept, what they refuse and why."""

from __future__ import annotations

from decimal import Decimal

import pytest

from duli.catalog.models import ProductStatus
from duli.checkout.errors import CheckoutNotOpen, QuantityInvalid, VariantUnavailable
from duli.checkout.models import CheckoutLine
from duli.checkout.selectors import checkout_cart, checkout_count
from duli.checkout.services import (
    checkout_address_set,
    checkout_create,
    checkout_line_add,
    checkout_line_remove,
    checkout_line_update,
    checkout_merge,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.errors import InvalidInput
from duli.core.money import Money
from duli.inventory.errors import OutOfStock
from duli.inventory.services import stock_adjust
from duli.testing.factories import UserFactory, VariantFactory
from tests.shop_fixtures import ADDRESS

pytestmark = pytest.mark.django_db


def test_adding_the_same_variant_twice_adds_up_the_quantity(variant):
    checkout = checkout_create()
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=1)
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=2)
    assert CheckoutLine.objects.get().quantity == 3
    assert checkout_count(checkout_id=checkout.pk) == 3


def test_adding_more_than_is_in_stock_says_how_many_are_left(variant):
    checkout = checkout_create()
    with pytest.raises(OutOfStock, match="Only 5 left"):
        checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=6)
    assert not CheckoutLine.objects.exists()


def test_a_draft_product_cannot_be_added(shop):
    v = VariantFactory(stock=3)
    v.product.status = ProductStatus.DRAFT
    v.product.save()
    with pytest.raises(VariantUnavailable):
        checkout_line_add(checkout_id=checkout_create().pk, variant_id=v.pk, quantity=1)


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_quantities_outside_1_to_99_are_refused(variant, quantity):
    with pytest.raises(QuantityInvalid):
        checkout_line_add(
            checkout_id=checkout_create().pk, variant_id=variant.pk, quantity=quantity
        )


def test_setting_quantity_zero_removes_the_line(variant):
    checkout = checkout_create()
    line = checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=2)
    assert checkout_line_update(checkout_id=checkout.pk, line_id=line.pk, quantity=0) is None
    assert not CheckoutLine.objects.exists()


def test_removing_a_line_twice_is_fine(variant):
    checkout = checkout_create()
    line = checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=2)
    checkout_line_remove(checkout_id=checkout.pk, line_id=line.pk)
    checkout_line_remove(checkout_id=checkout.pk, line_id=line.pk)
    assert checkout_count(checkout_id=checkout.pk) == 0


def test_the_cart_flags_lines_that_sold_out_meanwhile(variant):
    checkout = checkout_create()
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=3)
    stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="recount")
    cart = checkout_cart(checkout=checkout)
    assert [(line.problem, line.available) for line in cart.lines] == [("short", 2)]

    stock_adjust(variant_id=variant.pk, set_on_hand=0, reason="recount")
    assert checkout_cart(checkout=checkout).lines[0].problem == "sold_out"


def test_the_cart_total_comes_from_the_pricing_function(variant):
    checkout = checkout_create()
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=2)
    assert checkout_cart(checkout=checkout).priced.total == Money(Decimal("40.00"), "USD")


def test_a_guest_cart_merges_into_the_account_cart_at_sign_in(shop):
    a, b = VariantFactory(stock=9), VariantFactory(stock=9)
    user = UserFactory()
    saved = checkout_create(user_id=user.pk)
    checkout_line_add(checkout_id=saved.pk, variant_id=a.pk, quantity=1)
    guest = checkout_create()
    checkout_line_add(checkout_id=guest.pk, variant_id=a.pk, quantity=2)
    checkout_line_add(checkout_id=guest.pk, variant_id=b.pk, quantity=1)

    merged = checkout_merge(checkout_id=guest.pk, user_id=user.pk)

    assert merged.pk == saved.pk
    assert dict(merged.lines.values_list("variant_id", "quantity")) == {a.pk: 3, b.pk: 1}


def test_a_guest_cart_is_adopted_when_the_shopper_has_none(variant):
    user = UserFactory()
    guest = checkout_create()
    checkout_line_add(checkout_id=guest.pk, variant_id=variant.pk, quantity=1)
    assert checkout_merge(checkout_id=guest.pk, user_id=user.pk).user_id == user.pk


def test_a_bad_email_is_refused_with_its_field(shipping_method, variant):
    checkout = checkout_create()
    with pytest.raises(InvalidInput) as refused:
        checkout_address_set(checkout_id=checkout.pk, email="ada@", shipping_address=ADDRESS)
    assert refused.value.context["field"] == "email"


def test_a_us_address_needs_a_state(shipping_method):
    checkout = checkout_create()
    with pytest.raises(InvalidInput):
        checkout_address_set(
            checkout_id=checkout.pk,
            email="a@example.com",
            shipping_address={**ADDRESS, "country_area": ""},
        )


def test_a_country_no_zone_covers_is_refused(shipping_method):
    checkout = checkout_create()
    with pytest.raises(InvalidInput, match="do not ship"):
        checkout_address_set(
            checkout_id=checkout.pk,
            email="a@example.com",
            shipping_address={
                "first_name": "A",
                "last_name": "B",
                "street_address_1": "1 Rue",
                "city": "Paris",
                "postal_code": "75001",
                "country": "FR",
            },
        )


def test_a_shipping_method_must_be_offered_for_the_address(shipping_method, variant):
    checkout = checkout_create()
    checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=1)
    with pytest.raises(InvalidInput, match="address first"):
        checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk)
    checkout_address_set(checkout_id=checkout.pk, email="a@example.com", shipping_address=ADDRESS)
    with pytest.raises(InvalidInput, match="not available"):
        checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk + 999)
    checkout = checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk)
    assert checkout_cart(checkout=checkout).priced.total == Money(Decimal("25.00"), "USD")


def test_an_unknown_payment_method_is_refused(shop):
    with pytest.raises(InvalidInput):
        checkout_payment_method_set(checkout_id=checkout_create().pk, provider="stripe")


def test_a_completed_checkout_takes_no_more_lines(variant):
    from duli.checkout.models import Checkout

    checkout = checkout_create()
    Checkout.objects.filter(pk=checkout.pk).update(status=Checkout.Status.COMPLETED)
    with pytest.raises(CheckoutNotOpen):
        checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=1)
