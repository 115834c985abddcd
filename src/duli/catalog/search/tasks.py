"""Background reindexing, for changes touching more products than a request should wait for."""

from __future__ import annotations

from django.tasks import task

from duli.catalog.search.services import search_reindex_products, search_stock_refresh


@task()
def search_reindex_products_task(product_ids: list[int]) -> int:
    """Rewrite the search documents of these products (idempotent: safe to run twice)."""
    return search_reindex_products(product_ids=product_ids)


@task()
def search_stock_refresh_task(product_ids: list[int]) -> int:
    """Rewrite the stock facet keys of these products (idempotent: safe to run twice)."""
    return search_stock_refresh(product_ids=product_ids)
