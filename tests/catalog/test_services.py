from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from duli.catalog.errors import CategoryCycle, InvalidImage, SkuTaken, SlugTaken
from duli.catalog.models import Category, Product, ProductVariant
from duli.catalog.services import (
    OptionInput,
    ProductInput,
    VariantInput,
    category_create,
    category_update,
    product_create,
    product_image_add,
    product_images_reorder,
    product_options_set,
    product_update,
    products_set_status,
    variant_save,
    variants_generate,
)
from duli.core.errors import InvalidInput
from duli.core.selectors import shop_settings_get
from duli.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _png(width: int = 800, height: int = 600) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_product_create_stores_both_languages_and_sanitises_description():
    product = product_create(
        data=ProductInput(
            translations={
                "en": {
                    "name": "Linen shirt",
                    "description": "<p>Soft</p><script>alert(1)</script>",
                },
                "zh-hans": {"name": "亚麻衬衫"},
            },
            tag_names=["summer", "linen"],
            brand_name="Hemp & Co",
        )
    )
    product = Product.objects.get(pk=product.pk)
    assert product.slug == "linen-shirt"
    assert product.safe_translation_getter("description", language_code="en") == "<p>Soft</p>"
    product.set_current_language("zh-hans")
    assert product.name == "亚麻衬衫"
    assert sorted(product.tags.values_list("name", flat=True)) == ["linen", "summer"]
    assert product.brand.name == "Hemp & Co"


def test_product_create_without_name_is_refused():
    with pytest.raises(InvalidInput, match="needs a name"):
        product_create(data=ProductInput(translations={"en": {"name": "  "}}))
    assert Product.objects.count() == 0


def test_product_slug_clash_on_update_is_refused_and_changes_nothing():
    a = ProductFactory(slug="a")
    ProductFactory(slug="b")
    with pytest.raises(SlugTaken):
        product_update(
            product_id=a.pk, data=ProductInput(translations={"en": {"name": "A2"}}, slug="b")
        )
    a.refresh_from_db()
    assert a.slug == "a"
    assert a.safe_translation_getter("name", language_code="en") != "A2"


def test_catalogue_write_bumps_the_page_cache_version():
    before = shop_settings_get().catalog_version
    ProductFactory()
    assert shop_settings_get().catalog_version > before


def test_category_paths_follow_moves():
    top = category_create(names={"en": "Clothing"})
    women = category_create(names={"en": "Women"}, parent=top)
    dresses = category_create(names={"en": "Dresses"}, parent=women)
    other = category_create(names={"en": "Sale"})
    category_update(category_id=women.pk, parent_id=other.pk)
    dresses.refresh_from_db()
    assert dresses.path.startswith(other.path)
    assert dresses.depth == 2
    assert set(Category.objects.filter(path__startswith=other.path)) == {other, women, dresses}


def test_category_cannot_move_into_its_own_subtree():
    top = category_create(names={"en": "Clothing"})
    child = category_create(names={"en": "Women"}, parent=top)
    with pytest.raises(CategoryCycle):
        category_update(category_id=top.pk, parent_id=child.pk)


def test_variants_generate_makes_every_combination_once():
    product = ProductFactory(variants=0)
    product_options_set(
        product_id=product.pk,
        options=[
            OptionInput(
                "size", {"en": "Size"}, [{"code": "s", "en": "S"}, {"code": "m", "en": "M"}]
            ),
            OptionInput(
                "color", {"en": "Colour", "zh-hans": "颜色"}, [{"code": "blue", "en": "Blue"}]
            ),
        ],
    )
    made = variants_generate(product_id=product.pk, price=Decimal("25.00"))
    again = variants_generate(product_id=product.pk, price=Decimal("25.00"))
    assert len(made) == 2 and again == []
    assert set(ProductVariant.objects.filter(product=product).values_list("sku", flat=True)) == {
        f"{product.slug.upper()}-S-BLUE",
        f"{product.slug.upper()}-M-BLUE",
    }
    product.refresh_from_db()
    assert product.min_price_amount == Decimal("25.00")


def test_duplicate_sku_is_refused_with_its_name():
    product = ProductFactory(variants=0)
    variant_save(product_id=product.pk, data=VariantInput(sku="ABC-1", price=Decimal(5)))
    with pytest.raises(SkuTaken, match=r"(?i)abc-1"):
        variant_save(product_id=product.pk, data=VariantInput(sku="abc-1", price=Decimal(6)))
    assert ProductVariant.objects.count() == 1


def test_negative_price_is_refused():
    product = ProductFactory(variants=0)
    with pytest.raises(InvalidInput, match="negative"):
        variant_save(product_id=product.pk, data=VariantInput(sku="X", price=Decimal(-1)))


def test_image_upload_makes_webp_renditions(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    product = ProductFactory()
    with pytest.raises(InvalidImage):
        product_image_add(product_id=product.pk, file=SimpleUploadedFile("x.jpg", b"not an image"))
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product_id=product.pk, file=_png(), alt="Front")
    widths = list(image.renditions.values_list("width", flat=True))
    assert widths == [320, 640]  # never upscaled past the 800px original
    with Image.open(image.renditions.get(width=640).file.path) as webp:
        assert webp.format == "WEBP" and webp.width == 640


def test_images_reorder_sets_the_main_image(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    product = ProductFactory()
    first = product_image_add(product_id=product.pk, file=_png())
    second = product_image_add(product_id=product.pk, file=_png())
    product_images_reorder(product_id=product.pk, image_ids=[second.pk, first.pk])
    assert list(product.images.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_bulk_status_change_publishes_products():
    drafts = [ProductFactory(status="draft") for _ in range(3)]
    assert products_set_status(product_ids=[p.pk for p in drafts], status="active") == 3
    assert Product.objects.filter(status="active").count() == 3


def test_slug_taken_between_check_and_save_is_a_readable_refusal():
    """A double submit: the other request saved the same slug after our check passed."""
    from duli.catalog.services import _save_unique

    ProductFactory(slug="linen-shirt")
    late = Product(slug="linen-shirt")
    with pytest.raises(SlugTaken, match="linen-shirt"):
        _save_unique(late, kind="product")
    assert Product.objects.count() == 1
