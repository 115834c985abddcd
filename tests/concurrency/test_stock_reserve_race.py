"""Many checkouts racing for the last units, each thread on its own database connection.

These run on a real, committed database (SQLite on disk in WAL mode with IMMEDIATE
transactions, or PostgreSQL), so they test the locking the shop relies on, not a mock of it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from duli.inventory.errors import OutOfStock
from duli.inventory.models import Reservation, Stock, StockMovement
from duli.inventory.services import stock_commit, stock_release, stock_reserve
from duli.testing.factories import VariantFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

THREADS = 50


def _race(count: int, attempt: Callable[[int], str]) -> Counter[str]:
    """Run `attempt(i)` in `count` threads released at the same moment; count the outcomes."""
    start = threading.Barrier(count)

    def run(i: int) -> str:
        try:
            start.wait()
            return attempt(i)
        finally:
            connection.close()  # each thread opened its own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(run, range(count)))


def test_fifty_checkouts_for_ten_units_reserve_exactly_ten():
    variant = VariantFactory(stock=10)

    def attempt(i: int) -> str:
        try:
            stock_reserve(lines=[(variant.pk, 1)], reference=f"checkout:{i}")
        except OutOfStock:
            return "sold out"
        return "reserved"

    outcomes = _race(THREADS, attempt)

    assert outcomes == {"reserved": 10, "sold out": 40}
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (10, 10)
    assert Reservation.objects.filter(status="active").count() == 10
    assert StockMovement.objects.filter(kind="reserve").count() == 10
    assert not StockMovement.objects.exclude(kind="reserve").exists()
    assert not StockMovement.objects.filter(reserved_after__gt=10).exists()


def test_checkouts_taking_two_variants_in_opposite_orders_never_deadlock_or_oversell():
    shirt, trousers = VariantFactory(stock=7), VariantFactory(stock=7)

    def attempt(i: int) -> str:
        pair = [(shirt.pk, 1), (trousers.pk, 1)]
        lines = pair if i % 2 else pair[::-1]
        try:
            stock_reserve(lines=lines, reference=f"checkout:{i}")
        except OutOfStock:
            return "sold out"
        return "reserved"

    outcomes = _race(THREADS, attempt)

    assert outcomes == {"reserved": 7, "sold out": 43}
    assert list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")) == [
        (7, 7),
        (7, 7),
    ]
    assert StockMovement.objects.filter(kind="reserve").count() == 14


def test_racing_sales_and_releases_of_the_same_checkouts_settle_each_unit_once():
    variant = VariantFactory(stock=10)
    for i in range(10):
        stock_reserve(lines=[(variant.pk, 1)], reference=f"checkout:{i}")

    def attempt(i: int) -> str:
        # Every checkout is both paid (commit) and abandoned (release) at the same moment.
        settle = stock_commit if i % 2 else stock_release
        units = settle(reference=f"checkout:{(i // 2) % 10}")
        return f"{settle.__name__}:{units}"

    outcomes = _race(40, attempt)

    sold = outcomes["stock_commit:1"]
    released = outcomes["stock_release:1"]
    assert sold + released == 10
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (10 - sold, 0)
    assert StockMovement.objects.filter(kind="commit").count() == sold
    assert StockMovement.objects.filter(kind="release").count() == released
