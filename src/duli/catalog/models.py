"""The catalogue: products, their options and variants, categories, collections and media.

Translatable text lives in django-parler translation rows (one per language), so a shop
adds a language without a migration. Prices follow DESIGN rule 4: `*_amount` columns and
one `currency` column per row, exposed as `Money` by `MoneyAttr`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from duli.core.fields import AmountField, MoneyAttr, SanitizedHTMLField, TimeStamped


class Brand(TimeStamped):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(TranslatableModel, TimeStamped):
    """A node of the category tree. `path` is a materialised path ("0003/0012/") so a
    category and all its descendants are one indexed prefix query."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    slug = models.SlugField(max_length=140, unique=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.IntegerField(default=0)
    image = models.ImageField(upload_to="categories/", blank=True)
    is_active = models.BooleanField(default=True)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=120),
        description=SanitizedHTMLField(_("description"), blank=True),
        seo_title=models.CharField(max_length=70, blank=True),
        seo_description=models.CharField(max_length=160, blank=True),
    )

    class Meta:
        ordering = ["path"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.slug)

    def get_absolute_url(self) -> str:
        return reverse("storefront:category", kwargs={"slug": self.slug})


class Collection(TranslatableModel, TimeStamped):
    """A merchant-curated, ordered set of products (manual collection)."""

    slug = models.SlugField(max_length=140, unique=True)
    image = models.ImageField(upload_to="collections/", blank=True)
    is_published = models.BooleanField(default=True)
    featured_on_home = models.BooleanField(default=False, db_index=True)
    home_position = models.IntegerField(default=0)
    products: models.ManyToManyField[Product, CollectionProduct] = models.ManyToManyField(
        "Product", through="CollectionProduct", related_name="collections", blank=True
    )

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=120),
        description=SanitizedHTMLField(_("description"), blank=True),
        seo_title=models.CharField(max_length=70, blank=True),
        seo_description=models.CharField(max_length=160, blank=True),
    )

    class Meta:
        ordering = ["home_position", "id"]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.slug)

    def get_absolute_url(self) -> str:
        return reverse("storefront:collection", kwargs={"slug": self.slug})


class CollectionProduct(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    product = models.ForeignKey("Product", on_delete=models.CASCADE)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "product"], name="collection_product_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.product_id}"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Product(TranslatableModel, TimeStamped):
    """A thing the shop sells. Shoppers see it when status is active and `publish_at`
    (if set) has passed. Price range and popularity are kept on the row for sorting."""

    slug = models.SlugField(max_length=160, unique=True)
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL)
    model_number = models.CharField(_("model"), max_length=80, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, related_name="products", on_delete=models.SET_NULL
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    status = models.CharField(
        max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    video_url = models.URLField(blank=True)
    currency = models.CharField(max_length=3, default="USD")
    # None: the shop's default tax class.
    tax_class = models.ForeignKey(
        "tax.TaxClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Summaries kept by catalog services, for sorting and cards without joins.
    min_price_amount = AmountField(null=True, blank=True)
    max_price_amount = AmountField(null=True, blank=True)
    sold_count = models.PositiveIntegerField(default=0)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
        description=SanitizedHTMLField(_("description"), blank=True),
        seo_title=models.CharField(_("SEO title"), max_length=70, blank=True),
        seo_description=models.CharField(_("SEO description"), max_length=160, blank=True),
    )

    min_price = MoneyAttr("min_price_amount")
    max_price = MoneyAttr("max_price_amount")

    class Meta:
        indexes = [
            models.Index(fields=["status", "publish_at"], name="product_visible_idx"),
            models.Index(fields=["category", "status"], name="product_category_idx"),
            models.Index(fields=["min_price_amount"], name="product_price_idx"),
            models.Index(fields=["-sold_count"], name="product_bestselling_idx"),
            models.Index(fields=["-created_at"], name="product_newest_idx"),
        ]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.slug)

    def get_absolute_url(self) -> str:
        return reverse("storefront:product", kwargs={"slug": self.slug})

    @property
    def is_visible(self) -> bool:
        return self.status == ProductStatus.ACTIVE and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )


def visible_products_q(prefix: str = "") -> Q:
    """The filter for products a shopper may see, as a Q over `prefix` + fields."""
    now = timezone.now()
    return Q(**{f"{prefix}status": ProductStatus.ACTIVE}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": now})
    )


class ProductSpec(TranslatableModel):
    """One row of the specifications table ("Material: Linen")."""

    product = models.ForeignKey(Product, related_name="specs", on_delete=models.CASCADE)
    position = models.IntegerField(default=0)
    translations = TranslatedFields(
        name=models.CharField(max_length=80),
        value=models.CharField(max_length=255),
    )

    class Meta:
        ordering = ["position", "id"]


class ProductOption(TranslatableModel):
    """A dimension a product varies in ("Size", "Colour"). `code` is language-neutral
    ("size", "color") and groups the storefront filters across products."""

    product = models.ForeignKey(Product, related_name="options", on_delete=models.CASCADE)
    code = models.SlugField(max_length=40)
    position = models.IntegerField(default=0)
    translations = TranslatedFields(name=models.CharField(max_length=60))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="product_option_code_once")
        ]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.code)


class ProductOptionValue(TranslatableModel):
    """One value of an option ("M", "Blue"). `code` is language-neutral ("m", "blue")."""

    option = models.ForeignKey(ProductOption, related_name="values", on_delete=models.CASCADE)
    code = models.SlugField(max_length=60)
    position = models.IntegerField(default=0)
    swatch = models.CharField(max_length=7, blank=True)  # "#2b4c7e" for colour chips
    translations = TranslatedFields(name=models.CharField(max_length=60))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["option", "code"], name="option_value_code_once")
        ]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.code)


class ProductImage(models.Model):
    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(
        upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt = models.CharField(_("alt text"), max_length=200, blank=True)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt or str(self.image.name)


class ImageRendition(models.Model):
    """A resized WebP copy of a product image, made by the `image_renditions_make` task."""

    image = models.ForeignKey(ProductImage, related_name="renditions", on_delete=models.CASCADE)
    width = models.PositiveIntegerField()
    format = models.CharField(max_length=8, default="webp")
    file = models.ImageField(upload_to="renditions/%Y/%m/")
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="rendition_once_per_spec"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file.name} ({self.width}w)"


class ProductVariant(TimeStamped):
    """A buyable combination of option values, with its own SKU, price and stock."""

    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField(max_length=64, unique=True)
    barcode = models.CharField(max_length=64, blank=True, db_index=True)
    option_values = models.ManyToManyField(ProductOptionValue, blank=True, related_name="variants")
    currency = models.CharField(max_length=3, default="USD")
    price_amount = AmountField()
    compare_at_amount = AmountField(null=True, blank=True)
    cost_amount = AmountField(null=True, blank=True)
    weight_grams = models.PositiveIntegerField(default=0)
    image = models.ForeignKey(
        ProductImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    track_inventory = models.BooleanField(default=True)
    low_stock_threshold = models.PositiveIntegerField(default=5)

    price = MoneyAttr("price_amount")
    compare_at = MoneyAttr("compare_at_amount")
    cost = MoneyAttr("cost_amount")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="variant_price_gte_0"),
        ]

    def __str__(self) -> str:
        return self.sku
