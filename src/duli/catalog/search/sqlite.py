"""SQLite: an FTS5 table over `catalog_searchdocument`, kept in step by triggers.

`unicode61 remove_diacritics 2` folds accents again inside SQLite (the analyser already
did), and prefix indexes of 1–3 characters make "while typing" prefix queries cheap.
"""

# ruff: noqa: S608 - SQL here is assembled from constant identifiers; every value
# a shopper typed travels as a query parameter.

from __future__ import annotations

from typing import ClassVar

from duli.catalog.search.analysis import AnalysedQuery, Term
from duli.catalog.search.base import Sql

TABLE = "catalog_searchdocument"
FTS = "catalog_searchdocument_fts"

INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        name, body, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    # The `rank` column ranks names ten times above the rest; being a column (unlike a
    # bm25() call) it may be read from any subquery.
    f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name, body) VALUES ('delete', old.id, old.name, old.body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name, body) VALUES ('delete', old.id, old.name, old.body);
        INSERT INTO {FTS}(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
    # Hits are FTS rowids (document ids); this narrow index maps them to products.
    f"CREATE INDEX IF NOT EXISTS search_document_product_of_idx ON {TABLE} (id, product_id)",
    # Documents written before the triggers existed (none on a fresh install).
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
TRIGGERS = INSTALL[2:5]
# A bulk rebuild drops the triggers, loads rows, then rebuilds the FTS index in one pass.
BULK_BEGIN = [f"DROP TRIGGER IF EXISTS {FTS}_{suffix}" for suffix in ("ai", "ad", "au")]
BULK_END = [*TRIGGERS, f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"]
UNINSTALL = [
    "DROP INDEX IF EXISTS search_document_product_of_idx",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _fts_term(term: Term) -> str:
    # Tokens are letters and digits only (see analysis), so quoting cannot be broken out of.
    phrase = '"' + " ".join(term.tokens) + '"'
    return phrase + "*" if term.prefix else phrase


class SqliteSearchBackend:
    name: ClassVar[str] = "sqlite"

    def match_sql(self, query: AnalysedQuery) -> Sql:
        expression = " AND ".join(_fts_term(t) for t in query.terms)
        sql = (
            f"SELECT d.product_id AS product_id, s.score AS score FROM ("
            f"SELECT rowid AS doc_id, rank AS score FROM {FTS} "
            f"WHERE {FTS} MATCH %s) s JOIN {TABLE} d ON d.id = s.doc_id"
        )
        return sql, [expression]

    def ids_sql(self, query: AnalysedQuery, *, names_only: bool = False) -> Sql:
        expression = " AND ".join(_fts_term(t) for t in query.terms)
        if names_only:
            expression = f"{{name}} : ({expression})"
        # The narrow (id, product_id) index turns each hit into its product without
        # reading the document row; unscored, so a common word costs no bm25() per hit.
        sql = (
            f"SELECT d.product_id AS product_id FROM {FTS} s "
            f"JOIN {TABLE} d INDEXED BY search_document_product_of_idx ON d.id = s.rowid "
            f"WHERE s.{FTS} MATCH %s"
        )
        return sql, [expression]

    def fuzzy_sql(self, query: AnalysedQuery) -> Sql | None:
        return None  # FTS5 has no similarity search (spellfix1 is not built into SQLite)
