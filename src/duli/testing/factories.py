"""Factories for tests and for plugin authors (shipped in the package, as Oscar does).

`ProductFactory()` makes an active product in a category with one variant priced 10.00 USD;
`VariantFactory(product=p, price_amount=Decimal("5"))` adds more; translations are set in
English, and `zh_name="…"` on ProductFactory adds a Simplified Chinese name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils.text import slugify

from duli.catalog.models import (
    Brand,
    Category,
    Collection,
    Product,
    ProductOption,
    ProductOptionValue,
    ProductStatus,
    ProductVariant,
    Tag,
)
from duli.customers.models import User
from duli.inventory.models import Stock, Warehouse


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery")


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    is_staff = True
    is_superuser = True


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[Category], *args: Any, **kwargs: Any) -> Category:
        from duli.catalog.services import category_create

        zh_name = kwargs.pop("zh_name", "")
        return category_create(
            slug=kwargs.pop("slug"),
            names={"en": kwargs.pop("name"), **({"zh-hans": zh_name} if zh_name else {})},
            parent=kwargs.pop("parent", None),
            **kwargs,
        )


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "main"
    name = "Main warehouse"
    is_default = True


class ProductFactory(factory.django.DjangoModelFactory):
    """An active product with one variant (unless `variants=0`) and stock of `stock` units."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    description = "<p>A fine thing.</p>"
    status = ProductStatus.ACTIVE
    category = factory.SubFactory(CategoryFactory)
    brand = None
    currency = "USD"

    @classmethod
    def _create(cls, model_class: type[Product], *args: Any, **kwargs: Any) -> Product:
        zh_name = kwargs.pop("zh_name", "")
        zh_description = kwargs.pop("zh_description", "")
        product = model_class(
            **{k: v for k, v in kwargs.items() if k not in ("name", "description")}
        )
        product.set_current_language("en")
        product.name = kwargs["name"]
        product.description = kwargs.get("description", "")
        product.save()
        if zh_name:
            product.set_current_language("zh-hans")
            product.name = zh_name
            product.description = zh_description
            product.save()
            product.set_current_language("en")
        return product

    @factory.post_generation
    def variants(product: Product, create: bool, extracted: int | None, **kwargs: Any) -> None:
        if not create or extracted == 0:
            return
        for i in range(extracted or 1):
            VariantFactory(
                product=product,
                price_amount=kwargs.get("price", Decimal("10.00")),
                sku=f"{product.slug}-{i}".upper(),
                stock=kwargs.get("stock", 10),
            )
        from duli.catalog.services import product_summary_refresh

        product_summary_refresh(product_id=product.pk)


class VariantFactory(factory.django.DjangoModelFactory):
    """A variant; `stock=N` puts N units on hand in the default warehouse."""

    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory, variants=0)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price_amount = Decimal("10.00")
    currency = "USD"

    @factory.post_generation
    def stock(variant: ProductVariant, create: bool, extracted: int | None, **kwargs: Any) -> None:
        if not create or extracted is None:
            return
        warehouse, _ = Warehouse.objects.get_or_create(
            code="main", defaults={"name": "Main warehouse", "is_default": True}
        )
        Stock.objects.update_or_create(
            variant=variant, warehouse=warehouse, defaults={"on_hand": extracted}
        )


def option_with_values(
    product: Product, code: str, name: str, values: list[str]
) -> list[ProductOptionValue]:
    """Give `product` an option (e.g. "size") with the given value names, in order."""
    option = ProductOption(product=product, code=code, position=product.options.count())
    option.set_current_language("en")
    option.name = name
    option.save()
    made = []
    for i, value in enumerate(values):
        v = ProductOptionValue(option=option, code=slugify(value) or f"v{i}", position=i)
        v.set_current_language("en")
        v.name = value
        v.save()
        made.append(v)
    return made


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    slug = factory.Sequence(lambda n: f"collection-{n}")

    @classmethod
    def _create(cls, model_class: type[Collection], *args: Any, **kwargs: Any) -> Collection:
        name = kwargs.pop("name", kwargs["slug"].replace("-", " ").title())
        collection = model_class(**kwargs)
        collection.set_current_language("en")
        collection.name = name
        collection.save()
        return collection
