"""Print, as JSON, the URLs and facts a benchmark run needs, read from the prepared database.

Run inside the prepared environment: `PYTHONPATH=bench DULI_DATA_DIR=… python -m
duli_bench.discover`. URLs come from `reverse()` and `get_absolute_url()`, so the harness
follows the storefront's real URL map instead of guessing it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any


def _reverse_or(name: str, fallback: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _spread(ids: list[int], count: int) -> list[int]:
    """`count` ids spread evenly over the sorted list, so rotated pages are not all neighbours."""
    if len(ids) <= count:
        return ids
    step = len(ids) / count
    return [ids[int(i * step)] for i in range(count)]


def _urls(objects: list[Any], missing: type[Exception]) -> list[str]:
    """Absolute URLs of `objects`; none while the storefront has no such route yet."""
    try:
        return [o.get_absolute_url() for o in objects]
    except missing:
        return []


def _db_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def _search_words(products: list[Any]) -> dict[str, list[str]]:
    """Words that occur in real product names: the longest English word and the first three
    Chinese characters (the FTS5 trigram tokenizer needs three) of a few names."""
    en: list[str] = []
    zh: list[str] = []
    for p in products:
        for t in p.translations.all():
            if t.language_code == "en":
                words = sorted(re.findall(r"[A-Za-z]{4,}", t.name), key=len, reverse=True)
                if words and words[0].lower() not in en:
                    en.append(words[0].lower())
            elif t.language_code.startswith("zh"):
                han = "".join(re.findall(r"[\u4e00-\u9fff]", t.name))
                if len(han) >= 3 and han[:3] not in zh:
                    zh.append(han[:3])
    return {"en": en[:4], "zh": zh[:4]}


def discover() -> dict[str, Any]:
    import django
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Q
    from django.urls import NoReverseMatch

    from duli.catalog.models import Category, Product, ProductVariant, visible_products_q

    visible = Product.objects.filter(visible_products_q())
    product_ids = list(visible.order_by("pk").values_list("pk", flat=True))
    picked = _spread(product_ids, 24)
    products = list(
        Product.objects.filter(pk__in=picked).prefetch_related("translations").order_by("pk")
    )
    product_urls = _urls(products, NoReverseMatch)

    now_visible = Q(products__in=visible)
    by_size = (
        Category.objects.filter(is_active=True)
        .annotate(n=Count("products", filter=now_visible))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    leaf = list(by_size[:4])
    roots = list(Category.objects.filter(is_active=True, parent__isnull=True).order_by("pk")[:2])
    categories = list({c.pk: c for c in [*leaf, *roots]}.values())

    skus = list(
        ProductVariant.objects.filter(product_id__in=picked[:3], is_active=True)
        .order_by("pk")
        .values_list("sku", flat=True)[:2]
    )

    return {
        "home": _reverse_or("storefront:home", "/"),
        "search": _reverse_or("storefront:search", "/search/"),
        "products": product_urls,
        "categories": _urls(categories, NoReverseMatch),
        "skus": skus,
        "words": _search_words(products),
        "counts": {
            "products": len(product_ids),
            "products_all": Product.objects.count(),
            "categories": Category.objects.filter(is_active=True).count(),
            "variants": ProductVariant.objects.count(),
        },
        "db_vendor": connection.vendor,
        "db_version": _db_version(),
        "django": django.get_version(),
        "page_cache_seconds": settings.DULI_PAGE_CACHE_SECONDS,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duli_bench.settings")
    import django

    django.setup()
    json.dump(discover(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
