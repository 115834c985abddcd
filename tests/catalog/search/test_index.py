"""The index follows catalogue changes made through the catalogue services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from duli.catalog.models import ProductStatus
from duli.catalog.search import catalog_search, search_reindex_all
from duli.catalog.search.models import SearchDocument
from duli.catalog.services import (
    ProductInput,
    VariantInput,
    category_update,
    product_create,
    product_update,
    products_delete,
    variant_save,
)
from duli.core.events import event_publish
from duli.testing.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def found(query: str, language: str = "en") -> list[int]:
    return catalog_search(query=query, language=language).product_ids


def _active(name: str, **extra) -> ProductInput:
    return ProductInput(translations={"en": {"name": name}}, status=ProductStatus.ACTIVE, **extra)


def test_created_product_is_found_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = product_create(data=_active("Teapot", tag_names=["ceramic"]))
    assert found("teapot") == [product.pk]
    assert found("ceramic") == [product.pk]


def test_index_follows_product_rename(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = product_create(data=_active("Aurora lamp"))
    with django_capture_on_commit_callbacks(execute=True):
        product_update(
            product_id=product.pk,
            data=ProductInput(
                translations={"en": {"name": "Borealis lamp"}, "zh-hans": {"name": "北极光台灯"}},
                status=ProductStatus.ACTIVE,
            ),
        )
    assert found("borealis") == [product.pk]
    assert found("aurora") == []
    assert found("台灯", "zh-hans") == [product.pk]


def test_new_variant_sku_is_found(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = product_create(data=_active("Kettle"))
    with django_capture_on_commit_callbacks(execute=True):
        variant_save(product_id=product.pk, data=VariantInput(sku="KT-900", price=10))
    assert found("KT-900") == [product.pk]


def test_deleted_product_disappears(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doomed = product_create(data=_active("Doomed vase"))
        kept = product_create(data=_active("Kept vase"))
    with django_capture_on_commit_callbacks(execute=True):
        products_delete(product_ids=[doomed.pk])
    assert found("vase") == [kept.pk]
    assert not SearchDocument.objects.filter(product_id=doomed.pk).exists()


def test_category_rename_reaches_its_products(django_capture_on_commit_callbacks):
    top = CategoryFactory(name="Garden")
    product = ProductFactory(name="Rake", category=CategoryFactory(name="Tools", parent=top))
    search_reindex_all()
    with django_capture_on_commit_callbacks(execute=True):
        category_update(category_id=top.pk, translations={"en": {"name": "Yard"}})
    assert found("yard") == [product.pk]
    assert found("garden") == []


def test_large_batches_are_reindexed_through_the_task_queue(django_capture_on_commit_callbacks):
    products = [ProductFactory(name=f"Candle {i}", variants=0) for i in range(60)]
    assert found("candle") == []
    with django_capture_on_commit_callbacks(execute=True):
        event_publish("product.updated", product_ids=[p.pk for p in products])
    # the test settings run tasks immediately
    assert catalog_search(query="candle", language="en").total == 60


def test_document_per_product_and_language(reindex):
    product = ProductFactory(name="Mug")
    reindex()
    assert sorted(
        SearchDocument.objects.filter(product=product).values_list("language", flat=True)
    ) == ["en", "zh-hans"]


def test_reindex_command_rebuilds_everything():
    product = ProductFactory(name="Spoon")
    assert found("spoon") == []
    call_command("search_reindex")
    assert found("spoon") == [product.pk]
