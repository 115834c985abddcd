"""Writes to the catalogue. Every write bumps the page-cache version and publishes an event
after commit, so search, caches and later subscribers (webhooks, analytics) follow."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum, auto
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.db.models.functions import Greatest
from django.utils.text import slugify
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError

from duli.catalog.errors import CategoryCycle, CategoryNotEmpty, InvalidImage, SkuTaken, SlugTaken
from duli.catalog.models import (
    Brand,
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductImage,
    ProductOption,
    ProductOptionValue,
    ProductSpec,
    ProductStatus,
    ProductVariant,
    Tag,
)
from duli.core.errors import InvalidInput
from duli.core.events import event_publish
from duli.core.services import catalog_version_bump


class _Keep(Enum):
    KEEP = auto()


KEEP = _Keep.KEEP  # "leave this field as it is" where None is a meaningful value

Translations = Mapping[str, Mapping[str, Any]]  # {"en": {"name": "…"}, "zh-hans": {…}}

PRODUCT_TEXT_FIELDS = ("name", "description", "seo_title", "seo_description")


def _set_translations(obj: Any, translations: Translations, fields: Iterable[str]) -> None:
    """Write translated fields language by language; a language with no name is skipped."""
    allowed = set(fields)
    for language, values in translations.items():
        values = {k: v for k, v in values.items() if k in allowed and v is not None}
        if not values:
            continue
        obj.set_current_language(language)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save_translations()
    obj.set_current_language(obj.get_current_language())


def _save_unique(obj: Any, *, kind: str) -> None:
    """Save a row with a unique slug; a concurrent save that took the slug first (a double
    submit) becomes a readable refusal instead of a database error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise SlugTaken(f"The address “{obj.slug}” is already used by another {kind}.") from exc


def _changed(event: str, product_ids: Sequence[int]) -> None:
    catalog_version_bump()
    event_publish(event, product_ids=list(product_ids))


def unique_slug(model: type[Any], text: str, *, exclude_pk: int | None = None) -> str:
    """A slug from `text` not yet used by `model` ("linen-shirt", "linen-shirt-2", …)."""
    base = slugify(text, allow_unicode=False)[:120] or "item"
    qs = model.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    taken = set(qs.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    for n in itertools.count(2):
        if f"{base}-{n}" not in taken:
            return f"{base}-{n}"
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- categories


def _category_place(category: Category) -> None:
    parent = category.parent
    segment = f"{category.pk:06d}/"
    category.path = (parent.path if parent else "") + segment
    category.depth = (parent.depth + 1) if parent else 0


def category_create(
    *,
    slug: str = "",
    names: Mapping[str, str],
    parent: Category | None = None,
    descriptions: Mapping[str, str] | None = None,
    position: int = 0,
    is_active: bool = True,
    **extra: Any,
) -> Category:
    """Add a category under `parent` (or at the top); its path is kept for subtree queries."""
    slug = slug or unique_slug(Category, names.get("en") or next(iter(names.values())))
    if Category.objects.filter(slug=slug).exists():
        raise SlugTaken(f"The address “{slug}” is already used by another category.")
    with transaction.atomic():
        category = Category(
            slug=slug, parent=parent, position=position, is_active=is_active, **extra
        )
        category.set_current_language("en")
        category.name = names.get("en") or next(iter(names.values()))
        _save_unique(category, kind="category")
        _category_place(category)
        category.save(update_fields=["path", "depth"])
        _set_translations(
            category,
            {
                lang: {"name": n, "description": (descriptions or {}).get(lang)}
                for lang, n in names.items()
            },
            ("name", "description"),
        )
        catalog_version_bump()
        event_publish("catalog.changed")
    return category


def category_update(
    *,
    category_id: int,
    translations: Translations | None = None,
    parent_id: int | object | None = ...,
    slug: str | None = None,
    position: int | None = None,
    is_active: bool | None = None,
) -> Category:
    """Rename, move or re-order a category. Moving it under its own subtree is refused."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        if slug and slug != category.slug:
            if Category.objects.filter(slug=slug).exclude(pk=category.pk).exists():
                raise SlugTaken(f"The address “{slug}” is already used by another category.")
            category.slug = slug
        if position is not None:
            category.position = position
        if is_active is not None:
            category.is_active = is_active
        old_path = category.path
        if not isinstance(parent_id, _Keep):
            parent = Category.objects.get(pk=parent_id) if isinstance(parent_id, int) else None
            if parent and parent.path.startswith(old_path):
                raise CategoryCycle("A category cannot be moved inside itself or its children.")
            category.parent = parent
            _category_place(category)
        _save_unique(category, kind="category")
        if category.path != old_path:
            for child in Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                child.path = category.path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 1
                child.save(update_fields=["path", "depth"])
        if translations:
            _set_translations(
                category, translations, ("name", "description", "seo_title", "seo_description")
            )
        catalog_version_bump()
        event_publish("catalog.changed", category_id=category.pk)
    return category


def category_delete(*, category_id: int) -> None:
    """Delete an empty category; one with sub-categories is refused with a reason."""
    with transaction.atomic():
        category = Category.objects.get(pk=category_id)
        if category.children.exists():
            raise CategoryNotEmpty("Move or delete its sub-categories first.")
        product_ids = list(category.products.values_list("pk", flat=True))
        category.delete()
        _changed("product.updated", product_ids)


# ---------------------------------------------------------------- products


@dataclass
class ProductInput:
    """What a merchant edits on a product (everything but variants and media)."""

    translations: Translations
    slug: str = ""
    status: str = ProductStatus.DRAFT
    brand_id: int | None = None
    brand_name: str = ""
    category_id: int | None = None
    tag_names: Sequence[str] = field(default_factory=list)
    publish_at: datetime | None = None
    video_url: str = ""
    model_number: str = ""
    currency: str = "USD"


def brand_get_or_create(*, name: str) -> Brand:
    name = name.strip()
    brand = Brand.objects.filter(name__iexact=name).first()
    return brand or Brand.objects.create(name=name, slug=unique_slug(Brand, name))


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        tag = Tag.objects.filter(name__iexact=name).first()
        tags.append(tag or Tag.objects.create(name=name, slug=unique_slug(Tag, name)))
    return tags


def _apply_product_input(product: Product, data: ProductInput) -> None:
    product.status = data.status
    product.publish_at = data.publish_at
    product.video_url = data.video_url
    product.model_number = data.model_number
    product.category_id = data.category_id
    product.currency = data.currency
    if data.brand_name:
        product.brand = brand_get_or_create(name=data.brand_name)
    else:
        product.brand_id = data.brand_id


def product_create(*, data: ProductInput) -> Product:
    """Create a product with its translations and tags (no variants yet)."""
    en = data.translations.get("en") or next(iter(data.translations.values()))
    if not (en.get("name") or "").strip():
        raise InvalidInput("A product needs a name.")
    slug = data.slug or unique_slug(Product, en["name"])
    if Product.objects.filter(slug=slug).exists():
        raise SlugTaken(f"The address “{slug}” is already used by another product.")
    with transaction.atomic():
        product = Product(slug=slug)
        _apply_product_input(product, data)
        product.set_current_language("en")
        product.name = en["name"]
        _save_unique(product, kind="product")
        _set_translations(product, data.translations, PRODUCT_TEXT_FIELDS)
        product.tags.set(tags_get_or_create(names=data.tag_names))
        _changed("product.created", [product.pk])
    return product


def product_update(*, product_id: int, data: ProductInput) -> Product:
    """Save the merchant's edits; the storefront and search follow after commit."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product_id)
        if data.slug and data.slug != product.slug:
            if Product.objects.filter(slug=data.slug).exclude(pk=product.pk).exists():
                raise SlugTaken(f"The address “{data.slug}” is already used by another product.")
            product.slug = data.slug
        _apply_product_input(product, data)
        _save_unique(product, kind="product")
        _set_translations(product, data.translations, PRODUCT_TEXT_FIELDS)
        product.tags.set(tags_get_or_create(names=data.tag_names))
        _changed("product.updated", [product.pk])
    return product


def products_set_status(*, product_ids: Sequence[int], status: str) -> int:
    """Bulk publish (active), unpublish (draft) or archive."""
    if status not in ProductStatus.values:
        raise InvalidInput(f"Unknown status “{status}”.")
    with transaction.atomic():
        count = Product.objects.filter(pk__in=product_ids).update(status=status)
        _changed("product.updated", product_ids)
    return count


def products_delete(*, product_ids: Sequence[int]) -> int:
    """Delete products with their variants, images and stock rows."""
    with transaction.atomic():
        ids = list(Product.objects.filter(pk__in=product_ids).values_list("pk", flat=True))
        Product.objects.filter(pk__in=ids).delete()
        _changed("product.deleted", ids)
    return len(ids)


def product_summary_refresh(*, product_id: int) -> None:
    """Recompute the price range kept on the product row for sorting and cards."""
    agg = ProductVariant.objects.filter(product_id=product_id, is_active=True).aggregate(
        lo=Min("price_amount"), hi=Max("price_amount")
    )
    Product.objects.filter(pk=product_id).update(
        min_price_amount=agg["lo"], max_price_amount=agg["hi"]
    )


def product_specs_set(*, product_id: int, specs: Sequence[Mapping[str, Mapping[str, str]]]) -> None:
    """Replace the specification table; each row is {"en": {"name", "value"}, "zh-hans": {…}}."""
    with transaction.atomic():
        ProductSpec.objects.filter(product_id=product_id).delete()
        for position, row in enumerate(specs):
            spec = ProductSpec(product_id=product_id, position=position)
            first = row.get("en") or next(iter(row.values()))
            spec.set_current_language("en")
            spec.name, spec.value = first["name"], first["value"]
            spec.save()
            _set_translations(spec, row, ("name", "value"))
        _changed("product.updated", [product_id])


# ---------------------------------------------------------------- options and variants


@dataclass
class OptionInput:
    code: str  # language-neutral: "size", "color"
    names: Mapping[str, str]  # {"en": "Size", "zh-hans": "尺码"}
    values: Sequence[
        Mapping[str, str]
    ]  # [{"code": "m", "en": "M", "zh-hans": "中号", "swatch": ""}]


def product_options_set(*, product_id: int, options: Sequence[OptionInput]) -> list[ProductOption]:
    """Define the product's options and values, keeping existing ones matched by code."""
    made = []
    with transaction.atomic():
        keep_codes = [o.code for o in options]
        ProductOption.objects.filter(product_id=product_id).exclude(code__in=keep_codes).delete()
        for position, spec in enumerate(options):
            option, _ = ProductOption.objects.get_or_create(
                product_id=product_id, code=spec.code, defaults={"position": position}
            )
            option.position = position
            option.save()
            _set_translations(option, {k: {"name": v} for k, v in spec.names.items()}, ("name",))
            value_codes = [v["code"] for v in spec.values]
            option.values.exclude(code__in=value_codes).delete()
            for vpos, value in enumerate(spec.values):
                ov, _ = ProductOptionValue.objects.get_or_create(
                    option=option, code=value["code"], defaults={"position": vpos}
                )
                ov.position = vpos
                ov.swatch = value.get("swatch", "")
                ov.save()
                names = {k: {"name": v} for k, v in value.items() if k not in ("code", "swatch")}
                _set_translations(ov, names, ("name",))
            made.append(option)
        _changed("product.updated", [product_id])
    return made


@dataclass
class VariantInput:
    sku: str
    price: Decimal
    compare_at: Decimal | None = None
    cost: Decimal | None = None
    barcode: str = ""
    weight_grams: int = 0
    option_value_ids: Sequence[int] = ()
    image_id: int | None = None
    low_stock_threshold: int = 5
    is_active: bool = True
    track_inventory: bool = True


def variant_save(
    *, product_id: int, data: VariantInput, variant_id: int | None = None
) -> ProductVariant:
    """Create or update one variant; SKUs are unique across the shop."""
    sku = data.sku.strip()
    if not sku:
        raise InvalidInput("Every variant needs a SKU.")
    if data.price < 0 or (data.compare_at is not None and data.compare_at < 0):
        raise InvalidInput("Prices cannot be negative.")
    clash = ProductVariant.objects.filter(sku__iexact=sku)
    if variant_id:
        clash = clash.exclude(pk=variant_id)
    if clash.exists():
        raise SkuTaken(f"SKU “{sku}” is already used by another variant.")
    with transaction.atomic():
        product = Product.objects.get(pk=product_id)
        variant = (
            ProductVariant.objects.select_for_update().get(pk=variant_id, product_id=product_id)
            if variant_id
            else ProductVariant(product=product)
        )
        variant.sku = sku
        variant.currency = product.currency
        variant.price_amount = data.price
        variant.compare_at_amount = data.compare_at
        variant.cost_amount = data.cost
        variant.barcode = data.barcode
        variant.weight_grams = data.weight_grams
        variant.image_id = data.image_id
        variant.low_stock_threshold = data.low_stock_threshold
        variant.is_active = data.is_active
        variant.track_inventory = data.track_inventory
        if variant.position == 0 and not variant_id:
            variant.position = product.variants.count()
        try:
            with transaction.atomic():
                variant.save()
        except IntegrityError as exc:
            raise SkuTaken(f"SKU “{sku}” is already used by another variant.") from exc
        if data.option_value_ids:
            variant.option_values.set(
                ProductOptionValue.objects.filter(
                    pk__in=data.option_value_ids, option__product_id=product_id
                )
            )
        product_summary_refresh(product_id=product_id)
        _changed("product.updated", [product_id])
    return variant


def variants_generate(
    *, product_id: int, price: Decimal, sku_prefix: str = ""
) -> list[ProductVariant]:
    """Make a variant for every combination of option values that has none yet."""
    product = Product.objects.get(pk=product_id)
    options = list(ProductOption.objects.filter(product_id=product_id).prefetch_related("values"))
    if not options:
        return []
    existing = {
        frozenset(v.option_values.values_list("pk", flat=True))
        for v in ProductVariant.objects.filter(product_id=product_id)
    }
    prefix = (sku_prefix or product.slug).upper()
    made = []
    for combo in itertools.product(*[list(o.values.all()) for o in options]):
        key = frozenset(v.pk for v in combo)
        if key in existing:
            continue
        sku = "-".join([prefix, *[v.code.upper() for v in combo]])
        made.append(
            variant_save(
                product_id=product_id,
                data=VariantInput(sku=sku, price=price, option_value_ids=[v.pk for v in combo]),
            )
        )
    return made


def variant_delete(*, variant_id: int) -> None:
    with transaction.atomic():
        variant = ProductVariant.objects.get(pk=variant_id)
        product_id = variant.product_id
        variant.delete()
        product_summary_refresh(product_id=product_id)
        _changed("product.updated", [product_id])


# ---------------------------------------------------------------- media

MAX_IMAGE_PIXELS = 40_000_000


def product_image_add(*, product_id: int, file: UploadedFile | Any, alt: str = "") -> ProductImage:
    """Store an uploaded image (verified to be one) and queue its WebP renditions."""
    try:
        with Image.open(file) as img:
            img.verify()
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise InvalidImage("That image is too large; use one under 40 megapixels.")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidImage(
            "That file is not an image we can read (use JPEG, PNG or WebP)."
        ) from exc
    file.seek(0)
    from duli.catalog.tasks import image_renditions_make

    with transaction.atomic():
        position = (
            ProductImage.objects.filter(product_id=product_id).aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
        image = ProductImage(product_id=product_id, alt=alt, position=position)
        image.image.save(getattr(file, "name", "image.jpg").rsplit("/", 1)[-1], file, save=False)
        image.save()
        transaction.on_commit(partial(image_renditions_make.enqueue, image_id=image.pk))
        _changed("product.updated", [product_id])
    return image


def product_images_reorder(*, product_id: int, image_ids: Sequence[int]) -> None:
    """Put the product's images in the given order (the first is the main image)."""
    with transaction.atomic():
        owned = set(ProductImage.objects.filter(product_id=product_id).values_list("pk", flat=True))
        for position, image_id in enumerate(i for i in image_ids if i in owned):
            ProductImage.objects.filter(pk=image_id).update(position=position)
        _changed("product.updated", [product_id])


def product_image_update(*, image_id: int, alt: str) -> ProductImage:
    with transaction.atomic():
        image = ProductImage.objects.get(pk=image_id)
        image.alt = alt
        image.save(update_fields=["alt"])
        _changed("product.updated", [image.product_id])
    return image


def product_image_delete(*, image_id: int) -> None:
    with transaction.atomic():
        image = ProductImage.objects.get(pk=image_id)
        product_id = image.product_id
        for rendition in image.renditions.all():
            rendition.file.delete(save=False)
        image.image.delete(save=False)
        image.delete()
        _changed("product.updated", [product_id])


# ---------------------------------------------------------------- collections


def collection_save(
    *,
    translations: Translations,
    collection_id: int | None = None,
    slug: str = "",
    is_published: bool = True,
    featured_on_home: bool = False,
    home_position: int = 0,
) -> Collection:
    """Create or update a manual collection."""
    en = translations.get("en") or next(iter(translations.values()))
    slug = slug or unique_slug(Collection, en.get("name", "collection"), exclude_pk=collection_id)
    clash = Collection.objects.filter(slug=slug)
    if collection_id is not None:
        clash = clash.exclude(pk=collection_id)
    if clash.exists():
        raise SlugTaken(f"The address “{slug}” is already used by another collection.")
    with transaction.atomic():
        collection = (
            Collection.objects.get(pk=collection_id) if collection_id is not None else Collection()
        )
        collection.slug = slug
        collection.is_published = is_published
        collection.featured_on_home = featured_on_home
        collection.home_position = home_position
        if not collection_id:
            collection.set_current_language("en")
            collection.name = en.get("name", slug)
        _save_unique(collection, kind="collection")
        _set_translations(
            collection, translations, ("name", "description", "seo_title", "seo_description")
        )
        catalog_version_bump()
        event_publish("catalog.changed")
    return collection


def collection_products_set(*, collection_id: int, product_ids: Sequence[int]) -> None:
    """Set a collection's products in the given order."""
    with transaction.atomic():
        CollectionProduct.objects.filter(collection_id=collection_id).delete()
        valid = set(Product.objects.filter(pk__in=product_ids).values_list("pk", flat=True))
        CollectionProduct.objects.bulk_create(
            CollectionProduct(collection_id=collection_id, product_id=pid, position=i)
            for i, pid in enumerate(dict.fromkeys(p for p in product_ids if p in valid))
        )
        _changed("product.updated", list(valid))


def collection_delete(*, collection_id: int) -> None:
    with transaction.atomic():
        Collection.objects.filter(pk=collection_id).delete()
        catalog_version_bump()
        event_publish("catalog.changed")


def product_sales_record(*, quantities: Mapping[int, int]) -> None:
    """Add sold units to each product's `sold_count` (the "best selling" sort); negative
    numbers take back units of cancelled or refunded orders, never below zero."""
    with transaction.atomic():
        for product_id in sorted(quantities):
            delta = quantities[product_id]
            if delta:
                Product.objects.filter(pk=product_id).update(
                    sold_count=Greatest(F("sold_count") + delta, 0)
                )


def product_tax_class_set(*, product_id: int, tax_class_code: str | None) -> None:
    """Put a product in a tax class (None: the shop's default class)."""
    from duli.tax.models import TaxClass

    tax_class_id = None
    if tax_class_code:
        tax_class = TaxClass.objects.filter(code=tax_class_code).first()
        if tax_class is None:
            raise InvalidInput(
                gettext("There is no tax class “%(code)s”.") % {"code": tax_class_code},
                field="tax_class",
            )
        tax_class_id = tax_class.pk
    with transaction.atomic():
        changed = (
            Product.objects.filter(pk=product_id)
            .exclude(tax_class_id=tax_class_id)
            .update(tax_class_id=tax_class_id)
        )
        if changed:
            catalog_version_bump()
            event_publish("product.updated", product_ids=[product_id])
