"""View models the storefront templates render: product cards, images, prices.

They turn catalogue rows into display-ready values (formatted money in the active
language, `srcset` strings, sold-out flags) so templates stay free of logic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation

from duli.catalog.models import Product, ProductImage
from duli.catalog.selectors import CardVariant, card_variants
from duli.core.money import Money


def active_language() -> str:
    return translation.get_language() or "en"


def money_text(money: Money | None) -> str:
    """A price as the shopper reads it in the active language ("$10.00", "US$10.00")."""
    return money.format(active_language()) if money is not None else ""


@dataclass(frozen=True, slots=True)
class Picture:
    """An image with the sources a browser chooses from."""

    src: str
    srcset: str
    width: int
    height: int
    alt: str


def picture_for(image: ProductImage | None, *, alt: str = "") -> Picture | None:
    """`src` is a mid-size rendition (or the original), `srcset` lists every rendition.

    Reads `image.renditions.all()`, so callers prefetch them (the catalogue selectors do).
    """
    if image is None or not image.image:
        return None
    renditions = [r for r in image.renditions.all() if r.file]
    srcset = ", ".join(f"{r.file.url} {r.width}w" for r in renditions)
    mid = next((r for r in renditions if r.width >= 640), renditions[-1] if renditions else None)
    return Picture(
        src=mid.file.url if mid else image.image.url,
        srcset=srcset,
        width=image.width or (mid.width if mid else 0),
        height=image.height or (mid.height if mid else 0),
        alt=image.alt or alt,
    )


@dataclass(frozen=True, slots=True)
class ProductCard:
    product_id: int
    url: str
    name: str
    brand: str
    picture: Picture | None
    price: str  # "$10.00"
    price_from: bool  # variants differ in price: show "From $10.00"
    compare_at: str  # "" unless the cheapest variant is marked down
    sold_out: bool
    on_sale: bool = field(default=False)


def _cheapest(variants: Sequence[CardVariant]) -> CardVariant | None:
    return min(variants, key=lambda v: (v.price_amount, v.variant_id), default=None)


def product_cards(products: Iterable[Product]) -> list[ProductCard]:
    """Cards for products already loaded by `products_for_cards`, in their order.

    Two more queries whatever the number of products: variant prices and availability.
    """
    products = list(products)
    variants = card_variants(product_ids=[p.pk for p in products])
    cards = []
    for product in products:
        own = variants.get(product.pk, [])
        cheapest = _cheapest(own)
        currency = product.currency
        low = product.min_price_amount
        high = product.max_price_amount
        if cheapest is not None:
            low = low if low is not None else cheapest.price_amount
            high = high if high is not None else cheapest.price_amount
        compare = ""
        if cheapest and cheapest.compare_at_amount and cheapest.compare_at_amount > low:
            compare = money_text(Money(cheapest.compare_at_amount, currency))
        images = list(product.images.all())
        name = str(product.safe_translation_getter("name", any_language=True) or product.slug)
        cards.append(
            ProductCard(
                product_id=product.pk,
                url=product.get_absolute_url(),
                name=name,
                brand=product.brand.name if product.brand_id and product.brand else "",
                picture=picture_for(images[0] if images else None, alt=name),
                price=money_text(Money(low, currency)) if low is not None else "",
                price_from=low is not None and high is not None and high > low,
                compare_at=compare,
                sold_out=bool(own) and not any(v.buyable for v in own),
                on_sale=bool(compare),
            )
        )
    return cards


def as_decimal(value: str | None) -> Decimal | None:
    """A shopper-typed amount ("12", "12.50") or None when blank or not a number."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
