"""Filters, facets, sorting and paging of catalog_search (search and listing pages)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from duli.catalog.models import Product
from duli.catalog.search import OptionValueCount, catalog_search
from duli.catalog.services import collection_products_set, product_summary_refresh
from duli.testing.factories import (
    BrandFactory,
    CategoryFactory,
    CollectionFactory,
    ProductFactory,
    TagFactory,
    VariantFactory,
    option_with_values,
)

pytestmark = pytest.mark.django_db


def ids(**kwargs) -> list[int]:
    return catalog_search(language="en", **kwargs).product_ids


def with_variants(product: Product, sizes: dict[str, int], colour: str | None = None) -> Product:
    """Give `product` one variant per size (value → stock), optionally all in one colour."""
    size_values = {
        v.code: v for v in option_with_values(product, "size", "Size", [c.upper() for c in sizes])
    }
    colour_value = (
        option_with_values(product, "color", "Colour", [colour.title()])[0] if colour else None
    )
    for code, stock in sizes.items():
        variant = VariantFactory(product=product, sku=f"{product.slug}-{code}", stock=stock)
        variant.option_values.add(size_values[code], *([colour_value] if colour_value else []))
    product_summary_refresh(product_id=product.pk)
    return product


def test_filters_category_includes_descendants(reindex):
    clothing = CategoryFactory(name="Clothing")
    dresses = CategoryFactory(name="Dresses", parent=clothing)
    maxi = CategoryFactory(name="Maxi", parent=dresses)
    in_top = ProductFactory(category=clothing)
    in_child = ProductFactory(category=dresses)
    in_grandchild = ProductFactory(category=maxi)
    ProductFactory(category=CategoryFactory(name="Shoes"))
    reindex()
    assert sorted(ids(category_id=clothing.pk)) == sorted(
        [in_top.pk, in_child.pk, in_grandchild.pk]
    )
    assert sorted(ids(category_id=dresses.pk)) == sorted([in_child.pk, in_grandchild.pk])
    assert ids(category_id=10**9) == []


def test_category_filter_combines_with_query(reindex):
    shoes = CategoryFactory(name="Shoes")
    red_shoe = ProductFactory(name="Red runner", category=shoes)
    ProductFactory(name="Red scarf")
    ProductFactory(name="Blue runner", category=shoes)
    reindex()
    assert ids(query="red", category_id=shoes.pk) == [red_shoe.pk]


def test_collection_filter_keeps_the_merchants_order_by_default(reindex):
    first, second, _outside = ProductFactory(), ProductFactory(), ProductFactory()
    collection = CollectionFactory()
    collection_products_set(collection_id=collection.pk, product_ids=[first.pk, second.pk])
    reindex()
    assert ids(collection_id=collection.pk) == [first.pk, second.pk]
    assert ids(collection_id=collection.pk, sort="newest") == [second.pk, first.pk]


def test_price_range_filter(reindex):
    cheap = ProductFactory(variants__price=Decimal("5.00"))
    middle = ProductFactory(variants__price=Decimal("20.00"))
    dear = ProductFactory(variants__price=Decimal("80.00"))
    reindex()
    assert ids(price_min=Decimal("10"), price_max=Decimal("50")) == [middle.pk]
    assert sorted(ids(price_min=Decimal("20"))) == sorted([middle.pk, dear.pk])
    assert sorted(ids(price_max=Decimal("20"))) == sorted([cheap.pk, middle.pk])


def test_in_stock_filter(reindex):
    stocked = ProductFactory(variants__stock=3)
    ProductFactory(variants__stock=0)
    untracked = ProductFactory(variants=0)
    VariantFactory(product=untracked, track_inventory=False, stock=0)
    only_inactive = ProductFactory(variants=0)
    VariantFactory(product=only_inactive, is_active=False, stock=5)
    reserved = ProductFactory(variants__stock=2)
    reserved.variants.get().stocks.update(reserved=2)
    reindex()
    assert sorted(ids(in_stock=True)) == sorted([stocked.pk, untracked.pk])
    assert len(ids()) == 5


def test_option_value_filter(reindex):
    blue_m = with_variants(ProductFactory(variants=0), {"m": 5, "l": 0}, colour="blue")
    red_m = with_variants(ProductFactory(variants=0), {"m": 5}, colour="red")
    blue_s = with_variants(ProductFactory(variants=0), {"s": 5}, colour="blue")
    reindex()
    assert sorted(ids(option_values={"size": ["m"]})) == sorted([blue_m.pk, red_m.pk])
    assert sorted(ids(option_values={"size": ["m", "s"]})) == sorted(
        [blue_m.pk, red_m.pk, blue_s.pk]
    )
    assert ids(option_values={"size": ["m"], "color": ["blue"]}) == [blue_m.pk]
    assert ids(option_values={"size": ["m", "l"], "color": []}) == sorted(
        [blue_m.pk, red_m.pk], reverse=True
    )
    # "L, in stock" needs an L that can be bought; blue_m's L has none left
    assert ids(option_values={"size": ["l"]}) == [blue_m.pk]
    assert ids(option_values={"size": ["l"]}, in_stock=True) == []


def test_tag_and_brand_filters(reindex):
    acme, zenith = BrandFactory(name="Acme"), BrandFactory(name="Zenith")
    sale = TagFactory(name="sale")
    acme_sale = ProductFactory(brand=acme)
    acme_sale.tags.add(sale)
    acme_plain = ProductFactory(brand=acme)
    zenith_sale = ProductFactory(brand=zenith)
    zenith_sale.tags.add(sale)
    reindex()
    assert sorted(ids(brands=["acme"])) == sorted([acme_sale.pk, acme_plain.pk])
    assert sorted(ids(tags=["sale"])) == sorted([acme_sale.pk, zenith_sale.pk])
    assert ids(tags=["sale"], brands=["acme"]) == [acme_sale.pk]


def test_facet_counts(reindex):
    clothing = CategoryFactory(name="Clothing")
    dresses = CategoryFactory(name="Dresses", parent=clothing)
    acme = BrandFactory(name="Acme")
    sale = TagFactory(name="sale")
    a = with_variants(
        ProductFactory(name="Dress A", category=dresses, brand=acme, variants=0),
        {"m": 1, "l": 0},
        colour="blue",
    )
    a.tags.add(sale)
    with_variants(ProductFactory(name="Dress B", category=dresses, variants=0), {"m": 0})
    c = ProductFactory(name="Dress C", category=clothing, brand=acme, variants__price=Decimal("30"))
    c.tags.add(sale, TagFactory(name="new"))
    ProductFactory(name="Hat")
    blue = a.options.get(code="color").values.get()
    blue.set_current_language("zh-hans")
    blue.name = "蓝色"
    blue.save()
    reindex()

    facets = catalog_search(query="dress", language="zh-hans").facets

    assert facets.categories == {clothing.pk: 3, dresses.pk: 2}
    assert facets.brands == {"acme": 2}
    assert facets.tags == {"new": 1, "sale": 2}
    assert facets.options == {
        "size": [OptionValueCount("m", "M", 2), OptionValueCount("l", "L", 1)],
        "color": [OptionValueCount("blue", "蓝色", 1)],
    }
    assert facets.option_names == {"size": "Size", "color": "Colour"}
    assert (facets.price_min, facets.price_max) == (Decimal("10"), Decimal("30"))
    assert facets.in_stock == 2  # a has an M in stock, c has its default stock


def test_price_range_facet_ignores_the_price_filter(reindex):
    ProductFactory(variants__price=Decimal("5.00"))
    ProductFactory(variants__price=Decimal("80.00"))
    reindex()
    result = catalog_search(language="en", price_min=Decimal("50"))
    assert result.total == 1
    assert (result.facets.price_min, result.facets.price_max) == (Decimal("5"), Decimal("80"))


@pytest.fixture
def three_products(reindex):
    now = timezone.now()
    old = ProductFactory(name="Oak chair", sold_count=50, variants__price=Decimal("30"))
    mid = ProductFactory(name="Oak table oak", sold_count=5, variants__price=Decimal("90"))
    new = ProductFactory(
        name="Pine chair",
        description="<p>Not oak</p>",
        sold_count=20,
        variants__price=Decimal("10"),
    )
    for offset, product in ((3, old), (2, mid), (1, new)):
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(days=offset))
    reindex()
    return old, mid, new


def test_sort_relevance_puts_name_matches_first(three_products):
    old, mid, new = three_products
    result = ids(query="oak")
    assert result[2] == new.pk  # only its description mentions oak
    assert set(result[:2]) == {old.pk, mid.pk}


def test_sort_relevance_without_query_is_newest(three_products):
    old, mid, new = three_products
    assert ids() == [new.pk, mid.pk, old.pk]


def test_sort_newest(three_products):
    old, mid, new = three_products
    assert ids(query="oak", sort="newest") == [new.pk, mid.pk, old.pk]


def test_sort_price_ascending(three_products):
    old, mid, new = three_products
    assert ids(sort="price_asc") == [new.pk, old.pk, mid.pk]


def test_sort_price_descending(three_products):
    old, mid, new = three_products
    assert ids(sort="price_desc") == [mid.pk, old.pk, new.pk]


def test_sort_best_selling(three_products):
    old, mid, new = three_products
    assert ids(query="chair oak", sort="best_selling") == [old.pk, new.pk]
    assert ids(sort="best_selling") == [old.pk, new.pk, mid.pk]


def test_unknown_sort_falls_back_to_relevance(three_products):
    result = catalog_search(language="en", query="oak", sort="cheapest-first; DROP TABLE")
    assert result.sort == "relevance"
    assert result.product_ids == ids(query="oak")


def test_pagination(reindex):
    products = [ProductFactory(name=f"Bowl {i}") for i in range(5)]
    reindex()
    newest_first = [p.pk for p in reversed(products)]

    first = catalog_search(language="en", per_page=2)
    last = catalog_search(language="en", per_page=2, page=3)

    assert (first.total, first.pages, first.page) == (5, 3, 1)
    assert first.product_ids == newest_first[:2]
    assert last.product_ids == newest_first[4:]
    assert (
        catalog_search(language="en", query="bowl", per_page=2, page=2).product_ids
        == (catalog_search(language="en", query="bowl", per_page=5).product_ids[2:4])
    )


def test_page_clamps_to_a_valid_range(reindex):
    for i in range(3):
        ProductFactory(name=f"Cup {i}")
    reindex()
    too_far = catalog_search(language="en", per_page=2, page=99)
    too_low = catalog_search(language="en", per_page=2, page=-4)
    assert (too_far.page, len(too_far.product_ids)) == (2, 1)
    assert (too_low.page, len(too_low.product_ids)) == (1, 2)
    assert catalog_search(language="en", query="nothing-like-this").pages == 1


def test_query_count_is_constant(reindex, django_assert_max_num_queries):
    clothing = CategoryFactory(name="Clothing")
    acme = BrandFactory(name="Acme")
    for i in range(12):
        product = with_variants(
            ProductFactory(name=f"Shirt {i}", category=clothing, brand=acme, variants=0),
            {"s": i % 2, "m": 1},
            colour="blue",
        )
        product.tags.add(TagFactory(name=f"tag{i % 3}"))
    reindex()
    kwargs = {
        "query": "shirt",
        "language": "en",
        "category_id": clothing.pk,
        "price_max": Decimal("100"),
        "in_stock": True,
        "option_values": {"size": ["m", "s"], "color": ["blue"]},
        "tags": ["tag0", "tag1", "tag2"],
        "brands": ["acme"],
        "per_page": 5,
    }
    with django_assert_max_num_queries(8):
        small = catalog_search(**kwargs)
    with django_assert_max_num_queries(8):
        catalog_search(**{**kwargs, "per_page": 50, "query": ""})
    assert small.total == 12
