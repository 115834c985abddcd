import pytest

from duli.catalog.models import ProductStatus
from duli.inventory.models import Stock
from duli.inventory.selectors import (
    Availability,
    availability_for_variants,
    availability_label,
    availability_labels_for_variants,
    low_stock_list,
    movements_for_variant,
    open_low_stock_alerts,
    reservations_for_reference,
    stock_for_variant,
    variant_display_name,
)
from duli.inventory.services import stock_adjust, stock_release, stock_reserve
from duli.testing.factories import ProductFactory, VariantFactory
from duli.testing.inventory_factories import StockFactory, WarehouseFactory, variant_with_options

pytestmark = pytest.mark.django_db


def test_availability_is_on_hand_less_reserved_over_active_warehouses():
    variant = VariantFactory(stock=5)
    StockFactory(variant=variant, on_hand=4, reserved=1)
    StockFactory(variant=variant, on_hand=50, warehouse=WarehouseFactory(is_active=False))
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")

    assert availability_for_variants(variant_ids=[variant.pk]) == {variant.pk: 6}


def test_availability_of_an_untracked_variant_is_unlimited():
    variant = VariantFactory(stock=0, track_inventory=False)

    assert availability_for_variants(variant_ids=[variant.pk]) == {variant.pk: None}


def test_availability_of_a_variant_without_stock_rows_or_unknown_id_is_zero():
    variant = VariantFactory()

    assert availability_for_variants(variant_ids=[variant.pk, 999_999]) == {
        variant.pk: 0,
        999_999: 0,
    }


def test_availability_for_many_variants_takes_one_query(django_assert_num_queries):
    variants = [VariantFactory(stock=n) for n in range(1, 6)]

    with django_assert_num_queries(1):
        result = availability_for_variants(variant_ids=[v.pk for v in variants])

    assert result == {v.pk: n for v, n in zip(variants, range(1, 6), strict=True)}


@pytest.mark.parametrize(
    ("available", "threshold", "expected"),
    [
        (0, 5, Availability("sold_out", 0)),
        (1, 5, Availability("low", 1)),
        (5, 5, Availability("low", 5)),
        (6, 5, Availability("in_stock", 6)),
        (1, 0, Availability("in_stock", 1)),
        (None, 5, Availability("in_stock", None)),
    ],
)
def test_availability_label_says_sold_out_low_or_in_stock(available, threshold, expected):
    assert availability_label(available=available, threshold=threshold) == expected


def test_availability_labels_for_variants_use_each_variants_threshold(
    django_assert_num_queries,
):
    low = VariantFactory(stock=3, low_stock_threshold=3)
    plenty = VariantFactory(stock=3, low_stock_threshold=2)
    gone = VariantFactory(stock=0)
    unlimited = VariantFactory(track_inventory=False)

    with django_assert_num_queries(1):
        labels = availability_labels_for_variants(
            variant_ids=[low.pk, plenty.pk, gone.pk, unlimited.pk]
        )

    assert labels == {
        low.pk: Availability("low", 3),
        plenty.pk: Availability("in_stock", 3),
        gone.pk: Availability("sold_out", 0),
        unlimited.pk: Availability("in_stock", None),
    }
    assert [labels[v.pk].is_buyable for v in (low, gone)] == [True, False]


def test_low_stock_list_holds_rows_at_or_below_threshold_lowest_first():
    at_threshold = VariantFactory(stock=5, low_stock_threshold=5)
    above = VariantFactory(stock=6, low_stock_threshold=5)
    empty = VariantFactory(stock=0, low_stock_threshold=5)
    VariantFactory(stock=0, track_inventory=False)
    VariantFactory(stock=0, is_active=False)
    archived = ProductFactory(status=ProductStatus.ARCHIVED, variants=0)
    VariantFactory(product=archived, stock=0)
    reserved_down = VariantFactory(stock=8, low_stock_threshold=5)
    stock_reserve(lines=[(reserved_down.pk, 4)], reference="checkout:1")

    rows = list(low_stock_list())

    assert [(row.variant, row.available_count, row.threshold) for row in rows] == [
        (empty, 0, 5),
        (reserved_down, 4, 5),
        (at_threshold, 5, 5),
    ]
    assert above not in [row.variant for row in rows]


def test_low_stock_list_filters_by_warehouse():
    variant = VariantFactory(stock=0)
    east = StockFactory(variant=variant, on_hand=1)

    assert list(low_stock_list(warehouse_id=east.warehouse_id)) == [east]


def test_movements_for_variant_are_newest_first():
    variant, other = VariantFactory(), VariantFactory()
    stock_adjust(variant_id=variant.pk, quantity_delta=5, reason="Delivery")
    stock_adjust(variant_id=other.pk, quantity_delta=5, reason="Delivery")
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")

    kinds = [m.kind for m in movements_for_variant(variant_id=variant.pk)]

    assert kinds == ["reserve", "receive"]


def test_open_low_stock_alerts_leave_out_resolved_ones():
    resolved = VariantFactory(stock=2, low_stock_threshold=1)
    still_low = VariantFactory(stock=2, low_stock_threshold=1)
    stock_reserve(lines=[(resolved.pk, 1)], reference="checkout:1")
    stock_reserve(lines=[(still_low.pk, 1)], reference="checkout:2")
    stock_release(reference="checkout:1")

    assert [a.stock.variant for a in open_low_stock_alerts()] == [still_low]


def test_stock_for_variant_lists_the_default_warehouse_first():
    variant = VariantFactory()
    east = StockFactory(variant=variant)
    stock_adjust(variant_id=variant.pk, quantity_delta=1, reason="recount")

    rows = list(stock_for_variant(variant_id=variant.pk))

    assert rows == [Stock.objects.get(variant=variant, warehouse__is_default=True), east]


def test_reservations_for_reference_lists_only_that_reference():
    variant = VariantFactory(stock=5)
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:2")

    assert [r.quantity for r in reservations_for_reference(reference="checkout:2")] == [2]


def test_variant_display_name_joins_product_and_option_values():
    shirt = variant_with_options(product_name="Linen Shirt", values={"Colour": "Blue", "Size": "M"})
    plain = VariantFactory(product=ProductFactory(name="Mug", variants=0))

    assert variant_display_name(variant_id=shirt.pk) == "Linen Shirt (Blue / M)"
    assert variant_display_name(variant_id=plain.pk) == "Mug"
