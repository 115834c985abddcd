"""The search backend protocol and how one is chosen (`settings.DULI_SEARCH_BACKEND`)."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

from django.conf import settings
from django.db import connection

from duli.catalog.search.analysis import AnalysedQuery

Sql = tuple[str, list[Any]]


@runtime_checkable
class SearchBackend(Protocol):
    """Finds documents matching an analysed query inside the database.

    A backend only answers "which products match, and how well"; filters, sorting,
    facets and paging are plain SQL shared by every backend. Documents are rows of
    `SearchDocument`; a backend keeps its own index structure in step with them
    (triggers, generated columns), created by the `INSTALL` statements of the backend's
    module: migration 0002_search runs them, and `run_statements(schema_editor, INSTALL)`
    runs them again from a later migration.
    """

    name: ClassVar[str]

    def match_sql(self, query: AnalysedQuery) -> Sql:
        """SQL selecting rows `(product_id, score)`, one or more per product whose
        document matches every term of `query`; a lower score ranks first."""
        ...

    def ids_sql(self, query: AnalysedQuery, *, names_only: bool = False) -> Sql:
        """SQL selecting rows `(product_id)` like `match_sql` but unscored, so it stays
        cheap when thousands match; `names_only` matches the product names alone."""
        ...

    def fuzzy_sql(self, query: AnalysedQuery) -> Sql | None:
        """Like `match_sql` but forgiving typos ("dreess" → "dress"), for instant search
        when nothing matched exactly; None when the backend cannot."""
        ...


def search_backend() -> SearchBackend:
    """The configured backend; "auto" picks the one built for the database in use."""
    from duli.catalog.search.postgres import PostgresSearchBackend
    from duli.catalog.search.sqlite import SqliteSearchBackend

    choice = getattr(settings, "DULI_SEARCH_BACKEND", "auto") or "auto"
    if choice == "auto":
        choice = "postgres" if connection.vendor == "postgresql" else "sqlite"
    backends: dict[str, type[SearchBackend]] = {
        SqliteSearchBackend.name: SqliteSearchBackend,
        PostgresSearchBackend.name: PostgresSearchBackend,
    }
    if choice not in backends:
        raise ValueError(f"DULI_SEARCH_BACKEND must be auto, sqlite or postgres, not {choice!r}")
    return backends[choice]()


def run_statements(schema_editor: Any, statements: list[str]) -> None:
    """Run a backend's INSTALL or UNINSTALL statements, e.g. from a later migration."""
    for statement in statements:
        schema_editor.execute(statement)
