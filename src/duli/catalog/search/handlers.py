"""Keep the search index in step with the catalogue (subscribed by CatalogConfig.ready).

Events arrive after commit. A handful of products are reindexed at once, so a merchant
who saves a product finds it under its new name straight away; bigger batches (bulk edits,
a category rename) go to the task queue in chunks.

Stock moves (`stock.changed`) only rewrite the stock facet keys of the products concerned,
always through the task queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duli.catalog.models import Category, Product, ProductVariant
from duli.catalog.search.services import search_reindex_products
from duli.catalog.search.tasks import search_reindex_products_task, search_stock_refresh_task
from duli.core.events import subscribe

INLINE_LIMIT = 50
CHUNK = 500


def _reindex(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if len(ids) <= INLINE_LIMIT:
        search_reindex_products(product_ids=ids)
        return
    for start in range(0, len(ids), CHUNK):
        search_reindex_products_task.enqueue(product_ids=ids[start : start + CHUNK])


@subscribe("product.created")
@subscribe("product.updated")
@subscribe("product.deleted")
def on_products_changed(*, product_ids: Iterable[int] = (), **_: Any) -> None:
    # Deleted products have no rows left, so reindexing them removes their documents.
    _reindex(product_ids)


@subscribe("catalog.changed")
def on_catalog_changed(*, category_id: int | None = None, **_: Any) -> None:
    """A renamed category changes the documents of every product filed under it or below."""
    if category_id is None:
        return
    path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
    if path:
        _reindex(
            Product.objects.filter(category__path__startswith=path).values_list("pk", flat=True)
        )


@subscribe("stock.changed")
def on_stock_changed(*, variant_ids: Iterable[int] = (), **_: Any) -> None:
    ids = sorted(
        set(
            ProductVariant.objects.filter(pk__in=list(variant_ids)).values_list(
                "product_id", flat=True
            )
        )
    )
    # Always through the queue: stock moves come from checkouts, which should not wait for
    # the index (measured in the flash-sale benchmark), and a worker serialises them.
    for start in range(0, len(ids), CHUNK):
        search_stock_refresh_task.enqueue(product_ids=ids[start : start + CHUNK])
