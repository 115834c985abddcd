from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from duli.core.errors import InvalidInput, NotFound
from duli.inventory.errors import OutOfStock, StockBelowReserved
from duli.inventory.models import Reservation, Stock, StockMovement, Warehouse
from duli.inventory.services import (
    reservations_expire,
    stock_adjust,
    stock_commit,
    stock_release,
    stock_reserve,
)
from duli.testing.factories import StaffFactory, VariantFactory
from duli.testing.inventory_factories import StockFactory, WarehouseFactory, variant_with_options

pytestmark = pytest.mark.django_db


def _stock(variant) -> Stock:
    return Stock.objects.get(variant=variant, warehouse__is_default=True)


def _kinds(variant) -> list[tuple[str, int, int, int, int]]:
    """The variant's ledger, oldest first, as (kind, on_hand Δ, reserved Δ, on_hand, reserved)."""
    return list(
        StockMovement.objects.filter(stock__variant=variant)
        .order_by("id")
        .values_list("kind", "on_hand_delta", "reserved_delta", "on_hand_after", "reserved_after")
    )


# --- stock_adjust ---------------------------------------------------------------------------


def test_adjust_creates_the_stock_row_and_default_warehouse_when_missing():
    variant = VariantFactory()

    stock = stock_adjust(variant_id=variant.pk, quantity_delta=12, reason="First delivery")

    warehouse = Warehouse.objects.get()
    assert warehouse.is_default
    assert (stock.variant_id, stock.warehouse_id, stock.on_hand, stock.reserved) == (
        variant.pk,
        warehouse.pk,
        12,
        0,
    )


def test_adjust_with_a_positive_delta_is_recorded_as_a_receipt():
    variant = VariantFactory(stock=3)
    staff = StaffFactory()

    stock_adjust(variant_id=variant.pk, quantity_delta=5, reason="PO-17", actor=staff)

    movement = StockMovement.objects.get()
    assert (movement.kind, movement.on_hand_delta, movement.on_hand_after) == ("receive", 5, 8)
    assert (movement.reason, movement.actor) == ("PO-17", staff)


def test_adjust_with_a_count_records_the_difference_as_an_adjustment():
    variant = VariantFactory(stock=10)

    stock = stock_adjust(variant_id=variant.pk, set_on_hand=7, reason="Stocktake")

    assert stock.on_hand == 7
    assert _kinds(variant) == [("adjust", -3, 0, 7, 0)]


def test_adjust_to_the_count_it_already_has_writes_nothing():
    variant = VariantFactory(stock=4)

    stock = stock_adjust(variant_id=variant.pk, set_on_hand=4, reason="Stocktake")

    assert stock.on_hand == 4
    assert not StockMovement.objects.exists()


def test_adjust_below_reserved_is_refused():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 3)], reference="checkout:1")

    with pytest.raises(StockBelowReserved) as refused:
        stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="Stocktake")

    assert "3 are reserved" in refused.value.message
    assert (_stock(variant).on_hand, _stock(variant).reserved) == (5, 3)
    assert [k[0] for k in _kinds(variant)] == ["reserve"]


def test_adjust_below_zero_is_refused():
    variant = VariantFactory(stock=2)

    with pytest.raises(InvalidInput):
        stock_adjust(variant_id=variant.pk, quantity_delta=-3, reason="Broken")

    assert _stock(variant).on_hand == 2
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    "change", [{}, {"quantity_delta": 1, "set_on_hand": 1}, {"quantity_delta": 0}]
)
def test_adjust_needs_exactly_one_real_change(change):
    variant = VariantFactory(stock=2)

    with pytest.raises(InvalidInput):
        stock_adjust(variant_id=variant.pk, reason="recount", **change)

    assert not StockMovement.objects.exists()


def test_adjust_goes_to_the_named_warehouse():
    variant = VariantFactory(stock=2)
    east = WarehouseFactory(code="east")

    stock = stock_adjust(
        variant_id=variant.pk, quantity_delta=4, reason="Transfer in", warehouse_id=east.pk
    )

    assert (stock.warehouse, stock.on_hand) == (east, 4)
    assert _stock(variant).on_hand == 2


def test_adjust_of_an_unknown_variant_is_not_found():
    with pytest.raises(NotFound):
        stock_adjust(variant_id=999_999, quantity_delta=1, reason="recount")


# --- stock_reserve --------------------------------------------------------------------------


def test_reserve_holds_units_for_the_reference():
    variant = VariantFactory(stock=10)
    expires = timezone.now() + timedelta(minutes=15)

    (reservation,) = stock_reserve(
        lines=[(variant.pk, 3)], reference="checkout:1", expires_at=expires
    )

    assert (reservation.reference, reservation.quantity, reservation.status) == (
        "checkout:1",
        3,
        Reservation.Status.ACTIVE,
    )
    assert reservation.expires_at == expires
    assert (_stock(variant).on_hand, _stock(variant).reserved) == (10, 3)
    assert _kinds(variant) == [("reserve", 0, 3, 10, 3)]


def test_reserve_refuses_more_than_available_and_changes_nothing():
    plenty, scarce = VariantFactory(stock=10), VariantFactory(stock=2)

    with pytest.raises(OutOfStock) as refused:
        stock_reserve(lines=[(plenty.pk, 1), (scarce.pk, 3)], reference="checkout:1")

    assert (refused.value.variant_id, refused.value.available, refused.value.requested) == (
        scarce.pk,
        2,
        3,
    )
    assert list(Stock.objects.order_by("pk").values_list("reserved", flat=True)) == [0, 0]
    assert not Reservation.objects.exists()
    assert not StockMovement.objects.exists()


def test_out_of_stock_says_how_many_are_left_of_which_variant():
    variant = variant_with_options(product_name="Linen Shirt", stock=2)

    with pytest.raises(OutOfStock) as refused:
        stock_reserve(lines=[(variant.pk, 5)], reference="checkout:1")

    assert refused.value.message == "Only 2 left of Linen Shirt (Blue / M)."
    assert refused.value.as_dict()["code"] == "out_of_stock"


def test_out_of_stock_says_sold_out_when_nothing_is_left():
    variant = variant_with_options(product_name="Linen Shirt", stock=0)

    with pytest.raises(OutOfStock) as refused:
        stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")

    assert refused.value.message == "Linen Shirt (Blue / M) is sold out."


def test_reserve_of_an_untracked_variant_succeeds_without_stock_rows():
    variant = VariantFactory(track_inventory=False)

    assert stock_reserve(lines=[(variant.pk, 1000)], reference="checkout:1") == []

    assert not Stock.objects.exists()
    assert not StockMovement.objects.exists()


def test_reserve_of_a_tracked_variant_without_stock_is_sold_out():
    variant = VariantFactory()

    with pytest.raises(OutOfStock) as refused:
        stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")

    assert refused.value.available == 0


def test_reserve_adds_up_lines_for_the_same_variant():
    variant = VariantFactory(stock=5)

    with pytest.raises(OutOfStock):
        stock_reserve(lines=[(variant.pk, 3), (variant.pk, 3)], reference="checkout:1")
    (reservation,) = stock_reserve(lines=[(variant.pk, 2), (variant.pk, 3)], reference="c:2")

    assert reservation.quantity == 5
    assert _stock(variant).reserved == 5


def test_reserve_splits_a_line_over_warehouses_in_primary_key_order():
    variant = VariantFactory(stock=2)
    east = StockFactory(variant=variant, on_hand=3)

    reservations = stock_reserve(lines=[(variant.pk, 4)], reference="checkout:1")

    assert [(r.stock_id, r.quantity) for r in reservations] == [
        (_stock(variant).pk, 2),
        (east.pk, 2),
    ]
    assert StockMovement.objects.filter(kind="reserve").count() == 2


def test_reserve_does_not_count_inactive_warehouses():
    variant = VariantFactory(stock=1)
    StockFactory(variant=variant, on_hand=5, warehouse=WarehouseFactory(is_active=False))

    with pytest.raises(OutOfStock) as refused:
        stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")

    assert refused.value.available == 1


def test_refused_reserve_inside_an_outer_transaction_undoes_only_itself():
    first, scarce = VariantFactory(stock=5), VariantFactory(stock=1)

    with transaction.atomic():
        stock_reserve(lines=[(first.pk, 2)], reference="checkout:1")
        with pytest.raises(OutOfStock):
            stock_reserve(lines=[(first.pk, 1), (scarce.pk, 2)], reference="checkout:2")

    assert (_stock(first).reserved, _stock(scarce).reserved) == (2, 0)
    assert list(Reservation.objects.values_list("reference", flat=True)) == ["checkout:1"]


@pytest.mark.parametrize("quantity", [0, -1, True])
def test_reserve_refuses_quantities_that_are_not_positive_whole_numbers(quantity):
    variant = VariantFactory(stock=5)

    with pytest.raises(InvalidInput):
        stock_reserve(lines=[(variant.pk, quantity)], reference="checkout:1")

    assert _stock(variant).reserved == 0


def test_reserve_needs_a_reference():
    variant = VariantFactory(stock=5)

    with pytest.raises(InvalidInput):
        stock_reserve(lines=[(variant.pk, 1)], reference="  ")


def test_reserve_of_an_unknown_variant_is_not_found():
    variant = VariantFactory(stock=5)

    with pytest.raises(NotFound):
        stock_reserve(lines=[(variant.pk, 1), (999_999, 1)], reference="checkout:1")

    assert _stock(variant).reserved == 0


def test_reserve_publishes_stock_changed_after_commit(
    published, django_capture_on_commit_callbacks
):
    tracked, untracked = VariantFactory(stock=5), VariantFactory(track_inventory=False)

    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(lines=[(untracked.pk, 1), (tracked.pk, 1)], reference="checkout:1")
        assert published == []

    assert published.named("stock.changed") == [{"variant_ids": [tracked.pk]}]


# --- stock_release / stock_commit / reservations_expire -------------------------------------


def test_release_gives_the_units_back():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 3)], reference="checkout:1")

    assert stock_release(reference="checkout:1") == 3

    assert (_stock(variant).on_hand, _stock(variant).reserved) == (5, 0)
    assert Reservation.objects.get().status == Reservation.Status.RELEASED


def test_release_is_idempotent():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 3)], reference="checkout:1")
    stock_release(reference="checkout:1")

    assert stock_release(reference="checkout:1") == 0

    assert _stock(variant).reserved == 0
    assert [k[0] for k in _kinds(variant)] == ["reserve", "release"]


def test_release_touches_only_its_own_reference():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:2")

    stock_release(reference="checkout:1")

    assert _stock(variant).reserved == 2


def test_commit_reduces_on_hand():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")

    assert stock_commit(reference="checkout:1") == 2

    assert (_stock(variant).on_hand, _stock(variant).reserved) == (3, 0)
    assert Reservation.objects.get().status == Reservation.Status.COMMITTED
    assert _kinds(variant)[-1] == ("commit", -2, -2, 3, 0)


def test_commit_is_idempotent():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")
    stock_commit(reference="checkout:1")

    assert stock_commit(reference="checkout:1") == 0

    assert (_stock(variant).on_hand, _stock(variant).reserved) == (3, 0)


def test_release_after_commit_changes_nothing():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")
    stock_commit(reference="checkout:1")

    assert stock_release(reference="checkout:1") == 0

    assert (_stock(variant).on_hand, _stock(variant).reserved) == (3, 0)


def test_expired_reservations_are_released():
    variant = VariantFactory(stock=5)
    now = timezone.now()
    stock_reserve(lines=[(variant.pk, 1)], reference="old", expires_at=now - timedelta(minutes=1))
    stock_reserve(lines=[(variant.pk, 2)], reference="new", expires_at=now + timedelta(minutes=9))
    stock_reserve(lines=[(variant.pk, 1)], reference="open-ended")

    assert reservations_expire(now=now) == 1

    assert dict(Reservation.objects.values_list("reference", "status")) == {
        "old": "released",
        "new": "active",
        "open-ended": "active",
    }
    assert _stock(variant).reserved == 3
    movement = StockMovement.objects.filter(kind="release").get()
    assert (movement.reference, movement.reason) == ("old", "expired")


def test_every_change_writes_a_ledger_row():
    variant = VariantFactory()

    stock_adjust(variant_id=variant.pk, quantity_delta=10, reason="Delivery")
    stock_reserve(lines=[(variant.pk, 4)], reference="checkout:1")
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:2")
    stock_release(reference="checkout:2")
    stock_commit(reference="checkout:1")
    stock_adjust(variant_id=variant.pk, quantity_delta=-1, reason="Damaged")

    assert _kinds(variant) == [
        ("receive", 10, 0, 10, 0),
        ("reserve", 0, 4, 10, 4),
        ("reserve", 0, 1, 10, 5),
        ("release", 0, -1, 10, 4),
        ("commit", -4, -4, 6, 0),
        ("adjust", -1, 0, 5, 0),
    ]
    assert list(Stock.objects.values_list("on_hand", "reserved")) == [(5, 0)]


def test_stock_change_near_the_threshold_invalidates_cached_pages():
    from duli.core.selectors import shop_settings_get
    from duli.inventory.services import stock_adjust, stock_reserve
    from duli.testing.factories import VariantFactory

    variant = VariantFactory(stock=100, low_stock_threshold=5)
    before = shop_settings_get().catalog_version
    stock_reserve(lines=[(variant.pk, 1)], reference="far-above")
    assert shop_settings_get().catalog_version == before  # 99 left: nothing shown changes
    stock_adjust(variant_id=variant.pk, set_on_hand=5, reason="count")
    assert shop_settings_get().catalog_version > before  # "only 4 left" is now shown


def test_adjustment_without_a_reason_is_refused_and_changes_nothing():
    from duli.core.errors import InvalidInput
    from duli.inventory.models import StockMovement
    from duli.inventory.services import stock_adjust
    from duli.testing.factories import VariantFactory

    variant = VariantFactory(stock=3)
    with pytest.raises(InvalidInput, match="Say why"):
        stock_adjust(variant_id=variant.pk, quantity_delta=2, reason="  ")
    assert variant.stocks.get().on_hand == 3
    assert not StockMovement.objects.exists()
