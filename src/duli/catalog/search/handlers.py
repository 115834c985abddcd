"""Keep the search index in step with the catalogue (subscribed by CatalogConfig.ready).

Events arrive after commit. A handful of products are reindexed at once, so a merchant
who saves a product finds it under its new name straight away; bigger batches (bulk edits,
a category rename) go to the task queue in chunks.

Stock needs no handler: availability is read live from inventory when searching, so
`stock.changed` can never leave the index stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duli.catalog.models import Category, Product
from duli.catalog.search.services import search_reindex_products
from duli.catalog.search.tasks import search_reindex_products_task
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
