"""Writes to the search index: one `SearchDocument` per (product, language).

Documents hold every product, drafts included: visibility, price, stock and collection
membership are checked when searching, so publishing a product or a scheduled `publish_at`
passing needs no reindex. Only text changes do, and the event handlers see to those.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.html import strip_tags

from duli.catalog.models import Category, Product, ProductVariant
from duli.catalog.search.analysis import analyse_document
from duli.catalog.search.models import SearchDocument

BATCH_SIZE = 500


def search_languages() -> list[str]:
    """Every language the site can be shown in; the shop may enable a subset at runtime,
    so all of them are indexed."""
    return [code for code, _name in settings.LANGUAGES]


def _fallback_language() -> str:
    return str(getattr(settings, "PARLER_DEFAULT_LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _pick(values: dict[str, str], language: str) -> str:
    """The text in `language`, else in the default language, else in any language."""
    return (
        values.get(language)
        or values.get(_fallback_language())
        or next((v for v in values.values() if v), "")
    )


def _texts(obj: object, field: str) -> dict[str, str]:
    """{language: value} from a parler object's prefetched translations."""
    return {
        t.language_code: getattr(t, field) or ""
        for t in obj.translations.all()  # type: ignore[attr-defined]
    }


def _plain(value: str) -> str:
    return html.unescape(strip_tags(value or ""))


def _category_names(products: Sequence[Product]) -> dict[int, dict[str, str]]:
    """Names of every category on the products' paths (the category and its ancestors)."""
    ids = {
        int(part)
        for p in products
        if p.category is not None
        for part in p.category.path.strip("/").split("/")
        if part
    }
    categories = Category.objects.filter(pk__in=ids).prefetch_related("translations")
    return {c.pk: _texts(c, "name") for c in categories}


def _documents(product: Product, categories: dict[int, dict[str, str]]) -> list[SearchDocument]:
    names = _texts(product, "name")
    descriptions = _texts(product, "description")
    category_ids = (
        [int(part) for part in product.category.path.strip("/").split("/") if part]
        if product.category is not None
        else []
    )
    variants = list(product.variants.all())
    neutral = [  # the same in every language
        product.model_number,
        product.brand.name if product.brand else "",
        *(t.name for t in product.tags.all()),
        *(v.sku for v in variants),
        *(v.barcode for v in variants),
    ]
    option_values = {ov.pk: ov for v in variants for ov in v.option_values.all()}
    documents = []
    for language in search_languages():
        body = [
            _plain(_pick(descriptions, language)),
            *neutral,
            *(_pick(categories.get(cid, {}), language) for cid in category_ids),
            *(_pick(_texts(ov, "name"), language) for ov in option_values.values()),
            *(
                f"{_pick(_texts(spec, 'name'), language)} {_pick(_texts(spec, 'value'), language)}"
                for spec in product.specs.all()
            ),
        ]
        documents.append(
            SearchDocument(
                product=product,
                language=language,
                name=analyse_document(_pick(names, language) or product.slug),
                body=analyse_document(" ".join(part for part in body if part)),
            )
        )
    return documents


def search_reindex_products(*, product_ids: Iterable[int]) -> int:
    """Rewrite the documents of these products from the catalogue; products that no longer
    exist lose theirs. Returns how many products were indexed."""
    ids = sorted(set(product_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        indexed += _reindex_batch(ids[start : start + BATCH_SIZE])
    return indexed


def _reindex_batch(ids: list[int]) -> int:
    products = list(
        Product.objects.filter(pk__in=ids)
        .select_related("brand", "category")
        .prefetch_related(
            "translations",
            "tags",
            "specs__translations",
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).prefetch_related(
                    "option_values__translations"
                ),
            ),
        )
    )
    categories = _category_names(products)
    documents = [doc for p in products for doc in _documents(p, categories)]
    with transaction.atomic():
        SearchDocument.objects.filter(product_id__in=ids).delete()
        SearchDocument.objects.bulk_create(documents, batch_size=BATCH_SIZE)
    return len(products)


def search_reindex_all() -> int:
    """Rebuild the whole index (after an upgrade, or a bulk import that sent no events).
    Documents of deleted products are dropped. Returns how many products were indexed."""
    SearchDocument.objects.exclude(product_id__in=Product.objects.values("pk")).delete()
    last, indexed = 0, 0
    while True:
        ids = list(
            Product.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            break
        indexed += _reindex_batch(ids)
        last = ids[-1]
    return indexed
