"""Per-request reads shared by views and template tags (each made at most once)."""

from __future__ import annotations

from django.http import HttpRequest

from duli.catalog.models import Category
from duli.catalog.selectors import category_tree


def request_categories(request: HttpRequest) -> list[Category]:
    """Every active category in tree order; the header menu and the filters share it."""
    categories = getattr(request, "_duli_categories", None)
    if categories is None:
        categories = category_tree()
        request._duli_categories = categories  # type: ignore[attr-defined]
    return categories
