"""Orders placed concurrently: a small flash sale, and one checkout placed from many tabs.

Each thread has its own database connection against a committed database (SQLite WAL or
PostgreSQL), so this exercises the real locking of `order_place`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from duli.inventory.errors import OutOfStock
from duli.inventory.models import Stock
from duli.orders.models import Order
from duli.orders.services import order_place
from duli.testing.factories import VariantFactory
from tests.concurrency.test_stock_reserve_race import _race
from tests.shop_fixtures import CUSTOMER

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_thirty_shoppers_for_five_units_make_exactly_five_orders(filled_checkout):
    variant = VariantFactory(price_amount=Decimal("9.00"), stock=5)
    checkouts = [filled_checkout((variant, 1), email=f"s{i}@example.com") for i in range(30)]

    def attempt(i: int) -> str:
        try:
            order_place(checkout_id=checkouts[i].pk, actor=CUSTOMER)
        except OutOfStock:
            return "sold out"
        return "ordered"

    outcomes = _race(30, attempt)

    assert outcomes == {"ordered": 5, "sold out": 25}
    assert Order.objects.count() == 5
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (5, 5)


def test_one_checkout_placed_from_ten_tabs_at_once_makes_one_order(filled_checkout):
    variant = VariantFactory(price_amount=Decimal("9.00"), stock=5)
    checkout = filled_checkout((variant, 2))

    outcomes = _race(10, lambda i: order_place(checkout_id=checkout.pk, actor=CUSTOMER).number)

    assert len(outcomes) == 1 and sum(outcomes.values()) == 10
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).reserved == 2
