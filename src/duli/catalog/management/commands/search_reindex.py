"""`duli search_reindex`: rebuild the catalogue search index from the catalogue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from duli.catalog.search.services import search_reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of every product (after an upgrade or a bulk import)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_reindex_all()
        self.stdout.write(f"Indexed {count} products.")
