"""Catalogue search: the storefront's search page, category and collection listings and
instant search. See `selectors.catalog_search` and DESIGN (search row)."""

from duli.catalog.search.facets import Facets, OptionValueCount
from duli.catalog.search.selectors import SearchResult, catalog_search, catalog_suggest
from duli.catalog.search.services import (
    search_reindex_all,
    search_reindex_products,
    search_stock_refresh,
)

__all__ = [
    "Facets",
    "OptionValueCount",
    "SearchResult",
    "catalog_search",
    "catalog_suggest",
    "search_reindex_all",
    "search_reindex_products",
    "search_stock_refresh",
]
