"""Reads of the catalogue for the storefront, the dashboard and the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from duli.catalog.models import (
    Brand,
    Category,
    Collection,
    ImageRendition,
    Product,
    ProductImage,
    ProductOption,
    ProductOptionValue,
    ProductVariant,
    Tag,
    visible_products_q,
)
from duli.core.selectors import shop_cache_state
from duli.inventory.selectors import availability_for_variants


def _images_prefetch() -> Prefetch:
    return Prefetch(
        "images",
        queryset=ProductImage.objects.prefetch_related(
            Prefetch("renditions", queryset=ImageRendition.objects.order_by("width"))
        ),
    )


def products_for_cards(*, product_ids: Sequence[int]) -> list[Product]:
    """Products for listing cards, in the given order, with translations, brand and images
    in a fixed number of queries whatever the page size."""
    products = (
        Product.objects.filter(pk__in=product_ids)
        .select_related("brand")
        .prefetch_related("translations", _images_prefetch())
    )
    by_id = {p.pk: p for p in products}
    return [by_id[i] for i in product_ids if i in by_id]


def product_get_visible(*, slug: str) -> Product | None:
    """A product as a shopper sees it, with everything the product page shows."""
    return (
        Product.objects.filter(visible_products_q(), slug=slug)
        .select_related("brand", "category")
        .prefetch_related(
            "translations",
            "tags",
            "specs__translations",
            _images_prefetch(),
            Prefetch(
                "options",
                queryset=ProductOption.objects.prefetch_related(
                    "translations", "values__translations"
                ),
            ),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).prefetch_related(
                    "option_values"
                ),
            ),
        )
        .first()
    )


def category_tree() -> list[Category]:
    """Active categories in tree order (by path), with translations."""
    return list(
        Category.objects.filter(is_active=True).prefetch_related("translations").order_by("path")
    )


def category_get(*, slug: str) -> Category | None:
    return (
        Category.objects.filter(slug=slug, is_active=True).prefetch_related("translations").first()
    )


def category_ancestors(*, category: Category) -> list[Category]:
    """The category's ancestors, root first (for breadcrumbs)."""
    ids = [int(part) for part in category.path.strip("/").split("/")[:-1] if part]
    found = {c.pk: c for c in Category.objects.filter(pk__in=ids).prefetch_related("translations")}
    return [found[i] for i in ids if i in found]


def collection_get(*, slug: str) -> Collection | None:
    return (
        Collection.objects.filter(slug=slug, is_published=True)
        .prefetch_related("translations")
        .first()
    )


def collections_featured() -> QuerySet[Collection]:
    return (
        Collection.objects.filter(is_published=True, featured_on_home=True)
        .prefetch_related("translations")
        .order_by("home_position", "id")
    )


def collection_product_ids(*, collection_id: int, limit: int | None = None) -> list[int]:
    """Visible products of a collection in the merchant's order."""
    qs = (
        Product.objects.filter(visible_products_q(), collectionproduct__collection_id=collection_id)
        .order_by("collectionproduct__position", "pk")
        .values_list("pk", flat=True)
    )
    return list(qs[:limit] if limit else qs)


@dataclass(frozen=True, slots=True)
class CardVariant:
    variant_id: int
    price_amount: Decimal
    compare_at_amount: Decimal | None
    buyable: bool


def card_variants(*, product_ids: Sequence[int]) -> dict[int, list[CardVariant]]:
    """Active variants per product with prices and whether any unit can be bought."""
    rows = list(
        ProductVariant.objects.filter(product_id__in=product_ids, is_active=True)
        .order_by("position", "pk")
        .values_list("pk", "product_id", "price_amount", "compare_at_amount")
    )
    available = availability_for_variants(variant_ids=[r[0] for r in rows])
    result: dict[int, list[CardVariant]] = defaultdict(list)
    for pk, product_id, price, compare_at in rows:
        units = available.get(pk, 0)
        result[product_id].append(
            CardVariant(
                variant_id=pk,
                price_amount=price,
                compare_at_amount=compare_at,
                buyable=units is None or units > 0,
            )
        )
    return result


def brand_names(*, slugs: Iterable[str]) -> dict[str, str]:
    return dict(Brand.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def tag_names(*, slugs: Iterable[str]) -> dict[str, str]:
    return dict(Tag.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def option_swatches(*, option_code: str, value_codes: Iterable[str]) -> dict[str, str]:
    """The swatch colour ("#2b4c7e") of each value code of an option, where one is set.

    The whole table for an option is read once per catalogue version and cached: on a large
    catalogue the rows sit in every product's options, and the answer is the same shop-wide.
    """
    version, _currency = shop_cache_state()
    key = f"duli:swatches:{version}:{option_code}"
    table: dict[str, str] | None = cache.get(key)
    if table is None:
        table = dict(
            ProductOptionValue.objects.filter(option__code=option_code, swatch__startswith="#")
            .order_by("pk")
            .values_list("code", "swatch")
        )
        cache.set(key, table, timeout=3600)
    return {code: table[code] for code in value_codes if code in table}


@dataclass(frozen=True, slots=True)
class VariantForCheckout:
    """What the cart, the pricing pipeline and order placement need of a variant."""

    variant_id: int
    product_id: int
    sku: str
    product_name: str
    variant_name: str  # "Blue / M", or "" for a product without options
    slug: str
    price_amount: Decimal
    currency: str
    weight_grams: int
    tax_class: str | None
    buyable: bool  # the product is visible and the variant active
    image: ProductImage | None


def variants_for_checkout(*, variant_ids: Iterable[int]) -> dict[int, VariantForCheckout]:
    """Facts per variant id in the active language, in a fixed number of queries."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    variants = (
        ProductVariant.objects.filter(pk__in=ids)
        .select_related("product", "product__tax_class")
        .prefetch_related(
            "product__translations",
            "option_values__translations",
            "option_values__option",
            Prefetch(
                "product__images",
                queryset=ProductImage.objects.prefetch_related(
                    Prefetch("renditions", queryset=ImageRendition.objects.order_by("width"))
                ),
            ),
        )
    )
    visible = set(
        Product.objects.filter(visible_products_q(), variants__pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    result: dict[int, VariantForCheckout] = {}
    for v in variants:
        values = sorted(
            v.option_values.all(), key=lambda o: (o.option.position, o.option_id, o.position)
        )
        images = list(v.product.images.all())
        tax_class = v.product.tax_class
        result[v.pk] = VariantForCheckout(
            variant_id=v.pk,
            product_id=v.product_id,
            sku=v.sku,
            product_name=str(v.product.safe_translation_getter("name", any_language=True) or v.sku),
            variant_name=" / ".join(
                str(o.safe_translation_getter("name", any_language=True) or o.code) for o in values
            ),
            slug=v.product.slug,
            price_amount=v.price_amount,
            currency=v.currency,
            weight_grams=v.weight_grams,
            tax_class=tax_class.code if tax_class is not None else None,
            buyable=v.is_active and v.product_id in visible,
            image=next((i for i in images if i.pk == v.image_id), images[0] if images else None),
        )
    return result
