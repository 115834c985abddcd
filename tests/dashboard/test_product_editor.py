import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from duli.catalog.models import Brand, Product, ProductImage, ProductStatus, ProductVariant
from duli.inventory.models import Stock, StockMovement
from duli.testing.factories import (
    CategoryFactory,
    ProductFactory,
    VariantFactory,
    option_with_values,
)

from .conftest import editor_values

pytestmark = pytest.mark.django_db


def _translation(product, language):
    return product.translations.get(language_code=language)


def test_create_product_with_two_languages(staff_client, staff):
    category = CategoryFactory(name="Shirts")
    data = editor_values(staff_client, reverse("dashboard:product_create"))
    data.update(
        {
            "name_en": "Linen shirt",
            "description_en": "<p>Cool <strong>linen</strong>.</p><script>alert(1)</script>",
            "seo_title_en": "Linen shirt for summer",
            "name_zh_hans": "亚麻衬衫",
            "description_zh_hans": "<p>凉爽的亚麻。</p>",
            "seo_description_zh_hans": "夏天的亚麻衬衫",
            "status": "active",
            "brand": "Ridge & Co",
            "category": str(category.pk),
            "tags": "summer, linen",
            "model_number": "LS-1",
            "variants-0-sku": "LS-1-M",
            "variants-0-price": "49.90",
            "variants-0-on_hand": "7",
        }
    )
    response = staff_client.post(reverse("dashboard:product_create"), data)
    assert response.status_code == 302, response.context and response.context["editor"].form.errors

    product = Product.objects.get()
    assert response["Location"] == reverse("dashboard:product_edit", args=[product.pk])
    assert product.slug == "linen-shirt"
    assert product.status == ProductStatus.ACTIVE
    assert product.category == category
    assert product.brand == Brand.objects.get(name="Ridge & Co")
    assert sorted(t.name for t in product.tags.all()) == ["linen", "summer"]
    en, zh = _translation(product, "en"), _translation(product, "zh-hans")
    assert en.name == "Linen shirt"
    assert en.description == "<p>Cool <strong>linen</strong>.</p>"  # script dropped on save
    assert en.seo_title == "Linen shirt for summer"
    assert zh.name == "亚麻衬衫"
    assert zh.seo_description == "夏天的亚麻衬衫"
    variant = ProductVariant.objects.get(product=product)
    assert (variant.sku, variant.price_amount) == ("LS-1-M", Decimal("49.90"))
    assert Stock.objects.get(variant=variant).on_hand == 7
    assert StockMovement.objects.get().reason == "Edited in product editor"


def test_create_product_needs_an_english_name(staff_client):
    data = editor_values(staff_client, reverse("dashboard:product_create"))
    data["name_zh_hans"] = "亚麻衬衫"
    response = staff_client.post(reverse("dashboard:product_create"), data)
    assert response.status_code == 200
    assert response.context["editor"].form.errors["name_en"]
    assert Product.objects.count() == 0


def test_edit_product_keeps_input_on_error(staff_client):
    ProductFactory(slug="taken", name="Other", variants=0)
    VariantFactory(sku="TAKEN-SKU")
    product = ProductFactory(slug="mine", name="Mine", variants=1, variants__price=Decimal("10"))
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data.update({"name_en": "Renamed", "variants-0-sku": "taken-sku", "variants-0-price": "12"})

    response = staff_client.post(url, data)

    assert response.status_code == 200
    form = response.context["editor"].variants.forms[0]
    assert "already used" in form.errors["sku"][0]
    html = response.content.decode()
    assert 'value="Renamed"' in html and 'value="taken-sku"' in html
    fresh = Product.objects.get(pk=product.pk)
    assert _translation(fresh, "en").name == "Mine"
    assert str(Product.objects.prefetch_related("translations").get(pk=product.pk)) == "Mine"
    variant = fresh.variants.get()
    assert (variant.sku, variant.price_amount) == ("MINE-0", Decimal("10"))


def test_edit_product_with_a_taken_slug_shows_it_on_the_slug(staff_client):
    ProductFactory(slug="taken")
    product = ProductFactory(slug="mine")
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data["slug"] = "taken"
    response = staff_client.post(url, data)
    assert "already used" in response.context["editor"].form.errors["slug"][0]
    assert Product.objects.get(pk=product.pk).slug == "mine"


def test_variant_grid_updates_price_and_stock(staff_client, staff):
    product = ProductFactory(variants=0)
    variant = VariantFactory(product=product, sku="V-1", price_amount=Decimal("10"), stock=4)
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    assert data["variants-0-on_hand"] == "4"
    data.update(
        {"variants-0-price": "12.50", "variants-0-compare_at": "15", "variants-0-on_hand": "9"}
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.price_amount, variant.compare_at_amount) == (Decimal("12.50"), Decimal("15"))
    assert Stock.objects.get(variant=variant).on_hand == 9
    movement = StockMovement.objects.get()
    assert (movement.on_hand_delta, movement.reason, movement.actor) == (
        5,
        "Edited in product editor",
        staff,
    )
    assert Product.objects.get(pk=product.pk).min_price_amount == Decimal("12.50")


def test_untouched_stock_writes_no_ledger_row(staff_client):
    product = ProductFactory(variants=1, variants__stock=4)
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data["variants-0-price"] = "11"
    assert staff_client.post(url, data).status_code == 302
    assert StockMovement.objects.count() == 0


def test_options_generate_variants(staff_client):
    product = ProductFactory(slug="tee", variants=0)
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data.update(
        {
            "options-0-code": "size",
            "options-0-name_en": "Size",
            "options-0-name_zh_hans": "尺码",
            "options-0-values_en": "S, M",
            "options-0-values_zh_hans": "小, 中",
            "generate_price": "20",
            "action": "generate",
        }
    )
    assert staff_client.post(url, data).status_code == 302
    assert sorted(product.variants.values_list("sku", flat=True)) == ["TEE-M", "TEE-S"]
    assert product.options.get().values.count() == 2


def test_specs_rows_are_saved_in_both_languages(staff_client):
    product = ProductFactory()
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data.update(
        {
            "specs-0-name_en": "Material",
            "specs-0-value_en": "Linen",
            "specs-0-name_zh_hans": "材质",
            "specs-0-value_zh_hans": "亚麻",
        }
    )
    assert staff_client.post(url, data).status_code == 302
    spec = product.specs.get()
    assert spec.translations.get(language_code="zh-hans").value == "亚麻"


def _png(name, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_image_upload_and_reorder(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory()
    upload = reverse("dashboard:product_images_upload", args=[product.pk])
    response = staff_client.post(
        upload,
        {
            "images-images": [_png("red.png", "red"), _png("blue.png", "blue")],
            "images-alt": "Shirt",
        },
    )
    assert response.status_code == 302
    first, second = ProductImage.objects.filter(product=product).order_by("position", "id")
    assert (first.alt, first.width) == ("Shirt", 8)
    assert (tmp_path / first.image.name).exists()

    reorder = reverse("dashboard:product_images_reorder", args=[product.pk])
    response = staff_client.post(
        reorder, {"order": f"{second.pk},{first.pk}"}, headers={"Accept": "application/json"}
    )
    assert response.json() == {"order": [second.pk, first.pk]}
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]

    staff_client.post(reorder, {"image": second.pk, "direction": "down"})  # the keyboard buttons
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_upload_of_a_non_image_is_refused(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory()
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = staff_client.post(
        reverse("dashboard:product_images_upload", args=[product.pk]),
        {"images-images": [fake]},
        follow=True,
    )
    assert ProductImage.objects.count() == 0
    assert "image" in response.content.decode().lower()


def test_image_alt_edit_and_delete(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory()
    staff_client.post(
        reverse("dashboard:product_images_upload", args=[product.pk]),
        {"images-images": [_png("a.png", "red")]},
    )
    image = ProductImage.objects.get()
    staff_client.post(
        reverse("dashboard:product_image_update", args=[product.pk, image.pk]), {"alt": "Front"}
    )
    assert ProductImage.objects.get().alt == "Front"
    staff_client.post(reverse("dashboard:product_image_delete", args=[product.pk, image.pk]))
    assert ProductImage.objects.count() == 0


def test_editor_shows_option_values_on_variant_rows(staff_client):
    product = ProductFactory(variants=0)
    (m,) = option_with_values(product, "size", "Size", ["M"])
    variant = VariantFactory(product=product)
    variant.option_values.set([m])
    response = staff_client.get(reverse("dashboard:product_edit", args=[product.pk]))
    assert response.context["editor"].variants.forms[0].label == "M"
