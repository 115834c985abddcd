"""The search index: one document per (product, language).

Rows are written only by `duli.catalog.search.documents`. Their text columns hold analysed
tokens (see `analysis.py`), not display text. Each database adds its own index structure in
migration 0002_search: an FTS5 table kept in step by triggers on SQLite, a stored tsvector
column with a GIN index (plus a pg_trgm index) on PostgreSQL.

SQLite drops the triggers with the table, so a later migration that makes Django rebuild
this table must run `duli.catalog.search.sqlite.install` again.
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
