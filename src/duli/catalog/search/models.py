"""The search index: one document per (product, language).

Rows are written only by `duli.catalog.search.documents`. Their text columns hold analysed
tokens (see `analysis.py`), not display text. Each database adds its own index structure in
migration 0002_search: an FTS5 table kept in step by triggers on SQLite, a stored tsvector
column with a GIN index (plus a pg_trgm index) on PostgreSQL.

SQLite drops the triggers with the table, so a later migration that makes Django rebuild
this table must run `run_statements(schema_editor, duli.catalog.search.sqlite.INSTALL)` again.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    product = models.ForeignKey(
        "catalog.Product", related_name="search_documents", on_delete=models.CASCADE
    )
    language = models.CharField(max_length=15)
    name = models.TextField(blank=True)  # ranked above the body
    body = models.TextField(blank=True)  # description, SKUs, tags, brand, categories, options
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "catalog"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language"], name="search_document_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.language}"


class SearchFacet(models.Model):
    """One filterable fact about a product, as a short key, for facet counts and filters.

    Keys (written only by `services`):

    * ``c:<category id>`` — the product's category and each of its ancestors;
    * ``b:<brand slug>``, ``t:<tag slug>``;
    * ``o:<option code>:<value code>`` — an active variant carries that option value
      (`value_id` points at one such `ProductOptionValue`, for its translated label);
    * ``s:<option code>:<value code>`` — …and that variant can be bought now;
    * ``stock`` — some active variant can be bought now.

    Counting facets is then one GROUP BY over an index on (key, product) instead of joins
    through variants, option values, stock and categories. Stock keys are refreshed on
    `stock.changed`.
    """

    product = models.ForeignKey(
        "catalog.Product", related_name="search_facets", on_delete=models.CASCADE
    )
    key = models.CharField(max_length=160)
    value_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        app_label = "catalog"
        constraints = [models.UniqueConstraint(fields=["product", "key"], name="search_facet_once")]
        indexes = [models.Index(fields=["key", "product"], name="search_facet_key_idx")]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.key}"
