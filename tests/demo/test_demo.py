"""The demo shop, the synthetic benchmark catalogue and the `demo` set-up command."""

from __future__ import annotations

import io
import stat
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q

from duli.catalog.models import (
    Category,
    Collection,
    ImageRendition,
    Product,
    ProductImage,
    ProductVariant,
)
from duli.core.models import ShopSettings
from duli.customers.models import User
from duli.demo import catalogue as C
from duli.demo.build import LOW_STOCK_THRESHOLD, demo_products, demo_settings_apply
from duli.demo.management.commands.demo import ADMIN_EMAIL, PASSWORD_FILE
from duli.demo.pictures import DRAWERS
from duli.inventory.models import Stock, StockMovement
from duli.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db

ZH = "zh-hans"


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.DULI_DATA_DIR = tmp_path / "data"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _names(model, language: str) -> set[str]:
    translations = model._parler_meta.root_model.objects.filter(language_code=language)
    return set(translations.values_list("name", flat=True))


@pytest.mark.django_db(transaction=False)
def test_default_demo_catalogue_defines_sixty_products_in_eight_categories():
    leaves = {c.slug for c in C.CATEGORIES if c.parent}
    assert len(C.PRODUCTS) >= 60
    assert len(leaves) >= 8
    assert {p.category for p in C.PRODUCTS} == leaves
    assert any(p.zh == "夏季碎花连衣裙" and p.en == "Summer Floral Dress" for p in C.PRODUCTS)
    assert all(p.shape in DRAWERS and set(p.colours) <= set(C.COLOURS) for p in C.PRODUCTS)
    assert len({p.en for p in C.PRODUCTS}) == len(C.PRODUCTS)
    assert len(C.COLLECTIONS) >= 3


def test_demo_data_builds_a_bilingual_shop():
    _run("demo_data", "--small", "--seed", "3")

    expected = demo_products(small=True)
    assert Product.objects.count() == len(expected) >= 8
    assert Category.objects.count() >= 8
    assert Category.objects.filter(parent__isnull=False).count() >= 8
    assert {"夏季碎花连衣裙", "连衣裙", "首饰"} <= _names(Product, ZH) | _names(Category, ZH)
    assert "Summer Floral Dress" in _names(Product, "en")
    # Every product is translated into both languages.
    assert not Product.objects.exclude(translations__language_code=ZH).exists()
    assert not Product.objects.exclude(translations__language_code="en").exists()
    assert ProductVariant.objects.count() > 4 * Product.objects.count()
    assert ProductVariant.objects.filter(compare_at_amount__gt=0).exists()
    # Pictures: 1–3 per product, every one stored with its renditions.
    per_product = Product.objects.annotate(n=Count("images")).values_list("n", flat=True)
    assert set(per_product) <= {1, 2, 3} and min(per_product) >= 1
    assert not ProductImage.objects.filter(renditions__isnull=True).exists()
    image = ProductImage.objects.first()
    assert (image.width, image.height) == (1200, 1200)
    assert default_storage.exists(image.image.name)
    assert default_storage.exists(ImageRendition.objects.first().file.name)
    assert ProductVariant.objects.filter(image__isnull=False).exists()
    # Stock: some sold out, some running low, none untracked.
    assert Stock.objects.count() == ProductVariant.objects.count()
    assert Stock.objects.filter(on_hand=0).exists()
    assert Stock.objects.filter(on_hand__gt=0, on_hand__lte=LOW_STOCK_THRESHOLD).exists()
    assert Product.objects.filter(sold_count__gt=0).exists()
    # Home page: featured collections named in Chinese too.
    featured = Collection.objects.filter(featured_on_home=True)
    assert featured.count() >= 3
    assert {"新品上市", "夏季特卖", "热销榜"} <= _names(Collection, ZH)
    assert not featured.annotate(n=Count("products")).filter(n=0).exists()


def test_the_demo_takes_cards_through_test_pay():
    from duli.payments.selectors import payment_methods_available

    _run("demo_data", "--small", "--seed", "3")

    assert "testpay" in [m.provider for m in payment_methods_available(currency="USD")]


def test_demo_settings_are_bilingual_with_pictures_and_policies():
    demo_settings_apply()

    shop = ShopSettings.objects.get(pk=1)
    assert shop.safe_translation_getter("name", language_code="en") == "Duli Demo Shop"
    assert shop.safe_translation_getter("name", language_code=ZH) == "独立示范店"
    for field in (
        "hero_title",
        "hero_text",
        "hero_link_url",
        "shipping_policy",
        "privacy_policy",
        "terms",
    ):
        assert shop.safe_translation_getter(field, language_code="en")
        assert shop.safe_translation_getter(field, language_code=ZH)
    assert "14" in shop.safe_translation_getter("returns_policy", language_code=ZH)
    assert default_storage.exists(shop.logo.name) and default_storage.exists(shop.hero_image.name)
    assert shop.alert_email and shop.primary_color.startswith("#")


def test_synthetic_catalogue_of_n_products():
    out = _run("demo_data", "--products", "500", "--seed", "7")

    assert "500 synthetic products" in out
    assert Product.objects.count() == 500
    assert not Product.objects.exclude(translations__language_code=ZH).exists()
    assert not Product.objects.exclude(translations__language_code="en").exists()
    assert not Product.objects.filter(variants__isnull=True).exists()
    assert not Product.objects.filter(category__isnull=True).exists()
    assert not Product.objects.filter(tags__isnull=True).exists()
    # The price summary is what product_summary_refresh would store.
    mismatched = Product.objects.annotate(
        lo=Min("variants__price_amount"), hi=Max("variants__price_amount")
    ).exclude(Q(min_price_amount=F("lo")) & Q(max_price_amount=F("hi")))
    assert not mismatched.exists()
    # Products with several variants tell them apart by a size option value.
    multi = Product.objects.annotate(n=Count("variants")).filter(n__gt=1)
    assert multi.exists()
    assert not ProductVariant.objects.filter(product__in=multi, option_values__isnull=True).exists()
    # One stock row per variant and a receipt in the ledger for every one with units.
    assert Stock.objects.count() == ProductVariant.objects.count()
    assert StockMovement.objects.count() == Stock.objects.filter(on_hand__gt=0).count()
    assert Stock.objects.filter(on_hand=0).exists()
    assert not ProductImage.objects.exists()


def test_products_made_after_a_synthetic_catalogue_get_fresh_ids():
    _run("demo_data", "--products", "30")

    product = ProductFactory()

    assert product.pk > Product.objects.exclude(pk=product.pk).aggregate(m=Max("pk"))["m"]
    assert product.variants.first().price_amount == Decimal("10.00")


def test_synthetic_catalogue_is_searchable():
    search = pytest.importorskip("duli.catalog.search")
    _run("demo_data", "--products", "40")
    product = Product.objects.order_by("pk").last()
    name = product.safe_translation_getter("name", language_code=ZH)

    result = search.catalog_search(query=name, language=ZH, per_page=100)

    assert product.pk in result.product_ids


def test_demo_data_twice_does_not_duplicate():
    _run("demo_data", "--products", "25")
    counts = (Product.objects.count(), ProductVariant.objects.count(), Category.objects.count())

    out = _run("demo_data")

    assert "already has products" in out
    assert (
        Product.objects.count(),
        ProductVariant.objects.count(),
        Category.objects.count(),
    ) == counts


def test_demo_data_reset_replaces_the_catalogue():
    _run("demo_data", "--products", "25")

    _run("demo_data", "--reset", "--products", "10")

    assert Product.objects.count() == 10
    assert Category.objects.count() == len(C.CATEGORIES)


def test_demo_command_no_serve_creates_staff_login(settings):
    out = _run("demo", "--no-serve", "--small")

    password_file = settings.DULI_DATA_DIR / PASSWORD_FILE
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser and admin.check_password(password)
    assert password in out and "/dashboard/" in out
    assert Product.objects.count() == len(demo_products(small=True))


def test_demo_command_keeps_the_password_and_the_catalogue(settings):
    ProductFactory()
    first = _run("demo", "--no-serve")

    second = _run("demo", "--no-serve")

    password = (settings.DULI_DATA_DIR / PASSWORD_FILE).read_text().strip()
    assert password in first and password in second
    assert "already has products" in second
    assert Product.objects.count() == 1
    assert User.objects.get(email=ADMIN_EMAIL).check_password(password)
