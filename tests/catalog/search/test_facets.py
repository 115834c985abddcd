"""Facet keys and their upkeep, the approximate-facets cap and the bulk rebuild."""

from __future__ import annotations

from decimal import Decimal

import pytest

from duli.catalog.models import ProductStatus
from duli.catalog.search import catalog_search, search_reindex_all, selectors
from duli.catalog.search.models import SearchFacet
from duli.catalog.services import ProductInput, product_create
from duli.inventory.services import stock_adjust
from duli.testing.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_facet_keys_cover_category_path_brand_tags_and_stock(reindex):
    top = CategoryFactory(name="Home")
    leaf = CategoryFactory(name="Kitchen", parent=top)
    product = ProductFactory(name="Mug", category=leaf, variants__stock=2)
    reindex()
    keys = set(SearchFacet.objects.filter(product=product).values_list("key", flat=True))
    assert {f"c:{top.pk}", f"c:{leaf.pk}", "stock"} <= keys


def test_selling_the_last_unit_takes_a_product_out_of_in_stock(
    reindex, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="Teapot", variants__stock=1)
    reindex()
    assert catalog_search(language="en", in_stock=True).product_ids == [product.pk]
    with django_capture_on_commit_callbacks(execute=True):
        stock_adjust(variant_id=product.variants.get().pk, quantity_delta=-1, reason="broken")
    result = catalog_search(language="en", in_stock=True)
    assert (result.product_ids, result.total) == ([], 0)
    assert catalog_search(language="en").facets.in_stock == 0


def test_facets_are_exact_up_to_the_limit(reindex):
    for _ in range(3):
        ProductFactory(name="Bowl")
    reindex()
    facets = catalog_search(language="en", query="bowl").facets
    assert facets.approximate is False
    assert facets.in_stock == 3


def test_facets_past_the_limit_count_the_best_matches_and_say_so(reindex, monkeypatch):
    monkeypatch.setattr(selectors, "FACET_LIMIT", 2)
    cheap = ProductFactory(name="Vase", variants__price=Decimal("5"))
    middle = ProductFactory(name="Vase", variants__price=Decimal("10"))
    ProductFactory(name="Vase", variants__price=Decimal("90"))
    reindex()
    result = catalog_search(language="en", query="vase", sort="price_asc", per_page=1, page=3)
    assert result.total == 3 and result.pages == 3  # totals and paging stay exact
    assert result.facets.approximate is True
    assert result.facets.in_stock == 2  # counted over the two cheapest
    assert (result.facets.price_min, result.facets.price_max) == (Decimal("5"), Decimal("10"))
    first_two = catalog_search(language="en", query="vase", sort="price_asc", per_page=2)
    assert first_two.product_ids == [cheap.pk, middle.pk]


def test_many_hits_rank_name_matches_first_then_best_selling(reindex, monkeypatch):
    monkeypatch.setattr(selectors, "FACET_LIMIT", 2)
    described = ProductFactory(name="Jug", description="<p>a lamp stand</p>", sold_count=99)
    quiet = ProductFactory(name="Lamp", sold_count=1)  # older: wins a tie on score
    popular = ProductFactory(name="Lamp", sold_count=50)
    reindex()
    assert catalog_search(language="en", query="lamp").product_ids == [
        popular.pk,
        quiet.pk,
        described.pk,
    ]


def test_full_rebuild_keeps_the_index_following_new_products(
    reindex, django_capture_on_commit_callbacks
):
    ProductFactory(name="Old chair")
    assert search_reindex_all() == 1
    with django_capture_on_commit_callbacks(execute=True):
        product = product_create(
            data=ProductInput(translations={"en": {"name": "Stool"}}, status=ProductStatus.ACTIVE)
        )
    assert catalog_search(language="en", query="stool").product_ids == [product.pk]
    assert catalog_search(language="en", query="chair").total == 1
