"""Build the bilingual demo shop through the same services the dashboard uses.

Going through the services (not bulk inserts) keeps every derived value right — price
summaries, category paths, stock ledger rows, search documents, cache version — and
exercises the code a merchant's edits run, which is what a demo should show.
"""

from __future__ import annotations

import itertools
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import slugify

from duli.catalog.models import (
    Brand,
    Category,
    Collection,
    ImageRendition,
    Product,
    ProductImage,
    ProductStatus,
    Tag,
)
from duli.catalog.services import (
    OptionInput,
    ProductInput,
    VariantInput,
    category_create,
    category_delete,
    collection_delete,
    collection_products_set,
    collection_save,
    product_create,
    product_image_add,
    product_options_set,
    product_sales_record,
    product_specs_set,
    products_delete,
    variant_save,
)
from duli.catalog.tasks import image_renditions_make
from duli.core.services import shop_settings_update
from duli.demo import catalogue as C
from duli.demo import pictures
from duli.inventory.services import stock_adjust
from duli.payments.models import PaymentMethod
from duli.payments.services import payment_method_configure, payment_methods_ensure
from duli.shipping.services import shipping_defaults_ensure
from duli.tax.services import tax_defaults_ensure, tax_rates_examples_ensure

Progress = Callable[[str], None]

SHOP_PRIMARY = "#1f6f5c"
SHOP_ACCENT = "#e4572e"
LOW_STOCK_THRESHOLD = 5
SMALL_PER_CATEGORY = 1  # products per leaf category in a --small build (tests)
ZH = "zh-hans"


def _quiet(message: str) -> None:
    """The default progress sink: say nothing."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    products: int
    variants: int
    images: int
    seconds: float


def shop_has_products() -> bool:
    return Product.objects.exists()


def demo_products(*, small: bool = False) -> list[C.DemoProduct]:
    """The products to build: all of them, or one per leaf category plus the floral dress."""
    if not small:
        return list(C.PRODUCTS)
    picked: list[C.DemoProduct] = []
    per_category: dict[str, int] = {}
    for product in C.PRODUCTS:
        if per_category.get(product.category, 0) < SMALL_PER_CATEGORY:
            picked.append(product)
            per_category[product.category] = per_category.get(product.category, 0) + 1
    return picked


def demo_shop_build(
    *, seed: int = 1, small: bool = False, progress: Progress = _quiet
) -> BuildReport:
    """Build the whole demo shop: settings, categories, products with pictures, variants and
    stock, renditions and home-page collections. Assumes an empty catalogue."""
    started = time.monotonic()
    rng = random.Random(seed)
    progress("Shop settings, logo and hero image …")
    demo_settings_apply()
    demo_checkout_setup()
    categories = demo_categories_ensure()
    products = demo_products(small=small)
    built: list[tuple[C.DemoProduct, Product]] = []
    variant_count = image_count = 0
    serials = itertools.count(1)
    for index, spec in enumerate(products, start=1):
        product, variants, images = _product_build(
            spec, index=index, category=categories[spec.category], rng=rng, serials=serials
        )
        built.append((spec, product))
        variant_count += variants
        image_count += images
        if index % 8 == 0 or index == len(products):
            progress(f"Products {index}/{len(products)} ({time.monotonic() - started:.0f} s)")
    _renditions_complete(progress)
    _popularity_seed(built, rng)
    demo_collections_build(built)
    return BuildReport(len(built), variant_count, image_count, time.monotonic() - started)


# ------------------------------------------------------------------------ settings


def _link(name: str, slug: str, language: str) -> str:
    with translation.override(language):
        try:
            return reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:  # the storefront's URLs may not be wired yet
            return f"/collections/{slug}/"


def demo_settings_apply() -> None:
    """Name, colours, pictures and policies of "Duli Demo Shop" in both languages."""
    shop_settings_update(
        language="en",
        name="Duli Demo Shop",
        tagline="Slow fashion and calm homeware, made to last.",
        hero_title="Summer, slowly",
        hero_text="Linen dresses, hand-thrown ceramics and easy bags — up to 30% off this week.",
        hero_link_label="Shop the summer sale",
        hero_link_url=_link("storefront:collection", "summer-sale", "en"),
        shipping_policy=POLICIES["shipping"][0],
        returns_policy=POLICIES["returns"][0],
        privacy_policy=POLICIES["privacy"][0],
        terms=POLICIES["terms"][0],
        primary_color=SHOP_PRIMARY,
        accent_color=SHOP_ACCENT,
        currency="USD",
        languages=["en", ZH],
        contact_email="hello@example.com",
        alert_email="stock-alerts@example.com",
        order_alert_email="orders@example.com",
        address="Duli Demo Shop Ltd\n1 Market St\nSan Francisco, CA 94105",
        country="US",
        prices_include_tax=False,
        return_window_days=30,
        bank_transfer_instructions=(
            "Duli Demo Shop Ltd · Bank: Example Bank · IBAN: DE89 3704 0044 0532 0130 00 · "
            "BIC: COBADEFFXXX. Write your order number as the payment reference."
        ),
        logo=ContentFile(
            pictures.logo_picture(primary=SHOP_PRIMARY, accent=SHOP_ACCENT), name="demo-logo.png"
        ),
        hero_image=ContentFile(
            pictures.hero_picture(primary=SHOP_PRIMARY, accent=SHOP_ACCENT), name="demo-hero.jpg"
        ),
    )
    shop_settings_update(
        language=ZH,
        name="独立示范店",
        tagline="慢时尚与安静的家居好物，经久耐用。",
        hero_title="慢慢过一个夏天",
        hero_text="亚麻连衣裙、手拉坯陶器与轻便包袋——本周低至七折。",
        hero_link_label="逛逛夏季特卖",
        hero_link_url=_link("storefront:collection", "summer-sale", ZH),
        shipping_policy=POLICIES["shipping"][1],
        returns_policy=POLICIES["returns"][1],
        privacy_policy=POLICIES["privacy"][1],
        terms=POLICIES["terms"][1],
        bank_transfer_instructions=(
            "收款人：Duli Demo Shop Ltd · 开户行：Example Bank · IBAN：DE89 3704 0044 0532 0130 00 · "
            "BIC：COBADEFFXXX。转账时请在附言中填写订单号。"
        ),
    )


POLICIES: dict[str, tuple[str, str]] = {
    "shipping": (
        "<p>We ship within 1–2 working days. Standard delivery takes 3–5 working days and is "
        "free on orders over $75; express delivery (1–2 days) costs $12.</p>"
        "<p>We ship to the United States, Canada, the EU, the UK, mainland China, Hong Kong "
        "and Singapore. You will get a tracking link by email as soon as your parcel leaves us.</p>",
        "<p>我们在 1–2 个工作日内发货。标准配送需 3–5 个工作日，订单满 75 美元免运费；"
        "加急配送（1–2 天）收费 12 美元。</p>"
        "<p>我们可配送至美国、加拿大、欧盟、英国、中国大陆、香港和新加坡。包裹发出后，"
        "您会收到附有物流追踪链接的邮件。</p>",
    ),
    "returns": (
        "<p>Changed your mind? Return any unworn item in its original packaging within "
        "<strong>14 days</strong> of delivery for a full refund.</p>"
        "<p>Start a return from your account or reply to your order email. Refunds reach your "
        "original payment method within 5 working days of the parcel arriving back with us. "
        "Earrings cannot be returned for hygiene reasons unless faulty.</p>",
        "<p>改变主意了？自收货之日起 <strong>14 天</strong>内，未穿着且保留原包装的商品"
        "均可退货并全额退款。</p>"
        "<p>您可在账户中或回复订单邮件发起退货。我们收到退回的包裹后，将在 5 个工作日内"
        "原路退款。出于卫生原因，耳饰除质量问题外不予退换。</p>",
    ),
    "privacy": (
        "<p>We collect only what we need to deliver your order: your name, address, email "
        "and phone number. We never sell your data.</p>"
        "<p>Payment details are handled by our payment providers and never stored by us. You "
        "can ask for a copy of your data or for its deletion at any time by writing to "
        "hello@example.com.</p>",
        "<p>我们只收集配送订单所需的信息：姓名、地址、电子邮箱和电话号码。我们绝不出售您的数据。</p>"
        "<p>支付信息由支付服务商处理，我们不会保存。您可以随时发邮件至 hello@example.com，"
        "索取您的数据副本或要求删除。</p>",
    ),
    "terms": (
        "<p>This is a demonstration shop run by Duli, an open-source storefront. No real "
        "orders are fulfilled and no money is taken.</p>"
        "<p>Prices are shown in US dollars and include applicable taxes. We may correct "
        "errors in prices or descriptions before we ship an order.</p>",
        "<p>这是由开源店铺系统 Duli 运行的示范店，不会真实发货，也不会收取任何费用。</p>"
        "<p>价格以美元显示，已含适用税费。如价格或描述有误，我们可在发货前予以更正。</p>",
    ),
}


# ------------------------------------------------------------------------ categories


def demo_checkout_setup() -> None:
    """Shipping zones, carriers, tax classes with common rates, the manual payment methods
    and Duli Test Pay (cards without real money), so the demo shop can take an order at
    once."""
    shipping_defaults_ensure(
        country="US", currency="USD", pickup_address="Duli Demo Shop, 1 Market St, San Francisco"
    )
    tax_defaults_ensure()
    tax_rates_examples_ensure()
    payment_methods_ensure()
    if not PaymentMethod.objects.filter(provider="testpay").exists():
        payment_method_configure(
            provider="testpay",
            values={"webhook_secret": secrets.token_urlsafe(32)},
            is_enabled=True,
        )
        for position, code in enumerate(("testpay", "bank_transfer", "cod")):
            PaymentMethod.objects.filter(provider=code).update(position=position)


def demo_categories_ensure() -> dict[str, Category]:
    """The demo's category tree by slug, creating the categories that are missing."""
    existing = {c.slug: c for c in Category.objects.filter(slug__in=[d.slug for d in C.CATEGORIES])}
    for position, spec in enumerate(C.CATEGORIES):
        if spec.slug in existing:
            continue
        existing[spec.slug] = category_create(
            slug=spec.slug,
            names={"en": spec.en, ZH: spec.zh},
            descriptions={
                "en": f"<p>{spec.description_en}</p>",
                ZH: f"<p>{spec.description_zh}</p>",
            },
            parent=existing[spec.parent] if spec.parent else None,
            position=position,
        )
    return existing


# ------------------------------------------------------------------------ products


def _colour_option(spec: C.DemoProduct) -> OptionInput:
    metals = all(code in ("silver", "gold") for code in spec.colours)
    code, names = (
        ("material", {"en": "Metal", ZH: "材质"})
        if metals
        else ("color", {"en": "Colour", ZH: "颜色"})
    )
    values = [
        {"code": c.code, "en": c.en, ZH: c.zh, "swatch": c.hex}
        for c in (C.COLOURS[x] for x in spec.colours)
    ]
    return OptionInput(code=code, names=names, values=values)


SIZE_OPTION_NAMES: dict[str, tuple[str, str, str]] = {
    "women": ("size", "Size", "尺码"),
    "men": ("size", "Size", "尺码"),
    "waist": ("size", "Waist", "腰围"),
    "mug": ("capacity", "Capacity", "容量"),
    "set": ("pack", "Set", "套装"),
    "candle": ("weight", "Weight", "重量"),
    "necklace": ("length", "Length", "长度"),
    "ring": ("size", "Ring size", "戒指尺码"),
}


def _size_option(spec: C.DemoProduct) -> OptionInput | None:
    if not spec.sizes:
        return None
    code, en, zh = SIZE_OPTION_NAMES.get(spec.sizes, ("size", "Size", "尺寸"))
    values = [{"code": c, "en": e, ZH: z} for c, e, z, _step in C.SIZE_SCALES[spec.sizes]]
    return OptionInput(code=code, names={"en": en, ZH: zh}, values=values)


def _description(spec: C.DemoProduct, language: str) -> str:
    care = C.CARE[spec.category]
    origin = C.ORIGIN[spec.brand]
    i = 0 if language == "en" else 1
    blurb = spec.blurb_en if language == "en" else spec.blurb_zh
    return (
        f"<p>{blurb}</p><ul><li>{spec.material[i]}</li><li>{care[i]}</li><li>{origin[i]}</li></ul>"
    )


def _specs(spec: C.DemoProduct) -> list[dict[str, dict[str, str]]]:
    rows = [
        (("Material", "材质"), spec.material),
        (("Care", "护理"), C.CARE[spec.category]),
        (("Origin", "产地"), C.ORIGIN[spec.brand]),
        (("Brand", "品牌"), (spec.brand, spec.brand)),
    ]
    return [
        {"en": {"name": n[0], "value": v[0]}, ZH: {"name": n[1], "value": v[1]}} for n, v in rows
    ]


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _compare_at(price: Decimal, rng: random.Random) -> Decimal:
    """A believable "was" price: 20–40 % above, rounded to a multiple of 5."""
    factor = Decimal(rng.choice(["1.25", "1.3", "1.4"]))
    return _money((price * factor / 5).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 5)


def _product_build(
    spec: C.DemoProduct,
    *,
    index: int,
    category: Category,
    rng: random.Random,
    serials: Iterator[int],
) -> tuple[Product, int, int]:
    with transaction.atomic():
        product = product_create(
            data=ProductInput(
                translations={
                    "en": {
                        "name": spec.en,
                        "description": _description(spec, "en"),
                        "seo_description": spec.blurb_en[:160],
                    },
                    ZH: {
                        "name": spec.zh,
                        "description": _description(spec, ZH),
                        "seo_description": spec.blurb_zh[:160],
                    },
                },
                slug=slugify(spec.en),
                status=ProductStatus.ACTIVE,
                brand_name=spec.brand,
                category_id=category.pk,
                tag_names=list(spec.tags),
                model_number=f"DL-{index:04d}",
                currency="USD",
            )
        )
        options = [o for o in (_colour_option(spec), _size_option(spec)) if o is not None]
        made = product_options_set(product_id=product.pk, options=options)
        value_ids = [{v.code: v.pk for v in option.values.all()} for option in made]
        product_specs_set(product_id=product.pk, specs=_specs(spec))
        images = _pictures_add(product, spec)
        variants = _variants_build(
            product, spec, value_ids=value_ids, images=images, index=index, rng=rng, serials=serials
        )
    return product, variants, ProductImage.objects.filter(product_id=product.pk).count()


def _pictures_add(product: Product, spec: C.DemoProduct) -> dict[str, int]:
    """One picture per colour (up to three); a single-colour product also gets a close-up.
    Returns the image id to show for each colour code."""
    by_colour: dict[str, int] = {}
    shots = list(spec.colours[:3])
    for n, code in enumerate(shots):
        colour = C.COLOURS[code]
        data = pictures.product_picture(
            shape=spec.shape, colour=colour.hex, pattern=spec.pattern, variant=n
        )
        image = product_image_add(
            product_id=product.pk,
            file=ContentFile(data, name=f"{product.slug}-{code}.jpg"),
            alt=f"{spec.en} — {colour.en}",
        )
        by_colour[code] = image.pk
    if len(shots) == 1:
        data = pictures.product_picture(
            shape=spec.shape,
            colour=C.COLOURS[shots[0]].hex,
            pattern=spec.pattern,
            variant=3,
            detail=True,
        )
        product_image_add(
            product_id=product.pk,
            file=ContentFile(data, name=f"{product.slug}-detail.jpg"),
            alt=f"{spec.en} — detail",
        )
    return by_colour


def _variants_build(
    product: Product,
    spec: C.DemoProduct,
    *,
    value_ids: Sequence[dict[str, int]],
    images: dict[str, int],
    index: int,
    rng: random.Random,
    serials: Iterator[int],
) -> int:
    sizes = C.SIZE_SCALES.get(spec.sizes, (("", "", "", "0"),))
    compare_at_factor_rng = random.Random(index)
    count = 0
    for colour in spec.colours:
        for size_code, _en, _zh, step in sizes:
            price = spec.price_amount + Decimal(step)
            ids = [value_ids[0][colour]] + ([value_ids[1][size_code]] if size_code else [])
            sku = "-".join(p for p in (f"DL{index:03d}", colour, size_code) if p).upper()
            variant = variant_save(
                product_id=product.pk,
                data=VariantInput(
                    sku=sku,
                    price=price,
                    compare_at=_compare_at(price, compare_at_factor_rng) if spec.sale else None,
                    cost=_money(price * Decimal("0.42")),
                    weight_grams=WEIGHTS.get(spec.category, 300),
                    option_value_ids=ids,
                    image_id=images.get(colour),
                    low_stock_threshold=LOW_STOCK_THRESHOLD,
                ),
            )
            stock_adjust(
                variant_id=variant.pk,
                set_on_hand=_opening_quantity(next(serials), rng),
                reason="Demo opening stock",
            )
            count += 1
    return count


WEIGHTS = {
    "dresses": 350,
    "tops": 220,
    "shirts": 300,
    "trousers": 550,
    "kitchen": 700,
    "living": 1200,
    "bags": 800,
    "jewellery": 40,
}


def _opening_quantity(serial: int, rng: random.Random) -> int:
    """Mostly in stock; every 11th variant sold out and every 7th running low, so the
    storefront's badges and the dashboard's low-stock list have something to show."""
    if serial % 11 == 3:
        return 0
    if serial % 7 == 2:
        return rng.randint(1, LOW_STOCK_THRESHOLD)
    return rng.randint(LOW_STOCK_THRESHOLD + 3, 80)


def _renditions_complete(progress: Progress) -> None:
    """Make any WebP renditions still missing here and now, so the shop is complete when the
    command ends (with the database queue they would wait for a worker). The queued tasks
    then find nothing left to do."""
    missing = list(
        ProductImage.objects.filter(renditions__isnull=True).values_list("pk", flat=True)
    )
    for n, image_id in enumerate(missing, start=1):
        image_renditions_make.call(image_id=image_id)
        if n % 25 == 0 or n == len(missing):
            progress(f"Image renditions {n}/{len(missing)}")


def _popularity_seed(built: Iterable[tuple[C.DemoProduct, Product]], rng: random.Random) -> None:
    """Give products a sales history for "best selling" sorting, as past orders would."""
    product_sales_record(
        quantities={
            product.pk: rng.randint(180, 900) if spec.bestseller else rng.randint(0, 120)
            for spec, product in built
        }
    )


# ------------------------------------------------------------------------ collections


def demo_collections_build(built: Sequence[tuple[C.DemoProduct, Product]]) -> list[Collection]:
    """The home page's featured collections, in both languages."""
    sold = dict(
        Product.objects.filter(pk__in=[p.pk for _, p in built]).values_list("pk", "sold_count")
    )
    picks: dict[str, list[int]] = {
        "newest": [p.pk for s, p in built if "new" in s.tags] + [p.pk for _, p in reversed(built)],
        "sale": [p.pk for s, p in built if s.sale],
        "bestseller": sorted((p.pk for _, p in built), key=lambda pk: -sold[pk]),
        "gifts": [p.pk for s, p in built if "gift" in s.tags and s.price_amount < 100],
    }
    made = []
    for position, spec in enumerate(C.COLLECTIONS):
        collection = collection_save(
            translations={
                "en": {"name": spec.en, "description": f"<p>{spec.description_en}</p>"},
                ZH: {"name": spec.zh, "description": f"<p>{spec.description_zh}</p>"},
            },
            slug=spec.slug,
            featured_on_home=position < 3 or len(built) > 20,
            home_position=position,
        )
        ids = (
            list(dict.fromkeys(picks[spec.pick]))[: spec.limit]
            or [p.pk for _, p in built][: spec.limit]
        )
        collection_products_set(collection_id=collection.pk, product_ids=ids)
        made.append(collection)
    return made


# ------------------------------------------------------------------------ reset


def catalogue_reset(*, progress: Progress = _quiet, batch: int = 2000) -> int:
    """Delete every product, collection, category, brand and tag, and their image files.
    Returns how many products were deleted."""
    names = [
        *ImageRendition.objects.values_list("file", flat=True),
        *ProductImage.objects.values_list("image", flat=True),
    ]
    deleted = 0
    while ids := list(Product.objects.order_by("pk").values_list("pk", flat=True)[:batch]):
        deleted += products_delete(product_ids=ids)
        progress(f"Deleted {deleted} products")
    for collection_id in Collection.objects.values_list("pk", flat=True):
        collection_delete(collection_id=collection_id)
    for category_id in Category.objects.order_by("-depth", "pk").values_list("pk", flat=True):
        category_delete(category_id=category_id)
    # Brands and tags have no delete service; with no products left nothing refers to them.
    Brand.objects.all().delete()
    Tag.objects.all().delete()
    for name in set(names):
        if name:
            default_storage.delete(name)
    return deleted
